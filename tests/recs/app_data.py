"""A small app database with planted taste clusters, built through the factories.

Cluster c's users finish and rate highly the items of genre `g<c>`; a refresh on it must
produce vectors where each user's nearest items and users are in their own cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from slice_of_culture.models import Item, User
from tests.utils.factories import make_entry, make_item, make_user

CLUSTERS = 3
USERS_PER_CLUSTER = 5
ITEMS_PER_CLUSTER = 7
# Items each user logs from their block (5 rows: enough for one validation row each).
LOGGED_PER_USER = 5
KINDS = ("movie", "book", "music")


@dataclass
class PlantedApp:
    users: list[User]
    items: list[Item]
    user_cluster: dict[int, int]  # user db id -> cluster
    item_cluster: dict[int, int]  # item db id -> cluster


def make_planted_app(session: Session, *, prefix: str = "p") -> PlantedApp:
    """CLUSTERS x USERS_PER_CLUSTER users, CLUSTERS x ITEMS_PER_CLUSTER items; committed."""
    users = [make_user(session, f"{prefix}{c}_{k}") for c in range(CLUSTERS) for k in range(USERS_PER_CLUSTER)]
    items = [
        make_item(session, f"{prefix} item {c}-{k}", kind=KINDS[c], genres=[f"g{c}"], creator=f"Maker {c}")
        for c in range(CLUSTERS)
        for k in range(ITEMS_PER_CLUSTER)
    ]
    user_cluster = {u.id: i // USERS_PER_CLUSTER for i, u in enumerate(users)}
    item_cluster = {it.id: i // ITEMS_PER_CLUSTER for i, it in enumerate(items)}
    for n, user in enumerate(users):
        c = user_cluster[user.id]
        block = [it for it in items if item_cluster[it.id] == c]
        # A different window of the block per user, so every item is logged by someone.
        for j in range(LOGGED_PER_USER):
            item = block[(n + j) % ITEMS_PER_CLUSTER]
            make_entry(session, user, item, status="finished", rating=8 + (n + j) % 3)
    session.commit()
    return PlantedApp(users, items, user_cluster, item_cluster)
