"""Substring search over every party's id, aliases and names, from an index.

``search`` matches a case-insensitive substring of an id, an alias or a name in any
language, so neither a word index nor a prefix tree answers it; a suffix array would,
but building one over a million parties' texts takes minutes in Python. This index is
an n-gram index with verification, made cheap to build by two choices:

* every party's fields are case-folded, encoded as UTF-8 and laid end to end in one
  byte string (fields apart by ``\\x00``, parties by ``\\x01``), so that checking a
  candidate is one :meth:`bytes.find` over its bytes, in C;
* the n-grams are the 4-byte windows of that string, read in C by viewing the bytes as
  32-bit integers, and they index *blocks* of :data:`BLOCK` consecutive parties rather
  than single parties, so that a name's n-grams are recorded once per block.

A needle of four bytes or more is looked for only in the blocks holding all of its
rarest windows; one of three bytes (one CJK character, or three letters) in the blocks
holding a window that starts with it; a shorter needle, everywhere (a page of it still
stops at its last party). UTF-8 being self-synchronising, a byte substring of the
encoded text is a character substring of the text, so the verification is exact. A
needle holding a separator is looked for field by field, and so are the matches of a
party whose fields hold one.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, repeat
from operator import add

from accountgraph.model import Party

BLOCK = 64
"""How many consecutive parties one entry of the index stands for."""

_FIELD = "\x00"
_PARTY = "\x01"
_WINDOW = 4
_RARE_ENOUGH = 16
"""A window's blocks are intersected with the candidates only while it is at most this
many times as common as they are: past that, checking the candidates costs less."""


class SearchIndex:
    """The parties whose id, an alias or a name contains a needle, in party order;
    ``parties`` are in the order their numbers give.
    """

    def __init__(self, parties: Sequence[Party]) -> None:
        self._source = parties
        self._odd: frozenset[int] = frozenset()
        """Parties with a field that holds a separator: their matches are checked on
        their fields, since the separator was blanked out of the text searched."""
        joined = _PARTY.join(map(_FIELD.join, map(_fields, parties)))
        if joined.count(_PARTY) != max(0, len(parties) - 1):
            self._odd = frozenset(
                number
                for number, party in enumerate(parties)
                if any(_PARTY in field for field in _fields(party))
            )
            texts = (_FIELD.join(f.replace(_PARTY, " ") for f in _fields(p)) for p in parties)
            joined = _PARTY.join(texts)
        blob = _encoded(joined.casefold())
        del joined
        lengths = map(len, blob.split(_PARTY.encode()))
        self._starts = array("q", accumulate(map(add, lengths, repeat(1)), initial=0))
        """Where each party's text starts; the last entry is one past the end."""
        self._parties = len(self._starts) - 1
        self._blob = blob + bytes(_WINDOW)
        blocks: defaultdict[int, list[int]] = defaultdict(list)
        add_to = blocks.__getitem__
        for block in range((self._parties + BLOCK - 1) // BLOCK):
            low = self._starts[block * BLOCK]
            high = self._starts[min(self._parties, (block + 1) * BLOCK)]
            windows = _windows(self._blob, low, high)
            deque(map(list.append, map(add_to, windows), repeat(block)), maxlen=0)
        self._blocks: dict[int, array[int]] = dict(
            zip(blocks.keys(), map(array, repeat("i"), blocks.values()), strict=True)
        )
        del blocks
        self._by_prefix: dict[bytes, list[int]] | None = None

    def matches(self, needle: str, start: int = 0) -> Iterator[int]:
        """The parties from number ``start`` on whose id, an alias or a name contains
        ``needle`` (case-insensitively), in order."""
        folded = needle.casefold()
        if _FIELD in folded or _PARTY in folded:  # only a field that holds one can match
            parties = self._source
            yield from (n for n in range(start, self._parties) if _holds(parties[n], folded))
            return
        wanted = _encoded(folded)
        if start >= self._parties:
            return
        blob, starts, odd = self._blob, self._starts, self._odd
        first_block = start // BLOCK
        for block in self._candidate_blocks(wanted, first_block):
            low = starts[max(start, block * BLOCK)]
            high = starts[min(self._parties, (block + 1) * BLOCK)]
            found = blob.find(wanted, low, high)
            while found != -1:
                party = bisect_right(starts, found) - 1
                if not odd or party not in odd or _holds(self._source[party], folded):
                    yield party
                found = blob.find(wanted, starts[party + 1], high)

    def count(self, needle: str, accept: Callable[[int], bool] | None = None) -> int:
        """How many parties :meth:`matches` yields (of those ``accept`` takes)."""
        found = self.matches(needle)
        if accept is not None:
            return sum(map(accept, found))
        return sum(1 for _ in found)

    def _candidate_blocks(self, wanted: bytes, first: int) -> Sequence[int]:
        """The blocks from ``first`` on that can hold ``wanted``, in order."""
        every = range(first, (self._parties + BLOCK - 1) // BLOCK)
        if len(wanted) >= _WINDOW:
            lists: list[array[int]] = []
            for window in set(_windows(wanted + bytes(_WINDOW), 0, len(wanted) - _WINDOW + 1)):
                entries = self._blocks.get(window)
                if entries is None:
                    return ()
                lists.append(entries)
            lists.sort(key=len)
        elif len(wanted) == _WINDOW - 1:
            lists = [self._blocks[w] for w in self._windows_starting(wanted)]
            if not lists:
                return ()
            if sum(map(len, lists)) > len(every) // 4:
                return every
            union: set[int] = set().union(*lists)
            return _from(sorted(union), first)
        else:
            return every
        candidates = set(lists[0])
        for entries in lists[1:]:
            if len(entries) > _RARE_ENOUGH * len(candidates):
                break
            candidates.intersection_update(entries)
        return _from(sorted(candidates), first)

    def _windows_starting(self, prefix: bytes) -> list[int]:
        """The indexed windows whose first bytes are ``prefix`` (three bytes long)."""
        if self._by_prefix is None:
            by_prefix: dict[bytes, list[int]] = {}
            for window in self._blocks:
                key = _window_bytes(window)[: _WINDOW - 1]
                by_prefix.setdefault(key, []).append(window)
            self._by_prefix = by_prefix
        return self._by_prefix.get(prefix, [])


def _windows(blob: bytes, low: int, high: int) -> set[int]:
    """The 4-byte windows of ``blob`` starting from ``low`` to ``high`` (excluded), each
    read as a native 32-bit integer; ``blob`` reaches at least 3 bytes past ``high``."""
    windows: set[int] = set()
    for shift in range(_WINDOW):
        begin = low + shift
        if begin >= high:
            break
        end = begin + _WINDOW * ((high - begin + _WINDOW - 1) // _WINDOW)
        windows.update(memoryview(blob[begin:end]).cast("I"))
    return windows


def _fields(party: Party) -> tuple[str, ...]:
    return (party.id, *party.aliases, *party.name.values.values())


def _holds(party: Party, folded: str) -> bool:
    return any(folded in field.casefold() for field in _fields(party))


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _window_bytes(window: int) -> bytes:
    return memoryview(array("I", [window])).tobytes()


def _from(ordered: Sequence[int], first: int) -> Sequence[int]:
    return ordered[bisect_left(ordered, first) :]
