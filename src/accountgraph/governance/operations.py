"""What a change set's operations do to a dataset, worked out without writing anything.

Each operation is plain data in the change set file's shape (parties, edges and duties as
in a dataset file). :func:`apply_operations` returns the dataset as it would be, and the
records that changed (:class:`Effects`), or raises :class:`ChangeRefusedError` naming the
operation that cannot be done. Nothing is ever deleted: adding dates a thing from the
change set's effective day, retiring ends it on the day before, so that the graph on any
day before the change is what it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from accountgraph.dataset.build import build_checked
from accountgraph.errors import ChangeRefusedError
from accountgraph.model import (
    Citation,
    Dataset,
    Edge,
    Party,
    PartyKind,
    Relation,
    Responsibility,
    Text,
    Validity,
)

_ONE_DAY = dt.timedelta(days=1)
_TEXT_FIELDS = ("name", "description", "apex_reason", "name_note")


@dataclass(slots=True)
class Effects:
    """The records a change set adds or replaces, each as it was and as it becomes
    (``None`` before: new)."""

    parties: list[tuple[Party | None, Party]] = field(default_factory=list)
    edges: list[tuple[Edge | None, Edge]] = field(default_factory=list)
    duties: list[tuple[Responsibility | None, Responsibility]] = field(default_factory=list)

    @property
    def party_ids(self) -> set[str]:
        """Every party whose record, edges or duties change."""
        touched = {new.id for _, new in self.parties}
        for _, edge in self.edges:
            touched.update((edge.source, edge.target))
        touched.update(duty.holder for _, duty in self.duties)
        return touched


@dataclass(frozen=True, slots=True)
class Outcome:
    dataset: Dataset
    effects: Effects


def apply_operations(
    dataset: Dataset, operations: Sequence[Mapping[str, Any]], effective: dt.date
) -> Outcome:
    """The dataset after ``operations`` take effect on ``effective``, and what changed."""
    working = _Working(dataset, effective)
    for index, operation in enumerate(operations):
        try:
            working.apply(operation)
        except ChangeRefusedError as refused:
            refused.operation = index
            refused.args = (f"operation {index + 1} ({operation.get('op')}): {refused}",)
            raise
    return Outcome(working.result(), working.effects)


def _refuse(message: str, *parties: str) -> ChangeRefusedError:
    return ChangeRefusedError(message, rule="operation", parties=tuple(parties))


def _span(validity: Validity) -> str:
    start = validity.valid_from.isoformat() if validity.valid_from else "always"
    end = validity.valid_to.isoformat() if validity.valid_to else "open"
    return f"{start} to {end}"


def _edge_name(source: str, relation: str, target: str, scope: str | None) -> str:
    scoped = f" ({scope})" if scope else ""
    return f"{source} {relation} {target}{scoped}"


def _name_of(edge: Edge) -> str:
    return _edge_name(edge.source, edge.relation.value, edge.target, edge.scope)


def _overlap(left: Validity, right: Validity) -> bool:
    left_start = left.valid_from or dt.date.min
    right_start = right.valid_from or dt.date.min
    left_end = left.valid_to or dt.date.max
    right_end = right.valid_to or dt.date.max
    return left_start <= right_end and right_start <= left_end


def _ends(validity: Validity, day: dt.date) -> Validity:
    return Validity(validity.valid_from, day - _ONE_DAY)


class _Working:
    """The dataset being changed, one operation after another."""

    def __init__(self, dataset: Dataset, effective: dt.date) -> None:
        self.base = dataset
        self.day = effective
        self.parties: dict[str, Party] = {p.id: p for p in dataset.parties}
        self.edges: list[Edge] = list(dataset.edges)
        self.duties: list[Responsibility] = list(dataset.responsibilities)
        self.effects = Effects()
        self._party_before: dict[str, Party | None] = {}

    def result(self) -> Dataset:
        base = self.base
        return Dataset(
            base.name,
            base.title,
            base.document,
            tuple(self.parties.values()),
            tuple(self.edges),
            tuple(self.duties),
        )

    def apply(self, operation: Mapping[str, Any]) -> None:
        handler = {
            "add-party": self._add_party,
            "change-party": self._change_party,
            "retire-party": self._retire_party,
            "add-edge": self._add_edge,
            "retire-edge": self._retire_edge,
            "correct-citation": self._correct_citation,
            "add-duty": self._add_duty,
            "retire-duty": self._retire_duty,
        }[operation["op"]]
        handler(operation)

    # --- reading the operation's data as a dataset file would ---------------------------

    def _read(
        self, parties: Iterable[Any] = (), edges: Iterable[Any] = (), duties: Iterable[Any] = ()
    ) -> Dataset:
        """The parties, edges and duties of an operation, as a dataset file's would be read
        (they passed the change set's schema); a date that is no day, or a validity that
        ends before it begins, is refused."""
        try:
            read = self._build(parties, edges, duties)
        except ValueError as error:
            raise _refuse(f"a date is not a day of the calendar ({error})") from None
        validities = [item.validity for item in read.parties]
        validities += [item.validity for item in read.edges]
        for validity in validities:
            start, end = validity.valid_from, validity.valid_to
            if start is not None and end is not None and end < start:
                raise _refuse(f"valid_to {end} is before valid_from {start}")
        return read

    def _build(
        self, parties: Iterable[Any], edges: Iterable[Any], duties: Iterable[Any]
    ) -> Dataset:
        document = self.base.document
        return build_checked(
            {
                "name": self.base.name,
                "title": self.base.title.as_dict(),
                "document": {
                    "symbol": document.symbol,
                    "title": {"en": "-"},
                    "sections": [],
                    "in_force": self.day.isoformat(),
                },
                "parties": list(parties),
                "edges": list(edges),
                "responsibilities": list(duties),
            }
        )

    def _check_citations(self, citations: Iterable[Citation], *parties: str) -> None:
        document = self.base.document
        for citation in citations:
            if citation.document == document.symbol and citation.section not in document.sections:
                raise _refuse(f"{document.symbol} has no section {citation.section!r}", *parties)

    # --- parties -------------------------------------------------------------------------

    def _party(self, party_id: str) -> Party:
        party = self.parties.get(party_id)
        if party is None:
            raise _refuse(f"no party {party_id!r}", party_id)
        return party

    def _live_party(self, party_id: str) -> Party:
        party = self._party(party_id)
        end = party.validity.valid_to
        if end is not None and end < self.day:
            raise _refuse(
                f"party {party_id!r} was retired: it is valid {_span(party.validity)}", party_id
            )
        return party

    def _put_party(self, party: Party) -> None:
        before = self.parties.get(party.id)
        self.parties[party.id] = party
        self._record(self.effects.parties, before, party, lambda p: p.id == party.id)

    def _add_party(self, operation: Mapping[str, Any]) -> None:
        (party,) = self._read(parties=[operation["party"]]).parties
        if party.id in self.parties:
            held = self.parties[party.id]
            raise _refuse(
                f"party {party.id!r} exists already (valid {_span(held.validity)}); "
                "ids are never reused: choose another id",
                party.id,
            )
        self._check_citations((fact.citation for fact in party.facts), party.id)
        self._put_party(party)

    def _change_party(self, operation: Mapping[str, Any]) -> None:
        party = self._live_party(operation["id"])
        changes: dict[str, Any] = {}
        for key, value in operation.items():
            if key in ("op", "id"):
                continue
            if key in _TEXT_FIELDS:
                changes[key] = Text(value)
            elif key == "aliases":
                changes[key] = tuple(value)
            elif key == "kind":
                changes[key] = PartyKind(value)
            elif key == "facts":
                read = self._read(
                    parties=[
                        {"id": party.id, "kind": "office", "name": {"en": "-"}, "facts": value}
                    ]
                )
                changes[key] = read.parties[0].facts
                self._check_citations((fact.citation for fact in changes[key]), party.id)
            else:
                changes[key] = value
        self._put_party(replace(party, **changes))

    def _retire_party(self, operation: Mapping[str, Any]) -> None:
        party = self._live_party(operation["id"])
        self._refuse_before_start(party.validity, f"party {party.id!r}", party.id)
        self._put_party(replace(party, validity=_ends(party.validity, self.day)))
        for index, edge in enumerate(self.edges):
            if party.id in (edge.source, edge.target) and self._runs_past_day(edge.validity):
                self._refuse_before_start(edge.validity, f"its edge {_name_of(edge)}", party.id)
                self._replace_edge(index, replace(edge, validity=_ends(edge.validity, self.day)))
        for index, duty in enumerate(self.duties):
            if duty.holder == party.id and self._runs_past_day(duty.validity):
                self._replace_duty(index, replace_validity(duty, _ends(duty.validity, self.day)))

    def _runs_past_day(self, validity: Validity) -> bool:
        return validity.valid_to is None or validity.valid_to >= self.day

    def _refuse_before_start(self, validity: Validity, what: str, *parties: str) -> None:
        start = validity.valid_from
        if start is not None and start >= self.day:
            raise _refuse(
                f"{what} begins on {start}: it cannot be retired before it begins; "
                f"make the change set effective after {start}",
                *parties,
            )

    # --- edges ---------------------------------------------------------------------------

    def _replace_edge(self, index: int, edge: Edge) -> None:
        before = self.edges[index]
        self.edges[index] = edge
        self._record(self.effects.edges, before, edge, lambda e: e is before)

    def _edge_at(self, operation: Mapping[str, Any]) -> int:
        source, target, scope = operation["from"], operation["to"], operation.get("scope")
        key = (source, Relation(operation["relation"]), target, scope)
        name = _edge_name(source, operation["relation"], target, scope)
        same = [i for i, edge in enumerate(self.edges) if edge.key == key]
        if not same:
            raise _refuse(f"no edge {name}", key[0], key[2])
        valid = [i for i in same if self.edges[i].validity.holds_on(self.day)]
        if valid:
            return valid[0]
        spans = ", ".join(_span(self.edges[i].validity) for i in same)
        raise _refuse(f"edge {name} is not valid on {self.day} (valid {spans})", key[0], key[2])

    def _add_edge(self, operation: Mapping[str, Any]) -> None:
        (edge,) = self._read(edges=[operation["edge"]]).edges
        for end in (edge.source, edge.target):
            self._live_party(end)
        self._check_citations(edge.citations, edge.source, edge.target)
        for held in self.edges:
            if held.key != edge.key:
                continue
            name = _edge_name(edge.source, edge.relation.value, edge.target, edge.scope)
            if _overlap(held.validity, edge.validity):
                message = f"edge {name} exists already, valid {_span(held.validity)}"
            else:
                # Every store and the dataset format know an edge by this key, once.
                message = (
                    f"edge {name} was valid {_span(held.validity)}: an edge's from, "
                    "relation, to and scope name it for good, so a retired edge cannot be "
                    "added again (give the new one a scope of its own, e.g. the decision "
                    "that grants it again)"
                )
            raise _refuse(message, edge.source, edge.target)
        self.edges.append(edge)
        self.effects.edges.append((None, edge))

    def _retire_edge(self, operation: Mapping[str, Any]) -> None:
        index = self._edge_at(operation)
        edge = self.edges[index]
        self._refuse_before_start(edge.validity, "the edge", edge.source, edge.target)
        self._replace_edge(index, replace(edge, validity=_ends(edge.validity, self.day)))

    def _correct_citation(self, operation: Mapping[str, Any]) -> None:
        index = self._edge_at(operation)
        edge = self.edges[index]
        read = self._read(
            parties=[],
            edges=[
                {
                    "from": edge.source,
                    "relation": edge.relation.value,
                    "to": edge.target,
                    "cite": operation["cite"],
                }
            ],
        )
        citations = read.edges[0].citations
        self._check_citations(citations, edge.source, edge.target)
        self._replace_edge(index, replace(edge, citations=citations))

    # --- duties --------------------------------------------------------------------------

    def _replace_duty(self, index: int, duty: Responsibility) -> None:
        before = self.duties[index]
        self.duties[index] = duty
        self._record(self.effects.duties, before, duty, lambda d: d is before)

    def _add_duty(self, operation: Mapping[str, Any]) -> None:
        (duty,) = self._read(duties=[operation["duty"]]).responsibilities
        self._live_party(duty.holder)
        self._check_citations([duty.citation], duty.holder)
        given = duty.validity  # as for parties and edges: from the effective day unless told
        duty = replace_validity(duty, Validity(given.valid_from or self.day, given.valid_to))
        for held in self.duties:
            if (
                held.holder == duty.holder
                and held.code == duty.code
                and _overlap(held.validity, duty.validity)
            ):
                raise _refuse(f"{duty.holder!r} has duty {duty.code} already", duty.holder)
        self.duties.append(duty)
        self.effects.duties.append((None, duty))

    def _retire_duty(self, operation: Mapping[str, Any]) -> None:
        holder, code = operation["holder"], operation["code"]
        for index, duty in enumerate(self.duties):
            if duty.holder == holder and duty.code == code and duty.validity.holds_on(self.day):
                self._refuse_before_start(duty.validity, f"duty {code} of {holder!r}", holder)
                self._replace_duty(index, replace_validity(duty, _ends(duty.validity, self.day)))
                return
        raise _refuse(f"{holder!r} has no duty {code} valid on {self.day}", holder)

    @staticmethod
    def _record(records: list[Any], before: Any, after: Any, same: Any) -> None:
        """Keep one record per thing changed: as it was before the change set, and now."""
        for index, (first, current) in enumerate(records):
            if same(current) or (first is not None and same(first)):
                records[index] = (first, after)
                return
        records.append((before, after))


def replace_validity(duty: Responsibility, validity: Validity) -> Responsibility:
    return replace(duty, validity=validity)
