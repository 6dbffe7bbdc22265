"""Reports: the one place the moderation rules live.

Anyone logged in reports a postcard, a comment, a forum message or a person to the admins, with
an optional reason: only what they can see, never their own, at most once each, and at most
REPORT_RATE.max_count an hour. The admins' queue (`open_reports`) shows each reported thing once,
oldest first, with what it says, whose it is, a link to it and every reason given. An admin
resolves a thing's reports together: "remove" deletes the postcard or comment, marks the message
deleted (as an admin's delete in the room) or deactivates the person (whose reported postcards
and comments then close too: nobody sees them); "dismiss" keeps it. Each reporter is told what
was decided, and the owner of what was taken down is told so; never who reported, nor why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, not_
from sqlmodel import Session, select

from slice_of_culture.models import Comment, Entry, Forum, Item, ItemList, Message, Report, User, is_row_id, utcnow
from slice_of_culture.services import accounts, entries, forums, lists, social
from slice_of_culture.services.errors import NotFound, PermissionDenied, ValidationError
from slice_of_culture.services.rates import REPORT_RATE, check_rate
from slice_of_culture.text import clean_text

MAX_REASON = 500
TARGET_KINDS = ("entry", "comment", "message", "list", "user")
# Characters of a reported text shown in the queue.
EXCERPT = 280
# Open reported things shown to admins at once.
QUEUE = 100
# Characters of a comment or message quoted in the notices after a decision.
NOTICE_QUOTE = 60


@dataclass
class Target:
    """A reportable thing as the admins see it."""

    kind: str
    target_id: int
    owner_id: int
    owner: str
    text: str
    href: str
    # What it is, for the notices that follow a decision: "postcard about Dune", "account".
    what: str = ""
    # For messages: the room, so that open rooms can show the deletion live.
    slug: str = ""

    def named_for_reporter(self) -> str:
        """ "the postcard about Dune by @noah_f", "@noah_f's account"."""
        return f"@{self.owner}'s account" if self.kind == "user" else f"the {self.what} by @{self.owner}"

    def named_for_owner(self) -> str:
        return f"your {self.what}"


def parse_target(target: object) -> tuple[str, int]:
    """("comment", 12) for "comment:12"; NotFound for anything else."""
    kind, _, raw = str(target).partition(":")
    if kind not in TARGET_KINDS or not raw.isdigit() or not is_row_id(int(raw)):
        raise NotFound("There is nothing like that to report.")
    return kind, int(raw)


def _excerpt(text: str, length: int = EXCERPT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


def _quoted(text: str) -> str:
    """A few words of a comment or message, quoted, to name it in a notice."""
    return f"“{_excerpt(text, NOTICE_QUOTE)}”"


def _target(session: Session, kind: str, target_id: int) -> Target | None:
    """The reported thing, or None when it is gone."""
    if kind == "entry":
        row = session.exec(
            select(Entry, Item.title, User.username)
            .join(Item, Item.id == Entry.item_id)
            .join(User, User.id == Entry.user_id)
            .where(Entry.id == target_id)
        ).first()
        if row is None:
            return None
        entry, title, owner = row
        text = f"{title}: {entry.review}" if entry.review else title
        href = f"/u/{owner}?entry={entry.id}"
        return Target(
            kind,
            target_id,
            entry.user_id,
            owner,
            _excerpt(text),
            href,
            what=f"postcard about {_excerpt(title, NOTICE_QUOTE)}",
        )
    if kind == "comment":
        row = session.exec(
            select(Comment, User.username, Entry.user_id)
            .join(User, User.id == Comment.user_id)
            .join(Entry, Entry.id == Comment.entry_id)
            .where(Comment.id == target_id)
        ).first()
        if row is None:
            return None
        comment, owner, entry_owner_id = row
        entry_owner = session.get(User, entry_owner_id)
        href = f"/u/{entry_owner.username}?entry={comment.entry_id}"
        what = f"comment {_quoted(comment.text)}"
        return Target(kind, target_id, comment.user_id, owner, _excerpt(comment.text), href, what=what)
    if kind == "message":
        row = session.exec(
            select(Message, User.username, Forum.slug, Forum.name)
            .join(User, User.id == Message.user_id)
            .join(Forum, Forum.id == Message.forum_id)
            .where(Message.id == target_id, Message.deleted_at.is_(None))
        ).first()
        if row is None:
            return None
        message, owner, slug, forum_name = row
        href = f"/forums/{slug}?message={message.id}"
        what = f"message in {forum_name} {_quoted(message.text)}"
        return Target(kind, target_id, message.user_id, owner, _excerpt(message.text), href, what=what, slug=slug)
    if kind == "list":
        row = session.exec(
            select(ItemList, User.username).join(User, User.id == ItemList.user_id).where(ItemList.id == target_id)
        ).first()
        if row is None:
            return None
        item_list, owner = row
        text = f"{item_list.title}: {item_list.description}" if item_list.description else item_list.title
        what = f"list {_quoted(item_list.title)}"
        return Target(kind, target_id, item_list.user_id, owner, _excerpt(text), f"/lists/{target_id}", what=what)
    user = session.get(User, target_id)
    if user is None or not user.is_active:
        return None
    about = f"{user.display_name}: {user.bio}" if user.bio else user.display_name
    return Target(kind, target_id, user.id, user.username, _excerpt(about), f"/u/{user.username}", what="account")


def _check_visible(session: Session, reporter: User, target: Target) -> None:
    """NotFound unless the reporter can see the thing (what they cannot see, they cannot report)."""
    if target.kind == "entry":
        social.visible_entry(session=session, viewer=reporter, entry_id=target.target_id)
    elif target.kind == "comment":
        entry_id = session.get(Comment, target.target_id).entry_id
        shown = social.comments_for(session=session, viewer=reporter, entry_ids=[entry_id]).get(entry_id, [])
        if all(c.comment_id != target.target_id for c in shown):
            raise NotFound("There is nothing like that to report.")
    elif target.kind == "list":
        lists.list_page(session=session, list_id=target.target_id, viewer_id=reporter.id)
    elif target.kind == "message" and not session.get(User, target.owner_id).is_active:
        # A closed account's messages left the rooms with it.
        raise NotFound("There is nothing like that to report.")


def report(*, session: Session, reporter: User | None, target: object, reason: object = "") -> bool:
    """Report `target` ("entry:12", ...) to the admins. Returns False if this person had reported
    it already (nothing changes). Raises NotFound for what does not exist or they cannot see,
    ValidationError for their own things or a reason over MAX_REASON characters, RateLimited
    past REPORT_RATE."""
    if reporter is None or not reporter.is_active:
        raise PermissionDenied("Log in to report something.")
    kind, target_id = parse_target(target)
    found = _target(session, kind, target_id)
    if found is None:
        raise NotFound("There is nothing like that to report.")
    _check_visible(session, reporter, found)
    if found.owner_id == reporter.id:
        raise ValidationError({"reason": "You cannot report your own " + ("account." if kind == "user" else "words.")})
    try:
        text = clean_text(reason, max_length=MAX_REASON)
    except TypeError:
        raise ValidationError({"reason": "The reason must be text."}) from None
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason to {MAX_REASON} characters."})
    key = f"{kind}:{target_id}"
    if session.exec(select(Report.id).where(Report.user_id == reporter.id, Report.target == key)).first():
        return False
    check_rate(session, reporter, REPORT_RATE, utcnow())
    session.add(Report(user_id=reporter.id, target=key, reason=text))
    session.flush()
    return True


@dataclass
class ReportedThing:
    """One reported thing in the admins' queue, with every open report on it."""

    target: str
    kind: str
    owner: str
    text: str
    href: str
    first_reported: str
    reporters: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def open_reports(*, session: Session, admin: User | None) -> list[ReportedThing]:
    """Reported things with open reports, the longest waiting first (admins only). Reports on
    things already gone are closed here as dismissed."""
    accounts.require_admin(admin)
    rows = session.exec(
        select(Report, User.username)
        .join(User, User.id == Report.user_id)
        .where(Report.resolved_at.is_(None))
        .order_by(Report.created_at, Report.id)
    ).all()
    things: dict[str, ReportedThing] = {}
    for report_row, reporter in rows:
        thing = things.get(report_row.target)
        if thing is None:
            if len(things) >= QUEUE:
                continue
            kind, target_id = parse_target(report_row.target)
            found = _target(session, kind, target_id)
            if found is None:
                _close(session, admin, report_row.target, "dismissed")
                continue
            thing = things[report_row.target] = ReportedThing(
                target=report_row.target,
                kind=kind,
                owner=found.owner,
                text=found.text,
                href=found.href,
                first_reported=report_row.created_at.isoformat(),
            )
        thing.reporters.append(reporter)
        if report_row.reason:
            thing.reasons.append(report_row.reason)
    session.flush()
    return list(things.values())


