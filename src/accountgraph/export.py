"""A dataset's graph as files other tools open: SVG, PNG, GraphML, DOT, Mermaid, JSON, Cypher.

``export(dataset, fmt)`` gives any of :data:`FORMATS`: bytes for PNG, text for the rest.

- ``svg``: the chart as the page draws it, with a legend (:func:`accountgraph.chart.chart_svg`).
- ``png``: that SVG rendered by CairoSVG (needs the ``cairosvg`` package and the system's
  cairo library; without them :class:`ExportError` says what to install), in an installed
  font that has every character of its labels; where none has (Chinese labels on a host
  without a CJK font), :class:`ExportError` says which font to install.
- ``graphml``: for yEd, Gephi, networkx and igraph. Keys ``party_id``, ``kind``,
  ``name_en``, ``name_zh``, ``label``, ``apex``, ``layer``, ``x``, ``y`` on nodes and
  ``relation``, ``scope``, ``sections``, ``label`` on edges (no key is named ``id``, which
  igraph keeps for the node's own id); yEd's own node and edge graphics too, so yEd opens
  it laid out, with names on the boxes and styles by kind and relation. ``label`` and
  yEd's labels are in the language asked for.
- ``dot``: Graphviz, ranks bottom to top, one rank per layer of the chart.
- ``mermaid``: a ``graph BT`` flowchart.
- ``json``: the whole dataset, described in :func:`export_json`; :func:`read_json` reads
  it back.
- ``cypher``: CREATE statements that rebuild the graph in an empty Neo4j or FalkorDB with
  the properties the Cypher store reads (:func:`export_cypher`).
- ``yaml``: a dataset file, which ``accountgraph check`` and ``serve --data`` read.
- ``csv`` and ``jsonl`` (:data:`BULK_FORMATS`): a bulk dataset directory
  (:mod:`accountgraph.dataset.bulk_format`), written by :func:`export_bulk`.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from accountgraph.chart import FONT_FAMILY, KIND_STYLES, RELATION_STYLES, chart_svg
from accountgraph.dataset.write import dataset_yaml, write_bulk
from accountgraph.errors import AccountGraphError
from accountgraph.fonts import font_for
from accountgraph.layout import Layout, layout
from accountgraph.model import (
    ALWAYS,
    Citation,
    Dataset,
    Document,
    Edge,
    Fact,
    Party,
    PartyKind,
    Relation,
    Responsibility,
    Text,
    Validity,
)
from accountgraph.model_json import (
    edge_json,
    fact_json,
    party_json,
    responsibility_json,
    text_json,
)
from accountgraph.store._cypher_rows import Props
from accountgraph.store.importer import plan_load

FORMATS: tuple[str, ...] = ("svg", "png", "graphml", "dot", "mermaid", "json", "cypher", "yaml")
"""Every format :func:`export` writes."""
BULK_FORMATS: tuple[str, ...] = ("csv", "jsonl")
"""The formats :func:`export_bulk` writes, a directory of files each."""

MEDIA_TYPES: Mapping[str, str] = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "graphml": "application/graphml+xml",
    "dot": "text/vnd.graphviz",
    "mermaid": "text/vnd.mermaid",
    "json": "application/json",
    "cypher": "application/x-cypher-query",
    "yaml": "application/yaml",
}

EXTENSIONS: Mapping[str, str] = {
    "svg": "svg",
    "png": "png",
    "graphml": "graphml",
    "dot": "gv",
    "mermaid": "mmd",
    "json": "json",
    "cypher": "cypher",
    "yaml": "yaml",
}

JSON_FORMAT = "accountgraph-export/1"

PNG_MAX_SIDE = 16_000
"""The longest side of a PNG, in pixels (cairo cannot draw past 32,767)."""


class ExportError(AccountGraphError):
    """A format is unknown, or cannot be written on this machine."""


def export(
    dataset: Dataset, fmt: str, *, lang: str = "en", placed: Layout | None = None
) -> bytes | str:
    """``dataset`` in format ``fmt`` (one of :data:`FORMATS`): bytes for PNG, else text.

    ``lang`` picks the names shown in SVG, PNG, GraphML, DOT and Mermaid (``en`` or
    ``zh``; a name missing in ``zh`` is shown in English);
    ``placed`` is the layout to use when already computed.
    """
    writers: Mapping[str, Callable[[Dataset, Layout | None, str], bytes | str]] = {
        "svg": lambda d, p, lang: chart_svg(d, p, lang=lang),
        "png": lambda d, p, lang: export_png(d, p, lang=lang),
        "graphml": lambda d, p, lang: export_graphml(d, p, lang=lang),
        "dot": lambda d, p, lang: export_dot(d, p, lang=lang),
        "mermaid": lambda d, p, lang: export_mermaid(d, lang=lang),
        "json": lambda d, p, lang: export_json(d, p),
        "cypher": lambda d, p, lang: export_cypher(d),
        "yaml": lambda d, p, lang: dataset_yaml(d),
    }
    writer = writers.get(fmt)
    if writer is None:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return writer(dataset, placed, lang)


def export_bulk(dataset: Dataset, fmt: str, directory: Path) -> list[Path]:
    """Write ``dataset`` into ``directory`` as a bulk dataset of ``fmt`` files (one of
    :data:`BULK_FORMATS`); return the files written."""
    if fmt not in BULK_FORMATS:
        raise ExportError(f"unknown bulk format {fmt!r}: use one of {', '.join(BULK_FORMATS)}")
    return write_bulk(dataset, directory, fmt)


# --- PNG ------------------------------------------------------------------------------


def export_png(dataset: Dataset, placed: Layout | None = None, *, lang: str = "en") -> bytes:
    """The SVG chart rendered to PNG at twice its size (less if that would be too large).

    CairoSVG draws all text in one font, the one fontconfig matches for the chart's first
    family: the chart is drawn in the installed font that has all its characters instead
    (:func:`accountgraph.fonts.font_for`), or refused when there is none, rather than drawn
    with empty boxes for names.
    """
    try:
        cairosvg: Any = importlib.import_module("cairosvg")
    except (ImportError, OSError) as error:
        raise ExportError(
            "PNG export needs CairoSVG and the cairo library: `pip install cairosvg` and, "
            f"on Debian, `apt-get install libcairo2`; or export SVG and convert it ({error})"
        ) from None
    placed = placed or layout(dataset)
    svg = _in_a_font_with_every_character(chart_svg(dataset, placed, lang=lang))
    width = float(re.search(r'width="([0-9.]+)"', svg).group(1))  # type: ignore[union-attr]
    height = float(re.search(r'height="([0-9.]+)"', svg).group(1))  # type: ignore[union-attr]
    scale = min(2.0, PNG_MAX_SIDE / width, PNG_MAX_SIDE / height)
    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return png


_ROOT_FONT_FAMILY = re.compile(r'font-family="[^"]*"')
"""The chart's font family, set once on its root element (:data:`FONT_FAMILY`)."""


