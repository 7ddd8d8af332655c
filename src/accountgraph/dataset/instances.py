"""Many model objects at once, made field by field rather than object by object.

A frozen dataclass's ``__init__`` is Python code that sets each field through
``object.__setattr__``: for the millions of parties and edges of a large dataset that is
seconds. :func:`instances` makes the objects bare (``object.__new__``) and then sets one
field of all of them at a time through the field's slot descriptor, every step in C.

Nothing runs but the setting: no ``__post_init__``, no check. It is for values the
caller has checked, in the form the class's own constructor would have given them.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Iterable, Mapping, Sized
from itertools import repeat
from typing import Any, TypeVar

Model = TypeVar("Model")


def instances(cls: type[Model], count: int, columns: Mapping[str, Iterable[Any]]) -> list[Model]:
    """``count`` objects of the frozen slots dataclass ``cls``, the field ``name`` of the
    ``i``-th being ``columns[name][i]``; a field no column names takes its default.

    Raises :class:`ValueError` for a column that is not a field of ``cls`` or whose length
    is not ``count``, and for a field with neither a column nor a default.
    """
    fields = {field.name: field for field in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = columns.keys() - fields.keys()
    if unknown:
        raise ValueError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    made: list[Model] = list(map(object.__new__, repeat(cls, count)))
    for name, field in fields.items():
        column = columns.get(name)
        if column is None:
            if field.default is dataclasses.MISSING:
                raise ValueError(f"{cls.__name__}.{name} has no default: give its column")
            column = repeat(field.default)
        elif isinstance(column, Sized) and len(column) != count:
            raise ValueError(f"{len(column)} values of {cls.__name__}.{name} for {count} objects")
        deque(map(getattr(cls, name).__set__, made, column), maxlen=0)
    return made
