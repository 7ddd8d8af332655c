""" "Did you mean": the known names nearest to a misspelt one."""

from __future__ import annotations

import difflib
import heapq
import re
from collections.abc import Iterable, Sequence
from typing import TypeVar

SUGGESTION_POOL = 1_000
"""How many ids, the nearest to an unknown one in sorted order, a store compares for "did
you mean": enough to find a typo, and since difflib takes tens of microseconds per id,
few enough to answer in milliseconds whatever the size of the graph."""

T = TypeVar("T")

_TOKEN_BONUS = 0.25
_TOKENS = re.compile(r"[^\W_]+")


def pool_around(ordered: Sequence[T], position: int) -> Sequence[T]:
    """The ids "did you mean" compares: all of ``ordered`` (sorted) when there are few,
    else the :data:`SUGGESTION_POOL` around ``position``, the unknown id's place."""
    if len(ordered) <= SUGGESTION_POOL:
        return ordered
    low = max(0, position - SUGGESTION_POOL // 2)
    return ordered[low : low + SUGGESTION_POOL]


def name_key(name: str) -> str:
    """How a typed id or alias is compared: case-folded, blanks as hyphens (``WIPO DG``
    and ``wipo-dg`` are one key)."""
    return "-".join(name.casefold().split())


def _tokens(text: str) -> set[str]:
    return set(_TOKENS.findall(text))


def closest(
    word: str,
    options: Iterable[str],
    *,
    limit: int = 3,
    cutoff: float = 0.6,
    spread: float | None = None,
) -> list[str]:
    """Up to ``limit`` options most like ``word``, best first, ignoring case.

    Likeness is difflib's ratio plus a bonus for the words of ``word`` that an option
    shares whole (``csa-geneva`` is nearer ``csa-switzerland`` than ``un-secretary-general``);
    ties go to the longer shared prefix, then to the option that sorts first. With
    ``spread``, options scoring more than ``spread`` below the best are dropped.
    """
    folded = word.casefold()
    words = _tokens(folded)
    matcher = difflib.SequenceMatcher(b=folded)
    scored: list[tuple[float, int, str]] = []
    for option in dict.fromkeys(options):
        candidate = option.casefold()
        matcher.set_seq1(candidate)
        floor = cutoff - _TOKEN_BONUS
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        shared_words = len(words & _tokens(candidate)) / len(words) if words else 0.0
        score = matcher.ratio() + _TOKEN_BONUS * shared_words
        if score < cutoff:
            continue
        pairs = zip(folded, candidate, strict=False)
        prefix = next(
            (i for i, (a, b) in enumerate(pairs) if a != b), min(len(folded), len(candidate))
        )
        scored.append((-score, -prefix, option))
    best = heapq.nsmallest(limit, scored)
    if spread is not None and best:
        top = -best[0][0]
        best = [entry for entry in best if -entry[0] >= top - spread]
    return [option for _, _, option in best]