def _in_a_font_with_every_character(svg: str) -> str:
    """``svg`` with its font family set to an installed font that has every character of
    its text; as it is where fontconfig cannot be asked."""
    drawn = "".join(ET.fromstring(svg.split("\n", 1)[1]).itertext())
    match = font_for(FONT_FAMILY.split(",")[0].strip(), drawn)
    if match is None:
        return svg
    if not match.covers:
        shown = " ".join(match.missing[:8]) + (" …" if len(match.missing) > 8 else "")
        raise ExportError(
            f"no installed font has every character of the chart's labels: the best, "
            f"{match.family or 'none'!r}, lacks {len(match.missing)} ({shown}), which would "
            "be drawn as empty boxes. Install a font that has them: for Chinese labels a CJK "
            "font, on Debian and Ubuntu `apt-get install fonts-noto-cjk` (Fedora: "
            "google-noto-sans-cjk-fonts); or export SVG, which a browser draws with its own "
            "fonts"
        )
    family = html.escape(match.family, quote=True)
    return _ROOT_FONT_FAMILY.sub(f'font-family="{family}"', svg, count=1)


# --- GraphML --------------------------------------------------------------------------

_GRAPHML = "http://graphml.graphdrawing.org/xmlns"
_YED = "http://www.yworks.com/xml/graphml"

