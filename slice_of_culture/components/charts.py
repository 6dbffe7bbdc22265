"""Chart colours and axes. Recharts writes them as SVG attributes, where CSS variables do not work, so
they are the Radix theme's step-9 colours as plain hex."""

TOMATO = "#e54d2e"
BLUE = "#0090ff"
GRASS = "#46a758"
AMBER = "#ffc53d"
KIND_COLORS = {"movie": TOMATO, "book": BLUE, "music": GRASS}

# A count axis from 0 to the tallest bar: recharts' "nice" ticks would stretch one rating to 4.
COUNT_DOMAIN = [0, "dataMax"]
