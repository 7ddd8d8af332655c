"""The change set a GraphQL client drafts: typed inputs mirroring the change set file
(:file:`graph/changeset.schema.json`), turned into the plain data the file holds.

Each operation is a ``@oneOf`` input, one field per kind of operation
(``{addParty: {...}}``, ``{retireEdge: {...}}``, …), so a generated client gets a type for
each. Fields are named as in the file, in camelCase; ``addParty``, ``addEdge`` and
``addDuty`` take the party, edge or duty itself. The plain data is then read exactly as a
change set file is (:func:`~accountgraph.governance.change_set.read_content`), so a
change set means the same whichever way it comes in, and is refused with the same words.

Texts are given in the languages the API serves (English, and Chinese when there is one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET

from accountgraph.api.enums import PartyKind, Relation
from accountgraph.governance.change_set import CHANGE_SET_FORMAT, ChangeSetContent, read_content

_FILE_KEYS = {"from_": "from"}
"""Python names that are not the file's key (``from`` is a Python keyword)."""


@strawberry.input(description="A text in English, and in Chinese when there is one.")
class TextInput:
    en: str = strawberry.field(description="The English text (required; the fallback).")
    zh: str | None = strawberry.field(default=UNSET, description="The Chinese text.")


@strawberry.input(description="The clause a statement comes from.")
class CitationInput:
    section: str = strawberry.field(description="Section of the document, e.g. III.B.1.")
    text: TextInput = strawberry.field(description="The clause's words.")
    document: str | None = strawberry.field(
        default=UNSET, description="Symbol of the document; the dataset's own when omitted."
    )


@strawberry.input(one_of=True, description="A fact's value: exactly one of text, number or flag.")
class FactValueInput:
    text: str | None = UNSET
    number: float | None = UNSET
    flag: bool | None = UNSET


@strawberry.input(description="A property the document states about a party, with its clause.")
class FactInput:
    name: str = strawberry.field(description="What the fact is about, e.g. rank (snake_case).")
    value: FactValueInput
    cite: CitationInput
    note: TextInput | None = UNSET


_ID_HELP = "Stable kebab-case id, e.g. wipo-security-coordinator."
_FROM_HELP = "Id of the party the edge leaves."
_TO_HELP = "Id of the party the edge arrives at."
_SCOPE_HELP = "What a delegation covers, e.g. security; only for scoped edges."


@strawberry.input(description="A new party, as a dataset file writes one.")
class PartyInput:
    id: strawberry.ID = strawberry.field(description=_ID_HELP)
    kind: PartyKind  # type: ignore[valid-type]
    name: TextInput
    aliases: list[str] | None = UNSET
    description: TextInput | None = UNSET
    facts: list[FactInput] | None = UNSET
    apex: bool | None = UNSET
    apex_reason: TextInput | None = UNSET
    name_in_source: bool | None = UNSET
    name_note: TextInput | None = UNSET
    valid_from: dt.date | None = strawberry.field(
        default=UNSET, description="First day; the change set's effective day when omitted."
    )
    valid_to: dt.date | None = UNSET


@strawberry.input(description="A party's record changed: the fields given replace its own.")
class ChangePartyInput:
    id: strawberry.ID = strawberry.field(description=_ID_HELP)
    kind: PartyKind | None = UNSET  # type: ignore[valid-type]
    name: TextInput | None = UNSET
    aliases: list[str] | None = UNSET
    description: TextInput | None = UNSET
    facts: list[FactInput] | None = UNSET
    apex: bool | None = UNSET
    apex_reason: TextInput | None = UNSET
    name_in_source: bool | None = UNSET
    name_note: TextInput | None = UNSET


@strawberry.input(
    description="A party retired on the effective day, with its edges and duties (its "
    "validTo becomes the day before)."
)
class RetirePartyInput:
    id: strawberry.ID = strawberry.field(description=_ID_HELP)


@strawberry.input(description="A new edge, as a dataset file writes one.")
class EdgeInput:
    from_: strawberry.ID = strawberry.field(name="from", description=_FROM_HELP)
    relation: Relation  # type: ignore[valid-type]
    to: strawberry.ID = strawberry.field(description=_TO_HELP)
    cite: list[CitationInput] = strawberry.field(description="The clauses it rests on (1+).")
    scope: str | None = strawberry.field(default=UNSET, description=_SCOPE_HELP)
    note: TextInput | None = UNSET
    valid_from: dt.date | None = strawberry.field(
        default=UNSET, description="First day; the change set's effective day when omitted."
    )
    valid_to: dt.date | None = UNSET


@strawberry.input(description="The edge valid on the effective day, retired from that day.")
class RetireEdgeInput:
    from_: strawberry.ID = strawberry.field(name="from", description=_FROM_HELP)
    relation: Relation  # type: ignore[valid-type]
    to: strawberry.ID = strawberry.field(description=_TO_HELP)
    scope: str | None = strawberry.field(default=UNSET, description=_SCOPE_HELP)


