"""The rule book: the rules every dataset and every change to it must keep.

Pure functions over :class:`~accountgraph.model.Dataset`: nothing here reads files, talks
to a store or knows about GraphQL. Dataset loading (:mod:`accountgraph.dataset`) and change
sets both call :func:`check_rules`, so a graph is held to the same rules however it was made.
"""

from accountgraph.rules.book import FORMAT_RULES, RULES, check_rules
from accountgraph.rules.violation import RuleViolation

__all__ = ["FORMAT_RULES", "RULES", "RuleViolation", "check_rules"]
