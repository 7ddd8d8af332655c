"""The one protocol every store implements, and the bounds its queries share.

A store holds one dataset's graph and answers questions about it. Lists of paths are
ordered by length, then by the sequence of node ids, then by the sequence of relations,
so that every store gives them in the same order. Every method is async so
a store backed by a network database never blocks the event loop; the embedded store
answers at once. Stores return model objects (:mod:`accountgraph.model`), never driver
objects, so every store gives identical answers — the contract tests are the referee.

**As of a day.** Every query of parties or edges takes a keyword ``as_of``: ``None`` asks
about everything the store holds, whatever its dates; a day ``D`` asks about the graph as
it stood on ``D`` (the API and the CLI ask about today unless told otherwise):

* a party takes part on ``D`` iff ``party.validity.holds_on(D)``; an edge iff
  ``edge.validity.holds_on(D)`` and both its ends take part on ``D``
  (:meth:`Dataset.as_of <accountgraph.model.Dataset.as_of>`);
* a party that does not take part on ``D`` is unknown on ``D`` to the path queries
  (:meth:`~GraphStore.accountability_chains`, :meth:`~GraphStore.delegation_ends`,
  :meth:`~GraphStore.paths`), which raise
  :class:`~accountgraph.errors.UnknownPartyError` saying it is not valid on ``D``;
  :meth:`~GraphStore.get_party` and :meth:`~GraphStore.get_parties` answer ``None`` for it;
* listings, counts, suggestions, edges, neighbours, chains, delegation ends and paths
  ignore what does not take part on ``D``: the edges, neighbours and duties of a party
  the store holds but that does not take part on ``D`` are empty;
* responsibilities carry no dates: a duty follows its holder, listed by
  :meth:`~GraphStore.responsibilities` only when the holder takes part on ``D``;
  :meth:`~GraphStore.all_responsibilities` and :meth:`~GraphStore.snapshot` keep every
  duty, as :meth:`Dataset.as_of` does, so that a duty whose holder is gone shows;
* :meth:`~GraphStore.stats` is undated: what the store holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from accountgraph.errors import QueryLimitError, UnknownPartyError
from accountgraph.model import (
    Dataset,
    Direction,
    Edge,
    Party,
    PartyKind,
    Path,
    Relation,
    Responsibility,
)

MAX_DEPTH = 32
"""The deepest any path query may go."""

MAX_PATHS = 1000
"""The most paths any path query may return."""

MAX_PAGE = 500
"""The largest page of parties a listing may return."""


@dataclass(frozen=True, slots=True)
class StoreStats:
    """What a store holds: its dataset's name and how many of each thing."""

    dataset: str
    parties: int
    edges: int
    responsibilities: int


@dataclass(frozen=True, slots=True)
class PartyPage:
    """One page of a party listing, in id order; ``has_next`` says whether more follow."""

    parties: tuple[Party, ...]
    has_next: bool


def check_bounds(max_depth: int, max_paths: int) -> None:
    """Raise :class:`QueryLimitError` unless both bounds are within what stores allow."""
    if not 1 <= max_depth <= MAX_DEPTH:
        raise QueryLimitError("maxDepth", max_depth, f"an integer from 1 to {MAX_DEPTH}")
    if not 1 <= max_paths <= MAX_PATHS:
        raise QueryLimitError("first", max_paths, f"an integer from 1 to {MAX_PATHS}")


def check_page_size(first: int) -> None:
    if not 0 <= first <= MAX_PAGE:
        raise QueryLimitError("first", first, f"an integer from 0 to {MAX_PAGE}")


def day_of(as_of: dt.date | None) -> dt.date | None:
    """``as_of`` as a plain date (a :class:`datetime.datetime` counts as its day)."""
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    return as_of


def not_valid_on(party: Party, day: dt.date) -> UnknownPartyError:
    """The error for a party the store holds that does not take part on ``day``."""
    start, end = party.validity.valid_from, party.validity.valid_to
    if start is not None and end is not None:
        span = f"valid from {start} to {end}"
    elif start is not None:
        span = f"valid from {start}"
    else:
        span = f"valid until {end}"
    return UnknownPartyError(party.id, reason=f"is not valid on {day} ({span})")


async def require_party(store: GraphStore, party_id: str, day: dt.date | None) -> Party:
    """The party with this id on ``day``; else :class:`UnknownPartyError` saying whether the
    store has no such party (with the nearest ids) or holds one not valid that day."""
    party = await store.get_party(party_id, as_of=day)
    if party is not None:
        return party
    held = await store.get_party(party_id) if day is not None else None
    if held is not None and day is not None:
        raise not_valid_on(held, day)
    raise UnknownPartyError(party_id, await store.suggest_ids(party_id, as_of=day))


