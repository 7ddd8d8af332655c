"""How the CLI shows change sets and the log to people: what a change set is and where it
stands, and what it changes on the graph, one record a line, added things marked ``+``
(green), retired ones ``−`` (red, struck through) and changed ones ``~`` (yellow).

Everything here works on the plain JSON data the log keeps
(:func:`~accountgraph.governance.log.effects_json`): a preview is drawn the same way as an
applied change set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text as RichText

from accountgraph.governance.change_set import ChangeSet, Status
from accountgraph.governance.log import LogEntry

Record = Mapping[str, Any]

ADDED, RETIRED, CHANGED = "added", "retired", "changed"
_MARKS = {ADDED: ("+", "green"), RETIRED: ("−", "red"), CHANGED: ("~", "yellow")}
_SHOWN_FIELDS = {
    "parties": ("kind", "name", "aliases", "description", "facts", "apex", "name_note"),
    "edges": ("scope", "sources", "note"),
    "duties": ("text", "note"),
}


def change_kind(change: Record) -> str:
    """Whether a before/after record was added, retired (its ``valid_to`` set), or changed."""
    before, after = change.get("before"), change["after"]
    if before is None:
        return ADDED
    if after.get("valid_to") is not None and before.get("valid_to") != after.get("valid_to"):
        return RETIRED
    return CHANGED


def diff_lines(effects: Mapping[str, Sequence[Record]]) -> list[RichText]:
    """One line per party, edge and duty a change set adds, retires or changes."""
    lines: list[RichText] = []
    for change in effects.get("parties", ()):
        lines.append(_line(change, "party", _party(change["after"]), "parties"))
    for change in effects.get("edges", ()):
        lines.append(_line(change, "edge", _edge(change["after"]), "edges"))
    for change in effects.get("duties", ()):
        lines.append(_line(change, "duty", _duty(change["after"]), "duties"))
    return lines


def _line(change: Record, noun: str, name: str, kind_of_record: str) -> RichText:
    kind = change_kind(change)
    mark, colour = _MARKS[kind]
    after = change["after"]
    line = RichText(f"  {mark} ", style=f"bold {colour}")
    line.append(f"{kind} {noun} ", style=colour)
    line.append(name, style=f"{colour} strike" if kind == RETIRED else colour)
    if kind == ADDED:
        line.append(f"  ({_span(after)}{_sections(after)})", style="dim")
    elif kind == RETIRED:
        line.append(f"  (until {after['valid_to']}; was {_span(change['before'])})", style="dim")
    else:
        fields = [
            field
            for field in (*_SHOWN_FIELDS[kind_of_record], "valid_from", "valid_to")
            if change["before"].get(field) != after.get(field)
        ]
        line.append(f"  ({', '.join(fields) or 'no visible field'} changed)", style="dim")
    return line


def _party(party: Record) -> str:
    name = (party.get("name") or {}).get("en")
    return f"{party['id']} ({party['kind']})" + (f" “{name}”" if name else "")


def _edge(edge: Record) -> str:
    scope = f" [{edge['scope']}]" if edge.get("scope") else ""
    return f"{edge['from']} ─{edge['relation']}→ {edge['to']}{scope}"


def _duty(duty: Record) -> str:
    return f"{duty['code']} of {duty['holder']}"


def _span(record: Record) -> str:
    start, end = record.get("valid_from"), record.get("valid_to")
    if start and end:
        return f"valid {start} to {end}"
    if start:
        return f"valid from {start}"
    return f"valid until {end}" if end else "valid always"


def _sections(record: Record) -> str:
    sources = record.get("sources") or []
    sections = ", ".join(source["section"] for source in sources if source.get("section"))
    return f"; {sections}" if sections else ""


def _moment(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def history_lines(change_set: ChangeSet) -> list[str]:
    """Where a change set has been, step by step."""
    lines = [
        f"drafted   {_moment(change_set.created_at)} by {change_set.author} "
        f"(on log position {change_set.drafted_on})"
    ]
    if change_set.proposed_at is not None:
        lines.append(f"proposed  {_moment(change_set.proposed_at)}")
    decided = _moment(change_set.decided_at)
    if change_set.status is Status.APPLIED:
        lines.append(
            f"applied   {decided}, approved by {change_set.decided_by} "
            f"(log entry {change_set.applied_position})"
        )
    elif change_set.status is Status.REJECTED:
        lines.append(
            f"rejected  {decided} by {change_set.decided_by}: {change_set.decision_reason}"
        )
    elif change_set.status is Status.WITHDRAWN:
        lines.append(f"withdrawn {decided} by {change_set.decided_by}")
    return lines


def print_change_set(
    console: Console,
    change_set: ChangeSet,
    effects: Mapping[str, Sequence[Record]] | None,
    diff_note: str,
) -> None:
    """A change set: what it is, its history, its operations, and the diff ``effects``
    draws (``diff_note`` says whose: what it changed, or would change now)."""
    console.print(RichText(f"{change_set.id}  {change_set.title}", style="bold"))
    for label, value in _summary(change_set):
        console.print(RichText.assemble((f"  {label:<10}", "dim"), value))
    console.print(RichText("History", style="bold"))
    for line in history_lines(change_set):
        console.print(f"  {line}")
    console.print(RichText("Operations", style="bold"))
    for index, operation in enumerate(change_set.operations, start=1):
        console.print(f"  {index}. {describe_operation(operation)}")
    console.print(RichText(diff_note, style="bold"))
    if effects is not None:
        for change in diff_lines(effects) or [RichText("  (nothing)")]:
            console.print(change)


def _summary(change_set: ChangeSet) -> Iterator[tuple[str, str]]:
    yield "status", change_set.status.value
    yield "author", change_set.author
    yield "basis", str(change_set.basis)
    yield "effective", change_set.effective.isoformat()
    yield "reason", change_set.reason


def describe_operation(operation: Mapping[str, Any]) -> str:
    """An operation in a line, as its author wrote it."""
    op = operation["op"]
    if op == "add-party":
        party = operation["party"]
        return f"add-party {party['id']} ({party['kind']}) “{party['name'].get('en', '')}”"
    if op == "add-edge":
        edge = operation["edge"]
        return f"add-edge {_edge({**edge, 'sources': []})}"
    if op == "add-duty":
        return f"add-duty {_duty(operation['duty'])}"
    if op in ("retire-edge", "correct-citation"):
        return f"{op} {_edge(operation)}"
    if op == "retire-duty":
        return f"retire-duty {_duty(operation)}"
    changed = sorted(key for key in operation if key not in ("op", "id"))
    fields = f": {', '.join(changed)}" if changed else ""
    return f"{op} {operation['id']}{fields}"


def print_log(console: Console, entries: Sequence[LogEntry]) -> None:
    """The log's entries, oldest first, each with what it changed."""
    for entry in entries:
        change_set = entry.change_set
        console.print(
            RichText.assemble(
                (f"#{entry.position}", "bold"),
                f"  {_moment(change_set.decided_at)}  ",
                (change_set.id, "cyan"),
                f"  {change_set.title}",
            )
        )
        console.print(
            f"    by {change_set.author}, approved by {change_set.decided_by}; "
            f"effective {change_set.effective}; basis: {change_set.basis}"
        )
        for line in diff_lines(entry.effects):
            console.print(RichText("  ").append_text(line))
        console.print(RichText(f"    hash {entry.hash}", style="dim"))