_NODE_KEYS = (
    ("party_id", "string"),
    ("kind", "string"),
    ("name_en", "string"),
    ("name_zh", "string"),
    ("label", "string"),
    ("apex", "boolean"),
    ("layer", "int"),
    ("x", "double"),
    ("y", "double"),
)
_EDGE_KEYS = (("relation", "string"), ("scope", "string"), ("sections", "string"))

_YED_SHAPES = {
    PartyKind.OFFICE: "rectangle",
    PartyKind.ROLE: "roundrectangle",
    PartyKind.GROUP: "ellipse",
    PartyKind.GOVERNMENT: "hexagon",
    PartyKind.BODY: "octagon",
    PartyKind.UNIT: "rectangle",
}


def export_graphml(dataset: Dataset, placed: Layout | None = None, *, lang: str = "en") -> str:
    """GraphML for yEd, Gephi, networkx and igraph (see the module's docstring for its keys).

    ``label`` (and yEd's node and edge labels) are the party's name and the relation's
    phrase in ``lang``, in English where a party has no name in ``lang``; ``name_en`` and
    ``name_zh`` are both always there. ``sections`` is the edge's sections joined by
    ``"; "``; ``scope`` is empty when the edge has none. ``y`` grows upward (Gephi's way),
    so apex parties have the largest.
    """
    placed = placed or layout(dataset)
    ET.register_namespace("", _GRAPHML)
    ET.register_namespace("y", _YED)
    root = ET.Element(f"{{{_GRAPHML}}}graphml")
    keys: dict[tuple[str, str], str] = {}
    for scope, specs in (("node", _NODE_KEYS), ("edge", (*_EDGE_KEYS, ("label", "string")))):
        for name, kind in specs:
            key = f"{scope[0]}_{name}"
            keys[scope, name] = key
            attributes = {"id": key, "for": scope, "attr.name": name, "attr.type": kind}
            ET.SubElement(root, f"{{{_GRAPHML}}}key", attributes)
    for scope in ("node", "edge"):
        attributes = {"id": f"{scope[0]}_graphics", "for": scope, "yfiles.type": f"{scope}graphics"}
        ET.SubElement(root, f"{{{_GRAPHML}}}key", attributes)
    graph = ET.SubElement(
        root, f"{{{_GRAPHML}}}graph", {"id": dataset.name, "edgedefault": "directed"}
    )
    for party in dataset.parties:
        place = placed.places[party.id]
        node = ET.SubElement(graph, f"{{{_GRAPHML}}}node", {"id": party.id})
        label = party.name.get(lang) or party.id
        _yed_node(node, party, label, place.x, place.y)
        values: dict[str, Any] = {
            "party_id": party.id,
            "kind": party.kind.value,
            "name_en": party.name.values.get("en", ""),
            "name_zh": party.name.values.get("zh", ""),
            "label": label,
            "apex": "true" if party.apex else "false",
            "layer": place.layer,
            "x": place.x,
            "y": -place.y,
        }
        for name, value in values.items():
            _data(node, keys["node", name], value)
    for number, edge in enumerate(dataset.edges):
        attributes = {"id": f"e{number}", "source": edge.source, "target": edge.target}
        element = ET.SubElement(graph, f"{{{_GRAPHML}}}edge", attributes)
        phrase = RELATION_STYLES[edge.relation.value]["label"]["zh" if lang == "zh" else "en"]
        _yed_edge(element, edge, phrase)
        _data(element, keys["edge", "relation"], edge.relation.value)
        _data(element, keys["edge", "scope"], edge.scope or "")
        _data(element, keys["edge", "sections"], "; ".join(c.section for c in edge.citations))
        _data(element, keys["edge", "label"], phrase)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _data(parent: ET.Element, key: str, value: Any) -> None:
    ET.SubElement(parent, f"{{{_GRAPHML}}}data", {"key": key}).text = str(value)


