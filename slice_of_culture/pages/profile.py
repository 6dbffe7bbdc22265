"""Profile: /u/<username>: header, follow, recent activity with comments, stats charts, people."""

from __future__ import annotations

from typing import Any

import reflex as rx

from slice_of_culture.components import layout, postcard_list
from slice_of_culture.components.a11y import sr_heading
from slice_of_culture.components.charts import AMBER, COUNT_DOMAIN, KIND_COLORS, TOMATO
from slice_of_culture.components.forms import STATUS_OPTIONS, select_field
from slice_of_culture.components.layout import avatar, empty_state
from slice_of_culture.components.lists import new_list_form
from slice_of_culture.components.people import person_to_follow, similar_person, with_mentions
from slice_of_culture.components.report import report_button
from slice_of_culture.services.display import KIND_PLURALS
from slice_of_culture.state.base import SessionState
from slice_of_culture.state.log_entry import LogState
from slice_of_culture.state.profile import ProfileState


def _count(value: rx.Var, one: str, many: str, section: str) -> rx.Component:
    label = rx.cond(value == 1, one, many)
    return rx.button(
        rx.vstack(rx.text(value, weight="bold", size="4"), rx.text(label, size="1"), spacing="0", align="center"),
        on_click=ProfileState.show(section),
        variant="ghost",
        color_scheme="gray",
        style={"height": "auto"},
    )


