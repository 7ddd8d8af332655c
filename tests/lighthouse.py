"""Lighthouse (desktop preset) in Debian's Chromium, run by tools/lighthouse/run.mjs, for
tests/test_lighthouse.py and bench/lighthouse.py.

Lighthouse is pinned in tools/lighthouse/package-lock.json (``npm ci`` there; ./test does
it). It drives /usr/bin/chromium and never downloads a browser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.browser import CHROMIUM

TOOL = Path(__file__).resolve().parent.parent / "tools" / "lighthouse"
RUNNER = TOOL / "run.mjs"
INSTALLED = TOOL / "node_modules" / "lighthouse" / "package.json"


def missing() -> str | None:
    """What is missing to run Lighthouse here, said with how to install it, or None."""
    if shutil.which("node") is None:
        return "Node.js is missing: install Node.js 20+ and npm, then run ./test"
    if not INSTALLED.is_file():
        return f"{INSTALLED.parent} is missing: run `npm ci` in {TOOL} (./test does)"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing: `apt-get install -y chromium` (./test does)"
    return None


@dataclass(frozen=True, slots=True)
class Run:
    """One Lighthouse run of one URL: category scores (0..1, None when Lighthouse could not
    score), metrics (``fcp_ms``, ``lcp_ms``, ``tbt_ms``, ``cls``, ``speed_index_ms``) and,
    per category, the audits that count towards its score and scored below 1."""

    url: str
    scores: dict[str, float | None]
    metrics: dict[str, float | None]
    failing: dict[str, list[dict[str, Any]]]
    runtime_error: str | None

    def failing_text(self, category: str) -> str:
        """The category's failing audits, one a line, with the elements or URLs they name."""
        lines = []
        for audit in self.failing.get(category, []):
            lines.append(f"  {audit['id']} (score {audit['score']}): {audit['title']}")
            lines += [f"    {item}" for item in audit["items"]]
        return "\n".join(lines) or "  (no failing audit listed)"


def lighthouse(
    urls: Sequence[str], categories: Sequence[str], runs: int = 1, timeout: float = 600.0
) -> list[Run]:
    """Lighthouse on each of ``urls``, ``runs`` times each, in one Chromium; the runs in
    order. Raises ``RuntimeError`` with Lighthouse's output when it fails."""
    command = ["node", str(RUNNER), "--runs", str(runs), "--categories", ",".join(categories)]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", str(CHROMIUM))}
    done = subprocess.run(
        [*command, *urls],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=TOOL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Lighthouse exited with {done.returncode}:\n{done.stderr[-4000:]}")
    found = []
    for line in done.stdout.splitlines():
        run = json.loads(line)
        found.append(
            Run(
                url=run["url"],
                scores=run["scores"],
                metrics=run["metrics"],
                failing=run["failing"],
                runtime_error=run["runtime_error"],
            )
        )
    return found
