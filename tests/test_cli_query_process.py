"""``accountgraph query -`` and ``accountgraph query FILE`` run as a user runs them: the
installed ``accountgraph`` program in a process of its own, the document piped to it, in a
file, or typed on a terminal; on the embedded dataset and on a SQLite store that a real
``accountgraph serve`` answers from too."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.governed_store import sqlite_holding
from tests.server import running_server

PROGRAM = Path(sys.executable).with_name("accountgraph")
"""The console script pip installed for the package (the ``accountgraph`` a user types)."""
TIMEOUT = 120.0
ENVIRONMENT = {
    **{name: value for name, value in os.environ.items() if not name.startswith("ACCOUNTGRAPH_")},
    "PYTHONUNBUFFERED": "1",
}
DOCUMENT = """# The dataset's name, and one party.
query Named($id: ID!) {
  dataset { name }
  party(id: $id) { id kind }
}
"""
VARIABLES = '{"id": "wipo-director-general"}'
ANSWER = {
    "data": {
        "dataset": {"name": "wipo-a46-11"},
        "party": {"id": "wipo-director-general", "kind": "OFFICE"},
    }
}


def query(
    *args: str, stdin: str | None = None, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PROGRAM), "query", *args],
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        env=environment or ENVIRONMENT,
    )


def answered(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_the_program_is_installed() -> None:
    assert PROGRAM.is_file(), f"{PROGRAM} is missing: install the package (pip install -e .)"


def test_a_document_piped_to_standard_input() -> None:
    assert answered(query("-", "--variables", VARIABLES, stdin=DOCUMENT)) == ANSWER


def test_a_document_in_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "saved queries"
    folder.mkdir()
    path = folder / "named.graphql"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert answered(query(str(path), "--variables", VARIABLES)) == ANSWER


def test_chinese_on_standard_input_under_the_c_locale() -> None:
    # A container with no locale: Python still reads standard input as UTF-8.
    document = '{ parties(search: "总干事") { edges { node { id name(lang: ZH) } } } }'
    bare = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    found = answered(query("-", stdin=document, environment=bare))
    names = {edge["node"]["id"]: edge["node"]["name"] for edge in found["data"]["parties"]["edges"]}
    assert names["wipo-director-general"] == "WIPO 总干事"
    assert all("总干事" in name for name in names.values())


def test_an_empty_standard_input_or_file_is_refused_in_words(tmp_path: Path) -> None:
    piped = query("-", stdin="")
    assert (piped.returncode, piped.stdout) == (1, "")
    assert piped.stderr == "Error: standard input holds no GraphQL document\n"
    path = tmp_path / "empty.graphql"
    path.write_text("\n  \n", encoding="utf-8")
    named = query(str(path))
    assert (named.returncode, named.stdout) == (1, "")
    assert named.stderr == f"Error: the file {str(path)!r} holds no GraphQL document\n"


def test_a_closed_standard_input_is_refused_in_words() -> None:
    closed = subprocess.run(
        ["/bin/sh", "-c", 'exec "$0" query - <&-', str(PROGRAM)],
        capture_output=True,
        encoding="utf-8",
        timeout=TIMEOUT,
        env=ENVIRONMENT,
    )
    assert (closed.returncode, closed.stdout) == (1, "")
    assert closed.stderr == (
        "Error: standard input is closed: give DOCUMENT as GraphQL text or a file\n"
    )


def test_a_piped_document_with_errors_exits_1_with_them() -> None:
    result = query("-", stdin="{ dataset { nope } }")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = json.loads(result.stdout)["errors"]
    assert errors[0]["message"] == (
        "Cannot query field 'nope' on type 'DatasetInfo'. Did you mean 'name'?"
    )


def test_a_document_typed_on_a_terminal_ends_with_ctrl_d() -> None:
    terminal, its_end = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(PROGRAM), "query", "-"],
            stdin=its_end,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=ENVIRONMENT,
        )
        os.close(its_end)
        # Typed as a person types it: lines, then Ctrl-D at the start of a line.
        os.write(terminal, b"{ dataset {\nname } }\n\x04")
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        os.close(terminal)
    assert process.returncode == 0, err
    assert err.decode() == (
        "Reading the GraphQL document from standard input; end it with Ctrl-D.\n"
    )
    assert json.loads(out) == {"data": {"dataset": {"name": "wipo-a46-11"}}}


def test_query_on_a_sqlite_store_answers_as_the_server_on_it_does(tmp_path: Path) -> None:
    url = sqlite_holding(tmp_path / "graph.db")
    document = """{
      logHead { position }
      parties(kind: ROLE) { edges { node { id name(lang: ZH) accountableTo { id } } } }
    }"""
    piped = answered(query("-", "--store", url, stdin=document))
    with running_server("--store", url, log=tmp_path / "server.log") as base:
        served = httpx.post(f"{base}/graphql", json={"query": document}, timeout=TIMEOUT)
    assert served.status_code == 200
    assert piped == served.json()
    assert piped["data"]["parties"]["edges"], "no role in the store"