@runtime_checkable
class GraphStore(Protocol):
    """Read access to one dataset's graph.

    Party ids that do not exist raise :class:`~accountgraph.errors.UnknownPartyError`
    (with the nearest ids as suggestions) wherever a method takes an id to start from;
    :meth:`get_party` and :meth:`get_parties` answer ``None`` instead, for batch lookups.
    ``as_of`` asks about one day (see the module's docstring); ``None``, about everything
    the store holds.
    """

    async def stats(self) -> StoreStats:
        """Name of the dataset held, and counts of parties, edges and responsibilities
        (everything held, whatever its dates)."""
        ...

    async def get_party(self, party_id: str, *, as_of: dt.date | None = None) -> Party | None:
        """The party with this id, or ``None`` (also when it does not take part on
        ``as_of``)."""
        ...

    async def get_parties(
        self, party_ids: Sequence[str], *, as_of: dt.date | None = None
    ) -> list[Party | None]:
        """The parties with these ids, in the same order, ``None`` where an id is unknown
        (or its party does not take part on ``as_of``)."""
        ...

    async def suggest_ids(
        self, party_id: str, limit: int = 3, *, as_of: dt.date | None = None
    ) -> list[str]:
        """The existing ids nearest to ``party_id`` (for "did you mean"), of parties that
        take part on ``as_of``."""
        ...

    async def list_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: dt.date | None = None,
    ) -> PartyPage:
        """Parties in id order, optionally of one kind and matching ``search``.

        ``search`` matches, case-insensitively, a substring of the id, of an alias, or of
        the name in any language. ``after`` is the id the previous page ended with.
        """
        ...

    async def count_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        as_of: dt.date | None = None,
    ) -> int:
        """How many parties :meth:`list_parties` would list over all pages."""
        ...

    async def edges(
        self,
        party_id: str,
        direction: Direction = Direction.OUT,
        relations: Sequence[Relation] | None = None,
        *,
        as_of: dt.date | None = None,
    ) -> list[Edge]:
        """The edges of a party leaving it (OUT), arriving (IN) or both, of some relations.

        Ordered by relation, then the other end's id.
        """
        ...

    async def neighbours(
        self,
        party_id: str,
        relation: Relation,
        direction: Direction = Direction.OUT,
        *,
        transitive: bool = False,
        as_of: dt.date | None = None,
    ) -> list[Party]:
        """Parties one ``relation`` step away, or any number of steps when ``transitive``.

        The party itself is never in the answer. Ordered by distance, then id.
        """
        ...

    async def responsibilities(
        self, holder_id: str, *, as_of: dt.date | None = None
    ) -> list[Responsibility]:
        """The duties of a party, in the document's order of sections; none when the party
        does not take part on ``as_of``."""
        ...

    async def all_responsibilities(self) -> list[Responsibility]:
        """Every duty of the dataset, in the document's order of sections."""
        ...

    async def accountability_chains(
        self,
        party_id: str,
        *,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
    ) -> list[Path]:
        """Every simple path up ``ACCOUNTABLE_TO`` from the party to a party that answers to
        no one in the graph (on ``as_of``: to no one taking part that day). Shortest first;
        paths longer than ``max_depth`` are not followed; at most ``max_paths`` are
        returned. A party answering to no one has none.
        """
        ...

    async def delegation_ends(
        self,
        party_id: str,
        *,
        scope: str | None = None,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
    ) -> list[Path]:
        """Every simple path along ``DELEGATES_TO`` (of ``scope`` when given) from the party
        to a party that delegates no further. Same order and bounds as the chains.
        """
        ...

    async def paths(
        self,
        from_id: str,
        to_id: str,
        *,
        relations: Sequence[Relation] | None = None,
        max_depth: int = 8,
        max_paths: int = 50,
        as_of: dt.date | None = None,
    ) -> list[Path]:
        """Simple directed paths from one party to another over ``relations`` (all when
        ``None``): shortest first, then longer ones, at most ``max_depth`` edges long.
        """
        ...

    async def snapshot(self, *, as_of: dt.date | None = None) -> Dataset:
        """The whole dataset the store holds, equal to the one loaded into it — or, on
        ``as_of``, to its :meth:`Dataset.as_of <accountgraph.model.Dataset.as_of>` that
        day — for audits, exports and diffs. It reads the whole graph, by design.
        """
        ...

    async def close(self) -> None:
        """Release what the store holds open. Closing twice is harmless."""
        ...
