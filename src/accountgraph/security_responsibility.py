"""Who is responsible for the security of a party, and through which clauses.

The document assigns security responsibility to groups (``RESPONSIBLE_FOR_SECURITY_OF``),
often wider ones than the party asked about: the host country is responsible for the
personnel of every UN system organization (II), and WIPO's personnel are among them
(``PART_OF``). So the answer for a party is every responsibility for it or for any group
it is part of, each with the ``PART_OF`` steps through which it applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from accountgraph.explain import explain_edge
from accountgraph.model import Direction, Edge, Party, Relation
from accountgraph.store.base import MAX_DEPTH, GraphStore, require_party


@dataclass(frozen=True, slots=True)
class SecurityResponsibility:
    """``edge.source`` is responsible for the security of ``edge.target``, which the party
    asked about is, or is part of through ``via`` (its ``PART_OF`` steps, in order)."""

    edge: Edge
    via: tuple[Edge, ...] = ()

    @property
    def holder(self) -> str:
        return self.edge.source

    @property
    def party_ids(self) -> tuple[str, ...]:
        """Every party the answer names: the holder, the party asked about and the groups
        between."""
        return (self.edge.source, *(step.source for step in self.via), self.edge.target)

    def explanation(self, parties: Mapping[str, Party], lang: str = "en") -> list[str]:
        """The responsibility, then each step through which it applies, as sentences."""
        return [explain_edge(edge, parties, lang) for edge in (self.edge, *self.via)]


async def responsible_for_security_of(
    store: GraphStore,
    party_id: str,
    *,
    as_of: dt.date | None = None,
    max_depth: int = MAX_DEPTH,
) -> list[SecurityResponsibility]:
    """Every party responsible for the security of ``party_id`` or of a group it is part of
    (at most ``max_depth`` ``PART_OF`` steps up), nearest first, then by holder.

    Raises :class:`~accountgraph.errors.UnknownPartyError` for an unknown party, or one not
    valid on ``as_of``.
    """
    await require_party(store, party_id, as_of)
    found: list[SecurityResponsibility] = []
    level: list[tuple[str, tuple[Edge, ...]]] = [(party_id, ())]
    seen = {party_id}
    while level:
        below: list[tuple[str, tuple[Edge, ...]]] = []
        for group, via in level:
            for edge in await store.edges(
                group, Direction.IN, [Relation.RESPONSIBLE_FOR_SECURITY_OF], as_of=as_of
            ):
                found.append(SecurityResponsibility(edge, via))
            if len(via) >= max_depth:
                continue
            for step in await store.edges(group, Direction.OUT, [Relation.PART_OF], as_of=as_of):
                if step.target not in seen:
                    seen.add(step.target)
                    below.append((step.target, (*via, step)))
        level = below
    return sorted(found, key=lambda r: (len(r.via), r.holder, r.edge.target))
