"""Catalog search: find items by title, creator or genre while a person types.

Real full-text search on both databases (the indexes come from the catalog-search migration,
see slice_of_culture/search_schema.py):

- SQLite: FTS5 `item_search`, accent-insensitive, ranked by bm25 (title weighs most). Titles
  holding every word are ranked first, matches in any column only when those are too few. bm25
  costs about a microsecond a row, so a query matching more than MAX_RANKED rows ranks only the
  newest of them; titles equal to the query are fetched on their own and never cut.
- PostgreSQL: a weighted tsvector of accent-folded text (`search_fold`), stored with each item
  (`item.search_document`), ranked by ts_rank plus
  pg_trgm word similarity of the title and creator. Only CANDIDATE_CAP matches are ranked, so
  titles equal to the query are looked up on their own (`search_title_key`, a b-tree probe).

Every query word is matched as a prefix ("dun" finds Dune). User text never reaches the query
language: it is split into words here and each word is quoted, so quotes, `*`, AND/OR/NOT, NEAR,
parentheses, colons and markup are just text. When nothing matches, a bounded spelling fallback
runs over the words that say something (STOP_WORDS and one-letter words are left out of it,
unless there is nothing else: "Klara and the Sin" must not turn into every title with "the"):
each word is corrected against the index vocabulary (one or two edits, swapped neighbours
included: "dnue" → dune, "Herbret" → herbert; FTS5's vocabulary on SQLite, `search_word` on
PostgreSQL). If that finds nothing either, PostgreSQL matches titles and creators by trigram
word similarity (a wrong first letter, words run together). The engine picks a window of
candidates; the final order puts titles equal to the query first, then titles starting with it
(each group most logged first), then titles containing every word, then the engine's order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Row, TextClause, bindparam, text
from sqlmodel import Session, select

from slice_of_culture.models import ITEM_KINDS, Item
from slice_of_culture.search_schema import DOCUMENT_COLUMN, FTS_DOCSIZE_TABLE, FTS_VOCAB_TABLE, VOCABULARY_TABLE
from slice_of_culture.services.errors import ValidationError
from slice_of_culture.text import fold

# Longer queries are cut to this many characters before anything else.
MAX_QUERY = 200
# Words beyond this are ignored: keeps the generated MATCH / tsquery small.
MAX_WORDS = 8
# A title longer than this many words is never taken for the exact query (it is still found).
MAX_PHRASE_WORDS = 30
# Results a caller may ask for at most.
MAX_LIMIT = 100
# Candidates fetched from the engine before the final re-ranking: a few pages' worth.
MIN_WINDOW = 60
MAX_WINDOW = 300
# bm25 column weights on SQLite (title, creator, genres): a title match counts most.
BM25_WEIGHTS = (10.0, 4.0, 1.0)
# SQLite: matches ranked by bm25 at most, the newest ones (see sqlite_search_statement).
MAX_RANKED = 1000
# pg_trgm word similarity a title or creator needs to count as a typo match (default 0.6 misses
# "herbret" → "herbert", 0.5).
WORD_SIMILARITY_THRESHOLD = 0.4
# Query text shorter than this does not use trigrams: one or two letters match almost everything.
MIN_TRIGRAM_QUERY = 3
# PostgreSQL rows ranked at most per way of matching (see postgres_search_statement).
CANDIDATE_CAP = 200
# Spelling correction on SQLite: corrections kept per word.
MAX_CORRECTIONS = 8
# Words too common to find anything by themselves, left out of the any-word fallback (English and
# the articles and conjunctions of a few languages whose titles the catalog holds often). A query
# of these only still finds titles holding all of them ("The The", "Of Mice and Men" by "of and").
STOP_WORDS = frozenset(
    "a an and are as at be by for from in is it its of on or the to with "
    "de del der des die das du el en et la las le les los und un une y".split()
)

# The columns of a hit, as PostgreSQL's statements return them.
PG_SHOWN = "item.id, item.kind, item.title, item.creator, item.year, item.genres, item.image_url"
# PostgreSQL's weighted tsvector of folded title (A), creator (B) and genres (C): a stored
# generated column, so neither the index recheck nor ts_rank recomputes it.
PG_DOCUMENT = DOCUMENT_COLUMN


@dataclass(frozen=True)
class ItemHit:
    """One search result: what the "Log something" picker shows for an item."""

    item_id: int
    kind: str
    title: str
    creator: str
    year: str
    genres: list[str]
    image_url: str


def search_items(*, session: Session, query: str, kind: str | None = None, limit: int = 20) -> list[ItemHit]:
    """Items matching `query` by title, creator or genre, best first.

    `kind` is "movie", "book" or "music"; None or "" searches every kind, anything else raises
    ValidationError. An empty query gives no results; a query over MAX_QUERY characters is cut.
    Any text is accepted: nothing typed is interpreted as search syntax.
    """
    if kind is not None and kind != "" and kind not in ITEM_KINDS:
        raise ValidationError({"kind": "Choose movie, book or music."})
    limit = min(limit, MAX_LIMIT)
    query = query if isinstance(query, str) else ""
    words = query_words(query)
    if not words or limit < 1:
        return []
    phrase = query_phrase(query)
    kind = kind or None
    window = min(max(limit * 3, MIN_WINDOW), MAX_WINDOW)
    if session.get_bind().dialect.name == "postgresql":
        rows = _postgres_candidates(session=session, words=words, phrase=phrase, kind=kind, window=window)
    else:
        ids = _sqlite_candidates(session=session, words=words, phrase=phrase, kind=kind, window=window)
        rows = _shown_columns(session=session, ids=ids)
    return _rank(session=session, rows=rows, words=words, phrase=phrase)[:limit]


def query_words(query: str) -> list[str]:
    """The distinct lower-case words of a query (see `words_of`), at most MAX_WORDS: what
    a title, creator or genre must hold."""
    return list(dict.fromkeys(_all_words(query)))[:MAX_WORDS]


def query_phrase(query: str) -> list[str]:
    """The lower-case words of a query in order, repeats kept ("Night Night" is not "Night"):
    what a title equal to the query has. Empty when longer than MAX_PHRASE_WORDS."""
    phrase = _all_words(query)
    return phrase if len(phrase) <= MAX_PHRASE_WORDS else []


def _all_words(query: str) -> list[str]:
    # A word of combining marks only has nothing left to match once accents are folded.
    return [word for word in words_of(query[:MAX_QUERY]) if fold(word)]


def fallback_words(words: list[str]) -> list[str]:
    """The words the any-word fallback matches: `words` without stop words and one-letter words,
    or all of them when nothing else is left. Each of these finds items by itself there."""
    return [w for w in words if len(w) > 1 and fold(w) not in STOP_WORDS] or words


# ASCII letters and digits are its only letters, digits and marks.
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def words_of(value: str) -> list[str]:
    """The lower-case words of `value`: runs of letters, digits and combining marks.

    Everything else (spaces, punctuation, symbols, emoji, control characters) separates words,
    as in the FTS5 unicode61 tokenizer, so no search operator survives.
    """
    if value.isascii():
        # The same split, without a category lookup per character (most titles are ASCII).
        return _ASCII_WORD.findall(value.lower())
    words: list[str] = []
    current: list[str] = []
    for ch in unicodedata.normalize("NFC", value).lower() + " ":
        category = unicodedata.category(ch)
        if category[0] in "LNM" or category == "Co":
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    return words


# --- SQLite --------------------------------------------------------------------------------


def sqlite_search_statement(*, kind: str | None, window: int) -> TextClause:
    """The FTS5 query: matches of `:match`, best bm25 first (lower is better).

    bm25 is computed for every row it orders (about a microsecond each), so a query matching
    more than MAX_RANKED rows (or `window`, if larger) ranks only the newest of them: the
    subquery finds the rowid where they start by walking the matches backwards, which FTS5 does
    without ranking.
    """
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    if kind:
        # `item` is joined only to filter by kind: every row of the index is an item.
        matches = (
            "item_search JOIN item ON item.id = item_search.rowid WHERE item_search MATCH :match AND item.kind = :kind"
        )
        newest = (
            "item_search AS newest JOIN item AS newest_item ON newest_item.id = newest.rowid "
            "WHERE newest.item_search MATCH :match AND newest_item.kind = :kind"
        )
    else:
        matches = "item_search WHERE item_search MATCH :match"
        newest = "item_search AS newest WHERE newest.item_search MATCH :match"
    ranked = max(MAX_RANKED, window)
    start = f"SELECT newest.rowid FROM {newest} ORDER BY newest.rowid DESC LIMIT 1 OFFSET {ranked - 1}"
    return text(
        f"SELECT item_search.rowid FROM {matches} AND item_search.rowid >= coalesce(({start}), 0) "
        f"ORDER BY bm25(item_search, {weights}), item_search.rowid LIMIT {int(window)}"
    )


def sqlite_exact_title_statement(*, kind: str | None, window: int) -> TextClause:
    """Items whose title is exactly the phrase `:match` (anchored at the title's start) and has
    `:title_words` tokens, best bm25 first; no MAX_RANKED cut, so an exact title is never missed.

    FTS5 keeps each row's token count per column in `item_search_docsize.sz`, one varint per
    column with the title first; a count below 128 is a single byte, so the first byte of `sz`
    is the number of words in the title (MAX_PHRASE_WORDS keeps `:title_words` below 128).
    """
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    kind_join, kind_filter = ("JOIN item ON item.id = item_search.rowid", "AND item.kind = :kind") if kind else ("", "")
    return text(
        f"SELECT item_search.rowid FROM item_search "
        f"JOIN {FTS_DOCSIZE_TABLE} AS size ON size.id = item_search.rowid {kind_join} "
        f"WHERE item_search MATCH :match AND substr(size.sz, 1, 1) = :title_words {kind_filter} "
        f"ORDER BY bm25(item_search, {weights}), item_search.rowid LIMIT {int(window)}"
    )


def _fts_string(word: str) -> str:
    # An FTS5 string: only a double quote is special inside it (words never hold one).
    return '"' + word.replace('"', '""') + '"'


def _sqlite_candidates(
    *, session: Session, words: list[str], phrase: list[str], kind: str | None, window: int
) -> list[int]:
    statement = sqlite_search_statement(kind=kind, window=window)
    params: dict[str, object] = {"kind": kind} if kind else {}

    def ranked(match: str) -> list[int]:
        return list(session.execute(statement, {**params, "match": match}).scalars())

    # Every word, each as a prefix. In the title first: a word common in creators or genres
    # must not fill the ranked matches with items whose title lacks it.
    every_word = " AND ".join(_fts_string(w) + "*" for w in words)
    ids = ranked(f"{{title}} : ({every_word})")
    if len(ids) == window and phrase:
        # There may be more titles. Those that are the query itself come first in the final
        # order: fetch them all, even when the query is too common for them to be ranked.
        exact = sqlite_exact_title_statement(kind=kind, window=window)
        match = "{title} : ^ " + " + ".join(_fts_string(w) for w in phrase)
        ids = [*session.execute(exact, {**params, "match": match, "title_words": bytes([len(phrase)])}).scalars(), *ids]
    if len(set(ids)) < window:
        # Too few titles: matches in the creator or genres too.
        ids += ranked(every_word)
    if ids:
        return list(dict.fromkeys(ids))[:window]
    # Nothing: any word, each as a prefix or as one of its spelling corrections.
    groups = []
    for word in fallback_words(words):
        alternatives = [_fts_string(word) + "*"]
        alternatives += [_fts_string(term) for term in _corrections(session=session, word=word)]
        groups.append("(" + " OR ".join(alternatives) + ")")
    return ranked(" OR ".join(groups))


def _max_edits(word: str) -> int:
    return 0 if len(word) < 3 else 1 if len(word) < 6 else 2


# The vocabulary each engine's typo fallback corrects against, one range of first letters at a
# time: FTS5's own (with how many items hold each term) and PostgreSQL's `search_word`.
_VOCABULARY = {
    "sqlite": text(
        f"SELECT term, doc FROM {FTS_VOCAB_TABLE} "
        "WHERE term >= :low AND term < :high AND length(term) BETWEEN :shortest AND :longest"
    ),
    "postgresql": text(
        f"SELECT word, 0 FROM {VOCABULARY_TABLE} "
        "WHERE word >= :low AND word < :high AND length(word) BETWEEN :shortest AND :longest"
    ),
}


def _corrections(*, session: Session, word: str) -> list[str]:
    """Index terms within one or two edits of `word` (few: terms of about the same length
    that start with its first or second letter, which also covers those two swapped); the
    closest first, then the most common."""
    word = fold(word)
    edits = _max_edits(word)
    if not edits:
        return []
    vocabulary = _VOCABULARY[session.get_bind().dialect.name]
    found: dict[str, tuple[int, int, str]] = {}
    for first in dict.fromkeys(word[:2]):
        if ord(first) >= 0x10FFFF:
            continue
        rows = session.execute(
            vocabulary,
            {"low": first, "high": chr(ord(first) + 1), "shortest": len(word) - edits, "longest": len(word) + edits},
        )
        for term, docs in rows:
            # Most terms of the range differ in several letters: a cheap bound rules them out.
            if bag_distance(word, term) > edits:
                continue
            distance = edit_distance(word, term, limit=edits)
            if distance <= edits:
                found[term] = (distance, -docs, term)
    return sorted(found, key=found.__getitem__)[:MAX_CORRECTIONS]


def bag_distance(a: str, b: str) -> int:
    """Letters of `a` missing from `b` or of `b` missing from `a` (as multisets), the larger
    count: never more than `edit_distance` (an edit changes each count by one at most, a swap
    by none), and a few `str.count` calls instead of a table of edits."""
    missing = sum(max(0, a.count(ch) - b.count(ch)) for ch in set(a))
    return max(missing, len(b) - len(a) + missing)


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, replace, swap neighbours), or
    `limit + 1` as soon as it must exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


# --- PostgreSQL ----------------------------------------------------------------------------


def postgres_search_statement(*, kind: str | None, window: int, trigrams: bool) -> TextClause:
    """The PostgreSQL query: tsvector matches of `:tsquery`, or (with `trigrams`) titles and
    creators similar to `:text`; ranked by ts_rank plus word similarity. Both parameters are
    already folded by `search_fold`.

    Each way of matching is its own index scan, cut at CANDIDATE_CAP rows before ranking: the
    indexed expressions are recomputed for every ranked row, so a very common word must not
    rank the whole catalog.
    """
    tsquery = "to_tsquery('simple', :tsquery)"
    typed = "CAST(:text AS text)"
    conditions = [f"({PG_DOCUMENT}) @@ {tsquery}"]
    if trigrams:
        # `<%` is word similarity; the gin_trgm_ops indexes serve it.
        conditions += [f"{typed} <% search_fold(title)", f"{typed} <% search_fold(creator)"]
    kind_filter = "AND kind = :kind" if kind else ""
    candidates = " UNION ".join(
        f"(SELECT id FROM item WHERE {condition} {kind_filter} LIMIT {CANDIDATE_CAP})" for condition in conditions
    )
    score = (
        f"ts_rank({PG_DOCUMENT}, {tsquery}) "
        f"+ word_similarity({typed}, search_fold(title)) "
        f"+ 0.5 * word_similarity({typed}, search_fold(creator))"
    )
    return text(
        f"SELECT {PG_SHOWN} FROM item JOIN ({candidates}) AS candidate ON candidate.id = item.id "
        f"ORDER BY {score} DESC, item.id LIMIT {int(window)}"
    )


def postgres_exact_title_statement(*, kind: str | None, window: int) -> TextClause:
    """Items whose title has the words of `:phrase` and no other, in order (accents, case and
    punctuation aside): an equality probe of ix_item_title_key, whatever else matches."""
    kind_filter = "AND kind = :kind" if kind else ""
    return text(
        f"SELECT {PG_SHOWN} FROM item WHERE search_title_key(title) = search_title_key(CAST(:phrase AS text)) "
        f"{kind_filter} ORDER BY id LIMIT {int(window)}"
    )


def _tsquery_lexeme(word: str, *, prefix: bool = True) -> str:
    # A quoted tsquery operand, by default as a prefix; quotes and backslashes escaped (words
    # hold none).
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def _postgres_candidates(
    *, session: Session, words: list[str], phrase: list[str], kind: str | None, window: int
) -> list[Row]:
    # Fold with the indexed function itself, then split again: unaccent can turn a letter into
    # punctuation ("ŉ" → "'n"), which must never reach the tsquery syntax.
    # And no sequential scans while searching (SET LOCAL, put back after): the planner guesses
    # thousands of matches for any prefix or OR of rare words, so under LIMIT a scan of the
    # stored documents looks cheaper than the GIN index, and reads all 200k rows (100 ms)
    # to find a dozen. On error the transaction's rollback undoes the setting.
    statement = text(
        "SELECT search_fold(:text), current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
    )
    folded, seqscan, _ = session.execute(statement, {"text": " ".join(words)}).one()
    rows = _postgres_matches(session=session, folded=folded, phrase=phrase, kind=kind, window=window)
    session.execute(text("SELECT set_config('enable_seqscan', :value, true)"), {"value": seqscan})
    return rows


def _postgres_matches(*, session: Session, folded: str, phrase: list[str], kind: str | None, window: int) -> list[Row]:
    words = list(dict.fromkeys(words_of(folded)))[:MAX_WORDS]
    if not words:
        return []
    params: dict[str, object] = {"text": " ".join(words), **({"kind": kind} if kind else {})}
    # Every word, each as a prefix.
    statement = postgres_search_statement(kind=kind, window=window, trigrams=False)
    tsquery = " & ".join(_tsquery_lexeme(w) for w in words)
    rows = list(session.execute(statement, {**params, "tsquery": tsquery}).all())
    if rows and phrase:
        # The ranked matches may have left out a title equal to the query (many titles repeat
        # its words): those come first in the final order, so fetch them all.
        exact = postgres_exact_title_statement(kind=kind, window=window)
        exact_params = {"phrase": " ".join(phrase), **({"kind": kind} if kind else {})}
        exact_rows = list(session.execute(exact, exact_params))
        return list({row.id: row for row in [*exact_rows, *rows]}.values())[:window]
    if rows:
        return rows
    # Nothing: any word, each as a prefix or as one of its spelling corrections (as on SQLite).
    groups = []
    for word in fallback_words(words):
        alternatives = [_tsquery_lexeme(word)]
        alternatives += [_tsquery_lexeme(term, prefix=False) for term in _corrections(session=session, word=word)]
        groups.append("(" + " | ".join(alternatives) + ")")
    tsquery = " | ".join(groups)
    rows = list(session.execute(statement, {**params, "tsquery": tsquery}).all())
    if rows or len(params["text"]) < MIN_TRIGRAM_QUERY:
        return rows
    # Still nothing: titles or creators similar to the query as a whole (a wrong first letter,
    # words run together). Slower: trigram index scans read thousands of rows.
    session.execute(
        # Local to this transaction; only the trigram operators read it.
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :threshold, true)"),
        {"threshold": str(WORD_SIMILARITY_THRESHOLD)},
    )
    statement = postgres_search_statement(kind=kind, window=window, trigrams=True)
    return list(session.execute(statement, {**params, "tsquery": tsquery}).all())


# --- Ranking -------------------------------------------------------------------------------

# Titles equal to the query or starting with it are ordered by how many public entries they have,
# counted up to this many each: enough to tell a known title from its namesakes.
POPULARITY_CAP = 50


def _title_tier(title: str, words: list[str], phrase: list[str] | None = None) -> int:
    """0: the title is the query (`phrase`, by default `words`); 1: it starts with the query;
    2: it has every word (as a prefix of one of its words); 3: the match is elsewhere (creator,
    genre, a typo)."""
    return _title_tiers(words, phrase)(title)


def _title_tiers(words: list[str], phrase: list[str] | None = None) -> Callable[[str], int]:
    """`_title_tier` for one query and many titles: the query is folded once."""
    query = " ".join(fold(w) for w in (words if phrase is None else phrase))
    folded_words = [fold(w) for w in words]

    def tier(title: str) -> int:
        title_words = [fold(w) for w in words_of(title)]
        folded_title = " ".join(title_words)
        if folded_title == query:
            return 0
        if folded_title.startswith(query):
            return 1
        if all(any(t.startswith(w) for t in title_words) for w in folded_words):
            return 2
        return 3

    return tier


def _shown_columns(*, session: Session, ids: list[int]) -> list[Row]:
    """The columns a hit shows, for `ids`, in that order."""
    if not ids:
        return []
    # Plain rows of the columns shown, not ORM objects: a third of the time of loading `Item`s.
    columns = (Item.id, Item.kind, Item.title, Item.creator, Item.year, Item.genres, Item.image_url)
    by_id = {row.id: row for row in session.execute(select(*columns).where(Item.id.in_(ids)))}
    return [by_id[item_id] for item_id in ids if item_id in by_id]


def _popularity(*, session: Session, ids: list[int]) -> dict[int, int]:
    """Public entries of each item, counted up to POPULARITY_CAP (a bounded read per item)."""
    return dict(session.execute(_POPULARITY, {"ids": ids, "cap": POPULARITY_CAP}).all())


_POPULARITY = text(
    "SELECT item.id, (SELECT count(*) FROM (SELECT 1 FROM entry WHERE entry.item_id = item.id "
    "AND entry.visibility = 'public' LIMIT :cap) AS logged) FROM item WHERE item.id IN :ids"
).bindparams(bindparam("ids", expanding=True))


def _rank(*, session: Session, rows: list[Row], words: list[str], phrase: list[str]) -> list[ItemHit]:
    """`rows` (in the engine's order) with the title tiers first. Among titles that are the query
    or start with it, the most logged first ("Dune" the famous book before a namesake nobody
    logged); otherwise (a stable sort) the engine's order."""
    tier = _title_tiers(words, phrase)
    tiers = {row.id: tier(row.title) for row in rows}
    top = [row.id for row in rows if tiers[row.id] <= 1]
    popular = _popularity(session=session, ids=top) if len(top) > 1 else {}
    ranked = sorted(rows, key=lambda item: (tiers[item.id], -popular.get(item.id, 0)))
    return [
        ItemHit(
            item_id=item.id,
            kind=item.kind,
            title=item.title,
            creator=item.creator,
            year="" if item.year is None else str(item.year),
            genres=list(item.genres or []),
            image_url=item.image_url,
        )
        for item in ranked
    ]
