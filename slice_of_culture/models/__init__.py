"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from slice_of_culture.models.common import (
    ACTION_KINDS,
    ENTRY_STATUSES,
    ITEM_KINDS,
    MAX_CREATOR,
    MAX_NOTE,
    MAX_TITLE,
    MODERATION_KINDS,
    NOTIFICATION_KINDS,
    VISIBILITIES,
    is_row_id,
    utcnow,
)
from slice_of_culture.models.entry import Entry
from slice_of_culture.models.forum import Forum, ForumMembership, Message
from slice_of_culture.models.item import Item
from slice_of_culture.models.lists import ItemList, ItemListEntry
from slice_of_culture.models.recs import MODEL_STATUSES, ItemDismissal, RecsModelVersion
from slice_of_culture.models.report import REPORT_RESOLUTIONS, Report
from slice_of_culture.models.social import Action, Block, Comment, Follow, Like, Notification
from slice_of_culture.models.user import AuthSession, EmailChange, LoginFailure, PasswordReset, User

__all__ = [
    "ACTION_KINDS",
    "ENTRY_STATUSES",
    "ITEM_KINDS",
    "MAX_CREATOR",
    "MAX_NOTE",
    "MAX_TITLE",
    "MODERATION_KINDS",
    "NOTIFICATION_KINDS",
    "VISIBILITIES",
    "Action",
    "AuthSession",
    "Block",
    "Comment",
    "EmailChange",
    "Entry",
    "Follow",
    "Forum",
    "ForumMembership",
    "Item",
    "ItemDismissal",
    "ItemList",
    "ItemListEntry",
    "Like",
    "LoginFailure",
    "Message",
    "MODEL_STATUSES",
    "Notification",
    "PasswordReset",
    "RecsModelVersion",
    "REPORT_RESOLUTIONS",
    "Report",
    "User",
    "is_row_id",
    "utcnow",
]
