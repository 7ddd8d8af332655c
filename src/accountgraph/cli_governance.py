"""The governance commands of ``accountgraph``: tokens, change sets and the log.

Thin commands over :class:`~accountgraph.governance.service.Governance`, which decides
everything; these parse, call it and print. They act on ``--store`` directly:

- ``token create|list|revoke`` as the local operator, who can open the store and so
  needs no token;
- ``propose``, ``approve``, ``reject`` and ``withdraw`` as the person whose token is in
  ``ACCOUNTGRAPH_TOKEN`` (or the file ``--token-file`` names). There is no ``--token``
  option: a command line is visible to every user of the machine in the process list;
- ``show-change`` and ``log`` read, as every question about the graph does, without a token.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import os
import re
import stat
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.table import Table

from accountgraph.cli_options import (
    JSON_OPTION,
    STORE_TIMEOUT_OPTION,
    Day,
    fail,
    print_json,
    store_option,
)
from accountgraph.dataset.file_guard import MAX_DATASET_BYTES, open_dataset_file
from accountgraph.errors import (
    AccountGraphError,
    AuthenticationError,
    ChangeRefusedError,
    DatasetError,
)
from accountgraph.governance.change_set import ChangeSet, Status, canonical_json
from accountgraph.governance.change_set_file import ChangeSetFile, read_change_set_file
from accountgraph.governance.changeable import ChangeableStore
from accountgraph.governance.log import Verification, effects_json, verify
from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor, TokenRecord
from accountgraph.store import open_store
from accountgraph.store.base import GraphStore
from accountgraph.terminal_changes import describe_operation, print_change_set, print_log

T = TypeVar("T")

TOKEN_VARIABLE = "ACCOUNTGRAPH_TOKEN"
MAX_TOKEN_FILE_BYTES = 4096
CHANGE_SET_ID = re.compile(r"^cs-[0-9a-f]+$")

_MEMORY_STORE = (
    "{what} needs a store that keeps changes, and the memory store keeps none: give "
    "--store sqlite:///path/graph.db (or set ACCOUNTGRAPH_STORE) after putting the dataset "
    "in it with `accountgraph load --store sqlite:///path/graph.db`; a FalkorDB or Neo4j "
    "store will do too"
)
_NO_TOKEN = (
    "{what} needs your token: set {variable} or give --token-file FILE "
    "(the store's operator makes one with `accountgraph token create --name NAME --role ROLE`)"
)

TOKEN_FILE_OPTION = click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=FilePath),
    envvar="ACCOUNTGRAPH_TOKEN_FILE",
    default=None,
    metavar="FILE",
    help=f"Read your token from the first line of FILE instead of {TOKEN_VARIABLE}. "
    "There is no --token option: the process list would show it to every user.",
)


def _console() -> Console:
    return Console(soft_wrap=True)


# --- the store, the service and who is asking -------------------------------------------


class _Refused(Exception):
    """A refusal, with the operations it may be about and the file they came from."""

    def __init__(
        self,
        refused: ChangeRefusedError,
        operations: Sequence[Mapping[str, Any]] = (),
        file: ChangeSetFile | None = None,
    ) -> None:
        super().__init__(str(refused))
        self.refused = refused
        self.operations = operations
        self.file = file


def _run(
    store_spec: str,
    store_timeout: float,
    what: str,
    job: Callable[[Governance, GraphStore], Awaitable[T]],
) -> T:
    """``job`` on the governance of the store ``store_spec`` names; an error is told and
    ends the command with exit status 1."""
    if store_spec == "memory":
        fail(_MEMORY_STORE.format(what=what))

    async def run() -> T:
        store = open_store(store_spec, timeout=store_timeout)
        try:
            return await job(Governance(store), store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except _Refused as refusal:
        _tell_refusal(refusal)
    except AccountGraphError as error:
        fail(str(error))


def _tell_refusal(refusal: _Refused) -> NoReturn:
    refused = refusal.refused
    line = refusal.file.refusal_line(refused) if refusal.file is not None else None
    where = f"{refusal.file.path}:{line}: " if refusal.file is not None and line else ""
    click.echo(f"Error: {where}{refused}", err=True)
    click.echo(f"  rule: {refused.rule}", err=True)
    if refused.parties:
        click.echo(f"  parties: {', '.join(refused.parties)}", err=True)
    index = refused.operation
    if index is not None and index < len(refusal.operations):
        operation = describe_operation(refusal.operations[index])
        click.echo(f"  operation {index + 1}: {operation}", err=True)
    if refused.change_set is not None and refusal.file is None:  # a file's was never kept
        click.echo(f"  change set: {refused.change_set}", err=True)
    raise SystemExit(1)


def read_token_file(path: FilePath) -> str:
    """The token a file holds on its first line; a warning when others may read it."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            fail(f"--token-file {path} is not a regular file")
        with path.open("rb") as file:
            raw = file.read(MAX_TOKEN_FILE_BYTES + 1)
    except OSError as error:
        fail(f"cannot read --token-file {path}: {error.strerror or error}")
    if len(raw) > MAX_TOKEN_FILE_BYTES:
        fail(f"--token-file {path} is larger than {MAX_TOKEN_FILE_BYTES} bytes: not a token file")
    lines = raw.decode("utf-8", errors="replace").splitlines()
    if not lines or not lines[0].strip():
        fail(f"the first line of --token-file {path} is empty; it must be the token")
    if status.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        click.echo(
            f"Warning: other users of this machine may read {path}: chmod 600 {path}", err=True
        )
    return lines[0].strip()


