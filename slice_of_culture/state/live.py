"""Shared state that many browsers watch: changing it from outside its readers, and delivering a
change to all of them at once. Used by the forum rooms and the forums list.

Reflex's own delivery of a shared-state change loads each linked reader's state in turn, every
time under the shared state's lock; with Redis that is several round trips per reader, one
reader after another, so in a room of 50 the last reader waited ~200 ms for a message. A shared
state's vars are the same for every reader, so `broadcast` sends the changed vars as one delta
straight to each reader's socket (`emit_update`, which relays through Redis to the worker holding
the socket), all at once, and empties the state's `_linked_from` so that Reflex does not deliver
it a second time. The states keep their own list of readers (a room's `_present`, the list's
`_readers`); the reader whose event made the change gets it with that event's own delta.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any

import reflex as rx
from reflex.state import StateUpdate
from reflex.utils.token_manager import RedisTokenManager
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.registry import RegistrationContext

logger = logging.getLogger(__name__)


async def broadcast(shared: rx.SharedState, readers: Iterable[str]) -> None:
    """Send what changed in `shared` during this event to these client tokens, all at once."""
    shared._linked_from.clear()
    names = shared.dirty_vars & shared._frontend_var_names
    tokens = list(readers)
    if not names or not tokens:
        return
    namespace = RegistrationContext.get().app.event_namespace
    if namespace is None:
        return
    manager = namespace._token_manager
    if not isinstance(manager, RedisTokenManager):
        # One process: only sockets connected to it can be reached.
        tokens = [token for token in tokens if token in manager.token_to_socket]
    update = StateUpdate(delta={shared.get_full_name(): {n + FIELD_MARKER: shared.get_value(n) for n in names}})
    results = await asyncio.gather(*(namespace.emit_update(update, token) for token in tokens), return_exceptions=True)
    for error in (r for r in results if isinstance(r, BaseException)):
        logger.warning("%s update not delivered: %r", type(shared).__name__, error)


@contextlib.asynccontextmanager
async def modify_shared(state_manager: Any, token: str, cls: type[rx.SharedState]) -> AsyncIterator[Any]:
    """Change a shared state directly (not as one of its readers), e.g. from a lifespan task;
    call `broadcast` before the block ends to deliver the change."""
    async with state_manager.modify_state_with_links(rx.BaseStateToken(ident=token, cls=cls)) as root:
        shared = await root.get_state(cls)
        yield shared
        # What app.modify_state does after its block, minus emitting to the token itself (no
        # browser has that token).
        await root._get_resolved_delta()
        root._clean()
