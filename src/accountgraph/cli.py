"""The ``accountgraph`` command: thin commands that parse, call the library and print."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path as FilePath
from typing import Any, TypeVar

import click
from rich.console import Console, Group
from rich.padding import Padding
from rich.text import Text as RichText

from accountgraph import __version__
from accountgraph._resources import default_dataset_path
from accountgraph.analysis import Severity, audit
from accountgraph.audit_report import FORMATS, render, summary
from accountgraph.cli_governance import COMMANDS as GOVERNANCE_COMMANDS
from accountgraph.cli_options import JSON_OPTION as _JSON_OPTION
from accountgraph.cli_options import STORE_PASSWORD_FILE_OPTION as _STORE_PASSWORD_FILE_OPTION
from accountgraph.cli_options import STORE_TIMEOUT_OPTION as _STORE_TIMEOUT_OPTION
from accountgraph.cli_options import Day as _Day
from accountgraph.cli_options import fail as _fail
from accountgraph.cli_options import print_json as _print_json
from accountgraph.cli_options import setting_option
from accountgraph.cli_options import store_option as _STORE_OPTION
from accountgraph.cli_options import store_url as _store_url
from accountgraph.dataset import check_file, load_dataset
from accountgraph.diff import diff_datasets, diff_json, diff_text
from accountgraph.errors import AccountGraphError
from accountgraph.explain import explain_path
from accountgraph.export import BULK_FORMATS, export, export_bulk
from accountgraph.export import FORMATS as EXPORT_FORMATS
from accountgraph.listening_port import cannot_listen
from accountgraph.model import LANGUAGES, Dataset, Direction, Party, Path, Relation
from accountgraph.model_json import edge_json, party_json, path_json, responsibility_json
from accountgraph.security_responsibility import responsible_for_security_of
from accountgraph.settings import SETTINGS, Setting, Settings, setting
from accountgraph.store import open_backend, open_store
from accountgraph.store.base import GraphStore, require_party
from accountgraph.store.importer import DEFAULT_BATCH_SIZE, LoadReport
from accountgraph.store.urls import SQLITE_SCHEMES, redact, scheme_of
from accountgraph.terminal import numbered, party_card, print_paths, security_table

T = TypeVar("T")

DATASET_FORMAT = "dataset"
"""``export --format dataset``: the dataset file (the ``yaml`` export) under the name that
says what it is for."""
Command = TypeVar("Command", bound=Callable[..., Any])

_DATA_OPTION = setting_option(setting("data"))
_LANG_OPTION = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    envvar="ACCOUNTGRAPH_LANG",
    default="en",
    show_default=True,
    help="Language of names and texts.",
)
_AS_OF_OPTION = click.option(
    "--as-of",
    "as_of",
    type=_Day(),
    default=None,
    metavar="YYYY-MM-DD",
    help="Ask about the graph as it stood on this day. [default: today]",
)
_EXPLAIN_OPTION = click.option(
    "--explain", is_flag=True, help="Tell each path as sentences, one step a line, with its clause."
)
_MAX_DATASET_BYTES_OPTION = setting_option(setting("max_dataset_bytes"))


def _question_options(command: Command) -> Command:
    """The options every question about the graph takes: where the graph is, which day,
    which language, and whether to print JSON."""
    options = (
        _DATA_OPTION,
        _STORE_OPTION,
        _STORE_TIMEOUT_OPTION,
        _LANG_OPTION,
        _AS_OF_OPTION,
        _JSON_OPTION,
    )
    for option in reversed(options):
        command = option(command)
    return command


def _console() -> Console:
    return Console(soft_wrap=False)


def _dataset_limit() -> int:
    """ACCOUNTGRAPH_MAX_DATASET_BYTES or its default, for a command without the option."""
    limit: int = setting("max_dataset_bytes").from_env()
    return limit


def _run_with_store(
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    job: Callable[[GraphStore], Awaitable[T]],
) -> T:
    async def run() -> T:
        dataset = load_dataset(data, max_bytes=_dataset_limit()) if store_spec == "memory" else None
        store = open_store(store_spec, dataset, timeout=store_timeout)
        try:
            return await job(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except AccountGraphError as error:
        _fail(str(error))


async def _parties_of(store: GraphStore, ids: Iterable[str]) -> dict[str, Party]:
    wanted = sorted(set(ids))
    found = await store.get_parties(wanted)
    return {party.id: party for party in found if party is not None}


def _sentences(sentences: Iterable[str]) -> Group:
    """Sentences one a line, each wrapping under its own start."""
    return Group(*(RichText(sentence) for sentence in sentences))


def _day(as_of: dt.datetime | None) -> dt.date:
    return as_of.date() if as_of is not None else dt.date.today()


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, invoke_without_command=True)
@click.version_option(__version__, prog_name="accountgraph")
@click.pass_context
def cli(context: click.Context) -> None:
    """Ask who answers to whom in a security accountability framework, clause by clause.

    Without a command, serves the shipped WIPO graph (as `accountgraph serve`).
    """
    if context.invoked_subcommand is None:
        context.invoke(serve)


@cli.command()
@click.argument("dataset", required=False, type=click.Path(path_type=FilePath))
@_JSON_OPTION
@_MAX_DATASET_BYTES_OPTION
def check(dataset: FilePath | None, as_json: bool, max_dataset_bytes: int) -> None:
    """Validate DATASET, a dataset file or a bulk directory (default: the shipped dataset);
    exit 1 listing every problem."""
    path = dataset or default_dataset_path()
    try:
        summary, problems = check_file(path, max_bytes=max_dataset_bytes)
    except AccountGraphError as error:
        _fail(str(error))
    if as_json:
        _print_json(
            {
                "file": str(path),
                "valid": not problems,
                "problems": [
                    {"file": p.file, "line": p.line, "id": p.id, "message": p.message}
                    for p in problems
                ],
            }
        )
    elif problems:
        noun = "problem" if len(problems) == 1 else "problems"
        click.echo(f"{path}: {len(problems)} {noun}", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
    elif summary is not None:
        click.echo(
            f"{path}: valid — {len(summary.parties)} parties, {len(summary.edges)} edges, "
            f"{len(summary.responsibilities)} responsibilities"
        )
    if problems:
        sys.exit(1)


@cli.command()
@click.argument("party_id", metavar="ID")
@_question_options
def show(
    party_id: str,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    lang: str,
    as_of: dt.datetime | None,
    as_json: bool,
) -> None:
    """Show a party: names, kind, facts, edges with their sections, duties."""

    async def job(store: GraphStore) -> None:
        day = _day(as_of)
        party = await require_party(store, party_id, day)
        edges = await store.edges(party_id, Direction.BOTH, as_of=day)
        duties = await store.responsibilities(party_id, as_of=day)
        if as_json:
            _print_json(
                {
                    "party": party_json(party),
                    "edges": [edge_json(e) for e in edges],
                    "responsibilities": [responsibility_json(d) for d in duties],
                }
            )
            return
        parties = await _parties_of(store, [party_id, *(e.other_end(party_id) for e in edges)])
        party_card(_console(), party, edges, duties, parties, lang)

    _run_with_store(data, store_spec, store_timeout, job)


def _emit_paths(
    paths: Sequence[Path],
    parties: dict[str, Party],
    *,
    as_json: bool,
    lang: str,
    noun: str,
    subject: str,
    none_message: str,
    explain: bool,
) -> None:
    if as_json:
        shown = [path_json(p, parties) for p in paths]
        if explain:
            for path, entry in zip(paths, shown, strict=True):
                entry["explanation"] = explain_path(path, parties, lang)
        _print_json(shown)
        return
    console = _console()
    if not paths:
        console.print(none_message)
        return
    heading = f"{subject}: {len(paths)} {noun.lower()}{'' if len(paths) == 1 else 's'}"
    console.print(heading, soft_wrap=True)
    if not explain:
        print_paths(console, paths, parties, lang, noun)
        return
    for number, path in enumerate(paths, start=1):
        console.print(f"\n{noun} {number} of {len(paths)}:")
        console.print(numbered(explain_path(path, parties, lang), indent=4))


@cli.command()
@click.argument("party_id", metavar="ID")
@_question_options
@_EXPLAIN_OPTION
def responsible(
    party_id: str,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    lang: str,
    as_of: dt.datetime | None,
    as_json: bool,
    explain: bool,
) -> None:
    """Who is responsible for the security of ID, directly or through a group it is part of."""

    async def job(store: GraphStore) -> None:
        day = _day(as_of)
        party = await require_party(store, party_id, day)
        answers = await responsible_for_security_of(store, party_id, as_of=day)
        parties = await _parties_of(store, [n for a in answers for n in a.party_ids])
        if as_json:
            _print_json(
                [
                    {
                        "holder": party_json(parties[a.holder]),
                        "edge": edge_json(a.edge),
                        "via": [edge_json(step) for step in a.via],
                        "explanation": a.explanation(parties, lang),
                    }
                    for a in answers
                ]
            )
            return
        console = _console()
        subject = f"{party.name.get(lang)} ({party_id})"
        if not answers:
            console.print(f"No one in this graph is responsible for the security of {subject}.")
            return
        console.print(f"Responsible for the security of {subject}: {len(answers)}", soft_wrap=True)
        if not explain:
            console.print(security_table(answers, parties, lang))
            return
        for number, answer in enumerate(answers, start=1):
            console.print(f"\n{number}. {parties[answer.holder].name.get(lang)}:")
            console.print(Padding(_sentences(answer.explanation(parties, lang)), (0, 0, 0, 3)))

    _run_with_store(data, store_spec, store_timeout, job)


@cli.command()
@click.argument("party_id", metavar="ID")
@click.option("--max-depth", default=16, show_default=True, help="Longest chain followed.")
@click.option("--first", default=100, show_default=True, help="Most chains returned.")
@_question_options
@_EXPLAIN_OPTION
def chain(
    party_id: str,
    max_depth: int,
    first: int,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    lang: str,
    as_of: dt.datetime | None,
    as_json: bool,
    explain: bool,
) -> None:
    """Every accountability chain from ID up to parties that answer to no one."""

    async def job(store: GraphStore) -> None:
        day = _day(as_of)
        party = await require_party(store, party_id, day)
        paths = await store.accountability_chains(
            party_id, max_depth=max_depth, max_paths=first, as_of=day
        )
        reports = await store.edges(party_id, Direction.OUT, [Relation.REPORTS_TO], as_of=day)
        nodes = [n for p in paths for n in p.nodes] + [e.target for e in reports]
        parties = await _parties_of(store, [party_id, *nodes])
        none = f"{party.name.get(lang)} ({party_id}) is accountable to no one in this graph."
        if reports:
            lines = ", ".join(
                f"{parties[e.target].name.get(lang)} ({', '.join(c.section for c in e.citations)})"
                for e in reports
            )
            none += f"\nIt reports to: {lines}."
        _emit_paths(
            paths,
            parties,
            as_json=as_json,
            lang=lang,
            noun="Chain",
            subject=f"Accountability chains of {party.name.get(lang)} ({party_id})",
            none_message=none,
            explain=explain,
        )

    _run_with_store(data, store_spec, store_timeout, job)


@cli.command()
@click.argument("party_id", metavar="ID")
@click.option("--scope", default=None, help="Only delegations of this scope (e.g. security).")
@click.option("--max-depth", default=16, show_default=True, help="Longest path followed.")
@click.option("--first", default=100, show_default=True, help="Most paths returned.")
@_question_options
@_EXPLAIN_OPTION
def delegations(
    party_id: str,
    scope: str | None,
    max_depth: int,
    first: int,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    lang: str,
    as_of: dt.datetime | None,
    as_json: bool,
    explain: bool,
) -> None:
    """Every path of delegation from ID to where delegation stops."""

    async def job(store: GraphStore) -> None:
        day = _day(as_of)
        party = await require_party(store, party_id, day)
        paths = await store.delegation_ends(
            party_id, scope=scope, max_depth=max_depth, max_paths=first, as_of=day
        )
        parties = await _parties_of(store, [party_id, *(n for p in paths for n in p.nodes)])
        scoped = f" of scope {scope!r}" if scope else ""
        _emit_paths(
            paths,
            parties,
            as_json=as_json,
            lang=lang,
            noun="Delegation",
            subject=f"Delegations{scoped} from {party.name.get(lang)} ({party_id})",
            none_message=f"{party.name.get(lang)} ({party_id}) delegates nothing{scoped}.",
            explain=explain,
        )

    _run_with_store(data, store_spec, store_timeout, job)


@cli.command()
@click.argument("from_id", metavar="FROM")
@click.argument("to_id", metavar="TO")
@click.option(
    "--via",
    "relations",
    multiple=True,
    type=click.Choice([r.value for r in Relation], case_sensitive=False),
    help="Follow only this relation (repeatable). Default: every relation.",
)
@click.option("--max-depth", default=8, show_default=True, help="Longest path followed.")
@click.option("--first", default=50, show_default=True, help="Most paths returned.")
@_question_options
@_EXPLAIN_OPTION
def paths(
    from_id: str,
    to_id: str,
    relations: tuple[str, ...],
    max_depth: int,
    first: int,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    lang: str,
    as_of: dt.datetime | None,
    as_json: bool,
    explain: bool,
) -> None:
    """Paths from FROM to TO, shortest first, with the section behind every step."""
    via = [Relation(r.upper()) for r in relations] or None

    async def job(store: GraphStore) -> None:
        day = _day(as_of)
        source = await require_party(store, from_id, day)
        target = await require_party(store, to_id, day)
        found = await store.paths(
            from_id, to_id, relations=via, max_depth=max_depth, max_paths=first, as_of=day
        )
        parties = await _parties_of(store, [from_id, to_id, *(n for p in found for n in p.nodes)])
        over = " over " + ", ".join(r.value for r in via) if via else ""
        _emit_paths(
            found,
            parties,
            as_json=as_json,
            lang=lang,
            noun="Path",
            subject=f"Paths from {source.name.get(lang)} to {target.name.get(lang)}{over}",
            none_message=f"No path from {from_id} to {to_id}{over} within {max_depth} steps.",
            explain=explain,
        )

    _run_with_store(data, store_spec, store_timeout, job)


def _serve_options(command: Command) -> Command:
    """An option for every setting of the server (:data:`accountgraph.settings.SETTINGS`),
    ``--store`` taking its password file along, and --workers."""
    options = [
        _STORE_OPTION if s.name == "store" else setting_option(s, parameter=_parameter(s))
        for s in SETTINGS
    ]
    options.append(_WORKERS_OPTION)
    for option in reversed(options):
        command = option(command)
    return command


def _parameter(setting: Setting) -> str:
    """The name ``serve`` gets a setting under: its :class:`Settings` name, dots as ``__``."""
    return setting.name.replace(".", "__")


_WORKERS_OPTION = click.option(
    "--workers",
    type=click.IntRange(1, 64),
    envvar="ACCOUNTGRAPH_WORKERS",
    show_envvar=True,
    default=1,
    show_default=True,
    help="Server processes answering requests; on the embedded store they share the graph "
    "loaded once (one per core).",
)


@cli.command()
@_serve_options
def serve(store_spec: str, workers: int, **values: Any) -> None:
    """Serve the GraphQL API and the web page. Ctrl-C stops it.

    Every option can be set by its ACCOUNTGRAPH_* environment variable instead (README,
    "Settings"); a flag given wins.
    """
    from accountgraph.api.serving import serve as serve_api

    settings = Settings.from_values(
        {"store": store_spec}
        | {s.name: values[_parameter(s)] for s in SETTINGS if s.name != "store"}
    )
    try:
        dataset = None
        if settings.store == "memory":
            if settings.read_needs_token:
                _fail(
                    "--read-needs-token needs a store that keeps tokens; the memory store "
                    "keeps none: serve --store sqlite:///path/graph.db (after accountgraph "
                    "load --store sqlite:///path/graph.db)"
                )
            dataset = load_dataset(settings.data, max_bytes=settings.max_dataset_bytes)
    except AccountGraphError as error:
        _fail(str(error))
    problem = cannot_listen(settings.host, settings.port)
    if problem is not None:
        _fail(problem)
    url = f"http://{settings.host}:{settings.port}"
    if dataset is not None:
        click.echo(
            f"accountgraph {__version__}: {dataset.name} — {len(dataset.parties)} parties, "
            f"{len(dataset.edges)} edges — on the embedded store"
        )
    else:
        click.echo(f"accountgraph {__version__}: the graph at {redact(settings.store)}")
    click.echo(f"Open {url}/  ·  GraphQL: {url}/graphql  ·  health: {url}/health")
    if settings.read_needs_token:
        click.echo("Every request needs a token (Authorization: Bearer …), reads included.")
    click.echo("Press Ctrl-C to stop.")
    try:
        serve_api(settings, dataset, workers=workers)
    except AccountGraphError as error:
        _fail(str(error))
    click.echo("accountgraph stopped.")


@cli.command("load")
@click.argument("dataset", required=False, type=click.Path(path_type=FilePath))
@click.option(
    "--store",
    "store_spec",
    envvar="ACCOUNTGRAPH_STORE",
    callback=_store_url,
    required=True,
    help="The store to load into: sqlite:///path/graph.db (a file, created if need be), "
    "falkordb://host:port/graph, neo4j://host:port, …",
)
@click.option(
    "--replace", is_flag=True, help="Remove everything the graph holds first (another dataset)."
)
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1_000_000),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help=(
        "Parties, edges or duties the first statement writes; later ones grow or shrink to "
        "answer well within --store-timeout."
    ),
)
@_STORE_TIMEOUT_OPTION
@_STORE_PASSWORD_FILE_OPTION
@_MAX_DATASET_BYTES_OPTION
def load_command(
    dataset: FilePath | None,
    store_spec: str,
    replace: bool,
    batch_size: int,
    store_timeout: float,
    max_dataset_bytes: int,
) -> None:
    """Load DATASET (default: the shipped dataset) into a SQLite file or a graph database.

    A SQLite file (sqlite:///path/graph.db) keeps the dataset as the base of its graph, in
    one transaction; change sets applied on it since stay, and loading another dataset
    under them is refused (export the graph as it stands with `export --format dataset`
    and load that into a new file).

    Creates the constraints and indexes, then writes the dataset, its parties, edges and
    duties in batches: created at once into an empty graph, merged into one that holds the
    dataset already, so loading the same dataset again changes nothing, and what an earlier
    version of it held and this one does not is removed. Each batch is timed: the next
    grows while batches answer well within --store-timeout and shrinks when one nears it;
    one that times out is written again in smaller ones. On Neo4j the load is one
    transaction, all or nothing. FalkorDB has no transactions over several statements:
    each batch is atomic on its own, and an interrupted load leaves the graph marked
    partial: `serve` and every command then answer that it is, instead of answering from
    it, until the load is run again and completes it. A graph that holds another dataset
    is refused unless --replace.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text as RichText

    class RowsPerSecond(ProgressColumn):
        def render(self, task: Task) -> RichText:
            speed = task.finished_speed or task.speed
            return RichText("" if speed is None else f"{speed:,.0f} rows/s")

    from accountgraph.store.importer import LoadPlan, load

    if store_spec == "memory":
        _fail(
            "the memory store reads its dataset at start: load needs a store that keeps it, "
            "sqlite:///path/graph.db or a graph database URL"
        )
    if scheme_of(store_spec) in SQLITE_SCHEMES:
        _load_into_sqlite(store_spec, dataset, max_dataset_bytes)
        return
    try:
        data = load_dataset(dataset, max_bytes=max_dataset_bytes)
        backend = open_backend(store_spec, timeout=store_timeout)
    except AccountGraphError as error:
        _fail(str(error))
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        RowsPerSecond(),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"Loading {data.name}", total=None)

        def planned(plan: LoadPlan) -> None:
            bar.update(task, total=plan.total_rows)

        async def run() -> LoadReport:
            try:
                return await load(
                    backend,
                    data,
                    replace=replace,
                    batch_size=batch_size,
                    on_plan=planned,
                    progress=lambda written: bar.update(task, completed=written),
                )
            finally:
                await backend.close()

        try:
            report = asyncio.run(run())
        except AccountGraphError as error:
            bar.update(task, visible=False)
            bar.stop()
            _fail(str(error))
    for line in report.summary():
        click.echo(line)