@dataclass(frozen=True, slots=True)
class _Credential:
    """A token and where it was read from, to name in an error (never the token)."""

    token: str
    source: str


def _credential(store_spec: str, token_file: FilePath | None, what: str) -> _Credential:
    """The token of whoever runs a command that changes the store."""
    if store_spec == "memory":
        fail(_MEMORY_STORE.format(what=what))
    if token_file is not None:
        return _Credential(read_token_file(token_file), f"the token in {token_file}")
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        fail(_NO_TOKEN.format(what=what, variable=TOKEN_VARIABLE))
    return _Credential(token, f"the token in {TOKEN_VARIABLE}")


async def _actor(governance: Governance, credential: _Credential) -> Actor:
    try:
        actor = await governance.authenticate(credential.token)
    except AuthenticationError as error:
        raise AuthenticationError(f"{error} ({credential.source})") from None
    assert actor is not None  # a token was given
    return actor


def _governance_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--store, --store-password-file, --store-timeout and --token-file."""
    for option in (TOKEN_FILE_OPTION, STORE_TIMEOUT_OPTION):
        command = option(command)
    return store_option(command)


# --- tokens ------------------------------------------------------------------------------


@click.group("token")
def token_group() -> None:
    """Create, list and revoke the tokens of governance staff.

    These act on --store directly, as its operator: whoever can open the store needs no
    token to manage tokens. Over HTTP an admin token is needed.
    """


@token_group.command("create")
@click.option("--name", required=True, help="Whose token: the name the log records.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="reader: reads; editor: drafts and proposes; approver: approves and rejects "
    "others' change sets; admin: manages tokens. Each may do what the ones before it may.",
)
@store_option
@STORE_TIMEOUT_OPTION
def token_create(name: str, role: str, store_spec: str, store_timeout: float) -> None:
    """Make a token for NAME with ROLE and print it, once: the store keeps only its hash."""

    async def job(governance: Governance, _store: GraphStore) -> str:
        return await governance.create_token(None, name, Role(role))

    token = _run(store_spec, store_timeout, "token create", job)
    click.echo(token)
    click.echo(
        f"The token of {name!r} ({role}), above, is shown this once: the store keeps only its "
        f"hash. Give it to {name} now (they set {TOKEN_VARIABLE}, or keep it in a file only "
        "they can read, for --token-file).",
        err=True,
    )


def _stamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def token_json(record: TokenRecord, *, with_hash: bool = False) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": record.name,
        "role": record.role.value,
        "created_at": _stamp(record.created_at),
        "revoked_at": _stamp(record.revoked_at),
    }
    if with_hash:
        shown["sha256"] = record.token_hash
    return shown


@token_group.command("list")
@click.option(
    "--hashes",
    is_flag=True,
    help="Show each token's SHA-256 too, to match a token found where it should not be "
    "(sha256 of it) to its owner.",
)
@JSON_OPTION
@store_option
@STORE_TIMEOUT_OPTION
def token_list(hashes: bool, as_json: bool, store_spec: str, store_timeout: float) -> None:
    """List the tokens: name, role, when created, when revoked (never the tokens)."""

    async def job(governance: Governance, _store: GraphStore) -> list[TokenRecord]:
        return await governance.tokens(None)

    records = _run(store_spec, store_timeout, "token list", job)
    if as_json:
        print_json([token_json(record, with_hash=hashes) for record in records])
        return
    if not records:
        click.echo(
            "No tokens yet: make one with `accountgraph token create --name NAME --role ROLE`."
        )
        return
    table = Table("name", "role", "created", "revoked")
    if hashes:
        table.add_column("sha256")
    for record in records:
        row = [
            record.name,
            record.role.value,
            _stamp(record.created_at) or "",
            _stamp(record.revoked_at) or "active",
        ]
        table.add_row(*row, *([record.token_hash] if hashes else []))
    _console().print(table)


@token_group.command("revoke")
@click.argument("name")
@store_option
@STORE_TIMEOUT_OPTION
def token_revoke(name: str, store_spec: str, store_timeout: float) -> None:
    """Revoke the active token of NAME: it is refused from now on."""

    async def job(governance: Governance, _store: GraphStore) -> TokenRecord:
        return await governance.revoke_token(None, name)

    record = _run(store_spec, store_timeout, "token revoke", job)
    click.echo(f"Revoked the token of {record.name!r} ({record.role.value}).")


# --- change sets -------------------------------------------------------------------------


@click.command("propose")
@click.argument("change", metavar="CHANGES.yaml|ID")
@click.option(
    "--draft",
    is_flag=True,
    help="Keep it a draft, which nobody can approve yet: propose it later with "
    "`accountgraph propose ID`.",
)
@_governance_options
def propose(
    change: str,
    draft: bool,
    store_spec: str,
    store_timeout: float,
    token_file: FilePath | None,
) -> None:
    """Propose the change set in CHANGES.yaml (format: graph/changeset.schema.json), or
    the draft ID; print its id.

    The file is checked first, every problem told at its line; then the service checks
    that the change set can be applied to the graph as it stands (its operations, the rule
    book, conflicts) and keeps it. An approver other than you applies it with
    `accountgraph approve ID`.
    """
    path = FilePath(change)
    if CHANGE_SET_ID.match(change) and not path.exists():
        _propose_draft(change, store_spec, store_timeout, token_file)
        return
    found, problems = read_change_set_file(path)
    if found is None:
        noun = "problem" if len(problems) == 1 else "problems"
        click.echo(f"{path}: {len(problems)} {noun}; nothing was proposed", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    credential = _credential(store_spec, token_file, "propose")
    change_file = found

    async def job(governance: Governance, _store: GraphStore) -> ChangeSet:
        actor = await _actor(governance, credential)
        try:
            return await governance.draft(actor, change_file.content, propose=not draft)
        except ChangeRefusedError as refused:
            raise _Refused(refused, change_file.content.operations, change_file) from None

    change_set = _run(store_spec, store_timeout, "propose", job)
    click.echo(change_set.id)
    _tell_kept(change_set)


def _propose_draft(
    change_set_id: str, store_spec: str, store_timeout: float, token_file: FilePath | None
) -> None:
    credential = _credential(store_spec, token_file, "propose")

    async def job(governance: Governance, _store: GraphStore) -> ChangeSet:
        actor = await _actor(governance, credential)
        kept = await governance.get(actor, change_set_id)
        try:
            return await governance.propose(actor, change_set_id)
        except ChangeRefusedError as refused:
            raise _Refused(refused, kept.operations) from None

    change_set = _run(store_spec, store_timeout, "propose", job)
    click.echo(change_set.id)
    _tell_kept(change_set)


def _tell_kept(change_set: ChangeSet) -> None:
    count = len(change_set.operations)
    what = (
        f"{change_set.id} “{change_set.title}” by {change_set.author}: {count} "
        f"operation{'' if count == 1 else 's'}, effective {change_set.effective}"
    )
    if change_set.status is Status.DRAFT:
        click.echo(
            f"Drafted {what}. Propose it with `accountgraph propose {change_set.id}`.", err=True
        )
    else:
        click.echo(
            f"Proposed {what}. An approver other than {change_set.author} applies it with "
            f"`accountgraph approve {change_set.id}`.",
            err=True,
        )


def _decide(
    change_set_id: str,
    store_spec: str,
    store_timeout: float,
    token_file: FilePath | None,
    what: str,
    decision: Callable[[Governance, Actor], Awaitable[ChangeSet]],
) -> ChangeSet:
    credential = _credential(store_spec, token_file, what)

    async def job(governance: Governance, _store: GraphStore) -> ChangeSet:
        actor = await _actor(governance, credential)
        kept = await governance.get(actor, change_set_id)
        try:
            return await decision(governance, actor)
        except ChangeRefusedError as refused:
            raise _Refused(refused, kept.operations) from None

    return _run(store_spec, store_timeout, what, job)


@click.command("approve")
@click.argument("change_set_id", metavar="ID")
@_governance_options
def approve(
    change_set_id: str, store_spec: str, store_timeout: float, token_file: FilePath | None
) -> None:
    """Approve the proposed change set ID, which applies it: all of its operations or none,
    and an entry in the log. You may not approve your own (four eyes)."""
    applied = _decide(
        change_set_id,
        store_spec,
        store_timeout,
        token_file,
        "approve",
        lambda governance, actor: governance.approve(actor, change_set_id),
    )
    click.echo(
        f"Applied {applied.id} “{applied.title}”, approved by {applied.decided_by}: "
        f"log entry {applied.applied_position}, effective {applied.effective}."
    )


@click.command("reject")
@click.argument("change_set_id", metavar="ID")
@click.option("--reason", required=True, help="Why: the author and the record read it.")
@_governance_options
def reject(
    change_set_id: str,
    reason: str,
    store_spec: str,
    store_timeout: float,
    token_file: FilePath | None,
) -> None:
    """Reject the proposed change set ID, saying why. You may not reject your own."""
    rejected = _decide(
        change_set_id,
        store_spec,
        store_timeout,
        token_file,
        "reject",
        lambda governance, actor: governance.reject(actor, change_set_id, reason),
    )
    click.echo(f"Rejected {rejected.id} “{rejected.title}”: {rejected.decision_reason}")


@click.command("withdraw")
@click.argument("change_set_id", metavar="ID")
@_governance_options
def withdraw(
    change_set_id: str, store_spec: str, store_timeout: float, token_file: FilePath | None
) -> None:
    """Withdraw your draft or proposed change set ID."""
    withdrawn = _decide(
        change_set_id,
        store_spec,
        store_timeout,
        token_file,
        "withdraw",
        lambda governance, actor: governance.withdraw(actor, change_set_id),
    )
    click.echo(f"Withdrew {withdrawn.id} “{withdrawn.title}”.")


@dataclass(frozen=True, slots=True)
class _Shown:
    """A change set and the diff it is shown with."""

    change_set: ChangeSet
    effects: Mapping[str, Any] | None
    diff_of: str | None
    """``applied`` (what it changed), ``preview`` (what it would change now), or ``None``."""
    note: str
    refusal: ChangeRefusedError | None = None
    log_hash: str | None = None


async def _shown(governance: Governance, store: GraphStore, change_set_id: str) -> _Shown:
    change_set = await governance.get(None, change_set_id)
    if change_set.status is Status.APPLIED and isinstance(store, ChangeableStore):
        position = change_set.applied_position or 0
        entries = await store.log_entries(after=position - 1, first=1)
        entry = entries[0]
        note = f"What it changed (log entry {entry.position}, effective {change_set.effective}):"
        return _Shown(change_set, entry.effects, "applied", note, log_hash=entry.hash)
    if change_set.status.open:
        try:
            preview = await governance.preview(change_set_id)
        except ChangeRefusedError as refused:
            note = f"It cannot be applied to the graph as it stands: {refused}"
            return _Shown(change_set, None, None, note, refusal=refused)
        note = (
            f"What it would change on the graph as it stands (log position "
            f"{preview.head.position}), from {change_set.effective}:"
        )
        return _Shown(change_set, effects_json(preview.outcome.effects), "preview", note)
    return _Shown(change_set, None, None, f"It was {change_set.status.value}: it changed nothing.")


@click.command("show-change")
@click.argument("change_set_id", metavar="ID")
@JSON_OPTION
@store_option
@STORE_TIMEOUT_OPTION
def show_change(change_set_id: str, as_json: bool, store_spec: str, store_timeout: float) -> None:
    """Show change set ID: what it is, where it stands and how it got there, and a diff of
    what it changed (applied) or would change (draft, proposed): + added, − retired,
    ~ changed."""

    async def job(governance: Governance, store: GraphStore) -> _Shown:
        return await _shown(governance, store, change_set_id)

    shown = _run(store_spec, store_timeout, "show-change", job)
    if as_json:
        refusal = shown.refusal
        print_json(
            {
                "change_set": shown.change_set.as_json(),
                "diff_of": shown.diff_of,
                "diff": shown.effects,
                "log_hash": shown.log_hash,
                "refusal": None
                if refusal is None
                else {
                    "message": str(refusal),
                    "rule": refusal.rule,
                    "parties": list(refusal.parties),
                    "operation": refusal.operation,
                },
            }
        )
        return
    print_change_set(_console(), shown.change_set, shown.effects, shown.note)


# --- the log -----------------------------------------------------------------------------


@click.group("log", invoke_without_command=True)
@click.option(
    "--party", "party_id", default=None, metavar="ID", help="Only entries that change ID."
)
@click.option(
    "--since",
    type=Day(),
    default=None,
    metavar="YYYY-MM-DD",
    help="Only entries applied on or after this day (UTC).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON Lines, one entry a line, as `log verify --file` reads them "
    "(the whole log verifies; a part chosen by --party or --since does not).",
)
@store_option
@STORE_TIMEOUT_OPTION
@click.pass_context
def log_group(
    context: click.Context,
    party_id: str | None,
    since: dt.datetime | None,
    as_json: bool,
    store_spec: str,
    store_timeout: float,
) -> None:
    """The log of applied change sets, oldest first: position, when applied, the change
    set, its author and approver, its basis and what it changed.

    Each entry is chained to the one before it by SHA-256: `accountgraph log verify`
    checks the chain; `accountgraph log --json > log.jsonl` exports it for an auditor.
    """
    if context.invoked_subcommand is not None:
        return
    moment = None if since is None else since.replace(tzinfo=dt.UTC)

    async def job(governance: Governance, _store: GraphStore) -> list[Any]:
        return await governance.log(party_id=party_id, since=moment)

    entries = _run(store_spec, store_timeout, "log", job)
    if as_json:
        for entry in entries:
            click.echo(canonical_json(entry.as_json()))
        return
    if not entries:
        chosen = " that changes " + party_id if party_id else ""
        after = f" applied since {moment:%Y-%m-%d}" if moment else ""
        click.echo(f"No log entry{chosen}{after}.")
        return
    print_log(_console(), entries)


@log_group.command("verify")
@click.option(
    "--file",
    "log_file",
    type=click.Path(dir_okay=False, path_type=FilePath),
    default=None,
    metavar="LOG.jsonl",
    help="Verify an exported log (`accountgraph log --json`) instead of the store's.",
)
@store_option
@STORE_TIMEOUT_OPTION
def log_verify(log_file: FilePath | None, store_spec: str, store_timeout: float) -> None:
    """Check the log's hash chain: exit 0 when it is intact, 1 naming the first entry that
    does not match and why."""
    if log_file is not None:
        lines: list[int] = []
        verification = verify(_log_lines(log_file, lines))
        source = str(log_file)
    else:

        async def job(governance: Governance, _store: GraphStore) -> Verification:
            return await governance.verify_log()

        lines = []
        verification = _run(store_spec, store_timeout, "log verify", job)
        source = "the log"
    head = verification.head
    if verification.intact:
        click.echo(f"{source}: intact, {verification.checked} entries, head {head.hash}")
        return
    at = f" (line {lines[verification.checked]})" if verification.checked < len(lines) else ""
    intact = {
        0: "",
        1: f"; the entry before it is intact (head {head.hash})",
    }.get(
        verification.checked,
        f"; the {verification.checked} entries before it are intact (head {head.hash})",
    )
    fail(
        f"{source}: entry {verification.broken_at}{at} does not match: "
        f"{verification.problem}{intact}"
    )


def _log_lines(path: FilePath, lines: list[int]) -> Iterator[Mapping[str, Any]]:
    """The entries of an exported log, one JSON object a line; ``lines`` gets the line
    number of each entry read."""
    try:
        file = open_dataset_file(path, MAX_DATASET_BYTES)
    except DatasetError as error:
        fail(str(error.problems[0]))
    with file, io.TextIOWrapper(io.BufferedReader(file.reader()), encoding="utf-8-sig") as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as error:
                fail(f"{path}:{number}: not JSON ({error.msg}): a log export is one entry a line")
            if not isinstance(entry, dict):
                fail(f"{path}:{number}: expected a log entry (a JSON object)")
            lines.append(number)
            yield entry


COMMANDS = (token_group, propose, approve, reject, withdraw, show_change, log_group)
"""The commands this module adds to ``accountgraph``."""