@strawberry.input(description="The clauses of the edge valid on the effective day, replaced.")
class CorrectCitationInput:
    from_: strawberry.ID = strawberry.field(name="from", description=_FROM_HELP)
    relation: Relation  # type: ignore[valid-type]
    to: strawberry.ID = strawberry.field(description=_TO_HELP)
    cite: list[CitationInput] = strawberry.field(description="The clauses it rests on (1+).")
    scope: str | None = strawberry.field(default=UNSET, description=_SCOPE_HELP)


@strawberry.input(description="A duty laid on a party from the effective day.")
class DutyInput:
    code: str = strawberry.field(description="The duty's section, e.g. III.A.3(f).")
    holder: strawberry.ID = strawberry.field(description="Id of the party that holds it.")
    text: TextInput = strawberry.field(description="The duty's words.")
    note: TextInput | None = UNSET


@strawberry.input(description="A party's duty retired from the effective day.")
class RetireDutyInput:
    holder: strawberry.ID = strawberry.field(description="Id of the party that holds it.")
    code: str = strawberry.field(description="The duty's section, e.g. III.A.3(f).")


@strawberry.input(
    one_of=True,
    description="One operation of a change set: exactly one of its fields, each the "
    "operation of the change set file of that name (add-party is addParty, …).",
)
class OperationInput:
    add_party: PartyInput | None = UNSET
    change_party: ChangePartyInput | None = UNSET
    retire_party: RetirePartyInput | None = UNSET
    add_edge: EdgeInput | None = UNSET
    retire_edge: RetireEdgeInput | None = UNSET
    correct_citation: CorrectCitationInput | None = UNSET
    add_duty: DutyInput | None = UNSET
    retire_duty: RetireDutyInput | None = UNSET


_WRAPPED = {"add_party": "party", "add_edge": "edge", "add_duty": "duty"}
"""Operations whose file form holds their record under a key of its own."""


@strawberry.input(
    description="What a change rests on: a document and section, or a decision's reference "
    "(e.g. DG Office Instruction 12/2026), or both."
)
class BasisInput:
    document: str | None = strawberry.field(default=UNSET, description="e.g. A/46/11.")
    section: str | None = strawberry.field(default=UNSET, description="e.g. III.B.1.")
    decision: str | None = strawberry.field(
        default=UNSET, description="e.g. DG Office Instruction 12/2026."
    )


@strawberry.input(description="A change set, as a change set file writes one.")
class ChangeSetInput:
    title: str = strawberry.field(description="What the change does, in a line.")
    reason: str = strawberry.field(description="Why the change is made.")
    basis: BasisInput
    effective: dt.date = strawberry.field(
        description="The day the change takes effect: what it adds is valid from that day, "
        "what it retires until the day before."
    )
    operations: list[OperationInput] = strawberry.field(
        description="What changes, in order (1 to 1000 operations)."
    )


def change_set_data(given: ChangeSetInput) -> dict[str, Any]:
    """``given`` as the plain data of a change set file."""
    data: dict[str, Any] = {
        "format": CHANGE_SET_FORMAT,
        "title": given.title,
        "reason": given.reason,
        "basis": _plain(given.basis),
        "effective": given.effective.isoformat(),
        "operations": [_operation(operation) for operation in given.operations],
    }
    return data


def change_set_content(given: ChangeSetInput) -> ChangeSetContent:
    """``given`` read as a change set file is: :class:`ChangeRefusedError` (rule
    ``format``) naming the first thing wrong."""
    return read_content(change_set_data(given))


def _operation(operation: OperationInput) -> dict[str, Any]:
    kind, value = _given_fields(operation)[0]  # a @oneOf input holds exactly one
    op = kind.replace("_", "-")
    if kind in _WRAPPED:
        return {"op": op, _WRAPPED[kind]: _plain(value)}
    return {"op": op, **_plain(value)}


def _given_fields(item: Any) -> list[tuple[str, Any]]:
    """The fields of an input object that were given (neither null nor left out)."""
    values = ((field.name, getattr(item, field.name)) for field in dataclasses.fields(item))
    return [(name, value) for name, value in values if value is not None and value is not UNSET]


def _plain(value: Any) -> Any:
    """An input's value as the file writes it: objects as mappings of the fields given,
    enums as their values, days as ISO dates, a fact's value as the scalar given."""
    if isinstance(value, FactValueInput):
        _, scalar = _given_fields(value)[0]
        if isinstance(scalar, float) and scalar.is_integer():
            return int(scalar)
        return scalar
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_FILE_KEYS.get(name, name): _plain(item) for name, item in _given_fields(value)}
    return value
