"""The load's per-label and per-relation statements in cypher/ are what
tools/generate_import_cypher.py writes, for every label and relation of the model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from accountgraph.model import PartyKind, Relation
from accountgraph.store.import_statements import generated_statements

TOP = Path(__file__).resolve().parent.parent
TOOL = TOP / "tools" / "generate_import_cypher.py"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_import_cypher", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_generated_statements_are_up_to_date() -> None:
    tool = generator()
    assert tool.stale() == [], "run: .venv/bin/python tools/generate_import_cypher.py"
    assert tool.main(["--check"]) == 0


def test_every_label_and_relation_has_a_create_and_a_merge_statement() -> None:
    names = set(generated_statements())
    rendered = generator().render()
    assert {f"{name}.cypher" for name in names} | {"log_append.cypher"} == set(rendered)
    for relation in Relation:  # the change set's statement creates edges of every relation
        assert f"CREATE (a)-[e:{relation.value}]->(b)" in rendered["log_append.cypher"]
    for kind in PartyKind:
        assert f"CREATE (p:Party:{kind.label} {{id: row.id}})" in rendered["log_append.cypher"]
    for mode in ("create", "merge"):
        for kind in PartyKind:
            assert f"import_{mode}_party_{kind.label}" in names
        for relation in Relation:
            assert f"import_{mode}_edge_{relation.value}" in names
        assert f"import_{mode}_responsibilities" in names
    for name in names:
        assert (TOP / "cypher" / f"{name}.cypher").is_file()


def test_the_check_finds_an_edited_a_missing_and_a_left_over_file(tmp_path: Path) -> None:
    tool = generator()
    assert tool.write(tmp_path) == sorted(tool.render())
    assert tool.stale(tmp_path) == []
    edited = tmp_path / "import_merge_edge_CHAIRS.cypher"
    edited.write_text(edited.read_text(encoding="utf-8") + "// by hand\n", encoding="utf-8")
    (tmp_path / "import_create_party_Body.cypher").unlink()
    (tmp_path / "import_create_edge_REMOVED.cypher").write_text("RETURN 1\n", encoding="utf-8")
    assert tool.stale(tmp_path) == [
        "import_create_edge_REMOVED.cypher",
        "import_create_party_Body.cypher",
        "import_merge_edge_CHAIRS.cypher",
    ]
    tool.write(tmp_path)
    assert tool.stale(tmp_path) == []
    assert not (tmp_path / "import_create_edge_REMOVED.cypher").exists()
