"""GraphQL types of change sets, the log and what a change set does to the graph.

What changed is told as records before and after (a party's, an edge's, a duty's), each
marked added, retired or changed: for an applied change set, as its log entry holds them;
for one not applied, as it would change the graph as it now stands. The records are
read from the log's plain JSON (:func:`~accountgraph.governance.log.effects_json`), so a
preview and an applied change set are told alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any

import strawberry
from strawberry import Private
from strawberry.scalars import JSON

from accountgraph import model
from accountgraph.api.context import Info_
from accountgraph.api.enums import ChangeSetStatus, Language, PartyKind, Relation
from accountgraph.api.pagination import PageInfo
from accountgraph.api.types import Citation, Fact, LangArgument, in_lang
from accountgraph.errors import ChangeRefusedError
from accountgraph.governance.change_set import ChangeSet as DomainChangeSet
from accountgraph.governance.change_set import Status
from accountgraph.governance.changeable import ChangeableStore, mentioned_parties
from accountgraph.governance.log import LogEntry, effects_json
from accountgraph.governance.log import LogHead as DomainLogHead

JSONRecord = Mapping[str, Any]


@strawberry.enum(description="How a record changed.")
class ChangeKind(Enum):
    ADDED = strawberry.enum_value("added", description="New: it was not in the graph.")
    RETIRED = strawberry.enum_value(
        "retired", description="It now ends on a day (validTo), or ends earlier than before."
    )
    CHANGED = strawberry.enum_value("changed", description="Still there, with new values.")


@strawberry.type(description="Where the log stands, or one entry of it.")
class LogHead:
    position: int = strawberry.field(
        description="The entry's position, from 1 (0: the log is empty)."
    )
    hash: str = strawberry.field(
        description="The entry's SHA-256 (hex), chained to the one before (64 zeros: empty)."
    )

    @classmethod
    def of(cls, head: DomainLogHead) -> LogHead:
        return cls(position=head.position, hash=head.hash)


@strawberry.type(description="What a change rests on: a document and section, a decision, or both.")
class Basis:
    document: str | None = strawberry.field(description="A document's symbol, e.g. A/46/11.")
    section: str | None = strawberry.field(description="The document's section, e.g. III.B.1.")
    decision: str | None = strawberry.field(
        description="A decision's reference, e.g. DG Office Instruction 12/2026."
    )


@strawberry.type(
    description="Why a change set cannot be done: the rule it breaks, the parties and the "
    "operation concerned."
)
class Refusal:
    message: str = strawberry.field(description="What is wrong, in words.")
    rule: str = strawberry.field(
        description="The rule: a rule book code, conflict, state, four-eyes, operation or format."
    )
    parties: list[strawberry.ID] = strawberry.field(description="The parties concerned.")
    operation: int | None = strawberry.field(
        description="The operation to blame (from 0), when one is."
    )

    @classmethod
    def of(cls, refused: ChangeRefusedError) -> Refusal:
        return cls(
            message=str(refused),
            rule=refused.rule,
            parties=[strawberry.ID(p) for p in refused.parties],
            operation=refused.operation,
        )


# --- records, before and after ---------------------------------------------------------


def _text(value: Mapping[str, str] | None) -> model.Text | None:
    return None if value is None else model.Text(value)


def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _citation(value: JSONRecord) -> model.Citation:
    return model.Citation(value["document"], value["section"], _text(value["text"]))


@strawberry.type(description="A party's record as it was or becomes.")
class PartyRecord:
    record: Private[JSONRecord]

    @strawberry.field(description="The party's id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record["id"])

    @strawberry.field(description="What sort of party it is.")
    def kind(self) -> PartyKind:  # type: ignore[valid-type]
        return model.PartyKind(self.record["kind"])

    @strawberry.field(description="The party's name.")
    def name(
        self,
        lang: LangArgument = Language.EN,
    ) -> str:
        return str(in_lang(_text(self.record["name"]), lang))

    @strawberry.field(description="Other names and abbreviations.")
    def aliases(self) -> list[str]:
        return list(self.record["aliases"])

    @strawberry.field(description="A short description, when there is one.")
    def description(
        self,
        lang: LangArgument = Language.EN,
    ) -> str | None:
        return in_lang(_text(self.record["description"]), lang)

    @strawberry.field(description="Properties the document states, with their clauses.")
    def facts(self) -> list[Fact]:
        return [
            Fact(
                domain=model.Fact(
                    f["name"], f["value"], _citation(f["source"]), _text(f.get("note"))
                )
            )
            for f in self.record["facts"]
        ]

    @strawberry.field(description="Declared to answer to no one modelled in the graph.")
    def apex(self) -> bool:
        return bool(self.record["apex"])

    @strawberry.field(description="First day the party takes part in the graph, if dated.")
    def valid_from(self) -> dt.date | None:
        return _day(self.record["valid_from"])

    @strawberry.field(description="Last day the party takes part in the graph, if dated.")
    def valid_to(self) -> dt.date | None:
        return _day(self.record["valid_to"])


@strawberry.type(description="An edge's record as it was or becomes.")
class EdgeRecord:
    record: Private[JSONRecord]

    @strawberry.field(name="from", description="Id of the party the edge leaves.")
    def from_(self) -> strawberry.ID:
        return strawberry.ID(self.record["from"])

    @strawberry.field(description="The relationship type.")
    def relation(self) -> Relation:  # type: ignore[valid-type]
        return model.Relation(self.record["relation"])

    @strawberry.field(description="Id of the party the edge arrives at.")
    def to(self) -> strawberry.ID:
        return strawberry.ID(self.record["to"])

    @strawberry.field(description="What a delegation covers; null otherwise.")
    def scope(self) -> str | None:
        scope: str | None = self.record["scope"]
        return scope

    @strawberry.field(description="Every clause the edge rests on.")
    def sources(self) -> list[Citation]:
        return [Citation(domain=_citation(c)) for c in self.record["sources"]]

    @strawberry.field(description="First day the edge holds, if dated.")
    def valid_from(self) -> dt.date | None:
        return _day(self.record["valid_from"])

    @strawberry.field(description="Last day the edge holds, if dated.")
    def valid_to(self) -> dt.date | None:
        return _day(self.record["valid_to"])


@strawberry.type(description="A duty's record as it was or becomes.")
class DutyRecord:
    record: Private[JSONRecord]

    @strawberry.field(description="Id of the party that holds the duty.")
    def holder(self) -> strawberry.ID:
        return strawberry.ID(self.record["holder"])

    @strawberry.field(description="The duty's section, e.g. III.A.3(f).")
    def code(self) -> str:
        code: str = self.record["code"]
        return code

    @strawberry.field(description="The duty's words.")
    def text(
        self,
        lang: LangArgument = Language.EN,
    ) -> str:
        return str(in_lang(_text(self.record["text"]), lang))

    @strawberry.field(description="First day the duty is laid on its holder, if dated.")
    def valid_from(self) -> dt.date | None:
        return _day(self.record["valid_from"])

    @strawberry.field(description="Last day the duty is laid on its holder, if dated.")
    def valid_to(self) -> dt.date | None:
        return _day(self.record["valid_to"])


def change_kind(before: JSONRecord | None, after: JSONRecord) -> ChangeKind:
    """Added (nothing before), retired (it now ends, or ends earlier), else changed."""
    if before is None:
        return ChangeKind.ADDED
    if after["valid_to"] is not None and after["valid_to"] != before["valid_to"]:
        return ChangeKind.RETIRED
    return ChangeKind.CHANGED


@strawberry.type(description="A party added, retired or changed.")
class PartyChange:
    change: ChangeKind = strawberry.field(description="How it changed.")
    before: PartyRecord | None = strawberry.field(description="As it was; null when added.")
    after: PartyRecord = strawberry.field(description="As it becomes.")


@strawberry.type(description="An edge added, retired or changed (its clauses corrected).")
class EdgeChange:
    change: ChangeKind = strawberry.field(description="How it changed.")
    before: EdgeRecord | None = strawberry.field(description="As it was; null when added.")
    after: EdgeRecord = strawberry.field(description="As it becomes.")


@strawberry.type(description="A duty added or retired.")
class DutyChange:
    change: ChangeKind = strawberry.field(description="How it changed.")
    before: DutyRecord | None = strawberry.field(description="As it was; null when added.")
    after: DutyRecord = strawberry.field(description="As it becomes.")


@strawberry.type(description="The parties, edges and duties a change set adds, retires or changes.")
class GraphChanges:
    parties: list[PartyChange] = strawberry.field(description="Parties changed.")
    edges: list[EdgeChange] = strawberry.field(description="Edges changed.")
    duties: list[DutyChange] = strawberry.field(description="Duties changed.")

    @classmethod
    def of(cls, effects: Mapping[str, Any], party_id: str | None = None) -> GraphChanges:
        """The changes of a log entry's ``effects``; those touching ``party_id`` only
        (its record, its edges either way, its duties) when given."""

        def wanted(record: JSONRecord, *ends: str) -> bool:
            return party_id is None or any(record[end] == party_id for end in ends)

        def pairs(key: str, *ends: str) -> list[tuple[JSONRecord | None, JSONRecord]]:
            return [
                (change["before"], change["after"])
                for change in effects.get(key, ())
                if wanted(change["after"], *ends)
            ]

        return cls(
            parties=[
                PartyChange(
                    change=change_kind(old, new),
                    before=None if old is None else PartyRecord(record=old),
                    after=PartyRecord(record=new),
                )
                for old, new in pairs("parties", "id")
            ],
            edges=[
                EdgeChange(
                    change=change_kind(old, new),
                    before=None if old is None else EdgeRecord(record=old),
                    after=EdgeRecord(record=new),
                )
                for old, new in pairs("edges", "from", "to")
            ],
            duties=[
                DutyChange(
                    change=change_kind(old, new),
                    before=None if old is None else DutyRecord(record=old),
                    after=DutyRecord(record=new),
                )
                for old, new in pairs("duties", "holder")
            ],
        )


NO_CHANGES: Mapping[str, Any] = {"parties": [], "edges": [], "duties": []}


@strawberry.type(
    description="What a change set does to the graph: for an applied one, what it did "
    "(its log entry); for any other, what it would do to the graph as it now stands — or "
    "why it cannot be done there (refusal)."
)
class ChangeSetDiff:
    applied: bool = strawberry.field(
        description="True: what the change set did when applied; false: a preview."
    )
    log: LogHead = strawberry.field(
        description="The change set's log entry (applied), or the log head the preview "
        "was worked out on."
    )
    changes: GraphChanges = strawberry.field(
        description="Parties, edges and duties changed (none when refused)."
    )
    refusal: Refusal | None = strawberry.field(
        default=None,
        description="Why the change set cannot be applied to the graph as it now stands; "
        "null when it can (the rule book is checked only on approval).",
    )


# --- change sets ---------------------------------------------------------------------------


@strawberry.type(
    description="A change to the graph, with who drafted and decided it, why and on what basis."
)
class ChangeSet:
    domain: Private[DomainChangeSet]

    @strawberry.field(description="The change set's id, e.g. cs-3f9a1c02de.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.domain.id)

    @strawberry.field(description="What the change does, in a line.")
    def title(self) -> str:
        return self.domain.title

    @strawberry.field(description="Why the change is made.")
    def reason(self) -> str:
        return self.domain.reason

    @strawberry.field(description="What the change rests on.")
    def basis(self) -> Basis:
        basis = self.domain.basis
        return Basis(document=basis.document, section=basis.section, decision=basis.decision)

    @strawberry.field(
        description="The day it takes effect: what it adds is valid from that day, what it "
        "retires until the day before."
    )
    def effective(self) -> dt.date:
        return self.domain.effective

    @strawberry.field(
        description="Its operations as written, each an object in the change set file's "
        "shape (graph/changeset.schema.json)."
    )
    def operations(self) -> list[JSON]:
        return [JSON(dict(operation)) for operation in self.domain.operations]

    @strawberry.field(description="The ids of the parties its operations name.")
    def party_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(p) for p in sorted(mentioned_parties(self.domain.operations))]

    @strawberry.field(description="Who drafted it (the name of their token).")
    def author(self) -> str:
        return self.domain.author

    @strawberry.field(description="Where it stands.")
    def status(self) -> ChangeSetStatus:  # type: ignore[valid-type]
        return self.domain.status

    @strawberry.field(
        description="The log position its author saw: a change set applied after it that "
        "changes the same parties is a conflict."
    )
    def drafted_on(self) -> int:
        return self.domain.drafted_on

    @strawberry.field(description="When it was drafted (UTC).")
    def created_at(self) -> dt.datetime:
        return self.domain.created_at

    @strawberry.field(description="When it was proposed (UTC); null while a draft.")
    def proposed_at(self) -> dt.datetime | None:
        return self.domain.proposed_at

    @strawberry.field(description="Who approved, rejected or withdrew it; null while open.")
    def decided_by(self) -> str | None:
        return self.domain.decided_by

    @strawberry.field(description="When it was approved, rejected or withdrawn (UTC).")
    def decided_at(self) -> dt.datetime | None:
        return self.domain.decided_at

    @strawberry.field(description="The reason given for rejecting it.")
    def decision_reason(self) -> str | None:
        return self.domain.decision_reason

    @strawberry.field(description="Who approved it; null unless applied.")
    def approver(self) -> str | None:
        return self.domain.decided_by if self._applied else None

    @strawberry.field(description="When it was applied (UTC); null unless applied.")
    def applied_at(self) -> dt.datetime | None:
        return self.domain.decided_at if self._applied else None

    @strawberry.field(description="Its position in the log; null unless applied.")
    def log_position(self) -> int | None:
        return self.domain.applied_position

    @strawberry.field(
        description="What it does to the graph, record by record: what it did (applied), "
        "or what it would do to the graph as it now stands."
    )
    async def diff(self, info: Info_) -> ChangeSetDiff:
        governance = info.context.governance
        position = self.domain.applied_position
        if self._applied and position is not None:
            entry = await _entry_at(info, position)
            return ChangeSetDiff(
                applied=True,
                log=LogHead(position=entry.position, hash=entry.hash),
                changes=GraphChanges.of(entry.effects),
            )
        try:
            preview = await governance.preview(self.domain.id)
        except ChangeRefusedError as refused:
            return ChangeSetDiff(
                applied=False,
                log=LogHead.of(await governance.log_head()),
                changes=GraphChanges.of(NO_CHANGES),
                refusal=Refusal.of(refused),
            )
        return ChangeSetDiff(
            applied=False,
            log=LogHead.of(preview.head),
            changes=GraphChanges.of(effects_json(preview.outcome.effects)),
        )

    @property
    def _applied(self) -> bool:
        return self.domain.status is Status.APPLIED


async def _entry_at(info: Info_, position: int) -> LogEntry:
    store = info.context.store
    assert isinstance(store, ChangeableStore)  # it holds an applied change set
    (entry,) = await store.log_entries(after=position - 1, first=1)
    return entry


@strawberry.type(
    description="A log entry that changed a party: the change set and what it changed there."
)
class PartyHistoryEntry:
    entry: Private[LogEntry]
    party_id: Private[str]

    @strawberry.field(description="The entry's position in the log, from 1.")
    def position(self) -> int:
        return self.entry.position

    @strawberry.field(description="The entry's SHA-256 (hex), chained to the one before.")
    def hash(self) -> str:
        return self.entry.hash

    @strawberry.field(description="The change set applied.")
    def change_set(self) -> ChangeSet:
        return ChangeSet(domain=self.entry.change_set)

    @strawberry.field(
        description="What it changed for this party: its record, its edges (either way), "
        "its duties."
    )
    def changes(self) -> GraphChanges:
        return GraphChanges.of(self.entry.effects, self.party_id)


def history_of(party_id: str, entries: Sequence[LogEntry]) -> list[PartyHistoryEntry]:
    return [PartyHistoryEntry(entry=entry, party_id=party_id) for entry in entries]


# --- pages of change sets ------------------------------------------------------------------


@strawberry.type(description="A change set on a page, with the cursor that points at it.")
class ChangeSetEdge:
    cursor: str = strawberry.field(description="Opaque position of this change set in the listing.")
    node: ChangeSet = strawberry.field(description="The change set.")


@strawberry.type(description="One page of change sets, newest first.")
class ChangeSetConnection:
    edges: list[ChangeSetEdge] = strawberry.field(description="The change sets of this page.")
    page_info: PageInfo = strawberry.field(description="How to ask for the next page.")
