"""A JSON Schema finding about one value of a file, told for people: the words shared by
the dataset checks (:mod:`.checks`) and the change set file reader
(:mod:`accountgraph.governance.change_set_file`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from jsonschema import ValidationError

from accountgraph.dataset.yaml_lines import JsonPath

TYPE_NAMES = {
    "string": "text",
    "object": "a mapping (key: value)",
    "array": "a list",
    "boolean": "true/false",
    "number": "a number",
    "integer": "a whole number",
    "null": "nothing",
}
QUOTED = 60
"""The longest text quoted whole in a message."""


class WrittenAs(Protocol):
    def source(self, path: JsonPath) -> str | None:
        """The text a scalar was written as, when it may differ from the value read."""
        ...


def clip(text: str) -> str:
    """``text``, or its start and its length if it is too long to quote in a message."""
    return text if len(text) <= QUOTED else f"{text[:40]}… ({len(text):,} characters)"


def show(value: Any) -> str:
    """A value as a message quotes it."""
    if isinstance(value, str):
        return (
            f'"{value}"' if len(value) <= QUOTED else f'"{value[:40]}…" ({len(value):,} characters)'
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return str(value)
    return "a mapping" if isinstance(value, dict) else "a list"


def type_message(error: ValidationError, path: JsonPath, label: str, tree: WrittenAs) -> str:
    """A value of the wrong type: what was expected, what was written, and the quotes that
    would make a number or a date the text it should be."""
    wanted: Any = error.validator_value
    names = [TYPE_NAMES.get(t, t) for t in ([wanted] if isinstance(wanted, str) else wanted)]
    want = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    schema: Any = error.schema
    if isinstance(schema, dict) and "patternProperties" in schema:
        want = "a text by language, like {en: ..., zh: ...}"
    value: Any = error.instance
    if value is None:
        return f"{label} has no value; expected {want}"
    got = f"text {show(value)}" if isinstance(value, str) else show(value)
    message = f"{label}: expected {want}, got {got}"
    source = tree.source(path)
    if wanted == "string" and source is not None and not isinstance(value, dict | list):
        message += f'; put it in quotes: "{source}"'
    return message


def pattern_message(error: ValidationError, label: str, advice: Mapping[str, str]) -> str:
    """A text not written as its pattern asks: ``advice`` says, for each pattern, what the
    text is not and how to write it (``is not a valid id; use lower-case words …``)."""
    pattern: Any = error.validator_value
    said = advice.get(pattern) if isinstance(pattern, str) else None
    shown = show(error.instance)
    if said is not None:
        return f"{label}: {shown} {said}"
    return f"{label}: {shown} does not match {pattern}"
