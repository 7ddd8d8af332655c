"""Every statement in cypher/ passes Neo4j's own Cypher linter, and the check can fail.

The linter is the npm package @neo4j-cypher/language-support (pinned in
tools/cypher-lint/package.json, installed by ``./test`` with ``npm ci``), run by our
script tools/cypher-lint/lint.mjs. Its own tests here run it on sample files with
known faults, so a linter that reports nothing cannot pass them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TOP = Path(__file__).resolve().parent.parent
LINT_DIR = TOP / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
CYPHER_DIR = TOP / "cypher"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None,
    reason=(
        "Node.js is not installed: install Node.js 20 or newer with npm, then run "
        "./test, which runs `npm ci` in tools/cypher-lint"
    ),
)


@dataclass(frozen=True)
class LintRun:
    returncode: int
    diagnostics: list[dict[str, Any]]
    stderr: str

    def of(self, path: Path) -> list[dict[str, Any]]:
        return [d for d in self.diagnostics if Path(d["file"]) == path]

    def messages(self, path: Path) -> list[str]:
        return [d["message"] for d in self.of(path)]


def lint_command(*arguments: str) -> list[str]:
    """The command that runs lint.mjs; fails the test when the linter is not installed."""
    assert NODE is not None
    installed = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
    if not installed.is_dir():
        pytest.fail(
            "the Cypher linter is not installed: run `npm ci --no-audit --no-fund` in "
            "tools/cypher-lint (./test does)"
        )
    return [NODE, str(LINT_SCRIPT), *arguments]


def run_lint(*paths: Path) -> LintRun:
    done = subprocess.run(
        lint_command(*(str(p) for p in paths)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), f"lint.mjs failed to run:\n{done.stderr}"
    diagnostics: list[dict[str, Any]] = json.loads(done.stdout)
    return LintRun(done.returncode, diagnostics, done.stderr)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# The shipped Cypher


def shipped_cypher_files() -> list[Path]:
    return sorted(CYPHER_DIR.rglob("*.cypher"))


def test_every_shipped_cypher_file_passes_the_linter() -> None:
    files = shipped_cypher_files()
    assert files, f"{CYPHER_DIR} holds no .cypher file: the check would pass on nothing"
    run = run_lint(*files)
    assert run.diagnostics == [], f"the Cypher linter reports:\n{run.stderr}"
    assert run.returncode == 0


# ---------------------------------------------------------------------------------------
# The script itself, on samples with known faults (one run for all of them)

CLEAN = """\
// Two statements, several parameters, a comment between them.
// @param rows [{"id": "wipo-head-sscs", "name": "Head"}]
// @param dataset "wipo-a46-11"
// @param depth 3
UNWIND $rows AS row
MERGE (p:Party {id: row.id})
SET p.name = row.name, p.dataset = $dataset;

// The count.
MATCH path = (p:Party {dataset: $dataset})-[:ACCOUNTABLE_TO*1..3]->(q:Party)
WHERE length(path) <= $depth
RETURN p.id AS id, collect(q.id) AS above, count(*) AS n
"""

SAMPLES = {
    "broken.cypher": """\