def _load_into_sqlite(spec: str, dataset: FilePath | None, max_dataset_bytes: int) -> None:
    from accountgraph.store.sqlite import load_into_sqlite

    try:
        data = load_dataset(dataset, max_bytes=max_dataset_bytes)
        done = load_into_sqlite(spec, data)
    except AccountGraphError as error:
        _fail(str(error))
    click.echo(
        f"{done}: {len(data.parties)} parties, {len(data.edges)} edges, "
        f"{len(data.responsibilities)} duties (one transaction, all or nothing)."
    )


@cli.command()
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=FilePath),
    default=None,
    help="Write the SDL to this file instead of printing it.",
)
def schema(out: FilePath | None) -> None:
    """Print the GraphQL schema (SDL). `accountgraph schema --out schema.graphql` refreshes
    the committed copy."""
    from accountgraph.api.schema import schema_sdl

    sdl = schema_sdl()
    if out is None:
        click.echo(sdl, nl=False)
    else:
        out.write_text(sdl, encoding="utf-8")
        click.echo(f"wrote {out}")


def _document_text(document: str) -> str:
    """The GraphQL text DOCUMENT stands for: itself when inline (it has a ``{``), standard
    input for ``-``, else the file it names. An empty one is refused, saying where from."""
    if document == "-":
        if sys.stdin is None:  # the process was started with its standard input closed
            _fail("standard input is closed: give DOCUMENT as GraphQL text or a file")
        if sys.stdin.isatty():
            click.echo(
                "Reading the GraphQL document from standard input; end it with Ctrl-D.", err=True
            )
        text, source = sys.stdin.read(), "standard input"
    elif "{" in document:
        return document
    else:
        text, source = _document_file_text(document), f"the file {document!r}"
    if not text.strip():
        _fail(f"{source} holds no GraphQL document")
    return text


