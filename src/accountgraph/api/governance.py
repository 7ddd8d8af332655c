"""Governance over GraphQL: the change sets and the log to read, and the mutations that
move a change set through its life, each deciding nothing itself: the governance service
(:mod:`accountgraph.governance.service`) authorizes, checks and writes.

Who is asking is the request's bearer token (:mod:`accountgraph.api.auth`). A change
refused is a GraphQL error whose ``extensions`` say why
(:mod:`accountgraph.api.change_errors`). The memory store keeps no change sets: its
reads answer empty (``logHead`` null) and its mutations ``READ_ONLY_STORE``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from accountgraph.api.change_set_input import ChangeSetInput, change_set_content
from accountgraph.api.change_sets import (
    ChangeSet,
    ChangeSetConnection,
    ChangeSetEdge,
    LogHead,
)
from accountgraph.api.context import Info_
from accountgraph.api.cost import MAX_CHANGE_SET_PAGE
from accountgraph.api.enums import ChangeSetStatus
from accountgraph.api.pagination import (
    PageInfo,
    decode_change_set_cursor,
    encode_change_set_cursor,
)
from accountgraph.errors import ChangeError, QueryLimitError, ReadOnlyStoreError
from accountgraph.governance.change_set import Status
from accountgraph.governance.roles import Action
from accountgraph.governance.service import READ_ONLY_HINT, Governance


def _writable(info: Info_) -> Governance:
    """The request's governance service, when its store can be changed."""
    governance = info.context.governance
    if not governance.changeable:
        kind = type(info.context.store).__name__.removesuffix("Store").lower() or "this"
        raise ReadOnlyStoreError(READ_ONLY_HINT.format(kind=kind))
    return governance


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


_ID_HELP = "Id of the change set, e.g. cs-3f9a1c02de."


@strawberry.type
class GovernanceQuery:
    """The change sets and the log, as fields of the Query type."""

    @strawberry.field(
        description=f"Change sets newest first, one page at a time (at most "
        f"{MAX_CHANGE_SET_PAGE} a page). Empty on the memory store, which keeps none."
    )
    async def change_sets(
        self,
        info: Info_,
        status: Annotated[
            ChangeSetStatus | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only change sets that stand so."),
        ] = None,
        since: Annotated[
            dt.date | None,
            strawberry.argument(description="Only those drafted on or after this day (UTC)."),
        ] = None,
        party_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only those whose operations name this party."),
        ] = None,
        first: Annotated[
            int | None,
            strawberry.argument(description=f"Page size, 0 to {MAX_CHANGE_SET_PAGE}."),
        ] = 50,
        after: Annotated[
            str | None,
            strawberry.argument(description="Cursor after which the page starts (endCursor)."),
        ] = None,
    ) -> ChangeSetConnection:
        size = 50 if first is None else first
        if not 0 <= size <= MAX_CHANGE_SET_PAGE:
            raise QueryLimitError("first", size, f"0 to {MAX_CHANGE_SET_PAGE}")
        after_id = decode_change_set_cursor(after) if after is not None else None
        governance = info.context.governance
        found = []
        if governance.changeable:
            found = await governance.change_sets(
                status=None if status is None else Status(status),
                party_id=None if party_id is None else str(party_id),
                since=None if since is None else _start_of(since),
                first=size + 1,
                after=after_id,
            )
        edges = [
            ChangeSetEdge(cursor=encode_change_set_cursor(c.id), node=ChangeSet(domain=c))
            for c in found[:size]
        ]
        return ChangeSetConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(found) > size,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(description="One change set by id; null (with an error saying why) if none.")
    async def change_set(
        self,
        info: Info_,
        id: Annotated[strawberry.ID, strawberry.argument(description=_ID_HELP)],
    ) -> ChangeSet | None:
        try:
            found = await info.context.governance.get(info.context.actor, str(id))
        except ChangeError as error:
            info.context.report(info, error)
            return None
        return ChangeSet(domain=found)

    @strawberry.field(
        description="Where the log of applied change sets stands: its last entry's position "
        "and hash (position 0 when empty). Null on the memory store, which keeps no log."
    )
    async def log_head(self, info: Info_) -> LogHead | None:
        governance = info.context.governance
        if not governance.changeable:
            return None
        return LogHead.of(await governance.log_head())


@strawberry.type(
    description="Changes to the graph, each through a change set. Every mutation needs a "
    "token (Authorization: Bearer <token>) whose role allows it: editor to draft, propose "
    "and withdraw, approver to approve and reject. A refusal is an error whose "
    "extensions give its code (and for a refused change set its rule, parties, operation "
    "and changeSet)."
)
class Mutation:
    @strawberry.mutation(
        description="Draft a change set (proposed at once with propose: true), after "
        "checking it could be applied to the graph as it stands. Needs an editor."
    )
    async def draft_change_set(
        self,
        info: Info_,
        change_set: Annotated[
            ChangeSetInput, strawberry.argument(name="input", description="The change set.")
        ],
        propose: Annotated[
            bool | None, strawberry.argument(description="Propose it at once.")
        ] = False,
    ) -> ChangeSet:
        governance = _writable(info)
        actor = governance.authorize(info.context.actor, Action.DRAFT)
        content = change_set_content(change_set)
        drafted = await governance.draft(actor, content, propose=bool(propose))
        return ChangeSet(domain=drafted)

    @strawberry.mutation(description="Propose a draft of yours for approval. Needs an editor.")
    async def propose_change_set(
        self, info: Info_, id: Annotated[strawberry.ID, strawberry.argument(description=_ID_HELP)]
    ) -> ChangeSet:
        proposed = await _writable(info).propose(info.context.actor, str(id))
        return ChangeSet(domain=proposed)

    @strawberry.mutation(
        description="Approve a proposed change set someone else drafted: it is applied at "
        "once, all of it or nothing, and logged. Needs an approver."
    )
    async def approve_change_set(
        self, info: Info_, id: Annotated[strawberry.ID, strawberry.argument(description=_ID_HELP)]
    ) -> ChangeSet:
        applied = await _writable(info).approve(info.context.actor, str(id))
        return ChangeSet(domain=applied)

    @strawberry.mutation(
        description="Reject a proposed change set someone else drafted, saying why. "
        "Needs an approver."
    )
    async def reject_change_set(
        self,
        info: Info_,
        id: Annotated[strawberry.ID, strawberry.argument(description=_ID_HELP)],
        reason: Annotated[str, strawberry.argument(description="Why it is rejected.")],
    ) -> ChangeSet:
        rejected = await _writable(info).reject(info.context.actor, str(id), reason)
        return ChangeSet(domain=rejected)

    @strawberry.mutation(description="Withdraw a draft or proposal of yours. Needs an editor.")
    async def withdraw_change_set(
        self, info: Info_, id: Annotated[strawberry.ID, strawberry.argument(description=_ID_HELP)]
    ) -> ChangeSet:
        withdrawn = await _writable(info).withdraw(info.context.actor, str(id))
        return ChangeSet(domain=withdrawn)
