"""An audit's findings as text, JSON, Markdown or one self-contained HTML file."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from accountgraph.analysis import CHECKS, Finding, Severity

FORMATS = ("text", "json", "md", "html")


def _counts(findings: Sequence[Finding]) -> Counter[Severity]:
    return Counter(f.severity for f in findings)


def summary(findings: Sequence[Finding]) -> str:
    counts = _counts(findings)
    return ", ".join(
        f"{counts[s]} {s.value}{'' if counts[s] == 1 or s is Severity.INFO else 's'}"
        for s in Severity
    )


def render_text(findings: Sequence[Finding], title: str) -> str:
    lines = [f"Audit of {title}: {summary(findings)}"]
    for finding in findings:
        lines.append(f"{finding.severity.value.upper():7} {finding.check}: {finding.message}")
        if finding.sections:
            lines.append(f"        sections: {', '.join(finding.sections)}")
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding], title: str) -> str:
    counts = _counts(findings)
    report: dict[str, Any] = {
        "dataset": title,
        "summary": {s.value: counts[s] for s in Severity},
        "findings": [
            {
                "check": f.check,
                "severity": f.severity.value,
                "message": f.message,
                "parties": list(f.parties),
                "sections": list(f.sections),
            }
            for f in findings
        ],
        "checks": [{"name": c.name, "severity": c.severity.value, "why": c.why} for c in CHECKS],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]|~#])")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows it as written, on one line: ``<``, ``>`` and ``&``
    become entities (no HTML), and backslash, backtick, ``*``, ``_``, ``[``, ``]``, ``|``,
    ``~`` and ``#`` are escaped (no emphasis, code, link, strike-through, heading end or
    table cell break)."""
    one_line = " ".join(text.splitlines())
    return _MARKDOWN_ACTIVE.sub(r"\\\1", html.escape(one_line, quote=False))


def render_markdown(findings: Sequence[Finding], title: str) -> str:
    lines = [f"# Audit of {markdown_text(title)}", "", f"**{summary(findings)}**", ""]
    lines += ["| severity | check | finding | sections |", "| --- | --- | --- | --- |"]
    for f in findings:
        message = markdown_text(f.message)
        sections = markdown_text(", ".join(f.sections))
        lines.append(f"| {f.severity.value} | `{f.check}` | {message} | {sections} |")
    lines += ["", "## What each check looks for", ""]
    lines += [f"- `{c.name}` ({c.severity.value}): {c.why}." for c in CHECKS]
    return "\n".join(lines) + "\n"


_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
color:#1d2733}
h1{font-size:1.5rem}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d8dde3;padding:.45rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}caption{text-align:left;font-weight:600;padding:.3rem 0}code{font-size:.9em}
.error{color:#a4161a;font-weight:600}.warning{color:#8a5a00;font-weight:600}
.info{color:#1f5f99}.summary{font-size:1.05rem}footer{margin-top:2rem;color:#5b6673}
"""


def render_html(findings: Sequence[Finding], title: str) -> str:
    """One file, no scripts, no external resources: it can be mailed to anyone."""
    esc = html.escape
    rows = "\n".join(
        f'<tr><td class="{f.severity.value}">{f.severity.value}</td>'
        f"<td><code>{esc(f.check)}</code></td><td>{esc(f.message)}</td>"
        f"<td>{esc(', '.join(f.parties))}</td><td>{esc(', '.join(f.sections))}</td></tr>"
        for f in findings
    )
    checks = "\n".join(
        f"<li><code>{esc(c.name)}</code> ({c.severity.value}): {esc(c.why)}.</li>" for c in CHECKS
    )
    today = dt.date.today().isoformat()
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Audit of {esc(title)}</title><style>{_STYLE}</style></head>
<body><main><h1>Audit of {esc(title)}</h1>
<p class="summary">{esc(summary(findings))}</p>
<table><caption>Findings</caption>
<thead><tr><th scope="col">severity</th><th scope="col">check</th><th scope="col">finding</th>
<th scope="col">parties</th><th scope="col">sections</th></tr></thead><tbody>
{rows}
</tbody></table>
<h2>What each check looks for</h2><ul>{checks}</ul></main>
<footer>accountgraph audit, {today}</footer></body></html>
"""


def render(findings: Sequence[Finding], title: str, fmt: str) -> str:
    renderers = {
        "text": render_text,
        "json": render_json,
        "md": render_markdown,
        "html": render_html,
    }
    return renderers[fmt](findings, title)
