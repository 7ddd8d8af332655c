"""What changed between two versions of a dataset: parties, edges and duties."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from accountgraph.model import Dataset, Edge, Party, Responsibility
from accountgraph.model_json import edge_json, party_json, responsibility_json

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Change(Generic[T]):
    """One thing that differs: ``old`` is None when added, ``new`` is None when removed."""

    key: str
    old: T | None
    new: T | None

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"


@dataclass(frozen=True, slots=True)
class DatasetDiff:
    parties: tuple[Change[Party], ...]
    edges: tuple[Change[Edge], ...]
    responsibilities: tuple[Change[Responsibility], ...]

    @property
    def empty(self) -> bool:
        return not (self.parties or self.edges or self.responsibilities)


def _edge_key(edge: Edge) -> str:
    scope = f" [{edge.scope}]" if edge.scope else ""
    return f"{edge.source} -{edge.relation.value}{scope}-> {edge.target}"


def _changes(old: Mapping[str, T], new: Mapping[str, T]) -> tuple[Change[T], ...]:
    keys = sorted(old.keys() | new.keys())
    return tuple(
        Change(key, old.get(key), new.get(key)) for key in keys if old.get(key) != new.get(key)
    )


def diff_datasets(old: Dataset, new: Dataset) -> DatasetDiff:
    """Parties by id, edges by (from, relation, scope, to), duties by (holder, code)."""
    return DatasetDiff(
        parties=_changes({p.id: p for p in old.parties}, {p.id: p for p in new.parties}),
        edges=_changes({_edge_key(e): e for e in old.edges}, {_edge_key(e): e for e in new.edges}),
        responsibilities=_changes(
            {f"{r.holder} {r.code}": r for r in old.responsibilities},
            {f"{r.holder} {r.code}": r for r in new.responsibilities},
        ),
    )


def _fields_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def _json(value: Hashable) -> dict[str, Any]:
    if isinstance(value, Party):
        return party_json(value)
    if isinstance(value, Edge):
        return edge_json(value)
    assert isinstance(value, Responsibility)
    return responsibility_json(value)


def diff_json(diff: DatasetDiff) -> dict[str, Any]:
    """The diff for machines: per section, what was added, removed, and changed (with the
    fields that changed, and both versions)."""

    def section(changes: tuple[Change[Any], ...]) -> dict[str, Any]:
        out: dict[str, Any] = {"added": [], "removed": [], "changed": []}
        for change in changes:
            if change.kind == "added":
                out["added"].append(_json(change.new))
            elif change.kind == "removed":
                out["removed"].append(_json(change.old))
            else:
                old, new = _json(change.old), _json(change.new)
                out["changed"].append(
                    {"key": change.key, "fields": _fields_changed(old, new), "old": old, "new": new}
                )
        return out

    return {
        "parties": section(diff.parties),
        "edges": section(diff.edges),
        "responsibilities": section(diff.responsibilities),
    }


def diff_text(diff: DatasetDiff) -> list[str]:
    """The diff for people, one line per change: ``+``, ``-`` or ``~`` and what changed."""
    if diff.empty:
        return ["no differences"]
    lines: list[str] = []
    marks = {"added": "+", "removed": "-", "changed": "~"}
    for title, changes in (
        ("parties", diff.parties),
        ("edges", diff.edges),
        ("responsibilities", diff.responsibilities),
    ):
        if not changes:
            continue
        lines.append(f"{title}:")
        for change in changes:
            line = f"  {marks[change.kind]} {change.key}"
            if change.kind == "changed":
                fields = _fields_changed(_json(change.old), _json(change.new))
                line += f"  ({', '.join(fields)})"
            lines.append(line)
    return lines
