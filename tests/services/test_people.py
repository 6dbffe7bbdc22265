"""Finding people by name, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlmodel import Session

from slice_of_culture.search_schema import PEOPLE_NAME_WORDS_INDEX, PEOPLE_TRIGRAM_INDEX, PEOPLE_USERNAME_PREFIX_INDEX
from slice_of_culture.services import blocks, people, social
from slice_of_culture.services.people import find_people
from tests.utils.factories import make_user

XSS = "<img src=x onerror=alert(1)>"


def _names(found: list[people.FoundPerson]) -> list[str]:
    return [p.username for p in found]


@pytest.fixture
def community(session: Session) -> dict[str, object]:
    users = {
        "maria": make_user(session, "maria", display_name="María López"),
        "mariano": make_user(session, "mariano", display_name="Mariano"),
        "ana_maria": make_user(session, "ana_maria", display_name="Ana"),
        "lopez_fan": make_user(session, "lopez_fan", display_name="Big Fan"),
        "zoe": make_user(session, "zoe", display_name="Zoé Ómara"),
        "xss": make_user(session, "xss", display_name=XSS),
    }
    session.commit()
    return users


def test_the_username_itself_comes_first_then_prefixes_then_names(session: Session, community) -> None:
    assert _names(find_people(session=session, query="maria")) == ["maria", "mariano", "ana_maria"]
    # "@" is how people write a username; case does not matter.
    assert _names(find_people(session=session, query="  @MARIA ")) == ["maria", "mariano", "ana_maria"]


def test_display_names_match_without_accents_or_case(session: Session, community) -> None:
    # A word of the display name starting with the query outranks a match inside a username.
    assert _names(find_people(session=session, query="lopez")) == ["lopez_fan", "maria"]
    assert _names(find_people(session=session, query="LÓPEZ")) == ["lopez_fan", "maria"]
    assert _names(find_people(session=session, query="zoe omara")) == ["zoe"]
    assert _names(find_people(session=session, query="omar")) == ["zoe"]
    assert _names(find_people(session=session, query="ara")) == ["zoe"]


def test_among_equals_the_most_followed_first(session: Session, community) -> None:
    fans = [make_user(session, f"fan{n}") for n in range(3)]
    for fan in fans:
        social.follow(session=session, follower=fan, followee_id=community["mariano"].id)
    session.commit()
    found = find_people(session=session, query="mari")
    # Both usernames start with "mari"; ana_maria only holds it.
    assert _names(found) == ["mariano", "maria", "ana_maria"]
    assert [p.followers for p in found] == [3, 0, 0]
    # Counted as Mariano's profile counts them for each viewer: a closed account and, for the
    # one who blocked them, a blocked fan are left out.
    fans[0].is_active = False
    session.add(fans[0])
    blocks.block(session=session, blocker=community["zoe"], blocked_id=fans[1].id)
    session.commit()
    assert [p.followers for p in find_people(session=session, query="mariano")] == [2]
    assert [p.followers for p in find_people(session=session, query="mariano", viewer_id=community["zoe"].id)] == [1]


def test_says_who_follows_whom(session: Session, community) -> None:
    maria, zoe = community["maria"], community["zoe"]
    social.follow(session=session, follower=maria, followee_id=zoe.id)
    social.follow(session=session, follower=community["mariano"], followee_id=maria.id)
    session.commit()
    found = {p.username: p for p in find_people(session=session, query="o", viewer_id=maria.id)}
    assert found["zoe"].you_follow and not found["zoe"].follows_you
    assert found["mariano"].follows_you and not found["mariano"].you_follow
    assert not found["lopez_fan"].you_follow and not found["lopez_fan"].follows_you
    # Logged out: nobody follows anybody.
    assert not any(p.you_follow or p.follows_you for p in find_people(session=session, query="o"))


def test_deactivated_people_are_never_found(session: Session, community) -> None:
    community["mariano"].is_active = False
    session.commit()
    assert "mariano" not in _names(find_people(session=session, query="mariano"))
    assert _names(find_people(session=session, query="mariano")) == []


def test_odd_queries_find_nobody_and_never_raise(session: Session, community) -> None:
    for query in [
        "",
        "   ",
        "@",
        "@@ ",
        None,
        42,
        ["maria"],
        "%",
        "\\",
        "%_%",
        "' OR 1=1 --",
        "🎬",
        "\x00",
        "\x00\x01",
    ]:
        assert find_people(session=session, query=query) == [], query
    # "_" is a letter of usernames, not a wildcard.
    assert sorted(_names(find_people(session=session, query="_"))) == ["ana_maria", "lopez_fan"]
    assert _names(find_people(session=session, query="ma\x00ria")) == ["maria", "mariano", "ana_maria"]


def test_markup_and_long_queries_are_text(session: Session, community) -> None:
    found = find_people(session=session, query="<img src=x")
    assert _names(found) == ["xss"]
    assert found[0].display_name == XSS
    assert _names(find_people(session=session, query="maria" * 100)) == []
    assert (
        find_people(session=session, query="a", limit=2) and len(find_people(session=session, query="a", limit=2)) == 2
    )
    assert find_people(session=session, query="a", limit=0) == []


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite scans the user table
def test_people_search_uses_the_trigram_index_on_postgresql(session: Session, community) -> None:
    session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        session.execute(
            text(
                'EXPLAIN SELECT id FROM "user" WHERE is_active '
                "AND search_fold(username || ' ' || display_name) LIKE '%maria%'"
            )
        ).scalars()
    )
    assert PEOPLE_TRIGRAM_INDEX in plan, plan


def test_two_letters_find_usernames_and_name_words_that_start_with_them(session: Session, community) -> None:
    # Trigrams need three letters; two find every username and display-name word starting with
    # them (by their own indexes on PostgreSQL), accents and case aside, best first.
    make_user(session, "omar", display_name="Just Omar")
    make_user(session, "tomas", display_name="Tomás")  # "om" inside a word: a match on SQLite only
    session.commit()
    found = _names(find_people(session=session, query="OM"))
    assert found[:2] == ["omar", "zoe"]  # a username starting with it, then "Ómara"
    assert set(found) - {"tomas"} == {"omar", "zoe"}
    assert _names(find_people(session=session, query="lo")) == ["lopez_fan", "maria"]
    # Underscores and other non-letters are text, not wildcards.
    assert all("a_" in name for name in _names(find_people(session=session, query="a_")))  # not "anna"
    assert _names(find_people(session=session, query="z%")) == []


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite scans the user table
def test_two_letter_people_search_uses_its_indexes_on_postgresql(session: Session, community) -> None:
    session.execute(text("SET LOCAL enable_seqscan = off"))
    statement = people._matches(session, "zo").compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {statement}")).scalars())
    assert PEOPLE_USERNAME_PREFIX_INDEX in plan and PEOPLE_NAME_WORDS_INDEX in plan, plan