def waiting_count(*, session: Session) -> int:
    """How many reported things wait for an admin (the navbar's badge for admins)."""
    return session.exec(select(func.count(distinct(Report.target))).where(Report.resolved_at.is_(None))).one()


def _close(session: Session, admin: User, target: str, resolution: str, found: Target | None = None) -> list[int]:
    """Resolve the open reports on `target` (`found`: what it is, for the log of decisions;
    None when it was gone already); returns who had reported it."""
    reports = session.exec(select(Report).where(Report.target == target, Report.resolved_at.is_(None))).all()
    now = utcnow()
    note = social.clip_note(found.named_for_reporter()) if found is not None else ""
    for row in reports:
        row.resolved_at, row.resolved_by_id, row.resolution, row.note = now, admin.id, resolution, note
        session.add(row)
    return [row.user_id for row in reports]


@dataclass
class Decision:
    """One line of the admins' log: what was decided about a reported thing, by whom, when."""

    removed: bool
    what: str
    reports: int
    admin: str
    decided_at: str


# Decisions shown in the admins' log, and resolved reports read per decision shown.
LOG = 20
LOG_READ = 10


def recent_decisions(*, session: Session, admin: User | None, limit: int = LOG) -> list[Decision]:
    """The latest decisions on reports, newest first (admins only), each with how many reports
    it closed. Reports that closed because their thing was gone before anyone decided are not
    decisions, and are left out. Reads the newest resolved reports only (ix_report_open)."""
    accounts.require_admin(admin)
    rows = session.exec(
        select(Report.target, Report.resolution, Report.note, Report.resolved_at, User.username)
        .join(User, User.id == Report.resolved_by_id, isouter=True)
        .where(Report.resolved_at.is_not(None), Report.note != "")
        .order_by(Report.resolved_at.desc(), Report.id.desc())
        .limit(limit * LOG_READ)
    ).all()
    decisions: dict[tuple, Decision] = {}
    for target, resolution, note, resolved_at, username in rows:
        key = (target, resolution, resolved_at, username)
        if key in decisions:
            decisions[key].reports += 1
        elif len(decisions) < limit:
            decisions[key] = Decision(
                removed=resolution == "removed",
                what=note,
                reports=1,
                admin=f"@{username}" if username else "a former admin",
                decided_at=resolved_at.isoformat(),
            )
    return list(decisions.values())


