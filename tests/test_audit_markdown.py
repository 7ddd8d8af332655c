"""The Markdown audit report shows names and texts as written: nothing in them becomes HTML,
emphasis, a link, code or a new table cell when a viewer renders the report (issue 10)."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from accountgraph.analysis import Finding, Severity
from accountgraph.audit_report import markdown_text, render_markdown

HOSTILE = (
    '<img src=x onerror="alert(1)"> & <script>alert(2)</script> a|b *c* _d_ `e` '
    "[f](javascript:alert(3)) ~~g~~ \\ #"
)


def rendered(markdown: str) -> str:
    """HTML as a GitHub-like viewer makes it: tables, strike-through, and raw HTML let
    through (so that unescaped HTML would show up live)."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    html: str = parser.render(markdown)
    return html


def test_a_hostile_finding_renders_as_text_in_one_cell() -> None:
    finding = Finding("unheld-duty", Severity.ERROR, HOSTILE + "\nsecond line", (), ("III|A",))
    html = rendered(render_markdown([finding], "<b>graph</b>"))
    assert "<h1>Audit of &lt;b&gt;graph&lt;/b&gt;</h1>" in html
    [row] = re.findall(r"<tr>\s*<td>error</td>.*?</tr>", html, flags=re.DOTALL)
    tags = set(re.findall(r"</?([a-z0-9]+)", row))
    assert tags == {"tr", "td", "code"}  # no img, script, em, strong, a, del, br
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.DOTALL)
    assert cells[1] == "<code>unheld-duty</code>"
    assert [_text(cell) for cell in cells] == [
        "error",
        "unheld-duty",
        HOSTILE + " second line",
        "III|A",
    ]


def _text(html: str) -> str:
    """The visible text of an HTML fragment (tags dropped, the few entities decoded)."""
    text = re.sub(r"<[^>]+>", "", html)
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words, III.A.1", "plain words, III.A.1"),
        ("<b>", "&lt;b&gt;"),
        ("a & b", "a &amp; b"),
        ("x|y", "x\\|y"),
        ("*_`[]~#\\", "\\*\\_\\`\\[\\]\\~\\#\\\\"),
        ("one\ntwo\r\nthree", "one two three"),
    ],
)
def test_markdown_text(text: str, escaped: str) -> None:
    assert markdown_text(text) == escaped
