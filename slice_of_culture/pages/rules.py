"""Community rules: what gets taken down after a report, and what people can do themselves.

The moderators' notices ("it broke the rules", "we found it within the rules") and the report
dialog link here. The rules are enforced by people reading reports (services/reports.py).
"""

from __future__ import annotations

import reflex as rx

from slice_of_culture.components import layout

RULES = (
    (
        "Be kind to people",
        "Disagree with a take as hard as you like; do not attack the person who holds it. No harassment, "
        "threats, slurs or piling on, and nothing that demeans people for who they are.",
    ),
    (
        "Warn before spoilers",
        "Say so before you give away an ending in a review, a comment or a forum. People are here to find "
        "what to watch, read and listen to next.",
    ),
    (
        "No spam, no selling",
        "No advertising, link farms, repeated messages or accounts that exist to promote something. Sharing "
        "your own work is fine where the conversation asks for it.",
    ),
    (
        "Only what is yours to share",
        "Do not post other people's private information, or pirated copies of films, books or music.",
    ),
    (
        "Nothing illegal or sexual involving minors",
        "It is removed, the account is closed, and where the law asks for it we report it.",
    ),
)


def _rule(number: int, title: str, text: str) -> rx.Component:
    return rx.box(
        rx.heading(f"{number}. {title}", size="4", as_="h2"),
        rx.text(text, margin_top="0.25rem"),
    )


def rules_page() -> rx.Component:
    return layout(
        rx.heading("Community rules", size="7", as_="h1"),
        rx.text(
            "Slice of Culture is for sharing what you watch, read and listen to, and for finding people "
            "with your taste. A few rules keep it a good place to do that.",
            size="3",
        ),
        *[_rule(n, title, text) for n, (title, text) in enumerate(RULES, start=1)],
        rx.heading("When something breaks them", size="5", as_="h2"),
        rx.text(
            "Use “Report” on the postcard, comment, forum message or profile. An admin reads every report: "
            "what breaks these rules is removed, and its author is told; repeated or serious breaches close "
            "the account, and its postcards, comments and messages go with it. Whoever reported it hears "
            "what was decided. Nobody is told who reported them, "
            "and the reasons you give stay with the admins."
        ),
        rx.heading("What you can do yourself", size="5", as_="h2"),
        rx.text(
            "Block someone from their profile: neither of you sees the other's postcards, comments or "
            "notifications any more, follows between you end, and their forum messages are folded away "
            "for you. They are not told. Unblock them in Settings at any time."
        ),
    )
