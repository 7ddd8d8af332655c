"""How the organisation chart looks, the same on the page and in an SVG file.

Shapes and colours by kind of party (:data:`KIND_STYLES`), line styles by relation
(:data:`RELATION_STYLES`), edges as curves from box to box (:func:`edge_curves`), labels
wrapped to their boxes (:func:`wrap_label`); the document ``GET /api/graph`` answers
(:func:`graph_document`), which ships these tables to the page so it draws with them; and
the whole chart as one SVG file (:func:`chart_svg`). The page's script (web/page/graph.js)
bends edges and wraps labels by the same rules.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from accountgraph.explain import explain_edge, relation_phrase
from accountgraph.layout import (
    LAYER_GAP,
    NODE_GAP,
    NODE_HEIGHT,
    NODE_WIDTH,
    RANKING,
    Layout,
    Place,
    layout,
)
from accountgraph.model import Dataset, Edge, PartyKind, Relation

CABLE_GAP = 5
"""How far apart the edges between the same two parties bend: one cable of side-by-side
lines, each relation still its own line and arrow."""

CABLE_END_GAP = 11
"""How far apart a cable's lines end on a party's border: wider than an arrowhead
(:data:`ARROWHEAD`), so each line's head stands clear of its neighbours' however the lines
point. Between its ends, where the lines bend :data:`CABLE_GAP` apart, the cable narrows:
halfway along, its lines run the mean of the two gaps apart."""

ARROWHEAD = 9
"""An arrowhead's length and width (the size of the marker that draws it)."""

FONT_SIZE = 12
LABEL_WIDTH_EM = 13.6
"""How wide a label line may be, in ems of :data:`FONT_SIZE` (the box less its padding)."""
LABEL_LINES = 3

Curve = tuple[float, float, float, float, float, float]
"""A quadratic curve: start x, y, control x, y, end x, y (``M s Q c e`` in SVG)."""


def edge_curves(edges: Sequence[Edge], places: Mapping[str, Place]) -> list[Curve | None]:
    """Where each edge is drawn, from box edge to box edge (``None`` when an end is not
    placed). The edges between the same two parties (either way) run side by side as one
    cable, bent :data:`CABLE_GAP` apart and ending :data:`CABLE_END_GAP` apart, so their
    arrowheads do not overlap; edges along a layer arch upward, so they pass over the
    boxes between their ends. The page (page/geometry.js) draws them with the same rules."""
    bundles: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, edge in enumerate(edges):
        if edge.source in places and edge.target in places:
            bundles[min(edge.source, edge.target), max(edge.source, edge.target)].append(index)
    curves: list[Curve | None] = [None] * len(edges)
    for (first, second), indices in bundles.items():
        a, b = places[first], places[second]
        for k, index in enumerate(indices):
            side = k - (len(indices) - 1) / 2
            curves[index] = _cable_line(a, b, side, reversed=edges[index].source != first)
    return curves


def _cable_line(a: Place, b: Place, side: float, *, reversed: bool) -> Curve:
    """One line of the cable from ``a`` to ``b``, ``side`` places from its centre line: its
    bend that many :data:`CABLE_GAP` aside (more on a short cable), its ends that many
    :data:`CABLE_END_GAP` (from ``b`` when ``reversed``)."""
    if a is b:
        return _rounded(_loop(a, side * CABLE_GAP))
    dx, dy = b.x - a.x, b.y - a.y
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy = -dy / length, dx / length
    cy = (a.y + b.y) / 2
    if a.layer == b.layer and abs(dx) > NODE_GAP * 1.5:
        cy -= 30 + abs(dx) * 0.08
    mx = (a.x + b.x) / 2
    # Lines bent closer than they end turn toward each other at their ends; over a short
    # reach from bend to end, the bend gap closes by at most 2 units an arrowhead's length,
    # so neighbouring heads stay more than an arrowhead apart.
    reach = min(_distance(_clip(p, p.x, p.y, mx, cy), (mx, cy)) for p in (a, b))
    bend_gap = max(CABLE_GAP, CABLE_END_GAP - 2 * reach / ARROWHEAD)
    bend, ends = side * bend_gap, side * CABLE_END_GAP
    ex, ey = ux * ends, uy * ends
    # Each end leaves its box as the centre line does, ``ends`` across from it.
    start = _clip(a, a.x + ex, a.y + ey, mx + ex, cy + ey)
    end = _clip(b, b.x + ex, b.y + ey, mx + ex, cy + ey)
    cx, cy = mx + ux * bend, cy + uy * bend
    if reversed:
        start, end = end, start
    return _rounded((*start, cx, cy, *end))


