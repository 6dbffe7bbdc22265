"""What every list of postcards can do: load more, like and unlike."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from slice_of_culture import routes
from slice_of_culture.models import User
from slice_of_culture.services import social
from slice_of_culture.services.postcards import Postcard, PostcardPage
from slice_of_culture.state.base import act_as_viewer


class PostcardListMixin(rx.State, mixin=True):
    """Holds the cards of one list; subclasses say how a page is fetched."""

    cards: list[Postcard] = []
    next_cursor: str = ""
    loaded: bool = False
    notice: str = ""
    # A refused like or unlike (e.g. too fast), by entry id: shown at that postcard's button.
    like_errors: dict[str, str] = {}

    async def _page(self, cursor: str) -> PostcardPage:  # pragma: no cover - overridden
        raise NotImplementedError

    async def _fetch(self, cursor: str) -> None:
        page = await self._page(cursor)
        self.cards = (self.cards if cursor else []) + page.postcards
        self.next_cursor = page.next_cursor
        self.loaded = True

    @rx.event
    async def load_more(self):
        if self.next_cursor:
            await self._fetch(self.next_cursor)

    @rx.event
    async def toggle_like(self, entry_id: int):
        """Like or unlike; the user comes from the session cookie, the entry is checked for visibility.
        A refusal shows at the postcard (`like_errors`)."""
        card = next((c for c in self.cards if c.entry_id == entry_id), None)
        unliking = card is not None and card.liked
        delta = 0

        def act(session: Session, user: User) -> None:
            nonlocal delta
            if unliking:
                delta = -1 if social.unlike(session=session, user=user, entry_id=entry_id) else 0
            else:
                delta = 1 if social.like(session=session, user=user, entry_id=entry_id) else 0

        self.like_errors = {}
        done = await act_as_viewer(self, act, back_to=self.router.url.path or routes.HOME)
        if done is False:
            self.like_errors, self.notice = {str(entry_id): self.notice}, ""
        if done is not True:
            return done or None
        for c in self.cards:
            if c.entry_id == entry_id:
                c.liked = delta > 0 or (delta == 0 and c.liked)
                c.like_count = max(0, c.like_count + delta)
        self.cards = list(self.cards)
        return None
