"""One client must never stop the server: through the real ``accountgraph serve`` process,
a one-field query and ``/health`` are answered while a costly query is refused, and while
another computes until its time budget stops it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx2 as httpx

from tests.server import running_server
from tests.test_query_budget import COSTLY_AND_QUICK, NESTED_EDGES

CHEAP = "{ dataset { name } }"


def post(base_url: str, query: str) -> dict[str, Any]:
    response = httpx.post(f"{base_url}/graphql", json={"query": query}, timeout=60)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


class InFlight(threading.Thread):
    """One request sent from a thread of its own; ``answer`` once it has come back."""

    def __init__(self, base_url: str, query: str) -> None:
        super().__init__(daemon=True)
        self.base_url = base_url
        self.query = query
        self.answer: dict[str, Any] = {}
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.answer = post(self.base_url, self.query)
        finally:
            self.done.set()


def cheap_answers_while(base_url: str, heavy: InFlight) -> list[dict[str, Any]]:
    """The answers to the cheap query (and /health) that came back while ``heavy`` was still
    out, asking one after the other until it returns."""
    answered = []
    heavy.start()
    while not heavy.done.is_set():
        answer = post(base_url, CHEAP)
        health = httpx.get(f"{base_url}/health", timeout=60)
        if not heavy.done.is_set():
            assert health.json()["status"] == "ok"
            answered.append(answer)
    heavy.join()
    return answered


def test_a_cheap_query_is_answered_while_a_costly_one_is_stopped(tmp_path: Path) -> None:
    # No cost limit, so that the probe's nested edges start (they would compute for 30 s);
    # the time budget stops them after 3 s.
    unlimited = ("--max-query-cost", "1000000000000", "--query-timeout", "3")
    with running_server(*unlimited, log=tmp_path / "serve.log") as url:
        heavy = InFlight(url, NESTED_EDGES)
        answered = cheap_answers_while(url, heavy)
        # the worker that was stopped has been replaced: costly queries are still answered
        after = post(url, COSTLY_AND_QUICK)
    assert [e["extensions"]["code"] for e in heavy.answer["errors"]] == ["QUERY_TIMEOUT"]
    assert answered
    assert all(a == {"data": {"dataset": {"name": "wipo-a46-11"}}} for a in answered)
    assert after["data"]["accountabilityChains"][0]["length"] == 2


def test_the_server_refuses_costly_queries_and_answers_cheap_ones(tmp_path: Path) -> None:
    with running_server(log=tmp_path / "serve.log") as url:
        refused = [post(url, NESTED_EDGES) for _ in range(3)]
        assert post(url, CHEAP) == {"data": {"dataset": {"name": "wipo-a46-11"}}}
    for answer in refused:
        assert answer["data"] is None
        [error] = answer["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
        assert error["extensions"]["limit"] == 50_000