def _document_file_text(document: str) -> str:
    try:
        return FilePath(document).read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(
            f"no file {document!r}: give DOCUMENT as GraphQL text ('{{ dataset {{ name }} }}'), "
            "a file that holds it, or - to read it from standard input"
        )
    except (OSError, UnicodeDecodeError) as error:
        _fail(f"cannot read the GraphQL document {document!r}: {error}")


@cli.command()
@click.argument("document")
@click.option("--variables", default=None, help="Variables as a JSON object.")
@_DATA_OPTION
@_STORE_OPTION
@_STORE_TIMEOUT_OPTION
def query(
    document: str,
    variables: str | None,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
) -> None:
    """Run a GraphQL DOCUMENT in-process and print the JSON answer (exit 1 on errors).

    DOCUMENT is the GraphQL text itself, a file that holds it, or - for standard input.
    """
    from accountgraph.api.context import ApiContext
    from accountgraph.api.schema import build_schema

    try:
        values = json.loads(variables) if variables else None
    except json.JSONDecodeError as error:
        _fail(f"--variables is not valid JSON: {error}")
    if values is not None and not isinstance(values, dict):
        _fail("--variables must be a JSON object")

    text = _document_text(document)

    async def job(store: GraphStore) -> dict[str, Any]:
        result = await build_schema().execute(
            text, variable_values=values, context_value=ApiContext(store=store)
        )
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        return answer

    answer = _run_with_store(data, store_spec, store_timeout, job)
    _print_json(answer)
    if "errors" in answer:
        sys.exit(1)


