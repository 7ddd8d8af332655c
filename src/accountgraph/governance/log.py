"""The append-only log of applied change sets, each entry chained to the one before by
SHA-256, so that changing, removing or reordering any entry is found by :func:`verify`.

An entry's hash is the SHA-256 of the canonical JSON (:func:`canonical_json`: keys sorted,
no spaces, UTF-8) of its content — position, change set, effects and the previous entry's
hash — so anyone can check an exported log without this program. The first entry's
previous hash is 64 zeros.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from accountgraph.governance.change_set import ChangeSet, canonical_json
from accountgraph.governance.operations import Effects
from accountgraph.model_json import edge_json, party_json, responsibility_json

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class LogHead:
    """Where the log stands: the last entry's position (0 when empty) and hash."""

    position: int
    hash: str


EMPTY_LOG = LogHead(0, GENESIS_HASH)


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One applied change set in the log."""

    position: int
    change_set: ChangeSet
    effects: Mapping[str, Any]
    previous_hash: str
    hash: str

    @property
    def party_ids(self) -> set[str]:
        return touched_by(self.effects)

    def content(self) -> dict[str, Any]:
        """What the hash covers."""
        return {
            "position": self.position,
            "change_set": self.change_set.as_json(),
            "effects": self.effects,
            "previous_hash": self.previous_hash,
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.content(), "hash": self.hash}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogEntry:
        return cls(
            position=data["position"],
            change_set=ChangeSet.from_json(data["change_set"]),
            effects=data["effects"],
            previous_hash=data["previous_hash"],
            hash=data["hash"],
        )


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def next_entry(head: LogHead, change_set: ChangeSet, effects: Effects) -> LogEntry:
    """The entry that appends ``change_set`` (already marked applied) after ``head``."""
    effects_data = effects_json(effects)
    content = {
        "position": head.position + 1,
        "change_set": change_set.as_json(),
        "effects": effects_data,
        "previous_hash": head.hash,
    }
    return LogEntry(
        position=head.position + 1,
        change_set=change_set,
        effects=effects_data,
        previous_hash=head.hash,
        hash=content_hash(content),
    )


def effects_json(effects: Effects) -> dict[str, Any]:
    """Each record a change set changed, before and after, as plain JSON data."""
    return {
        "parties": [
            {"before": None if old is None else party_json(old), "after": party_json(new)}
            for old, new in effects.parties
        ],
        "edges": [
            {"before": None if old is None else edge_json(old), "after": edge_json(new)}
            for old, new in effects.edges
        ],
        "duties": [
            {
                "before": None if old is None else responsibility_json(old),
                "after": responsibility_json(new),
            }
            for old, new in effects.duties
        ],
    }


def touched_by(effects: Mapping[str, Any]) -> set[str]:
    """The parties whose record, edges or duties an entry's effects change."""
    touched = {change["after"]["id"] for change in effects.get("parties", ())}
    for change in effects.get("edges", ()):
        touched.update((change["after"]["from"], change["after"]["to"]))
    touched.update(change["after"]["holder"] for change in effects.get("duties", ()))
    return touched


@dataclass(frozen=True, slots=True)
class Verification:
    """What :func:`verify` found: how many entries it checked, the head it reached, and the
    first entry that does not match (``None`` when the whole log is intact)."""

    checked: int
    head: LogHead
    broken_at: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(entries: Iterable[Mapping[str, Any]]) -> Verification:
    """Check a log, entry by entry, as exported (``LogEntry.as_json``)."""
    head = EMPTY_LOG
    checked = 0
    for entry in entries:
        position = entry.get("position")
        if position != head.position + 1:
            return Verification(
                checked,
                head,
                head.position + 1,
                f"expected entry {head.position + 1}, found {position!r}",
            )
        if entry.get("previous_hash") != head.hash:
            return Verification(
                checked,
                head,
                position,
                "its previous_hash is not the hash of the entry before it",
            )
        content = {key: value for key, value in entry.items() if key != "hash"}
        if content_hash(content) != entry.get("hash"):
            return Verification(checked, head, position, "its content does not match its hash")
        head = LogHead(position, entry["hash"])
        checked += 1
    return Verification(checked, head)