def _distance(p: tuple[float, float], q: tuple[float, float]) -> float:
    return math.hypot(p[0] - q[0], p[1] - q[1])


def _rounded(curve: Curve) -> Curve:
    sx, sy, cx, cy, ex, ey = (round(v, 1) for v in curve)
    return (sx, sy, cx, cy, ex, ey)


def _loop(place: Place, offset: float) -> Curve:
    right = place.x + NODE_WIDTH / 2
    reach = 60 + abs(offset) * 2
    return (right, place.y - 10, right + reach, place.y, right, place.y + 10)


def _clip(
    place: Place, x: float, y: float, toward_x: float, toward_y: float
) -> tuple[float, float]:
    """Where the ray from (x, y) toward a point leaves the party's box (the point itself
    when it is inside the box)."""
    vx, vy = toward_x - x, toward_y - y
    scales = [1.0]
    if vx:
        scales.append((place.x + (NODE_WIDTH / 2 if vx > 0 else -NODE_WIDTH / 2) - x) / vx)
    if vy:
        scales.append((place.y + (NODE_HEIGHT / 2 if vy > 0 else -NODE_HEIGHT / 2) - y) / vy)
    t = max(min(scales), 0.0)
    return (x + vx * t, y + vy * t)


def _char_width(char: str) -> float:
    """A character's approximate width in ems (the page measures the same way)."""
    code = ord(char)
    if code >= 0x2E80:
        return 1.0
    if char == " ":
        return 0.3
    if char in "MW":
        return 0.85
    if char.isupper():
        return 0.66
    if char.isalnum():
        return 0.54
    return 0.36


NO_LINE_START = (
    ")]}»›’”)）］｝〕〗〙〛〉》」』】〟"
    "、。，．：；！？,.:;!?‧・·…‥〜～ー々〻ゝゞヽヾ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ%％‰℃°′″"
)
"""Characters no line may start with: closing brackets and quotes, CJK and Latin
punctuation that ends a phrase, small kana, iteration and prolongation marks (the
line-breaking rules of CJK text: JIS X 4051, GB/T 15834, Unicode's line breaking classes
CL, CP, EX, IS and NS). geometry.js holds the same list."""

NO_LINE_END = "([{«‹‘“（［｛〔〖〘〚〈《「『【〝"
"""Characters no line may end with: opening brackets and quotes."""


def wrap_label(text: str, width_em: float = LABEL_WIDTH_EM, lines: int = LABEL_LINES) -> list[str]:
    """``text`` in at most ``lines`` lines of at most ``width_em``; a cut ends in "…".

    Breaks at spaces, and between any two CJK characters unless the line would then start
    with closing punctuation (:data:`NO_LINE_START`) or end with opening punctuation
    (:data:`NO_LINE_END`)."""
    result: list[str] = []
    line = ""
    for token, space in _unbreakable_tokens(text):
        joined = f"{line} {token}" if line and space else line + token
        if _width(joined) <= width_em or not line:
            line = joined
        else:
            result.append(line)
            line = token
        while _width(line) > width_em:
            cut = _fit(line, width_em)
            while cut > 1 and (line[cut] in NO_LINE_START or line[cut - 1] in NO_LINE_END):
                cut -= 1
            result.append(line[:cut])
            line = line[cut:]
    if line:
        result.append(line)
    if len(result) > lines:
        last = result[lines - 1]
        while last and _width(last + "…") > width_em:
            last = last[:-1]
        result = [*result[: lines - 1], last.rstrip() + "…"]
    return result


def _unbreakable_tokens(text: str) -> list[tuple[str, bool]]:
    """``text`` cut where a line may break: (token, whether a space comes before it).

    A word, or one CJK character; a closing mark joins the token before it and an opening
    mark the token after it."""
    tokens: list[tuple[str, bool]] = []
    word, spaced = "", False
    for char in text:
        if char.isspace() or ord(char) >= 0x2E80:
            if word:
                tokens.append((word, spaced))
                word, spaced = "", False
            if char.isspace():
                spaced = True
            else:
                tokens.append((char, spaced))
                spaced = False
        else:
            word += char
    if word:
        tokens.append((word, spaced))
    joined: list[tuple[str, bool]] = []
    for token, space in tokens:
        if joined and (token[0] in NO_LINE_START or joined[-1][0][-1] in NO_LINE_END):
            before, before_space = joined[-1]
            joined[-1] = (before + (" " if space else "") + token, before_space)
        else:
            joined.append((token, space))
    return joined


def _width(text: str) -> float:
    return sum(_char_width(c) for c in text)


