"""The shape of ``cypher/``: every file says what it is for and declares its parameters, and
the stores run files that exist. (Whether Neo4j accepts them: ``test_cypher_lint.py``.)"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from accountgraph.store.import_statements import generated_statements
from accountgraph.store.statements import statement, statements

TOP = Path(__file__).resolve().parent.parent
CYPHER = TOP / "cypher"
STORE_CODE = TOP / "src" / "accountgraph" / "store"
FILES = sorted(CYPHER.glob("*.cypher"))
DECLARATION = re.compile(r"^// @param ([A-Za-z_][A-Za-z0-9_]*) (\S.*)$")
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def code_of(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_file_starts_with_its_purpose_then_its_parameters(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("// ")
    assert not lines[0].startswith("// @param")
    assert len(lines[0]) <= 100
    declared: dict[str, object] = {}
    for line in lines[1:]:
        match = DECLARATION.match(line)
        if match is None:
            assert not line.startswith("// @param"), f"malformed: {line}"
            break
        assert match.group(1) not in declared
        declared[match.group(1)] = json.loads(match.group(2))
    assert not any(line.startswith("// @param") for line in lines[1 + len(declared) :])
    used = set(PARAMETER.findall(code_of(path.read_text(encoding="utf-8"))))
    assert used == set(declared)


def test_every_file_is_run_by_the_code_and_every_file_run_exists() -> None:
    literals = {
        node.value
        for source in STORE_CODE.rglob("*.py")
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    names = {path.stem for path in FILES}
    run = {name for name in names if name in literals} | set(generated_statements())
    assert names == run
    for name in names:
        assert statement(name).strip()


def test_schema_files_split_into_statements() -> None:
    assert statements("schema_falkordb") == (
        "CREATE INDEX FOR (n:Party) ON (n.id)",
        "CREATE INDEX FOR (n:Party) ON (n.kind)",
        "CREATE INDEX FOR (d:Dataset) ON (d.name)",
        "CREATE INDEX FOR (d:Responsibility) ON (d.holder)",
        "CREATE INDEX FOR (c:ChangeSet) ON (c.id)",
        "CREATE INDEX FOR (c:ChangeSet) ON (c.status)",
        "CREATE INDEX FOR (e:LogEntry) ON (e.position)",
        "CREATE INDEX FOR (e:LogEntry) ON (e.hash)",
        "CREATE INDEX FOR (t:ApiToken) ON (t.hash)",
        "CREATE INDEX FOR (t:ApiToken) ON (t.name)",
    )
    assert len(statements("schema_neo4j")) == 10
    assert len(statements("chains")) == 1


def test_no_relationship_type_or_label_comes_from_a_parameter() -> None:
    for path in FILES:
        code = code_of(path.read_text(encoding="utf-8"))
        assert not re.search(r"[(\[]\s*\w*\s*:\s*\$", code), path.name
        assert not re.search(r"\*\s*\d*\s*\.\.\s*\$", code), path.name
