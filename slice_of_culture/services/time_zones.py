"""Time zones a person can choose (Settings, `PATCH /me`): the IANA names of the standard
library's `zoneinfo` ("Europe/Lisbon"), read from the system's time zone database or, where there
is none (slim containers, Windows), from the pinned `tzdata` package. The digest comes in the
chosen zone's morning (services/digests.py)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from slice_of_culture.services.errors import ValidationError

DEFAULT = "UTC"
# Longer than any IANA name (the longest has 32 characters); the column's length.
MAX_LENGTH = 64
# The regions of the names people pick from ("Europe/Lisbon"). Left out: the database's old
# aliases ("US/Eastern", "Japan", "GB"), POSIX-style "Etc/GMT+5" (whose sign is the reverse of
# what it says) and files that are no zone ("localtime", "Factory"): a list of ~600 names where
# the same place appears twice is harder to choose from, and UTC is there on its own.
_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)
UNKNOWN = "Choose a time zone from the list, like Europe/Lisbon."


@lru_cache(maxsize=1)
def _by_lower_name() -> dict[str, str]:
    names = {name for name in zoneinfo.available_timezones() if name.split("/", 1)[0] in _REGIONS}
    return {name.lower(): name for name in names | {DEFAULT}}


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every zone a person can choose, UTC first, then by name."""
    return (DEFAULT, *sorted(set(_by_lower_name().values()) - {DEFAULT}))


def place(name: str) -> str:
    """How a list shows a zone within its region: "America/Argentina/Buenos_Aires" -> "Buenos
    Aires (Argentina)", "Europe/Lisbon" -> "Lisbon"; the city first, so typing its first letters
    in the select finds it."""
    *within, city = name.split("/")[1:] or [name]
    text = city.replace("_", " ")
    return f"{text} ({' / '.join(part.replace('_', ' ') for part in within)})" if within else text


@lru_cache(maxsize=1)
def time_zone_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """The zones by region for a select: (region, ((name, place), ...)), regions and places in
    alphabetical order. UTC is in no region (`time_zone_names` has it first)."""
    regions: dict[str, list[tuple[str, str]]] = {}
    for name in time_zone_names()[1:]:
        regions.setdefault(name.split("/", 1)[0], []).append((name, place(name)))
    return tuple(
        (region, tuple(sorted(zones, key=lambda zone: (zone[1].casefold(), zone[0]))))
        for region, zones in sorted(regions.items())
    )


def clean_time_zone(value: object) -> str:
    """The zone's name as the database spells it ("europe/lisbon" -> "Europe/Lisbon"). Raises
    ValidationError at "time_zone" for anything else (not text, too long, unknown)."""
    name = _by_lower_name().get(value.strip().lower()) if isinstance(value, str) and len(value) <= MAX_LENGTH else None
    if name is None:
        raise ValidationError({"time_zone": UNKNOWN})
    return name


def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone of a stored name; UTC for one the server's database no longer knows (a renamed
    zone after a tzdata update), so that a digest still comes."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT)