def _fit(text: str, width_em: float) -> int:
    """How many leading characters of ``text`` fit in ``width_em`` (at least one)."""
    used = 0.0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used > width_em:
            return max(index, 1)
    return len(text)


# --- look -----------------------------------------------------------------------------


def _shape(kind: PartyKind) -> str:
    """The outline of a party's box, as an SVG path around its centre."""
    w, h = NODE_WIDTH / 2, NODE_HEIGHT / 2
    if kind is PartyKind.ROLE:
        r = 14
        return (
            f"M{-w + r},{-h}H{w - r}A{r},{r} 0 0 1 {w},{-h + r}V{h - r}A{r},{r} 0 0 1 {w - r},{h}"
            f"H{-w + r}A{r},{r} 0 0 1 {-w},{h - r}V{-h + r}A{r},{r} 0 0 1 {-w + r},{-h}Z"
        )
    if kind is PartyKind.GROUP:
        arc = f"A{h},{h} 0 0 1"
        return f"M{-w + h},{-h}H{w - h}{arc} {w - h},{h}H{-w + h}{arc} {-w + h},{-h}Z"
    if kind is PartyKind.GOVERNMENT:
        return f"M{-w + 12},{-h}H{w - 12}L{w},0L{w - 12},{h}H{-w + 12}L{-w},0Z"
    if kind is PartyKind.BODY:
        c = 8
        return (
            f"M{-w + c},{-h}H{w - c}L{w},{-h + c}V{h - c}L{w - c},{h}H{-w + c}"
            f"L{-w},{h - c}V{-h + c}Z"
        )
    return f"M{-w},{-h}H{w}V{h}H{-w}Z"


_KIND_LOOK: Mapping[PartyKind, tuple[str, str, float, str | None, str]] = {
    PartyKind.OFFICE: ("#dce9f7", "#1f5a96", 1.5, None, "职务"),
    PartyKind.ROLE: ("#e2f2e3", "#2e7d32", 1.5, None, "角色"),
    PartyKind.GROUP: ("#fff1d6", "#9a6200", 1.5, None, "人员群体"),
    PartyKind.GOVERNMENT: ("#f1e4f5", "#7b1fa2", 1.5, None, "政府"),
    PartyKind.BODY: ("#fde4e1", "#b3261e", 2.5, None, "机构"),
    PartyKind.UNIT: ("#e8edf0", "#455a64", 1.5, "5 3", "单位"),
}

KIND_STYLES: Mapping[str, dict[str, Any]] = {
    kind.value: {
        "label": {"en": kind.value, "zh": zh},
        "shape": _shape(kind),
        "fill": fill,
        "stroke": stroke,
        "stroke_width": width,
        "dash": dash,
    }
    for kind, (fill, stroke, width, dash, zh) in _KIND_LOOK.items()
}
"""How each kind of party is drawn: outline (SVG path), fill, stroke, dash, and its name."""

_RELATION_LOOK: Mapping[Relation, tuple[str, float, str | None]] = {
    Relation.ACCOUNTABLE_TO: ("#1d2733", 2.6, None),
    Relation.REPORTS_TO: ("#1565c0", 1.8, None),
    Relation.MEMBER_OF: ("#6a1b9a", 1.4, "2 3"),
    Relation.CHAIRS: ("#6a1b9a", 1.6, "8 3 2 3"),
    Relation.ADVISES: ("#00838f", 1.4, "5 3"),
    Relation.APPOINTS: ("#ef6c00", 1.4, "10 3"),
    Relation.DESIGNATES: ("#c79100", 1.6, "10 3"),
    Relation.DELEGATES_TO: ("#d84315", 1.6, "7 4"),
    Relation.SERVES_AS: ("#2e7d32", 2.0, "3 2"),
    Relation.LIAISES_WITH: ("#5d4037", 1.2, "6 2 2 2"),
    Relation.TECHNICAL_LINK: ("#546e7a", 1.2, "1 2"),
    Relation.SUPPORTS: ("#558b2f", 1.2, "6 3"),
    Relation.MANAGES: ("#c62828", 1.6, None),
    Relation.ESTABLISHES: ("#4527a0", 1.2, "9 2 2 2 2 2"),
    Relation.CONVENES: ("#7b1fa2", 1.2, "4 2"),
    Relation.RECOMMENDS_TO: ("#00695c", 1.2, "3 3"),
    Relation.PARTICIPATES_IN: ("#ad1457", 1.2, "2 3"),
    Relation.COORDINATES: ("#0277bd", 1.2, "12 3 3 3"),
    Relation.RESPONSIBLE_FOR_SECURITY_OF: ("#827717", 1.4, "4 4"),
    Relation.PART_OF: ("#8d6e63", 1.4, "1 3"),
}

