"""A change set: operations on the graph with who drafted them, why, on what basis and from
which day, moving through its lifecycle::

    draft ──propose──▶ proposed ──approve──▶ applied
      │                   │ └──reject──▶ rejected
      └───withdraw────────┴──withdraw──▶ withdrawn

Approval applies the change set at once, all of it or nothing, so ``approved`` is the
moment it becomes ``applied``; a change set that cannot be applied is refused and stays
``proposed``. Its operations are kept as the plain data they were written as (the change
set file's shape, :file:`graph/changeset.schema.json`), which is also what the log hashes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from accountgraph._resources import change_set_schema_path, dataset_schema_path
from accountgraph.errors import ChangeRefusedError

CHANGE_SET_FORMAT = "accountgraph-changeset/1"


class Status(StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    APPLIED = "applied"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def open(self) -> bool:
        """Whether the change set may still move on."""
        return self in (Status.DRAFT, Status.PROPOSED)


@dataclass(frozen=True, slots=True)
class Basis:
    """What a change rests on: a document's section, or a decision's reference, or both."""

    document: str | None = None
    section: str | None = None
    decision: str | None = None

    def __str__(self) -> str:
        cited = " ".join(part for part in (self.document, self.section) if part)
        return "; ".join(part for part in (cited, self.decision) if part)

    def as_json(self) -> dict[str, str]:
        fields = {"document": self.document, "section": self.section, "decision": self.decision}
        return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """One change set and where it stands. ``drafted_on`` is the log position its author
    saw: a change set applied after it that touches the same parties is a conflict."""

    id: str
    title: str
    reason: str
    basis: Basis
    effective: dt.date
    operations: tuple[Mapping[str, Any], ...]
    author: str
    status: Status
    drafted_on: int
    created_at: dt.datetime
    proposed_at: dt.datetime | None = None
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    decision_reason: str | None = None
    applied_position: int | None = None

    def moved(self, status: Status, **changes: Any) -> ChangeSet:
        return replace(self, status=status, **changes)

    def content_json(self) -> dict[str, Any]:
        """What the author wrote, in the change set file's shape."""
        return {
            "format": CHANGE_SET_FORMAT,
            "title": self.title,
            "reason": self.reason,
            "basis": self.basis.as_json(),
            "effective": self.effective.isoformat(),
            "operations": [dict(op) for op in self.operations],
        }

    def as_json(self) -> dict[str, Any]:
        """Everything about the change set, as plain JSON data."""
        return {
            "id": self.id,
            **self.content_json(),
            "author": self.author,
            "status": self.status.value,
            "drafted_on": self.drafted_on,
            "created_at": _stamp(self.created_at),
            "proposed_at": _stamp(self.proposed_at),
            "decided_by": self.decided_by,
            "decided_at": _stamp(self.decided_at),
            "decision_reason": self.decision_reason,
            "applied_position": self.applied_position,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ChangeSet:
        """The change set :meth:`as_json` wrote."""
        return cls(
            id=data["id"],
            title=data["title"],
            reason=data["reason"],
            basis=Basis(**data["basis"]),
            effective=dt.date.fromisoformat(data["effective"]),
            operations=tuple(data["operations"]),
            author=data["author"],
            status=Status(data["status"]),
            drafted_on=data["drafted_on"],
            created_at=_unstamp_required(data["created_at"]),
            proposed_at=_unstamp(data.get("proposed_at")),
            decided_by=data.get("decided_by"),
            decided_at=_unstamp(data.get("decided_at")),
            decision_reason=data.get("decision_reason"),
            applied_position=data.get("applied_position"),
        )


def new_change_set_id() -> str:
    return f"cs-{secrets.token_hex(5)}"


def canonical_json(value: Any) -> str:
    """The one text of ``value`` that is hashed: keys sorted, no spaces, UTF-8 as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@functools.cache
def change_set_validator() -> Draft202012Validator:
    """The change set file's JSON Schema, with the dataset schema it refers to."""
    schemas = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in (dataset_schema_path(), change_set_schema_path())
    ]
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    return Draft202012Validator(schemas[1], registry=registry)


@dataclass(frozen=True, slots=True)
class ChangeSetContent:
    """What an author writes: read from a change set file or a GraphQL input."""

    title: str
    reason: str
    basis: Basis
    effective: dt.date
    operations: tuple[Mapping[str, Any], ...]


def read_content(data: Any) -> ChangeSetContent:
    """The content of plain change set data; :class:`ChangeRefusedError` (rule
    ``format``) naming the first thing wrong, for data that breaks the schema."""
    errors = sorted(change_set_validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        raise ChangeRefusedError(_describe(errors[0]), rule="format")
    try:
        effective = dt.date.fromisoformat(data["effective"])
    except ValueError:
        raise ChangeRefusedError(
            f"change set.effective: {data['effective']!r} is not a day of the calendar",
            rule="format",
        ) from None
    return ChangeSetContent(
        title=data["title"],
        reason=data["reason"],
        basis=Basis(**data["basis"]),
        effective=effective,
        operations=tuple(data["operations"]),
    )


def _describe(error: Any) -> str:
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.path)
    return f"change set{where}: {_best(error).message}"


def _best(error: Any) -> Any:
    context: Sequence[Any] = error.context or ()
    return min(context, key=lambda e: -len(e.path), default=error)


def _stamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def _unstamp(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _unstamp_required(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
