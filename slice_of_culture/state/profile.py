"""A profile page: header, follow button, postcards with comments, stats and people lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import reflex as rx
from sqlmodel import Session

from slice_of_culture import routes
from slice_of_culture.db import session_scope
from slice_of_culture.models import ENTRY_STATUSES, ITEM_KINDS, User
from slice_of_culture.recs import serve
from slice_of_culture.recs.serve import SimilarPerson
from slice_of_culture.services import blocks, entries, lists, postcards, profiles, social, stats
from slice_of_culture.services.errors import NotFound, ServiceError, ValidationError
from slice_of_culture.services.lists import ListSummary
from slice_of_culture.services.postcards import PostcardPage
from slice_of_culture.services.profiles import ProfileHeader
from slice_of_culture.services.social import ListedPerson
from slice_of_culture.services.stats import ProfileStats
from slice_of_culture.state.base import SessionState, act_as_viewer
from slice_of_culture.state.forum_room import refold_for
from slice_of_culture.state.lists import create_from_form
from slice_of_culture.state.postcards import PostcardListMixin

# The profile's tabs.
SECTIONS = ("activity", "lists", "stats", "followers", "following")


class ProfileState(PostcardListMixin, rx.State):
    header: ProfileHeader | None = None
    not_found: bool = False
    stats: ProfileStats = ProfileStats()
    followers: list[ListedPerson] = []
    following: list[ListedPerson] = []
    # Their lists the viewer may see (the Lists tab), and what is wrong with a new one's title.
    lists: list[ListSummary] = []
    new_list_error: str = ""
    # Where each list goes on ("" = all of it is shown).
    followers_cursor: str = ""
    following_cursor: str = ""
    section: str = "activity"
    # The shelf shown under Activity: a kind and a status ("" = any), from ?kind=&status= too.
    shelf_kind: str = ""
    shelf_status: str = ""
    similar_people: list[SimilarPerson] = []
    comment_errors: dict[str, str] = {}
    # The comment being edited in place (0: none) and what is wrong with the edit.
    editing_comment: int = 0
    edit_comment_error: str = ""

    def _name(self) -> str:
        return routes.route_arg(self.router.url.path)

    async def _viewer(self, session) -> User | None:  # noqa: ANN001
        return (await self.get_state(SessionState)).current_user(session)

    async def _page(self, cursor: str) -> PostcardPage:
        with session_scope() as session:
            viewer = await self._viewer(session)
            viewer_id = viewer.id if viewer else None
            header = profiles.profile_header(session=session, username=self._name(), viewer_id=viewer_id)
            self.header = header
            return postcards.profile_postcards(
                session=session,
                viewer_id=viewer_id,
                owner_id=header.user_id,
                cursor=cursor,
                with_comments=True,
                kind=self.shelf_kind,
                status=self.shelf_status,
            )

    @rx.event
    async def load(self):
        self.header, self.cards, self.not_found, self.notice = None, [], False, ""
        self.section, self.comment_errors = "activity", {}
        self.editing_comment, self.edit_comment_error = 0, ""
        self.followers, self.following, self.followers_cursor, self.following_cursor = [], [], "", ""
        self.lists, self.new_list_error = [], ""
        params = self.router.url.query_parameters
        kind, status = params.get("kind", ""), params.get("status", "")
        self.shelf_kind = kind if kind in ITEM_KINDS else ""
        self.shelf_status = status if status in ENTRY_STATUSES else ""
        try:
            await self._fetch("")
        except NotFound:
            self.not_found = True
            return None
        self.similar_people = []
        if self.header.viewer_blocked or self.header.blocked_viewer:
            return None  # nothing of theirs to show, nor who is like them
        with session_scope() as session:
            viewer = await self._viewer(session)
            owner = session.get(User, self.header.user_id)
            try:
                self.similar_people = serve.similar_people(
                    session=session, owner=owner, viewer_id=viewer.id if viewer else None
                )
            except Exception:  # noqa: BLE001 - the profile works without the recommender
                serve.log.exception("similar people failed")
        # `?section=followers` (stats, following) opens that tab, e.g. from a notification.
        if params.get("section", "") in SECTIONS:
            await self._show(params["section"])
        target = params.get("entry", "")
        if target.isdigit():
            return rx.scroll_to(f"entry-{target}")
        return None

    @rx.event
    async def new_list(self, form_data: dict):
        """A new list of the signed-in person's own, opened at once to fill."""
        made, self.new_list_error, redirect = await create_from_form(self, form_data)
        return rx.redirect(routes.item_list(made)) if made else redirect

    @rx.event
    async def show(self, section: str):
        """Switch between activity, stats, followers and following (loaded on first view)."""
        await self._show(section)

    async def _show(self, section: str) -> None:
        if section not in SECTIONS or self.header is None:
            return
        self.section = section
        with session_scope() as session:
            viewer = await self._viewer(session)
            owner_id = self.header.user_id
            if section == "stats":
                self.stats = stats.profile_stats(
                    session=session, owner_id=owner_id, viewer_id=viewer.id if viewer else None
                )
            elif section in ("followers", "following"):
                self._people(session, viewer, section, "")
            elif section == "lists":
                self.lists = lists.lists_of(
                    session=session, username=self.header.username, viewer_id=viewer.id if viewer else None
                )

    def _people(self, session: Session, viewer: User | None, section: str, cursor: str) -> None:
        """Fill the followers or following list: its first page, or the next after `cursor`."""
        lister = social.followers if section == "followers" else social.following
        page = lister(
            session=session, user_id=self.header.user_id, viewer_id=viewer.id if viewer else None, cursor=cursor
        )
        setattr(self, section, (getattr(self, section) if cursor else []) + page.people)
        setattr(self, f"{section}_cursor", page.next_cursor)

    @rx.event
    async def more_people(self, section: str):
        """ "Show more" under the followers or following list."""
        if section not in ("followers", "following") or self.header is None:
            return
        cursor = getattr(self, f"{section}_cursor")
        if cursor:
            with session_scope() as session:
                self._people(session, await self._viewer(session), section, cursor)

    @rx.event
    async def toggle_follow_listed(self, user_id: int):
        """Follow / Following on someone in the followers or following list."""
        shown = next((p for p in [*self.followers, *self.following] if p.user_id == user_id), None)
        if shown is None or self.header is None:
            return None  # only people these lists show
        following = not shown.you_follow
        done = await act_as_viewer(
            self,
            lambda session, viewer: social.set_following(
                session=session, follower=viewer, followee_id=user_id, following=following
            ),
            back_to=self.router.url.path,
        )
        if done is not True:
            return done or None
        for section in ("followers", "following"):
            rows = getattr(self, section)
            if any(p.user_id == user_id for p in rows):
                setattr(self, section, [replace(p, you_follow=following) if p.user_id == user_id else p for p in rows])
        # Counts on the header change when it is the viewer's own profile, or the person's own.
        with session_scope() as session:
            viewer = await self._viewer(session)
            self.header = profiles.profile_header(
                session=session, username=self.header.username, viewer_id=viewer.id if viewer else None
            )
        return None

    @rx.event
    async def set_shelf_kind(self, value: str):
        self.shelf_kind = value if value in ITEM_KINDS else ""
        await self._fetch("")

    @rx.event
    async def set_shelf_status(self, value: str):
        self.shelf_status = value if value in ENTRY_STATUSES else ""
        await self._fetch("")

    async def _act_on_owner(self, act: Callable[[Session, User, int], None], *, refetch: bool = False):
        """Do `act(session, viewer, owner_id)` as the signed-in viewer to the profile's owner, then
        show the new header (`refetch`: with the postcards, when what the viewer may see changed).
        Nobody signed in: the login page first. A refusal from the services is the notice."""
        if self.header is None:
            return None
        header = self.header

        def on_owner(session: Session, viewer: User) -> None:
            act(session, viewer, header.user_id)
            if not refetch:
                self.header = profiles.profile_header(session=session, username=header.username, viewer_id=viewer.id)

        done = await act_as_viewer(self, on_owner, back_to=self.router.url.path)
        if done is not True:
            return done or None
        if refetch:
            try:
                await self._fetch("")
            except ServiceError as exc:
                self.notice = exc.message
        return None

    @rx.event
    async def toggle_follow(self):
        following = not self.header.viewer_follows if self.header else True
        return await self._act_on_owner(
            lambda session, viewer, owner_id: social.set_following(
                session=session, follower=viewer, followee_id=owner_id, following=following
            )
        )

    @rx.event
    async def toggle_block(self):
        """Block the profile's owner, or lift the block (services/blocks.py has the rules)."""

        blocker_id = 0

        def act(session: Session, viewer: User, owner_id: int) -> None:
            nonlocal blocker_id
            if self.header.viewer_blocked:
                blocks.unblock(session=session, blocker=viewer, blocked_id=owner_id)
                self.notice = f"You unblocked @{self.header.username}."
            else:
                blocks.block(session=session, blocker=viewer, blocked_id=owner_id)
                self.similar_people = []
                self.notice = (
                    f"You blocked @{self.header.username}: you no longer see each other's postcards,"
                    " comments or forum messages, and neither of you can follow the other."
                )
            blocker_id = viewer.id

        # Their postcards leave (or come back to) the page with the new header.
        outcome = await self._act_on_owner(act, refetch=True)
        if blocker_id:
            # Rooms this person has open in other tabs fold (or unfold) the messages at once.
            refold_for(blocker_id)
        return outcome

    async def _reload_cards(self) -> None:
        # Re-read the cards shown so far (comments, counts), keeping the same length.
        shown = max(len(self.cards), postcards.PAGE_SIZE)
        with session_scope() as session:
            viewer = await self._viewer(session)
            page = postcards.profile_postcards(
                session=session,
                viewer_id=viewer.id if viewer else None,
                owner_id=self.header.user_id,
                limit=min(shown, 100),
                with_comments=True,
                kind=self.shelf_kind,
                status=self.shelf_status,
            )
        self.cards, self.next_cursor = page.postcards, page.next_cursor

    @rx.event
    async def add_comment(self, form_data: dict):
        entry_id = form_data.get("entry_id", "")
        key = str(entry_id)
        try:
            with session_scope() as session:
                viewer = await self._viewer(session)
                if viewer is None:
                    return rx.redirect(routes.login_then(self.router.url.path))
                social.add_comment(
                    session=session, user=viewer, entry_id=int(entry_id), text=form_data.get("comment", "")
                )
        except ValidationError as exc:
            self.comment_errors = {key: exc.errors.get("comment", exc.message)}
            return None
        except (ServiceError, ValueError):
            self.comment_errors = {key: "That postcard is not available."}
            return None
        self.comment_errors = {}
        await self._reload_cards()
        return None

    @rx.event
    def start_comment_edit(self, comment_id: int):
        """ "Edit" on your own comment: its text becomes a form (the services check it is yours)."""
        self.editing_comment, self.edit_comment_error = comment_id, ""

    @rx.event
    def cancel_comment_edit(self):
        self.editing_comment, self.edit_comment_error = 0, ""

    @rx.event
    async def save_comment_edit(self, form_data: dict):
        comment_id = self.editing_comment
        if not comment_id:
            return None
        try:
            with session_scope() as session:
                viewer = await self._viewer(session)
                if viewer is None:
                    return rx.redirect(routes.login_then(self.router.url.path))
                social.edit_comment(session=session, user=viewer, comment_id=comment_id, text=form_data.get("text", ""))
        except ValidationError as exc:
            self.edit_comment_error = exc.errors.get("comment", exc.message)
            return None
        except ServiceError as exc:
            self.editing_comment, self.edit_comment_error, self.notice = 0, "", exc.message
            return None
        self.editing_comment, self.edit_comment_error = 0, ""
        await self._reload_cards()
        return None

    async def _act_then(self, act: Callable[[Session, User], object], then: Callable[[], Awaitable[None]]):
        """`act` as the signed-in viewer (act_as_viewer), then `then()` to show what changed."""
        done = await act_as_viewer(self, act, back_to=self.router.url.path)
        if done is not True:
            return done or None
        await then()
        return None

    @rx.event
    async def delete_comment(self, comment_id: int):
        return await self._act_then(
            lambda session, viewer: social.delete_comment(session=session, user=viewer, comment_id=comment_id),
            self._reload_cards,
        )

    @rx.event
    async def delete_entry(self, entry_id: int):
        return await self._act_then(
            lambda session, viewer: entries.delete_entry(session=session, user=viewer, entry_id=entry_id),
            lambda: self._fetch(""),
        )