@dataclass
class Resolution:
    """What an admin's decision did: how many reports it closed, for a removed forum message the
    room and the message as it reads now, for a deactivated account the rooms it had posted in
    (open rooms show the change)."""

    closed: int
    removed: bool
    slug: str = ""
    message: forums.MessageView | None = None
    # A deactivated account: who, and the rooms its messages left (for the rooms open now).
    account_id: int = 0
    account: str = ""
    rooms: list[str] = field(default_factory=list)


def resolve(*, session: Session, admin: User | None, target: object, action: str) -> Resolution:
    """Close every open report on `target`: "remove" takes the thing down, "dismiss" keeps it."""
    admin = accounts.require_admin(admin)
    if action not in ("remove", "dismiss"):
        raise ValidationError({"action": "Choose remove or dismiss."})
    kind, target_id = parse_target(target)
    key = f"{kind}:{target_id}"
    found = _target(session, kind, target_id)
    outcome = Resolution(closed=0, removed=False)
    if action == "remove" and found is not None:
        if found.owner_id == admin.id and kind == "user":
            raise ValidationError({"action": "You cannot deactivate your own account here."})
        if kind == "entry":
            entries.remove_entry(session=session, entry=session.get(Entry, target_id))
        elif kind == "comment":
            social.remove_comments(session=session, where=Comment.id == target_id)
        elif kind == "list":
            session.delete(session.get(ItemList, target_id))
        elif kind == "message":
            outcome.message = forums.delete_message(session=session, user=admin, slug=found.slug, message_id=target_id)
            outcome.slug = found.slug
        else:
            outcome.rooms = forums.forums_posted_in(session=session, user=session.get(User, target_id))
            outcome.account_id, outcome.account = target_id, found.owner
            accounts.deactivate_user(session=session, user_id=target_id)
        outcome.removed = True
    reporter_ids = _close(session, admin, key, "removed" if outcome.removed else "dismissed", found)
    outcome.closed = len(reporter_ids)
    if not outcome.closed and not outcome.removed:
        raise NotFound("Nobody reported that, or it was dealt with already.")
    if found is not None:
        _tell(session, admin, found, reporter_ids, removed=outcome.removed)
    if outcome.removed and kind == "user":
        outcome.closed += _close_on_things_of(session, admin, target_id)
    session.flush()
    return outcome


def _close_on_things_of(session: Session, admin: User, user_id: int) -> int:
    """After an account is closed, its postcards, comments and forum messages are shown to
    nobody: open reports on them close as removed, and their reporters hear it."""
    keys = session.exec(
        select(Report.target).distinct().where(Report.resolved_at.is_(None), not_(Report.target.startswith("user:")))
    ).all()
    closed = 0
    for key in keys:
        found = _target(session, *parse_target(key))
        if found is not None and found.owner_id == user_id:
            reporter_ids = _close(session, admin, key, "removed", found)
            _tell(session, admin, found, reporter_ids, removed=True)
            closed += len(reporter_ids)
    return closed


def _tell(session: Session, admin: User, found: Target, reporter_ids: list[int], *, removed: bool) -> None:
    """The notices a decision sends: each reporter hears what became of their report; the owner
    of a removed postcard, comment or message hears it was taken down (a deactivated person
    cannot log in to read it). The reasons given stay with the admins."""
    key = f"{found.kind}:{found.target_id}"
    for reporter_id in reporter_ids:
        social.moderation_notice(
            session=session,
            recipient_id=reporter_id,
            admin_id=admin.id,
            kind="removed" if removed else "kept",
            target=key,
            note=found.named_for_reporter(),
        )
    if removed and found.kind != "user" and session.get(User, found.owner_id).is_active:
        social.moderation_notice(
            session=session,
            recipient_id=found.owner_id,
            admin_id=admin.id,
            kind="taken_down",
            target=key,
            note=found.named_for_owner(),
        )
