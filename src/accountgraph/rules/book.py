"""The rule book: every rule a dataset must keep, checked in one call."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from types import MappingProxyType

from accountgraph.model import Dataset
from accountgraph.rules.chairs import chairs_not_members
from accountgraph.rules.cycles import accountability_cycles
from accountgraph.rules.delegation import delegations_outside_accountability
from accountgraph.rules.ends import edges_outside_their_parties, missing_ends
from accountgraph.rules.identity import duplicate_edges, duplicate_parties
from accountgraph.rules.index import DatasetIndex
from accountgraph.rules.violation import RuleViolation

_Rule = Callable[[DatasetIndex], Iterable[RuleViolation]]

_BOOK: tuple[tuple[str, str, _Rule], ...] = (
    ("duplicate-party-id", "No two parties share an id.", duplicate_parties),
    (
        "duplicate-edge",
        "No two edges share their from, relation, to and scope.",
        duplicate_edges,
    ),
    ("edge-end-missing", "Both ends of every edge are parties of the dataset.", missing_ends),
    (
        "edge-outside-party-validity",
        "An edge holds only on days both its parties take part in the graph "
        "(within their valid_from and valid_to).",
        edges_outside_their_parties,
    ),
    (
        "accountability-cycle",
        "No ACCOUNTABLE_TO cycle, on any day.",
        accountability_cycles,
    ),
    (
        "delegation-outside-accountability",
        "A DELEGATES_TO edge goes only to a party accountable to the delegator, directly or "
        "through the ACCOUNTABLE_TO chain, on every day the delegation holds "
        "(A/46/11 III.A.1).",
        delegations_outside_accountability,
    ),
    (
        "chair-not-member",
        "A party that chairs a body is a member of it (MEMBER_OF) on every day it chairs it "
        "(A/46/11 I(e)).",
        chairs_not_members,
    ),
)

RULES: Mapping[str, str] = MappingProxyType({code: words for code, words, _ in _BOOK})
"""Each rule's code and what it says, in the order :func:`check_rules` reports them."""

_POSITION = {code: at for at, code in enumerate(RULES)}


FORMAT_RULES: AbstractSet[str] = frozenset(
    ("duplicate-party-id", "duplicate-edge", "edge-end-missing")
)
"""The rules the dataset format states itself: a dataset reader refuses what breaks them
as it reads, and need not have them checked again (``check_rules(..., skip=FORMAT_RULES)``)."""


def check_rules(dataset: Dataset, *, skip: AbstractSet[str] = frozenset()) -> list[RuleViolation]:
    """Every violation of every rule of :data:`RULES` in ``dataset``, in a stable order:
    by rule, then by the parties and edges concerned. The rules ``skip`` names, which the
    caller has made sure of already, are not checked."""
    with _collector_paused():
        index = DatasetIndex(dataset)
        found = [
            violation for code, _, rule in _BOOK if code not in skip for violation in rule(index)
        ]
    return sorted(found, key=_order)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the rules run: they hold columns of millions of
    references, which each full collection would walk again; they make no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _order(violation: RuleViolation) -> tuple[object, ...]:
    edges = tuple((s, r, t, scope is not None, scope or "") for s, r, t, scope in violation.edges)
    return (_POSITION[violation.rule], violation.parties, edges, violation.message)