// @param id "x"
MATCH (p:Party {id: $id}
RETURN p
""",
    "undeclared.cypher": """\
// @param id "x"
MATCH (p:Party {id: $id})
RETURN p, $other
""",
    "unused.cypher": """\
// @param id "x"
// @param p 1
MATCH (p:Party {id: $id})
RETURN p
""",
    "no_declarations.cypher": "MATCH (p:Party {id: $id}) RETURN p\n",
    "malformed.cypher": """\
// @param id
// @param rows {not json}
//@param tight 1
RETURN 1 AS one
""",
    "twice.cypher": """\
// @param id "x"
// @param id "y"
RETURN $id AS id
""",
    "second_statement.cypher": """\
// @param id "x"
MATCH (p:Party {id: $id}) RETURN p;

MATCH (q:Party) RETURN r;
""",
    "unknown_function.cypher": "MATCH (p:Party) RETURN toUpperr(p.name) AS name\n",
    "deprecated.cypher": "MATCH (p:Party) RETURN id(p) AS internal\n",
    "plugin.cypher": 'RETURN apoc.text.join(["a", "b"], ",") AS joined\n',
    "console.cypher": ":param id => 'x'\n",
    "empty.cypher": "\n",
    "comments_only.cypher": "// nothing to run\n",
}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], LintRun]:
    folder = tmp_path_factory.mktemp("cypher-samples")
    paths = {name: write(folder, name, text) for name, text in SAMPLES.items()}
    return paths, run_lint(*paths.values())


def test_a_clean_file_passes(tmp_path: Path) -> None:
    path = write(tmp_path, "clean.cypher", CLEAN)
    run = run_lint(path)
    assert run.diagnostics == [], run.stderr
    assert run.returncode == 0


def test_any_diagnostic_fails_the_run(samples: tuple[dict[str, Path], LintRun]) -> None:
    paths, run = samples
    assert run.returncode == 1
    assert {Path(d["file"]) for d in run.diagnostics} == set(paths.values())
    for found in run.diagnostics:
        assert set(found) >= {"file", "line", "column", "severity", "message"}
        assert found["line"] >= 1
        assert found["column"] >= 1
        assert found["severity"] in {"error", "warning", "information", "hint"}


def test_a_broken_statement_is_reported_where_it_breaks(
    samples: tuple[dict[str, Path], LintRun],
) -> None:
    paths, run = samples
    found = run.of(paths["broken.cypher"])
    assert found
    first = found[0]
    assert (first["line"], first["column"], first["severity"]) == (3, 1, "error")
    assert "Invalid input 'RETURN'" in first["message"]
    assert f"{paths['broken.cypher']}:3:1: error: Invalid input" in run.stderr


def test_an_undeclared_parameter_is_reported(samples: tuple[dict[str, Path], LintRun]) -> None:
    paths, run = samples
    [found] = run.of(paths["undeclared.cypher"])
    assert found["message"] == "Parameter $other is not defined."
    assert (found["line"], found["column"]) == (3, 11)
    assert run.messages(paths["no_declarations.cypher"]) == ["Parameter $id is not defined."]


def test_a_declared_parameter_no_statement_uses_is_reported(
    samples: tuple[dict[str, Path], LintRun],
) -> None:
    paths, run = samples
    [found] = run.of(paths["unused.cypher"])
    assert found["message"] == "Parameter $p is declared but no statement uses it."
    assert (found["line"], found["column"]) == (2, 11)


def test_malformed_and_repeated_declarations_are_reported(
    samples: tuple[dict[str, Path], LintRun],
) -> None:
    paths, run = samples
    malformed = run.of(paths["malformed.cypher"])
    assert [d["line"] for d in malformed] == [1, 2, 3]
    assert "Malformed parameter declaration" in malformed[0]["message"]
    assert "not JSON" in malformed[1]["message"]
    assert "Malformed parameter declaration" in malformed[2]["message"]
    assert run.messages(paths["twice.cypher"]) == [
        "Parameter $id is declared twice (first on line 1)."
    ]


def test_each_statement_of_a_file_is_linted(samples: tuple[dict[str, Path], LintRun]) -> None:
    paths, run = samples
    [found] = run.of(paths["second_statement.cypher"])
    assert found["message"] == "Variable `r` not defined"
    assert (found["line"], found["column"]) == (4, 24)


def test_functions_and_procedures_are_checked(samples: tuple[dict[str, Path], LintRun]) -> None:
    paths, run = samples
    [unknown] = run.messages(paths["unknown_function.cypher"])
    assert unknown.startswith("Function toUpperr is not present in the database.")
    [plugin] = run.messages(paths["plugin.cypher"])
    assert plugin.startswith("Function apoc.text.join is not present in the database.")
    deprecated = run.of(paths["deprecated.cypher"])
    assert deprecated
    assert {d["severity"] for d in deprecated} == {"warning"}
    assert any("Function id is deprecated." in d["message"] for d in deprecated)


def test_files_with_no_statement_or_console_commands_are_reported(
    samples: tuple[dict[str, Path], LintRun],
) -> None:
    paths, run = samples
    assert run.messages(paths["empty.cypher"]) == ["No Cypher statement in the file."]
    assert run.messages(paths["comments_only.cypher"]) == [
        "Expected any of CYPHER, EXPLAIN, PROFILE or a statement"
    ]
    assert run.messages(paths["console.cypher"]) == [
        "Console commands are unsupported in this environment."
    ]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    for arguments in ([], [str(tmp_path / "missing.cypher")]):
        done = subprocess.run(
            lint_command(*arguments),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
