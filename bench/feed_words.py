"""Word lists for the feed benchmark's generated catalog, people and reviews.

Why hand-written: the machine has no system dictionary and the benchmark must run offline.
Real English words make titles that full-text search can stem and rank; invented place names
(built from syllables in `feed_data.py`) add the rare tokens a real catalog has.
"""

from __future__ import annotations

ADJECTIVES = """
silent broken golden hidden last little lost dark bright wild quiet secret burning frozen
distant endless empty crimson velvet silver iron paper glass stone electric northern southern
eastern western ancient modern young old new strange beautiful bitter sweet lonely lucky
cruel gentle savage tender hollow holy sacred wicked blue red green black white grey yellow
purple scarlet amber violent peaceful restless sleeping waking dying living falling rising
midnight morning evening winter summer autumn spring final first second hungry thirsty
invisible forgotten remembered borrowed stolen painted shattered wandering whispering
howling laughing weeping dancing drowning flying burning sinking shining fading
infinite tiny giant deep shallow heavy light warm cold wet dry bold brave false true
perfect imperfect open closed wooden marble neon copper crystal rusty dusty misty stormy
sunny rainy windy foggy salty sour bittersweet royal humble proud mad sane secret
""".split()

NOUNS = """
river garden house city night day road sea ocean mountain forest desert island star moon sun
sky rain storm wind fire water stone bone blood heart mind soul dream dreams shadow shadows
light lights door window mirror room kingdom empire republic machine engine clock hour year
song songs letter letters book map maps girl boy woman man child children mother father
sister brother daughter son king queen prince princess knight soldier thief witch wizard
ghost angel devil saint sinner stranger lover lovers friend friends enemy enemies hunter
orchard harbor lighthouse bridge tower castle cathedral station train ship boat plane
highway street alley market village valley canyon cliff shore beach lake pond meadow field
winter summer autumn spring morning evening midnight dawn dusk twilight silence noise
music dance dancer singer poet painter writer doctor teacher student soldier sailor pilot
wolf wolves fox bird birds crow raven dove horse tiger lion bear snake dragon whale spider
rose roses lily orchid tree trees leaf leaves root roots seed flower flowers grass
memory memories secret secrets promise promises lie lies truth war peace revolution
journey voyage return escape arrival departure exile homecoming farewell goodbye
game games rule rules law order chaos glory honor shame fortune fate luck chance
bread salt honey wine coffee tea sugar milk chocolate lemon orange cherry apple
circle square line point edge end beginning middle center border frontier horizon
echo echoes whisper whispers thunder lightning ember embers ash ashes smoke dust
paper ink pen page chapter story stories tale tales legend myth history
""".split()

# Short, so "first_last123456" stays within the 30-character username limit.
FIRST_NAMES = """
ana maria joao pedro lucia marta sofia tiago rui ines beatriz carla diego pablo elena
carmen javier lucas noah liam emma olivia ava mia zoe leo max ben sam alex chris dana
eva ida jan kai lea nina omar rosa tom una yara zane amir asha bo chen dev emi finn
gia hana ivan jade kira lars mina nora otto priya quinn ravi sana taro uma vera wei
xena yuki zara aiko bruno clara david ella felix greta hugo iris jonas karla luis
mateo nadia oscar paula rafael sara teo ursula victor wanda
""".split()

LAST_NAMES = """
silva santos costa pereira ferreira garcia lopez martin rossi bianchi muller schmidt
smith jones brown taylor wilson evans thomas roberts walker wright clarke hall wood
green baker hill moore king lee kim park chen wang li zhang liu yang huang nguyen tran
sato suzuki tanaka ito kato novak horvat kowalski nowak popescu ivanov petrov sokolov
hansen jensen nielsen larsen olsen berg lund strom dahl holm meyer weber wagner becker
schulz hoffmann koch richter klein wolf neumann braun zimmer kruger lange frank bauer
diaz torres ramirez flores rivera gomez morales ortiz castro vargas reyes cruz mendes
rocha alves gomes ribeiro carvalho almeida lima sousa dias moreira nunes vieira
""".split()

# Syllables for invented place and character names ("Valdoria", "Orkesh").
SYLLABLES = """
al an ar as ba bel bor ca cor da del dor el en er es fa fal gar hal is ka kar kel
la lor lun ma mar mer mor na nor or os ra ran ri ro sa sel sor ta tar tel tor ul
va val ven vor wyn xa ya zar zel
""".split()

GENRES = {
    "movie": "drama comedy thriller horror romance action adventure documentary animation crime "
    "fantasy science-fiction mystery western musical war noir biography family".split(),
    "book": "fiction literary-fiction fantasy science-fiction mystery thriller romance history "
    "biography poetry essays horror classics young-adult philosophy memoir travel crime".split(),
    "music": "rock pop jazz classical electronic ambient folk hip-hop soul funk metal punk "
    "blues country reggae indie techno house r&b soundtrack".split(),
}

# Review vocabulary: short sentences assembled from these parts read as plausible reviews.
REVIEW_OPENERS = [
    "Loved it",
    "Not for me",
    "A slow start but",
    "Honestly",
    "I did not expect",
    "Second time through and",
    "My friend recommended this and",
    "Hard to put down",
    "Beautifully made",
    "Too long, yet",
    "Could not stop thinking about it",
    "Mixed feelings",
]
REVIEW_MIDDLES = [
    "the ending hit hard",
    "the characters felt real",
    "the pacing dragged in the middle",
    "the score carries every scene",
    "the prose is sharp and funny",
    "every track flows into the next",
    "the world building is dense",
    "it says a lot about memory and loss",
    "the dialogue sparkles",
    "some parts felt rushed",
    "it rewards patience",
    "the production is warm and close",
]
REVIEW_CLOSERS = [
    "Would recommend.",
    "Will revisit.",
    "Three stars from me.",
    "A new favourite.",
    "Glad I finally got to it.",
    "Not sure it holds up.",
    "Stayed with me for days.",
    "Worth it for the last act.",
]