RELATION_STYLES: Mapping[str, dict[str, Any]] = {
    relation.value: {
        "label": {"en": relation.phrase, "zh": relation_phrase(relation, "zh")},
        "colour": colour,
        "width": width,
        "dash": dash,
        "ranks": relation in RANKING,
    }
    for relation, (colour, width, dash) in _RELATION_LOOK.items()
}
"""How each relation is drawn: colour, line width, dash, its words, and whether it ranks."""


# --- the page's JSON ------------------------------------------------------------------


def dated(dataset: Dataset) -> tuple[bool, dt.date | None, dt.date | None]:
    """Whether any party or edge of ``dataset`` is dated, and its first and last date."""
    spans = [p.validity for p in dataset.parties] + [e.validity for e in dataset.edges]
    days = [day for span in spans for day in (span.valid_from, span.valid_to) if day is not None]
    return (bool(days), min(days, default=None), max(days, default=None))


def graph_document(
    dataset: Dataset,
    placed: Layout,
    *,
    version: str,
    as_of: dt.date | None = None,
    dates_of: Dataset | None = None,
) -> dict[str, Any]:
    """What ``GET /api/graph`` answers: the laid-out graph, ready to draw.

    ``dataset`` is the graph drawn (already as of ``as_of`` when given); ``dates_of`` is
    the whole dataset, whose dates the page offers (``dataset`` when omitted).
    """
    is_dated, first, last = dated(dates_of or dataset)
    min_x, min_y, max_x, max_y = placed.bounds()
    nodes = []
    for party in dataset.parties:
        place = placed.places[party.id]
        node: dict[str, Any] = {
            "id": party.id,
            "kind": party.kind.value,
            "name": party.name.as_dict(),
            "aliases": list(party.aliases),
            "apex": party.apex,
            "x": round(place.x, 1),
            "y": round(place.y, 1),
            "layer": place.layer,
        }
        if not party.name_in_source:
            node["name_in_source"] = False
        if party.name_note is not None:
            node["name_note"] = party.name_note.as_dict()
        if party.validity.valid_from:
            node["valid_from"] = party.validity.valid_from.isoformat()
        if party.validity.valid_to:
            node["valid_to"] = party.validity.valid_to.isoformat()
        nodes.append(node)
    return {
        "format": "accountgraph-graph/1",
        "dataset": {
            "name": dataset.name,
            "title": dataset.title.as_dict(),
            "document": dataset.document.symbol,
            "version": version,
        },
        "as_of": as_of.isoformat() if as_of else None,
        "dated": is_dated,
        "dates": {
            "first": first.isoformat() if first else None,
            "last": last.isoformat() if last else None,
        },
        "node_size": {"width": NODE_WIDTH, "height": NODE_HEIGHT},
        "gaps": {"node": NODE_GAP, "layer": LAYER_GAP},
        "layers": len(placed.layers),
        "bounds": {"x": min_x, "y": min_y, "width": max_x - min_x, "height": max_y - min_y},
        "kinds": KIND_STYLES,
        "relations": RELATION_STYLES,
        "nodes": nodes,
        "edges": [
            {
                "from": edge.source,
                "to": edge.target,
                "relation": edge.relation.value,
                "scope": edge.scope,
                "sections": [c.section for c in edge.citations],
            }
            for edge in dataset.edges
        ],
    }


# --- the chart as one SVG file --------------------------------------------------------

FONT_FAMILY = (
    "system-ui, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
)
_MARGIN = 40
_HEADER = 56
_LEGEND_WIDTH = 270
_LEGEND_ROW = 22
TEXT_COLOUR = "#1d2733"


