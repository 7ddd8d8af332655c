"""The Cypher statements of the graph database stores, read from the shipped ``cypher/``.

Each ``cypher/NAME.cypher`` holds one parameterised statement (schema files hold several,
separated by ``;`` at the end of a line) and starts with comments: its purpose, then
``// @param name example`` for each parameter. Nothing here assembles Cypher: a statement
is exactly its file's text.
"""

from __future__ import annotations

import re
from functools import cache

from accountgraph._resources import data_dir

_STATEMENT_END = re.compile(r";[ \t]*(?:\n|$)")


@cache
def statement(name: str) -> str:
    """The text of ``cypher/NAME.cypher``, a single statement."""
    return (data_dir("cypher") / f"{name}.cypher").read_text(encoding="utf-8")


@cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of ``cypher/NAME.cypher``, split at each ``;`` ending a line."""
    code = "\n".join(
        line for line in statement(name).splitlines() if not line.lstrip().startswith("//")
    )
    return tuple(part.strip() for part in _STATEMENT_END.split(code) if part.strip())
