"""Change sets, log entries and token records as a graph database keeps them, and back.

They are nodes beside the graph, with no relationship to it: ``(:ChangeSet {id, status,
created_at, body, parties})``, ``(:LogEntry {position, hash, previous_hash, change_set,
applied_at, parties, entry})`` and ``(:ApiToken {hash, name, role, created_at,
revoked_at})``. ``body`` and ``entry`` are the canonical JSON of the change set and of the
log entry (the entry exactly as hashed); ``parties`` lists the party ids a change set or
an entry concerns, which the queries filter on. Moments are ISO strings in UTC to the
second, so that they compare as the moments they name.

:func:`append_parameters` turns an applied change set's effects into the parameters of
``cypher/log_append.cypher``: each record the change set adds or replaces, as the rows a
load writes (:mod:`accountgraph.store._cypher_rows`), with its ordinal — its place in the
dataset the change set makes, which for a record replaced is its place before.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from accountgraph.governance.change_set import ChangeSet, canonical_json
from accountgraph.governance.changeable import mentioned_parties
from accountgraph.governance.log import LogEntry
from accountgraph.governance.operations import Outcome
from accountgraph.governance.roles import Role
from accountgraph.governance.tokens import TokenRecord
from accountgraph.model import Responsibility
from accountgraph.store._cypher_rows import Props, edge_row, party_row, responsibility_row


def stamp(moment: dt.datetime) -> str:
    """A moment as stored: ISO, UTC, to the second (a moment without zone is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def optional_stamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else stamp(moment)


def change_set_parameters(change_set: ChangeSet, parties: Sequence[str]) -> Props:
    """The properties of a change set's node (``cypher/change_set_save.cypher``)."""
    return {
        "id": change_set.id,
        "status": change_set.status.value,
        "created_at": stamp(change_set.created_at),
        "body": canonical_json(change_set.as_json()),
        "parties": sorted(parties),
    }


def change_set_of(body: str) -> ChangeSet:
    return ChangeSet.from_json(json.loads(body))


def log_entry_of(entry: str) -> LogEntry:
    return LogEntry.from_json(json.loads(entry))


def token_of(row: Mapping[str, Any]) -> TokenRecord:
    revoked = row.get("revoked_at")
    return TokenRecord(
        name=row["name"],
        role=Role(row["role"]),
        token_hash=row["hash"],
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        revoked_at=None if revoked is None else dt.datetime.fromisoformat(revoked),
    )


def append_parameters(entry: LogEntry, outcome: Outcome) -> Props:
    """The parameters of ``cypher/log_append.cypher`` that apply ``entry``'s change set,
    whose outcome on the graph as it stood is ``outcome``."""
    change_set = entry.change_set
    dataset = outcome.dataset
    effects = outcome.effects
    party_places = {party.id: index for index, party in enumerate(dataset.parties)}
    edge_places = _places(dataset.edges)
    duty_places = _places(dataset.responsibilities)
    new_parties: list[Props] = []
    changed_parties: list[Props] = []
    for held, party in effects.parties:
        row = party_row(party, party_places[party.id])
        if held is None:
            new_parties.append(row)
        else:
            changed_parties.append({**row, "relabel": held.kind.label != party.kind.label})
    new_edges: list[Props] = []
    changed_edges: list[Props] = []
    for was, edge in effects.edges:
        row = edge_row(edge, edge_places[id(edge)])
        if was is None:
            new_edges.append(row)
        else:
            changed_edges.append(
                {
                    "source": row["source"],
                    "target": row["target"],
                    "ordinal": row["props"]["ordinal"],
                    "props": row["props"],
                }
            )
    new_duties: list[Props] = []
    changed_duties: list[Props] = []
    nth = _nth(dataset.responsibilities)
    for laid, duty in effects.duties:
        ordinal = duty_places[id(duty)]
        row = responsibility_row(duty, ordinal, nth[ordinal])
        if laid is None:
            new_duties.append(row)
        else:
            changed_duties.append(
                {"holder": duty.holder, "ordinal": ordinal, "props": row["props"]}
            )
    if change_set.decided_at is None:
        raise ValueError(f"change set {change_set.id} is applied without a decision's moment")
    parties = mentioned_parties(change_set.operations) | entry.party_ids
    return {
        "position": entry.position,
        "previous_hash": entry.previous_hash,
        "hash": entry.hash,
        "applied_at": stamp(change_set.decided_at),
        "entry": canonical_json(entry.as_json()),
        "log_parties": sorted(entry.party_ids),
        "change_set": change_set_parameters(change_set, sorted(parties)),
        "new_parties": new_parties,
        "changed_parties": changed_parties,
        "new_edges": new_edges,
        "changed_edges": changed_edges,
        "new_duties": new_duties,
        "changed_duties": changed_duties,
        "changed_party_ids": [row["id"] for row in changed_parties],
        "changed_edge_sources": sorted({row["source"] for row in changed_edges}),
        "changed_edge_ordinals": [row["ordinal"] for row in changed_edges],
        "changed_duty_holders": sorted({row["holder"] for row in changed_duties}),
        "changed_duty_ordinals": [row["ordinal"] for row in changed_duties],
    }


def _places(items: Sequence[object]) -> dict[int, int]:
    """Each item's place in ``items``, by identity: the effects hold the very records of
    the dataset the operations made, and two records may be equal (not the same)."""
    return {id(item): index for index, item in enumerate(items)}


def _nth(duties: Sequence[Responsibility]) -> list[int]:
    """Which of its holder's duties with its code each duty is (0 for the first), as the
    importer numbers them."""
    seen: Counter[tuple[str, str]] = Counter()
    numbers = []
    for duty in duties:
        key = (duty.holder, duty.code)
        numbers.append(seen[key])
        seen[key] += 1
    return numbers
