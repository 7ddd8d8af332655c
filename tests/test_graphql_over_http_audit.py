"""The real ``accountgraph serve`` passes graphql-http's server audit, the reference suite of
the GraphQL over HTTP specification, with no warning and no error (issue 13).

The audit is the npm package graphql-http (pinned in tools/graphql-http-audit/package.json
and its lock file, installed by ``./test`` with ``npm ci``), run by our script
tools/graphql-http-audit/audit.mjs, which prints one JSON line per audit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.server import running_server

TOP = Path(__file__).resolve().parent.parent
AUDIT_DIR = TOP / "tools" / "graphql-http-audit"
AUDIT_SCRIPT = AUDIT_DIR / "audit.mjs"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None,
    reason=(
        "Node.js is not installed: install Node.js 20 or newer with npm, then run "
        "./test, which runs `npm ci` in tools/graphql-http-audit"
    ),
)


def run_audit(url: str) -> list[dict[str, Any]]:
    """Every audit's result for the GraphQL endpoint at ``url``."""
    assert NODE is not None
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        pytest.fail(
            "graphql-http is not installed: run `npm ci --no-audit --no-fund` in "
            "tools/graphql-http-audit (./test does)"
        )
    done = subprocess.run(
        [NODE, str(AUDIT_SCRIPT), url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"audit.mjs failed to run:\n{done.stderr}"
    return [json.loads(line) for line in done.stdout.splitlines()]


def describe(results: list[dict[str, Any]]) -> str:
    lines = []
    for result in results:
        lines.append(f"{result['status'].upper()} {result['name']} ({result['id']})")
        if result["status"] != "ok":
            lines.append(f"    {result['reason']}")
            lines.append(f"    {result['status_code']} {result['content_type']}")
            lines.append(f"    {result['body'][:300]}")
    return "\n".join(lines)


def test_the_server_passes_the_graphql_over_http_audit() -> None:
    with running_server() as base:
        results = run_audit(f"{base}/graphql")
    assert len(results) >= 50, describe(results)
    failed = [r for r in results if r["status"] in ("warn", "error")]
    assert not failed, describe(failed)
    assert {r["status"] for r in results} <= {"ok", "notice"}, describe(results)


def test_the_audit_reports_a_server_that_breaks_the_specification() -> None:
    """Against an endpoint that is not GraphQL at all, the audit finds errors: a run that
    reports nothing cannot pass the test above."""
    with running_server() as base:
        results = run_audit(f"{base}/health")
    assert any(r["status"] == "error" for r in results), describe(results)
