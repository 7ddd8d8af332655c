"""The batch size of a load, from the time batches took: no clock here, the times are
given as the sizer would measure them."""

from __future__ import annotations

import pytest

from accountgraph.store.batch_size import MAX_BATCH_SIZE, BatchSizer


def test_a_full_batch_answered_quickly_doubles_the_next() -> None:
    sizer = BatchSizer(1000, timeout=5.0)
    sizer.answered(1000, 0.1)
    assert sizer.size == 2000
    sizer.answered(2000, 0.2)
    assert sizer.size == 4000


def test_a_short_batch_answered_quickly_says_nothing_of_a_larger_one() -> None:
    sizer = BatchSizer(1000, timeout=5.0)
    sizer.answered(30, 0.001)
    assert sizer.size == 1000


def test_a_batch_in_the_comfortable_range_keeps_the_size() -> None:
    sizer = BatchSizer(1000, timeout=5.0)
    sizer.answered(1000, 1.5)
    assert sizer.size == 1000


def test_a_slow_batch_sizes_the_next_to_take_a_fifth_of_the_timeout() -> None:
    sizer = BatchSizer(10_000, timeout=5.0)
    sizer.answered(10_000, 4.0)
    assert sizer.size == 2500
    sizer.answered(2500, 4.9)
    assert sizer.size == 510


def test_a_timed_out_batch_goes_again_in_quarters_down_to_one_row() -> None:
    sizer = BatchSizer(10_000, timeout=0.25)
    sizes = []
    for _ in range(9):
        sizer.timed_out(sizer.size)
        sizes.append(sizer.size)
    assert sizes == [2500, 625, 156, 39, 9, 2, 1, 1, 1]
    sizer.answered(1, 5.0)
    assert sizer.size == 1


def test_growth_stops_at_the_largest_size_or_the_first_if_larger() -> None:
    sizer = BatchSizer(MAX_BATCH_SIZE // 2 + 1, timeout=5.0)
    sizer.answered(sizer.size, 0.01)
    assert sizer.size == MAX_BATCH_SIZE
    sizer.answered(sizer.size, 0.01)
    assert sizer.size == MAX_BATCH_SIZE
    huge = BatchSizer(3 * MAX_BATCH_SIZE, timeout=5.0)
    huge.answered(huge.size, 0.01)
    assert huge.size == 3 * MAX_BATCH_SIZE


def test_the_sizes_of_the_batches_that_answered_are_kept() -> None:
    sizer = BatchSizer(100, timeout=5.0)
    assert (sizer.smallest, sizer.largest) == (None, 0)
    sizer.answered(100, 0.01)
    sizer.answered(7, 0.01)
    sizer.timed_out(200)
    assert (sizer.smallest, sizer.largest) == (7, 100)


def test_a_size_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="batch size 0"):
        BatchSizer(0, timeout=5.0)