@cli.command("audit")
@click.argument("dataset", required=False, type=click.Path(path_type=FilePath))
@_STORE_OPTION
@_STORE_TIMEOUT_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for machines, md for a ticket, html to send (one file).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=FilePath),
    default=None,
    help="Write the report to this file instead of printing it.",
)
@_AS_OF_OPTION
def audit_command(
    as_of: dt.datetime | None,
    dataset: FilePath | None,
    store_spec: str,
    store_timeout: float,
    fmt: str,
    out: FilePath | None,
) -> None:
    """Check the graph's integrity: loops, gaps, unaccountable delegates, duties nobody
    holds, and more. Exit 1 when any finding is an error.

    Audits DATASET (default: the shipped one), or the graph in --store.
    """
    if dataset is not None and store_spec != "memory":
        _fail("give a DATASET or --store URL, not both")

    day = _day(as_of)

    async def from_store(store: GraphStore) -> Dataset:
        return await store.snapshot(as_of=day)

    try:
        if store_spec == "memory":
            limit = _dataset_limit()
            # What a store would refuse is what the audit is for: let it through to report.
            loaded = load_dataset(
                dataset, allow_missing_holders=True, enforce_rules=False, max_bytes=limit
            )
            graph = loaded.as_of(day)
        else:
            graph = _run_with_store(None, store_spec, store_timeout, from_store)
    except AccountGraphError as error:
        _fail(str(error))
    findings = audit(graph, day)
    report = render(findings, graph.name, fmt)
    if out is None:
        click.echo(report, nl=False)
    else:
        out.write_text(report, encoding="utf-8")
        click.echo(f"{out}: {summary(findings)}")
    if any(f.severity is Severity.ERROR for f in findings):
        sys.exit(1)


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=FilePath))
@click.argument("new", type=click.Path(path_type=FilePath))
@_JSON_OPTION
def diff_command(old: FilePath, new: FilePath, as_json: bool) -> None:
    """List the parties, edges and duties added, removed and changed from OLD to NEW.

    Exit 0 whatever the differences; 1 when a file cannot be read or is invalid.
    """
    try:
        limit = _dataset_limit()
        before, after = load_dataset(old, max_bytes=limit), load_dataset(new, max_bytes=limit)
    except AccountGraphError as error:
        _fail(str(error))
    changes = diff_datasets(before, after)
    if as_json:
        _print_json(diff_json(changes))
    else:
        click.echo("\n".join(diff_text(changes)))


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice((*EXPORT_FORMATS, DATASET_FORMAT, *BULK_FORMATS)),
    required=True,
    help="svg/png: the chart; graphml: yEd, Gephi; dot: Graphviz; mermaid; json; "
    "cypher: CREATE statements for an empty Neo4j or FalkorDB; dataset (or yaml): a dataset "
    "file, which `check` and `load` read — from a changeable store, the graph as it stands, "
    "with every applied change set; csv/jsonl: a bulk dataset directory (give --out DIR).",
)
@click.option(
    "--out",
    type=click.Path(path_type=FilePath),
    default=None,
    help="Write to this file (a directory for csv and jsonl). "
    "Default: standard output (text formats only).",
)
@_DATA_OPTION
@_STORE_OPTION
@_STORE_TIMEOUT_OPTION
@_LANG_OPTION
@click.option(
    "--as-of",
    "as_of",
    type=_Day(),
    default=None,
    metavar="YYYY-MM-DD",
    help="Export only the parties, edges and duties valid on this day. "
    "[default: the whole dataset, every day]",
)
def export_command(
    fmt: str,
    out: FilePath | None,
    data: FilePath | None,
    store_spec: str,
    store_timeout: float,
    lang: str,
    as_of: dt.datetime | None,
) -> None:
    """Export the graph (as of a day, by default the whole dataset) to another tool."""
    day = as_of.date() if as_of is not None else None
    fmt = "yaml" if fmt == DATASET_FORMAT else fmt

    async def from_store(store: GraphStore) -> Dataset:
        return await store.snapshot(as_of=day)

    if fmt in BULK_FORMATS and out is None:
        _fail(f"{fmt} is a directory of files: give --out DIR")
    if out is not None and out.is_dir() and fmt not in BULK_FORMATS:
        _fail(f"{out} is a directory: give --out a file name for {fmt}")
    try:
        graph = _run_with_store(data, store_spec, store_timeout, from_store)
        if fmt in BULK_FORMATS and out is not None:
            written = export_bulk(graph, fmt, out)
            click.echo(f"wrote {', '.join(str(path) for path in written)}", err=True)
            return
        result = export(graph, fmt, lang=lang)
    except (AccountGraphError, OSError) as error:
        _fail(str(error))
    if out is not None:
        if isinstance(result, bytes):
            out.write_bytes(result)
        else:
            out.write_text(result, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
    elif isinstance(result, bytes):
        _fail(f"{fmt} is binary: give --out FILE")
    else:
        click.echo(result, nl=False)


for _command in GOVERNANCE_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``accountgraph`` console script."""
    cli(prog_name="accountgraph")
