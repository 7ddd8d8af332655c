"""The rule book's findings (:mod:`accountgraph.rules`) as located issues.

The careful path asks for them once a file has no other problem: each violation is
reported at the first (in the file) of the edges it names, or else at the party, with the
lines of the other edges it names; its message begins with the rule's code.
"""

from __future__ import annotations

from typing import Any

from accountgraph.dataset.build import build_checked
from accountgraph.dataset.checks import Located
from accountgraph.dataset.yaml_lines import Issue, JsonPath
from accountgraph.rules import FORMAT_RULES, RuleViolation, check_rules
from accountgraph.rules.violation import EdgeKey


def rule_issues(tree: Located) -> list[Issue]:
    """Every rule ``tree``'s dataset breaks; its data must have passed every other check,
    which include the rules of the format itself."""
    violations = check_rules(build_checked(tree.data), skip=FORMAT_RULES)
    if not violations:
        return []
    edges: dict[EdgeKey, JsonPath] = {}
    for at, item in enumerate(tree.data["edges"]):
        edges.setdefault(_key(item), ("edges", at))
    parties: dict[str, JsonPath] = {}
    for at, item in enumerate(tree.data["parties"]):
        parties.setdefault(item["id"], ("parties", at))
    return [_located(violation, tree, edges, parties) for violation in violations]


def _key(item: dict[str, Any]) -> EdgeKey:
    return (item["from"], item["relation"], item["to"], item.get("scope"))


def _located(
    violation: RuleViolation,
    tree: Located,
    edges: dict[EdgeKey, JsonPath],
    parties: dict[str, JsonPath],
) -> Issue:
    paths = [edges[key] for key in violation.edges if key in edges]
    if not paths:
        paths = [parties[party] for party in violation.parties if party in parties][:1]
    message = f"{violation.rule}: {violation.message}"
    if not paths:
        return Issue((), tree.line(()), message)
    lines = sorted({tree.line(path): path for path in paths}.items())
    (line, path), others = lines[0], [str(other) for other, _ in lines[1:]]
    if others:
        listed = others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1]
        message += f" (its other edges: line{'s' if len(others) > 1 else ''} {listed})"
    return Issue(path, line, message)