def _yed_node(node: ET.Element, party: Party, text: str, x: float, y: float) -> None:
    style = KIND_STYLES[party.kind.value]
    data = ET.SubElement(node, f"{{{_GRAPHML}}}data", {"key": "n_graphics"})
    shape = ET.SubElement(data, f"{{{_YED}}}ShapeNode")
    width, height = 180.0, 56.0
    geometry = {"x": f"{x - width / 2}", "y": f"{y - height / 2}"}
    ET.SubElement(shape, f"{{{_YED}}}Geometry", {**geometry, "width": "180", "height": "56"})
    ET.SubElement(shape, f"{{{_YED}}}Fill", {"color": style["fill"], "transparent": "false"})
    border = "dashed" if style["dash"] else "line"
    ET.SubElement(
        shape,
        f"{{{_YED}}}BorderStyle",
        {"color": style["stroke"], "type": border, "width": str(style["stroke_width"])},
    )
    label = ET.SubElement(shape, f"{{{_YED}}}NodeLabel", {"autoSizePolicy": "content"})
    label.text = text
    ET.SubElement(shape, f"{{{_YED}}}Shape", {"type": _YED_SHAPES[party.kind]})


def _yed_edge(element: ET.Element, edge: Edge, phrase: str) -> None:
    style = RELATION_STYLES[edge.relation.value]
    data = ET.SubElement(element, f"{{{_GRAPHML}}}data", {"key": "e_graphics"})
    line = ET.SubElement(data, f"{{{_YED}}}PolyLineEdge")
    kind = (
        "line"
        if not style["dash"]
        else "dotted"
        if style["dash"].startswith(("1 ", "2 "))
        else "dashed"
    )
    ET.SubElement(
        line,
        f"{{{_YED}}}LineStyle",
        {"color": style["colour"], "type": kind, "width": str(style["width"])},
    )
    ET.SubElement(line, f"{{{_YED}}}Arrows", {"source": "none", "target": "standard"})
    ET.SubElement(line, f"{{{_YED}}}EdgeLabel").text = phrase


# --- DOT and Mermaid ------------------------------------------------------------------


def _dot_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "").replace("\n", "\\n") + '"'


