"""The async protocol of a store whose graph can be changed, beside the read protocol
(:class:`~accountgraph.store.base.GraphStore`) every store implements.

A changeable store keeps the change sets, the log and the token hashes with the graph, and
appends to the log only on top of the head the caller saw (compare and set): two writers
cannot both append after the same entry. It checks no rule and no role: that is the
service's work (:mod:`accountgraph.governance.service`), the one place that decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, runtime_checkable

from accountgraph.governance.change_set import ChangeSet, Status
from accountgraph.governance.log import LogEntry, LogHead
from accountgraph.governance.operations import Outcome
from accountgraph.governance.tokens import TokenRecord
from accountgraph.model import Dataset
from accountgraph.store.base import GraphStore


class LogMovedError(Exception):
    """The log's head is no longer the one an entry was made on: read again and retry."""


def mentioned_parties(operations: Sequence[Mapping[str, Any]]) -> set[str]:
    """The party ids a change set's operations name."""
    named: set[str] = set()
    for operation in operations:
        for key in ("id", "from", "to", "holder"):
            if isinstance(operation.get(key), str):
                named.add(operation[key])
        for key, ends in (("party", ("id",)), ("edge", ("from", "to")), ("duty", ("holder",))):
            item = operation.get(key)
            if isinstance(item, Mapping):
                named.update(item[end] for end in ends if isinstance(item.get(end), str))
    return named


@runtime_checkable
class ChangeableStore(GraphStore, Protocol):
    """A store whose graph governance staff change through change sets."""

    async def live(self) -> tuple[Dataset, LogHead]:
        """The whole graph as it stands (base dataset and every applied change set), and
        the log head it reflects."""
        ...

    async def log_head(self) -> LogHead: ...

    async def save_change_set(self, change_set: ChangeSet) -> None:
        """Create or update a change set that is not applied (applying goes by
        :meth:`append`)."""
        ...

    async def change_set(self, change_set_id: str) -> ChangeSet | None: ...

    async def change_sets(
        self,
        *,
        status: Status | None = None,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> list[ChangeSet]:
        """Change sets newest first (by creation, then id); ``party_id`` keeps those whose
        operations name the party; ``after`` is the id the previous page ended with."""
        ...

    def approvals_in_turn(self) -> AbstractAsyncContextManager[None]:
        """Held while one approval is worked out and appended, so that approvals by
        several processes on one store take turns instead of each working out its change
        set again whenever another lands first. A store whose :meth:`append` is its only
        guard (a graph database) may hold nothing."""
        ...

    async def append(self, entry: LogEntry, outcome: Outcome) -> None:
        """At once, or not at all: append ``entry`` to the log, store its change set as
        applied, and make ``outcome.dataset`` the graph. Raise :class:`LogMovedError` when
        the log's head is not the one ``entry`` follows."""
        ...

    async def log_entries(
        self,
        *,
        after: int = 0,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int | None = None,
    ) -> list[LogEntry]:
        """Entries after position ``after``, oldest first; ``party_id`` keeps those that
        change the party; ``since`` those applied at or after that moment."""
        ...

    async def put_token(self, record: TokenRecord) -> None:
        """Keep a new token's record; a name may hold one active token at a time."""
        ...

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None: ...

    async def tokens(self) -> list[TokenRecord]: ...

    async def revoke_token(self, name: str, at: dt.datetime) -> TokenRecord | None:
        """Revoke the active token of ``name``; ``None`` when it has none."""
        ...
