"""Days as people give them: ``YYYY-MM-DD`` and nothing else.

Python 3.11's :meth:`datetime.date.fromisoformat` also takes ``20090101`` and
``2009-W01-1``; a day that comes in from outside (a GraphQL ``asOf``, ``--as-of``, a
query parameter) is read here instead, so every door accepts the one form the
documentation names.
"""

from __future__ import annotations

import datetime as dt
import re

DAY_FORMAT = "YYYY-MM-DD"
"""The only way a day may be written."""

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_day(text: str) -> dt.date:
    """The day ``text`` writes as ``YYYY-MM-DD``; :class:`ValueError` names the expected
    form, or the part that is out of range (``2009-02-30``)."""
    if not _DAY.fullmatch(text):
        raise ValueError(f"{text!r} is not a date: expected {DAY_FORMAT}, e.g. 2009-01-01")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a date: {error}") from None