def _block_button(h) -> rx.Component:  # noqa: ANN001
    """ "Block", asked once more: it ends the follows between you, which unblocking does not bring back."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Block", variant="ghost", color_scheme="red", size="1")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Block @" + h.username + "?"),
            rx.alert_dialog.description(
                "You will no longer see each other's postcards or comments, neither of you can follow the other, "
                "and their forum messages are folded away for you. Follows between you end. They are not told."
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Block", color_scheme="red", on_click=ProfileState.toggle_block)),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _header() -> rx.Component:
    h = ProfileState.header
    return rx.hstack(
        avatar(h.initials, h.avatar_url, size="6"),
        rx.vstack(
            rx.hstack(
                rx.heading(h.display_name, size="7", as_="h1"),
                rx.cond(
                    SessionState.logged_in & ~h.is_self & ~h.viewer_blocked & ~h.blocked_viewer,
                    rx.button(
                        rx.cond(h.viewer_follows, "Unfollow", "Follow"),
                        on_click=ProfileState.toggle_follow,
                        variant=rx.cond(h.viewer_follows, "soft", "solid"),
                    ),
                ),
                rx.cond(
                    SessionState.logged_in & ~h.is_self,
                    rx.cond(
                        h.viewer_blocked,
                        rx.button("Unblock", on_click=ProfileState.toggle_block, color_scheme="red", size="1"),
                        _block_button(h),
                    ),
                ),
                rx.cond(
                    SessionState.logged_in & ~h.is_self,
                    report_button("user:" + h.user_id.to_string(), "@" + h.username),
                ),
                align="center",
                spacing="4",
            ),
            rx.hstack(
                rx.text("@" + h.username + " · joined " + h.joined, color_scheme="gray"),
                rx.cond(SessionState.logged_in & h.follows_viewer, rx.badge("Follows you", color_scheme="gray")),
                align="center",
            ),
            rx.cond(h.bio != "", rx.text(h.bio, white_space="pre-wrap")),
            rx.hstack(
                _count(h.entry_count, "entry", "entries", "activity"),
                _count(h.follower_count, "follower", "followers", "followers"),
                _count(h.following_count, "following", "following", "following"),
                spacing="5",
            ),
            spacing="2",
            align="start",
        ),
        spacing="5",
        align="start",
        width="100%",
    )


def _comment_edit_form(c) -> rx.Component:  # noqa: ANN001
    """Your comment, in place, as a form: Save keeps the change, Cancel leaves it as it was."""
    field_id = "edit-comment-" + c.comment_id.to_string()
    error = ProfileState.edit_comment_error
    return rx.form(
        rx.vstack(
            rx.el.label("Edit your comment", html_for=field_id, font_size="0.85rem", font_weight="500"),
            rx.text_area(
                id=field_id,
                name="text",
                default_value=c.text,
                max_length=2000,
                rows="3",
                width="100%",
                aria_invalid=rx.cond(error != "", "true", "false"),
                auto_focus=True,
            ),
            rx.cond(error != "", rx.text(error, color_scheme="red", size="2", role="alert")),
            rx.hstack(
                rx.button("Save", type="submit", size="1"),
                rx.button("Cancel", type="button", variant="soft", size="1", on_click=ProfileState.cancel_comment_edit),
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=ProfileState.save_comment_edit,
        reset_on_submit=False,
        width="100%",
    )


def _comment(c) -> rx.Component:  # noqa: ANN001
    editing = ProfileState.editing_comment == c.comment_id
    return rx.hstack(
        avatar(c.initials, size="1"),
        rx.vstack(
            rx.hstack(
                rx.link(c.display_name, href="/u/" + c.username, weight="bold", size="2"),
                rx.moment(c.created_at, from_now=True, font_size="0.75rem", color="var(--gray-11)"),
                rx.cond(c.edited, rx.text("edited", size="1", color_scheme="gray")),
                align="center",
            ),
            rx.cond(
                editing,
                _comment_edit_form(c),
                with_mentions(c.parts, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
            ),
            spacing="0",
            align="start",
            width="100%",
        ),
        rx.spacer(),
        rx.cond(
            c.can_edit & ~editing,
            rx.button(
                "Edit",
                on_click=ProfileState.start_comment_edit(c.comment_id),
                variant="ghost",
                color_scheme="gray",
                size="1",
                type="button",
                aria_label="Edit comment",
            ),
        ),
        rx.cond(
            SessionState.logged_in & (c.username != SessionState.username),
            report_button("comment:" + c.comment_id.to_string(), "this comment"),
        ),
        rx.cond(
            c.can_delete,
            rx.icon_button(
                rx.icon("trash_2", size=14),
                on_click=ProfileState.delete_comment(c.comment_id),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Delete comment",
            ),
        ),
        width="100%",
        align="start",
    )


def _thread(card) -> rx.Component:  # noqa: ANN001
    """Comments under a postcard on the profile, and a box to add one (above the card link)."""
    key = card.entry_id.to_string()
    error = ProfileState.comment_errors.get(key, "")
    return rx.vstack(
        rx.divider(),
        rx.foreach(card.comments, _comment),
        rx.cond(
            SessionState.logged_in,
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="entry_id", value=key),
                    rx.el.label(
                        "Comment",
                        html_for="comment-" + key,
                        style={"position": "absolute", "width": "1px", "height": "1px", "overflow": "hidden"},
                    ),
                    rx.input(
                        id="comment-" + key,
                        name="comment",
                        placeholder="Add a comment",
                        max_length=2000,
                        flex="1",
                        # A new comment under the card gives the box a new key: it comes back empty.
                        # (A refusal keeps the text; rx.set_value cannot reach an id built from a Var.)
                        key=key + "-" + card.comment_count.to_string(),
                    ),
                    rx.button("Comment", type="submit", variant="soft"),
                    width="100%",
                ),
                rx.cond(error != "", rx.text(error, color_scheme="red", size="2", role="alert")),
                on_submit=ProfileState.add_comment,
                reset_on_submit=False,
                width="100%",
            ),
        ),
        rx.cond(
            card.username == SessionState.username,
            rx.hstack(
                rx.button("Edit", on_click=LogState.edit(card.entry_id), variant="ghost", size="1"),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(rx.button("Delete", variant="ghost", color_scheme="red", size="1")),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title("Delete this entry?"),
                        rx.alert_dialog.description("Its likes and comments go with it. This cannot be undone."),
                        rx.hstack(
                            rx.alert_dialog.cancel(rx.button("Keep it", variant="soft")),
                            rx.alert_dialog.action(
                                rx.button(
                                    "Delete", color_scheme="red", on_click=ProfileState.delete_entry(card.entry_id)
                                )
                            ),
                            justify="end",
                            spacing="3",
                            margin_top="1rem",
                        ),
                    ),
                ),
            ),
        ),
        spacing="2",
        width="100%",
        margin_top="0.75rem",
        style={"position": "relative", "z_index": "2"},
    )


def _chart_card(title: str, chart: rx.Component) -> rx.Component:
    return rx.card(rx.heading(title, size="3", as_="h3", margin_bottom="0.5rem"), chart, width="100%")


def _stats() -> rx.Component:
    s = ProfileState.stats
    return rx.vstack(
        _chart_card(
            "Entries per month",
            rx.recharts.bar_chart(
                *[
                    rx.recharts.bar(data_key=k, stack_id="a", fill=c, name=KIND_PLURALS[k])
                    for k, c in KIND_COLORS.items()
                ],
                rx.recharts.x_axis(data_key="month", font_size=11),
                rx.recharts.y_axis(allow_decimals=False, width=30, domain=COUNT_DOMAIN),
                rx.recharts.legend(),
                rx.recharts.graphing_tooltip(),
                data=s.per_month.to(list[dict[str, Any]]),
                width="100%",
                height=240,
            ),
        ),
        rx.grid(
            _chart_card(
                "Ratings (stars)",
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="count", fill=AMBER, name="entries"),
                    rx.recharts.x_axis(data_key="name", font_size=11, interval=0),
                    rx.recharts.y_axis(allow_decimals=False, width=30, domain=COUNT_DOMAIN),
                    rx.recharts.graphing_tooltip(),
                    data=s.ratings.to(list[dict[str, Any]]),
                    width="100%",
                    height=200,
                ),
            ),
            _chart_card(
                "Top genres",
                rx.recharts.bar_chart(
                    rx.recharts.bar(data_key="count", fill=TOMATO, name="entries"),
                    rx.recharts.x_axis(type_="number", allow_decimals=False),
                    rx.recharts.y_axis(data_key="name", type_="category", width=120, font_size=11, interval=0),
                    rx.recharts.graphing_tooltip(),
                    data=s.genres.to(list[dict[str, Any]]),
                    layout="vertical",
                    width="100%",
                    height=220,
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        _chart_card(
            "Top creators",
            rx.vstack(
                rx.foreach(
                    s.creators,
                    lambda c: rx.hstack(rx.text(c.name), rx.spacer(), rx.badge(c.count), width="100%"),
                ),
                width="100%",
            ),
        ),
        width="100%",
    )


def _people(section: str, rows: rx.Var, cursor: rx.Var, empty: str) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.foreach(
                rows,
                lambda p: person_to_follow(
                    p,
                    rx.text("@" + p.username, size="2", color_scheme="gray"),
                    followed=p.you_follow,
                    on_follow=ProfileState.toggle_follow_listed(p.user_id),
                    show_button=SessionState.logged_in & (p.username != SessionState.username),
                    badge=rx.cond(p.follows_you, rx.badge("Follows you", color_scheme="gray")),
                    test_id="listed-person",
                ),
            ),
            rx.cond(
                cursor != "",
                rx.button(
                    "Show more", on_click=ProfileState.more_people(section), variant="soft", size="2", type="button"
                ),
            ),
            width="100%",
        ),
        rx.text(empty, color_scheme="gray"),
    )


def _lists() -> rx.Component:
    """Their lists; on your own profile, a new one too."""
    new = new_list_form(on_submit=ProfileState.new_list, error=ProfileState.new_list_error, button="Create list")
    return rx.vstack(
        rx.cond(ProfileState.header.is_self, new),
        rx.cond(
            ProfileState.lists.length() > 0,
            rx.vstack(
                rx.foreach(
                    ProfileState.lists,
                    lambda entry: rx.link(
                        rx.card(
                            rx.hstack(
                                rx.icon("list", size=18),
                                rx.text(entry.title, weight="bold"),
                                rx.spacer(),
                                rx.cond(
                                    entry.visibility != "public",
                                    rx.badge(entry.visibility, variant="soft", color_scheme="gray"),
                                ),
                                rx.text(
                                    entry.item_count.to_string(),
                                    rx.cond(entry.item_count == 1, " item", " items"),
                                    size="2",
                                    color_scheme="gray",
                                ),
                                align="center",
                                width="100%",
                            ),
                            width="100%",
                        ),
                        href="/lists/" + entry.list_id.to_string(),
                        underline="none",
                        color="inherit",
                        width="100%",
                        data_testid="profile-list",
                    ),
                ),
                width="100%",
            ),
            rx.text("No lists yet.", color_scheme="gray"),
        ),
        spacing="4",
        width="100%",
    )


def _similar_people() -> rx.Component:
    return rx.vstack(
        rx.heading("People with similar taste", size="4", as_="h2"),
        rx.flex(
            rx.foreach(ProfileState.similar_people, similar_person),
            wrap="wrap",
            spacing="5",
        ),
        width="100%",
    )


def _shelf_filters() -> rx.Component:
    """Narrow the activity to one shelf: a kind and a status (e.g. the books they want to read)."""
    return rx.hstack(
        select_field(
            "Kind",
            "shelf-kind",
            [("", "All kinds"), *KIND_PLURALS.items()],
            value=ProfileState.shelf_kind,
            on_change=ProfileState.set_shelf_kind,
            inline=True,
        ),
        select_field(
            "Status",
            "shelf-status",
            [("", "Any status"), *STATUS_OPTIONS],
            value=ProfileState.shelf_status,
            on_change=ProfileState.set_shelf_status,
            inline=True,
        ),
        spacing="4",
        wrap="wrap",
        padding_bottom="1rem",
    )


def _panel(value: str, title: str, *children: rx.Component) -> rx.Component:
    """A tab's panel, headed for screen readers by the tab's name (its postcards, lists and
    charts are h3s under it; the tab itself shows the name)."""
    return rx.tabs.content(sr_heading(title), *children, value=value, padding_top="1rem")


def _sections() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Activity", value="activity"),
            rx.tabs.trigger("Lists", value="lists"),
            rx.tabs.trigger("Stats", value="stats"),
            rx.tabs.trigger("Followers", value="followers"),
            rx.tabs.trigger("Following", value="following"),
        ),
        _panel(
            "activity",
            "Activity",
            _shelf_filters(),
            rx.cond(
                ProfileState.cards.length() == 0,
                rx.cond(
                    ProfileState.header.viewer_blocked,
                    empty_state(
                        "You blocked " + ProfileState.header.display_name, "Unblock them to see their postcards."
                    ),
                    rx.cond(
                        (ProfileState.shelf_kind != "") | (ProfileState.shelf_status != ""),
                        empty_state("Nothing on this shelf", "Nothing they share with you has this kind and status."),
                        empty_state("Nothing logged yet", "Entries they share with you will show up here."),
                    ),
                ),
                postcard_list(
                    ProfileState.cards,
                    ProfileState.next_cursor,
                    ProfileState.load_more,
                    on_like=ProfileState.toggle_like,
                    extra=_thread,
                    like_errors=ProfileState.like_errors,
                ),
            ),
        ),
        _panel("lists", "Lists", _lists()),
        _panel("stats", "Stats", _stats()),
        _panel(
            "followers",
            "Followers",
            _people("followers", ProfileState.followers, ProfileState.followers_cursor, "No followers yet."),
        ),
        _panel(
            "following",
            "Following",
            _people("following", ProfileState.following, ProfileState.following_cursor, "Not following anyone yet."),
        ),
        value=ProfileState.section,
        on_change=ProfileState.show,
        width="100%",
    )


def profile_page() -> rx.Component:
    return layout(
        rx.cond(
            ProfileState.not_found,
            empty_state("Profile not found", "No one here goes by that name.", icon="user_x"),
            rx.cond(
                ProfileState.header,
                rx.vstack(
                    _header(),
                    rx.cond(ProfileState.notice != "", rx.callout(ProfileState.notice, icon="info", role="status")),
                    rx.cond(ProfileState.similar_people.length() > 0, _similar_people()),
                    _sections(),
                    spacing="5",
                    width="100%",
                ),
                rx.spinner(),
            ),
        )
    )
