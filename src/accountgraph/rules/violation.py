"""What the rule book finds: one broken rule, the parties and edges it concerns."""

from __future__ import annotations

from dataclasses import dataclass

from accountgraph.model import Edge
from accountgraph.rules.days import Span

EdgeKey = tuple[str, str, str, str | None]
"""An edge's :attr:`~accountgraph.model.Edge.key`, its relation as text."""


@dataclass(frozen=True, slots=True)
class RuleViolation:
    """One rule a dataset breaks.

    ``rule`` is a stable code (a key of :data:`accountgraph.rules.RULES`); ``message`` is
    for people: the rule in words, the parties, the days it fails on and where the rule
    comes from. ``rule``, ``parties`` and ``edges`` identify the violation: the same break
    on other days gives the same ones. ``days`` are the spans of days (first and last,
    ``None`` open) it fails on, empty for a rule that does not depend on the day.
    """

    rule: str
    message: str
    parties: tuple[str, ...]
    edges: tuple[EdgeKey, ...] = ()
    days: tuple[Span, ...] = ()


def edge_key(edge: Edge) -> EdgeKey:
    return (edge.source, str(edge.relation.value), edge.target, edge.scope)


def edge_words(edge: Edge) -> str:
    """``a -ACCOUNTABLE_TO-> b``, with its scope if it has one."""
    scope = f" (scope {edge.scope})" if edge.scope is not None else ""
    return f"{edge.source} -{edge.relation.value}-> {edge.target}{scope}"
