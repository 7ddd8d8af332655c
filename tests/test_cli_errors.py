"""What the CLI prints when what it needs is not there: one message, no traceback, no
library's own chatter."""

from __future__ import annotations

import subprocess
import sys

from tests.server import free_port


def test_a_dead_neo4j_port_prints_our_one_error() -> None:
    url = f"neo4j://127.0.0.1:{free_port()}"
    result = subprocess.run(
        [sys.executable, "-m", "accountgraph", "show", "wipo-sscs", "--store", url],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "ACCOUNTGRAPH_STORE_TIMEOUT": "2"},
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: store {url} is unavailable: cannot reach the server: "
        "Unable to retrieve routing information"
    ]
