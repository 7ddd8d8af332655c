"""Governance through the real ``accountgraph serve`` process on a SQLite file: two people
propose and approve over HTTP and a read shows the change; a wrong token is a 401 and no
token reaches the server's output; with several server processes, every one of them
answers with the change, whichever process (or program) wrote it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from accountgraph.governance.change_set import read_content
from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor
from accountgraph.store.sqlite import SqliteStore
from tests.governed_store import make_tokens, sqlite_holding
from tests.server import free_port

SC = "wipo-security-coordinator"
CITE = [{"section": "III.B.1", "text": {"en": "The Security Coordinator …"}}]
DRAFT = """mutation($input: ChangeSetInput!) {
  draftChangeSet(input: $input, propose: true) { id status author } }"""
APPROVE = "mutation($id: ID!) { approveChangeSet(id: $id) { status approver logPosition } }"
READ = '{ party(id: "%s", asOf: "2027-01-02") { id accountableTo { id } } logHead { position } }'


def appointment(party_id: str) -> dict[str, Any]:
    return {
        "title": f"Appoint {party_id}",
        "reason": "The Director General appointed one.",
        "basis": {"decision": "DG Office Instruction 12/2026"},
        "effective": "2027-01-01",
        "operations": [
            {"addParty": {"id": party_id, "kind": "ROLE", "name": {"en": "Deputy"}}},
            {"addEdge": {"from": party_id, "relation": "ACCOUNTABLE_TO", "to": SC, "cite": CITE}},
        ],
    }


@pytest.fixture
def spec(tmp_path: Path) -> str:
    return sqlite_holding(tmp_path / "graph.db")


@pytest.fixture
def tokens(spec: str) -> dict[str, str]:
    return make_tokens(spec, {"alice": Role.EDITOR, "bob": Role.APPROVER})


@contextlib.contextmanager
def serving(log: Path, *args: str) -> Iterator[str]:
    """``accountgraph serve ARGS`` on a free port, in a session of its own (so that every
    process it starts is stopped, whatever happens); yields its URL once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "accountgraph", "serve", "--port", str(port), *args]
    with log.open("wb") as output:
        server = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def post(
    base: str, document: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # a connection of its own each time, so that with several processes each may answer
    return httpx.post(
        f"{base}/graphql",
        json={"query": document, "variables": variables},
        headers=headers,
        timeout=30,
    )


def data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "errors" not in answer, answer
    found: dict[str, Any] = answer["data"]
    return found


def test_two_people_propose_and_approve_over_http_and_a_read_shows_it(
    tmp_path: Path, spec: str, tokens: dict[str, str]
) -> None:
    log = tmp_path / "serve.log"
    wrong = "agt_" + "W" * 43
    with serving(log, "--store", spec) as base:
        drafted = data(post(base, DRAFT, {"input": appointment("wipo-deputy-sc")}, tokens["alice"]))
        change_set = drafted["draftChangeSet"]
        assert change_set["status"] == "PROPOSED"
        assert change_set["author"] == "alice"
        own = post(base, APPROVE, {"id": change_set["id"]}, tokens["alice"]).json()
        assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        applied = data(post(base, APPROVE, {"id": change_set["id"]}, tokens["bob"]))
        assert applied["approveChangeSet"] == {
            "status": "APPLIED",
            "approver": "bob",
            "logPosition": 1,
        }
        assert data(post(base, READ % "wipo-deputy-sc")) == {
            "party": {"id": "wipo-deputy-sc", "accountableTo": [{"id": SC}]},
            "logHead": {"position": 1},
        }
        drawn = httpx.get(f"{base}/api/graph?as_of=2027-01-02", timeout=30)
        assert "wipo-deputy-sc" in drawn.text

        refused = post(base, READ % SC, token=wrong)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert refused.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
        assert wrong not in refused.text
        health = httpx.get(f"{base}/health", timeout=30)
        assert health.json()["store"].startswith("sqlite:///")
        for token in (*tokens.values(), wrong):
            assert token not in health.text
    output = log.read_text()
    assert "accountgraph stopped." in output
    for token in (*tokens.values(), wrong):
        assert token not in output


def test_every_server_process_answers_with_a_change_whoever_wrote_it(
    tmp_path: Path, spec: str, tokens: dict[str, str]
) -> None:
    """Written by the CLI's way (the service on the file, in another program) and through
    HTTP (by one of the server's processes): every process replays the log from the file."""

    async def approve_outside() -> None:
        store = SqliteStore(spec)
        try:
            governance = Governance(store)
            drafted = await governance.draft(
                Actor("alice", Role.EDITOR),
                read_content(
                    {
                        "title": "Appoint a deputy",
                        "reason": "appointed",
                        "basis": {"decision": "DG Office Instruction 12/2026"},
                        "effective": "2027-01-01",
                        "operations": [
                            {
                                "op": "add-party",
                                "party": {
                                    "id": "wipo-deputy-one",
                                    "kind": "role",
                                    "name": {"en": "Deputy"},
                                },
                            },
                            {
                                "op": "add-edge",
                                "edge": {
                                    "from": "wipo-deputy-one",
                                    "relation": "ACCOUNTABLE_TO",
                                    "to": SC,
                                    "cite": CITE,
                                },
                            },
                        ],
                    }
                ),
                propose=True,
            )
            await governance.approve(Actor("bob", Role.APPROVER), drafted.id)
        finally:
            await store.close()

    log = tmp_path / "serve.log"
    with serving(log, "--store", spec, "--workers", "2") as base:
        asyncio.run(approve_outside())
        for _ in range(12):
            assert data(post(base, READ % "wipo-deputy-one"))["logHead"] == {"position": 1}
        drafted = data(
            post(base, DRAFT, {"input": appointment("wipo-deputy-two")}, tokens["alice"])
        )
        change_set_id = drafted["draftChangeSet"]["id"]
        applied = data(post(base, APPROVE, {"id": change_set_id}, tokens["bob"]))
        assert applied["approveChangeSet"]["logPosition"] == 2
        for _ in range(12):
            assert data(post(base, READ % "wipo-deputy-two")) == {
                "party": {"id": "wipo-deputy-two", "accountableTo": [{"id": SC}]},
                "logHead": {"position": 2},
            }
    for token in tokens.values():
        assert token not in log.read_text()