def chart_svg(dataset: Dataset, placed: Layout | None = None, *, lang: str = "en") -> str:
    """The whole chart as a standalone SVG document: title, edges, parties and a legend.

    Styles are presentation attributes (no stylesheet), so any viewer draws it the same.
    """
    placed = placed or layout(dataset)
    min_x, min_y, max_x, max_y = placed.bounds()
    kinds = [k.value for k in PartyKind if any(p.kind is k for p in dataset.parties)]
    relations = [r.value for r in Relation if any(e.relation is r for e in dataset.edges)]
    legend_height = (len(kinds) + len(relations) + 3) * _LEGEND_ROW
    graph_width, graph_height = max_x - min_x, max_y - min_y
    width = graph_width + 3 * _MARGIN + _LEGEND_WIDTH
    height = _HEADER + 2 * _MARGIN + max(graph_height, legend_height)
    parties = {p.id: p for p in dataset.parties}
    title = dataset.title.get(lang) or dataset.name
    if dataset.document.symbol not in title:
        title = f"{title} — {dataset.document.symbol}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{_attr(FONT_FAMILY)}" '
        f'font-size="{FONT_SIZE}">',
        f"<title>{_text(title)}</title>",
        "<defs>",
        *(_marker(r) for r in relations),
        "</defs>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{_MARGIN}" y="{_HEADER / 2 + 8:.0f}" font-size="18" font-weight="600" '
        f'fill="{TEXT_COLOUR}">{_text(title)}</text>',
        f'<g transform="translate({_MARGIN - min_x:.1f},{_HEADER + _MARGIN - min_y:.1f})">',
        '<g fill="none">',
    ]
    for edge, curve in zip(dataset.edges, edge_curves(dataset.edges, placed.places), strict=True):
        if curve is not None:
            out.append(_edge_svg(edge, curve, explain_edge(edge, parties, lang)))
    out.append("</g>")
    for party in dataset.parties:
        place = placed.places[party.id]
        style = KIND_STYLES[party.kind.value]
        name = party.name.get(lang) or party.id
        out += [
            f'<g transform="translate({place.x:.1f},{place.y:.1f})">',
            f"<title>{_text(name)} ({_text(party.id)})</title>",
            f'<path d="{style["shape"]}" {_paint(style)}/>',
            _label_svg(wrap_label(name)),
            "</g>",
        ]
    out.append("</g>")
    out += _legend_svg(kinds, relations, lang, graph_width + 2 * _MARGIN, _HEADER + _MARGIN)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _paint(style: Mapping[str, Any]) -> str:
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    return (
        f'fill="{style["fill"]}" stroke="{style["stroke"]}" '
        f'stroke-width="{style["stroke_width"]}"{dash}'
    )


def _marker(relation: str) -> str:
    colour = RELATION_STYLES[relation]["colour"]
    return (
        f'<marker id="arrow-{relation}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="{ARROWHEAD}" markerHeight="{ARROWHEAD}" markerUnits="userSpaceOnUse" '
        'orient="auto">'
        f'<path d="M0,0L10,5L0,10Z" fill="{colour}"/></marker>'
    )


def _edge_svg(edge: Edge, curve: Curve, sentence: str) -> str:
    style = RELATION_STYLES[edge.relation.value]
    sx, sy, cx, cy, ex, ey = curve
    dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
    return (
        f'<path d="M{sx},{sy}Q{cx},{cy} {ex},{ey}" stroke="{style["colour"]}" '
        f'stroke-width="{style["width"]}"{dash} marker-end="url(#arrow-{edge.relation.value})">'
        f"<title>{_text(sentence)}</title></path>"
    )


def _label_svg(lines: Sequence[str]) -> str:
    first = -(len(lines) - 1) * 7 + 4
    spans = "".join(
        f'<tspan x="0" y="{first + 14 * i}">{_text(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text text-anchor="middle" fill="{TEXT_COLOUR}">{spans}</text>'


def _legend_svg(
    kinds: Sequence[str], relations: Sequence[str], lang: str, x: float, y: float
) -> list[str]:
    zh = lang == "zh"
    out = [
        f'<g transform="translate({x:.1f},{y:.1f})" fill="{TEXT_COLOUR}">',
        f'<text y="0" font-weight="600">{"参与方" if zh else "Parties"}</text>',
    ]
    row = _LEGEND_ROW
    for kind in kinds:
        style = KIND_STYLES[kind]
        out.append(
            f'<path transform="translate(22,{row - 4}) scale(0.2)" d="{style["shape"]}" '
            f"{_paint(style)}/>"
        )
        out.append(f'<text x="50" y="{row}">{_text(style["label"][lang if zh else "en"])}</text>')
        row += _LEGEND_ROW
    row += _LEGEND_ROW // 2
    out.append(f'<text y="{row}" font-weight="600">{"关系" if zh else "Relations"}</text>')
    row += _LEGEND_ROW
    for relation in relations:
        style = RELATION_STYLES[relation]
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        out.append(
            f'<path d="M4,{row - 4}H40" stroke="{style["colour"]}" stroke-width="{style["width"]}"'
            f'{dash} marker-end="url(#arrow-{relation})"/>'
        )
        out.append(f'<text x="50" y="{row}">{_text(style["label"]["zh" if zh else "en"])}</text>')
        row += _LEGEND_ROW
    out.append("</g>")
    return out
