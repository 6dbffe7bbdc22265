"""The item page."""

from __future__ import annotations

import reflex as rx

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import SimilarItem
from slice_of_culture.services import items, lists
from slice_of_culture.services.errors import NotFound
from slice_of_culture.services.items import ItemPage
from slice_of_culture.services.lists import ListMention
from slice_of_culture.state.base import SessionState


class ItemState(rx.State):
    item: ItemPage | None = None
    not_found: bool = False
    similar: list[SimilarItem] = []
    # People's lists it is on (those the viewer may see).
    on_lists: list[ListMention] = []

    @rx.event
    async def load(self):
        self.item, self.not_found, self.on_lists = None, False, []
        raw = routes.route_arg(self.router.url.path)
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            viewer = session_state.current_user(session)
            try:
                if not (raw.isascii() and raw.isdigit()):
                    raise NotFound("No such item.")
                viewer_id = viewer.id if viewer else None
                self.item = items.item_page(session=session, item_id=int(raw), viewer_id=viewer_id)
            except NotFound:
                self.not_found = True
                return
            self.on_lists = lists.lists_with_item(session=session, item_id=int(raw), viewer_id=viewer_id)
            try:
                self.similar = serve.similar_items(session=session, item_id=int(raw))
            except Exception:  # noqa: BLE001 - the page works without the recommender
                serve.log.exception("similar items failed")
                self.similar = []