def export_dot(dataset: Dataset, placed: Layout | None = None, *, lang: str = "en") -> str:
    """Graphviz DOT: ``rankdir=BT``; parties of one layer of the chart share a rank; only
    ACCOUNTABLE_TO and REPORTS_TO edges constrain the ranks. Every id is quoted."""
    placed = placed or layout(dataset)
    title = dataset.title.get(lang) or dataset.name
    lines = [
        f"digraph {_dot_string(dataset.name)} {{",
        f"  graph [rankdir=BT, label={_dot_string(title)}, labelloc=t, fontname=Helvetica];",
        "  node [fontname=Helvetica, fontsize=11, style=filled, width=2.5, height=0.7];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    shapes = {"office": "box", "role": "box", "group": "ellipse", "government": "hexagon"}
    shapes |= {"body": "octagon", "unit": "box"}
    for party in dataset.parties:
        style = KIND_STYLES[party.kind.value]
        extra = ', style="filled,rounded"' if party.kind is PartyKind.ROLE else ""
        extra += ', style="filled,dashed"' if style["dash"] else ""
        lines.append(
            f"  {_dot_string(party.id)} [label={_dot_string(party.name.get(lang) or party.id)}, "
            f'shape={shapes[party.kind.value]}, fillcolor="{style["fill"]}", '
            f'color="{style["stroke"]}"{extra}];'
        )
    for edge in dataset.edges:
        style = RELATION_STYLES[edge.relation.value]
        label = style["label"]["zh" if lang == "zh" else "en"]
        sections = ", ".join(c.section for c in edge.citations)
        attributes = [
            f"label={_dot_string(label)}",
            f"tooltip={_dot_string(sections)}",
            f'color="{style["colour"]}"',
            f"style={'solid' if not style['dash'] else 'dashed'}",
        ]
        if not style["ranks"]:
            attributes.append("constraint=false")
        lines.append(
            f"  {_dot_string(edge.source)} -> {_dot_string(edge.target)} [{', '.join(attributes)}];"
        )
    for row in placed.layers:
        lines.append(f"  {{ rank=same; {' '.join(_dot_string(p) + ';' for p in row)} }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MERMAID_SHAPES = {
    PartyKind.OFFICE: ('["', '"]'),
    PartyKind.ROLE: ('("', '")'),
    PartyKind.GROUP: ('(["', '"])'),
    PartyKind.GOVERNMENT: ('{{"', '"}}'),
    PartyKind.BODY: ('[["', '"]]'),
    PartyKind.UNIT: ('[/"', '"/]'),
}


def mermaid_ids(dataset: Dataset) -> dict[str, str]:
    """A Mermaid-safe id per party: ``p_`` and the kebab-case id with ``_`` for ``-``
    (so never a keyword such as ``end``), or ``n`` and its number for any other id."""
    ids = list(dataset.party_ids)
    if all(_KEBAB.match(p) for p in ids):
        return {p: "p_" + p.replace("-", "_") for p in ids}
    return {p: f"n{i}" for i, p in enumerate(ids)}


def _mermaid_text(value: str) -> str:
    """Text for inside Mermaid's quotes: entity codes for what Mermaid would read."""
    value = value.replace("#", "#35;").replace('"', "#quot;")
    value = value.replace("<", "#lt;").replace(">", "#gt;").replace("&", "#amp;")
    return " ".join(value.split())


def export_mermaid(dataset: Dataset, *, lang: str = "en") -> str:
    """A Mermaid ``graph BT`` flowchart: a shape and class per kind, edges labelled with
    their relation; ACCOUNTABLE_TO thick, REPORTS_TO solid, the rest dotted."""
    ids = mermaid_ids(dataset)
    lines = ["graph BT"]
    for party in dataset.parties:
        opening, closing = _MERMAID_SHAPES[party.kind]
        name = _mermaid_text(party.name.get(lang) or party.id)
        lines.append(f"  {ids[party.id]}{opening}{name}{closing}")
    for number, edge in enumerate(dataset.edges):
        style = RELATION_STYLES[edge.relation.value]
        arrow = {"ACCOUNTABLE_TO": "==>", "REPORTS_TO": "-->"}.get(edge.relation.value, "-.->")
        label = _mermaid_text(style["label"]["zh" if lang == "zh" else "en"])
        lines.append(f'  {ids[edge.source]} {arrow}|"{label}"| {ids[edge.target]}')
        lines.append(f"  linkStyle {number} stroke:{style['colour']}")
    for kind in PartyKind:
        members = [ids[p.id] for p in dataset.parties if p.kind is kind]
        if members:
            style = KIND_STYLES[kind.value]
            lines.append(f"  classDef {kind.value} fill:{style['fill']},stroke:{style['stroke']}")
            lines.append(f"  class {','.join(members)} {kind.value}")
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------


def export_json(dataset: Dataset, placed: Layout | None = None) -> str:
    """The whole dataset as JSON, with where the chart draws each party::

        {
          "format": "accountgraph-export/1",
          "name": "wipo-a46-11",
          "title": {"en": "...", "zh": "..."},
          "document": {"symbol": "A/46/11", "title": {...}, "date": "2008-12-12" | null,
                       "in_force": "2008-12-12" | null, "in_force_basis": {...} | null,
                       "sections": ["preamble 1", ...],
                       "facts": [fact, ...]},
          "parties": [party + {"layout": {"x": 0.0, "y": 0.0, "layer": 0}}, ...],
          "edges": [edge, ...],
          "responsibilities": [responsibility, ...]
        }

    A party, edge, fact or responsibility has the shape ``accountgraph ... --json``
    prints (:mod:`accountgraph.model_json`): texts are ``{"en": ..., "zh": ...}`` maps;
    an edge is ``{"from", "relation", "to", "scope", "note", "sources": [{"document",
    "section", "text"}], "valid_from", "valid_to"}``; dates are ``YYYY-MM-DD`` or null.
    ``x``/``y`` are the centre of the party's box (y grows downward, layer 0 on top).
    """
    placed = placed or layout(dataset)
    data = dataset_json(dataset)
    for party in data["parties"]:
        place = placed.places[party["id"]]
        party["layout"] = {"x": place.x, "y": place.y, "layer": place.layer}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def dataset_json(dataset: Dataset) -> dict[str, Any]:
    """The whole dataset as plain JSON data, in :func:`export_json`'s shape without the
    chart's layout: what :func:`read_json` reads back."""
    document = dataset.document
    return {
        "format": JSON_FORMAT,
        "name": dataset.name,
        "title": text_json(dataset.title),
        "document": {
            "symbol": document.symbol,
            "title": text_json(document.title),
            "date": document.date.isoformat() if document.date else None,
            "in_force": document.in_force.isoformat() if document.in_force else None,
            "in_force_basis": text_json(document.in_force_basis),
            "sections": list(document.sections),
            "facts": [fact_json(f) for f in document.facts],
        },
        "parties": [party_json(party) for party in dataset.parties],
        "edges": [edge_json(e) for e in dataset.edges],
        "responsibilities": [responsibility_json(r) for r in dataset.responsibilities],
    }


def read_json(text: str) -> Dataset:
    """The dataset of an :func:`export_json` document (its layout is ignored)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != JSON_FORMAT:
        raise ExportError(f"not an {JSON_FORMAT} document")
    doc = data["document"]
    document = Document(
        symbol=doc["symbol"],
        title=Text(doc["title"]),
        sections=tuple(doc["sections"]),
        date=_day(doc["date"]),
        facts=tuple(_fact(f) for f in doc["facts"]),
        in_force=_day(doc.get("in_force")),
        in_force_basis=_text(doc.get("in_force_basis")),
    )
    parties = tuple(
        Party(
            id=p["id"],
            kind=PartyKind(p["kind"]),
            name=Text(p["name"]),
            aliases=tuple(p["aliases"]),
            description=_text(p["description"]),
            facts=tuple(_fact(f) for f in p["facts"]),
            apex=p["apex"],
            apex_reason=_text(p["apex_reason"]),
            validity=_validity(p),
            name_in_source=p.get("name_in_source", True),
            name_note=_text(p.get("name_note")),
        )
        for p in data["parties"]
    )
    edges = tuple(
        Edge(
            source=e["from"],
            relation=Relation(e["relation"]),
            target=e["to"],
            citations=tuple(_citation(c) for c in e["sources"]),
            scope=e["scope"],
            note=_text(e["note"]),
            validity=_validity(e),
        )
        for e in data["edges"]
    )
    duties = tuple(
        Responsibility(
            r["code"], r["holder"], Text(r["text"]), r["document"], _text(r["note"]), _validity(r)
        )
        for r in data["responsibilities"]
    )
    return Dataset(data["name"], Text(data["title"]), document, parties, edges, duties)


def _text(value: Mapping[str, str] | None) -> Text | None:
    return None if value is None else Text(value)


def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _validity(item: Mapping[str, Any]) -> Validity:
    start, end = _day(item.get("valid_from")), _day(item.get("valid_to"))
    return ALWAYS if start is None and end is None else Validity(start, end)


def _citation(value: Mapping[str, Any]) -> Citation:
    return Citation(value["document"], value["section"], _text(value["text"]))


def _fact(value: Mapping[str, Any]) -> Fact:
    return Fact(value["name"], value["value"], _citation(value["source"]), _text(value["note"]))


# --- Cypher ---------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def cypher_literal(value: Any) -> str:
    """A Cypher literal of a string, number, boolean, null or list of them.

    Strings are single-quoted with backslash escapes for the quote, the backslash and line
    breaks (so a statement stays on one line); other characters are written as they are,
    which Neo4j and FalkorDB both read (FalkorDB has no ``\\u`` escapes).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return "'" + "".join(_ESCAPES.get(c, c) for c in value) + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def _properties(values: Mapping[str, Any]) -> str:
    """A map literal of the non-null ``values`` (a null property is no property)."""
    shown = [
        f"{k if _IDENTIFIER.match(k) else '`' + k.replace('`', '``') + '`'}: {cypher_literal(v)}"
        for k, v in values.items()
        if v is not None
    ]
    return "{" + ", ".join(shown) + "}"


def export_cypher(dataset: Dataset) -> str:
    """CREATE statements, one a line, that rebuild ``dataset`` in an empty graph.

    The nodes and properties are exactly what ``accountgraph load`` writes (the rows of
    its plan, :func:`accountgraph.store.importer.plan_load`, stamped with the same
    ``loaded`` fingerprint), so ``accountgraph serve --store`` serves the result and a later
    ``accountgraph load`` of the same dataset finds nothing to change. Values are literals
    (no parameters); ids are looked up by ``MATCH``, so on a large graph run the store's
    schema (``cypher/schema_neo4j.cypher``) first to index them.
    """
    plan = plan_load(dataset)
    head: Props = dict(plan.head)
    stamp = plan.fingerprint
    party_rows, edge_rows, duty_rows = (
        plan.rows["parties"],
        plan.rows["edges"],
        plan.rows["responsibilities"],
    )
    lines = [
        f"// {dataset.name}: {len(party_rows)} parties, {len(edge_rows)} edges, "
        f"{len(duty_rows)} responsibilities. Run on an empty graph.",
        f"CREATE (:Dataset {_properties({**head, 'loaded': stamp})});",
    ]
    for row in party_rows:
        values = {"id": row["id"], **row["props"], "loaded": stamp}
        lines.append(f"CREATE (:Party:{row['label']} {_properties(values)});")
    for row in edge_rows:
        values = {**row["props"], "scope_key": row["scope_key"], "loaded": stamp}
        lines.append(
            f"MATCH (a:Party {{id: {cypher_literal(row['source'])}}}) "
            f"MATCH (b:Party {{id: {cypher_literal(row['target'])}}}) "
            f"CREATE (a)-[:{row['relation']} {_properties(values)}]->(b);"
        )
    for row in duty_rows:
        values = {k: row[k] for k in ("holder", "code", "nth")} | row["props"]
        lines.append(
            f"MATCH (p:Party {{id: {cypher_literal(row['holder'])}}}) "
            f"CREATE (:Responsibility {_properties({**values, 'loaded': stamp})})"
            f"-[:DUTY_OF {{loaded: {cypher_literal(stamp)}}}]->(p);"
        )
    return "\n".join(lines) + "\n"


def statements(cypher: str) -> list[str]:
    """The statements of an :func:`export_cypher` text, without their ``;``."""
    return [
        line.rstrip().removesuffix(";")
        for line in cypher.split("\n")
        if line.strip() and not line.startswith("//")
    ]
