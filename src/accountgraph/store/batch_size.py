"""How many rows a load writes per statement: as many as answer well within the store's
timeout, found by measuring each batch.

A load starts at the size it is given (``--batch-size``). A full batch answered in under
a tenth of the timeout makes the next one twice as large (up to
:data:`MAX_BATCH_SIZE`, or the starting size if larger); one answered in over two fifths
of it makes the next one as large as should take a fifth, by the rate just measured; one
that timed out is written again in batches a quarter its size. So a load neither fails on
the timeout nor crawls in needlessly small statements, whatever the machine, the server
and the size of the graph.
"""

from __future__ import annotations

GROW_BELOW = 0.1
"""A full batch answered within this share of the timeout: the next is twice as large."""

SHRINK_ABOVE = 0.4
"""A batch answered after this share of the timeout: the next is sized to take TARGET."""

TARGET = 0.2
"""The share of the timeout a batch is sized to take when it must shrink."""

MAX_BATCH_SIZE = 10_000
"""Rows a batch grows to at most: measured on FalkorDB, the server's work per row is flat
from 2,000 to 10,000 rows a statement and grows past it (at 25,000)."""

AFTER_TIMEOUT = 4
"""A batch that timed out goes again in batches this many times smaller."""


class BatchSizer:
    """The size of the next batch, from the time the last ones took."""

    def __init__(self, size: int, timeout: float) -> None:
        """Start at ``size`` rows a batch, against a store that answers within ``timeout``
        seconds."""
        if size < 1:
            raise ValueError(f"batch size {size} is not allowed: at least 1")
        self.size = size
        self.timeout = timeout
        self.maximum = max(size, MAX_BATCH_SIZE)
        self.smallest: int | None = None
        """The fewest rows a batch that answered held (``None`` before the first)."""
        self.largest = 0
        """The most rows a batch that answered held."""

    def answered(self, rows: int, seconds: float) -> None:
        """A batch of ``rows`` rows answered after ``seconds``."""
        self.smallest = rows if self.smallest is None else min(self.smallest, rows)
        self.largest = max(self.largest, rows)
        if seconds > self.timeout * SHRINK_ABOVE:
            fitting = int(self.timeout * TARGET * rows / seconds)
            self.size = max(1, min(self.size, fitting))
        elif seconds < self.timeout * GROW_BELOW and rows >= self.size:
            self.size = min(self.maximum, self.size * 2)

    def timed_out(self, rows: int) -> None:
        """A batch of ``rows`` rows did not answer within the timeout."""
        self.size = max(1, min(self.size, rows) // AFTER_TIMEOUT)
