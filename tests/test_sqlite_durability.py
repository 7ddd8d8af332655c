"""An acknowledged change survives ``kill -9`` of the real server at any moment.

The server runs on a SQLite file; a client approves change sets over HTTP as fast as it
can while the test kills the process (SIGKILL) at a random moment, three times over. After
each restart every change set the server acknowledged as applied is in the log and in the
graph, the log verifies, and the graph passes the rule book.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.rules import check_rules
from accountgraph.store.sqlite import SqliteStore
from tests.governed_store import make_tokens, sqlite_holding
from tests.server import free_port

CHANGE_SETS = 60
KILLS = 3
HTTP_TIMEOUT = 30.0

DRAFT = """
mutation ($input: ChangeSetInput!) { draftChangeSet(input: $input, propose: true) { id } }
"""
APPROVE = "mutation ($id: ID!) { approveChangeSet(id: $id) { id status logPosition } }"


@contextlib.contextmanager
def serving(spec: str, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    command = [sys.executable, "-m", "accountgraph", "serve", "--store", spec]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (
                f"serve exited with {process.returncode}: {log.read_text()}"
            )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1.0).status_code == 200:
                    break
            assert time.monotonic() < deadline, "serve did not answer in 60 s"
            time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def graphql(base: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=HTTP_TIMEOUT,
    )
    body: dict[str, Any] = answer.json()
    return body


def change_set_input(number: int) -> dict[str, Any]:
    party = f"wipo-field-unit-{number:03}"
    cite = [{"section": "III.B.1", "text": {"en": "The Security Coordinator …"}}]
    return {
        "title": f"Field unit {number}",
        "reason": "a field unit set up under the Security Coordinator",
        "basis": {"decision": f"DG Office Instruction {number}/2027"},
        "effective": "2027-01-01",
        "operations": [
            {"addParty": {"id": party, "kind": "UNIT", "name": {"en": f"Field unit {number}"}}},
            {
                "addEdge": {
                    "from": party,
                    "relation": "ACCOUNTABLE_TO",
                    "to": "wipo-security-coordinator",
                    "cite": cite,
                }
            },
        ],
    }


def tokens(spec: str) -> tuple[str, str]:
    made = make_tokens(spec, {"edith": Role.EDITOR, "arthur": Role.APPROVER})
    return made["edith"], made["arthur"]


class Writer:
    """Drafts a change set, then has it approved, one after another, until the server goes
    away; remembers what the server acknowledged as applied, and any wrong answer."""

    def __init__(self, editor: str, approver: str) -> None:
        self.editor = editor
        self.approver = approver
        self.number = 0
        self.current: str | None = None
        self.acknowledged: set[str] = set()
        self.wrong: list[object] = []

    def run_until_killed(self, base: str, stop: threading.Event) -> None:
        try:
            while self.number < CHANGE_SETS and not stop.is_set():
                if self.current is None:
                    drafted = graphql(
                        base, self.editor, DRAFT, {"input": change_set_input(self.number)}
                    )
                    if "errors" in drafted:
                        self.wrong.append(drafted)
                        return
                    self.current = drafted["data"]["draftChangeSet"]["id"]
                answer = graphql(base, self.approver, APPROVE, {"id": self.current})
                if "errors" in answer:
                    # applied before a kill whose answer never came back: nothing else
                    if answer["errors"][0]["extensions"].get("rule") != "state":
                        self.wrong.append(answer)
                        return
                elif answer["data"]["approveChangeSet"]["status"] == "APPLIED":
                    self.acknowledged.add(self.current)
                else:
                    self.wrong.append(answer)
                    return
                self.current = None
                self.number += 1
        except httpx.HTTPError:
            return  # the server is gone: what was in flight was never acknowledged


def test_acknowledged_change_sets_survive_kill_9_of_the_server(tmp_path: Path) -> None:
    spec = sqlite_holding(tmp_path / "graph.db")
    editor, approver = tokens(spec)
    log = tmp_path / "serve.log"
    rng = random.Random(20261202)

    writer = Writer(editor, approver)
    for _ in range(KILLS):
        with serving(spec, log) as (base, process):
            stop = threading.Event()
            client = threading.Thread(target=writer.run_until_killed, args=(base, stop))
            client.start()
            time.sleep(rng.uniform(0.5, 2.0))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            stop.set()
            client.join(timeout=HTTP_TIMEOUT + 5)
            assert not client.is_alive()
        assert writer.wrong == []
    acknowledged = writer.acknowledged
    print(f"{len(acknowledged)} change sets acknowledged across {KILLS} kills")

    assert acknowledged, "no approval was acknowledged before the kills: nothing was tested"

    async def check() -> None:
        store = SqliteStore(spec)
        try:
            governance = Governance(store)
            verification = await governance.verify_log()
            assert verification.intact, verification
            applied = {entry.change_set.id for entry in await governance.log()}
            assert acknowledged <= applied
            dataset, head = await store.live()
            assert head.position == len(applied)
            assert check_rules(dataset) == []
            for entry in await governance.log():
                party = entry.change_set.operations[0]["party"]["id"]
                assert dataset.party(party) is not None
        finally:
            await store.close()

    asyncio.run(check())
    if writer.number == CHANGE_SETS:
        pytest.fail("every approval finished before a kill: the kills tested nothing")
