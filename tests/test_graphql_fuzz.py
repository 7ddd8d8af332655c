"""Property-based fuzzing of the real server: documents generated from schema.graphql.

hypothesis-graphql builds valid documents (every field, argument and variable shape the
schema allows) and invalid ones (wrong types, missing arguments, out-of-range numbers,
unknown fields); each is sent over real HTTP to a real ``accountgraph serve`` process.
Whatever a client sends, the server answers with a GraphQL answer, never a 5xx, and writes
no exception to its log.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, nodes, queries

from tests.server import running_server

SCHEMA = (Path(__file__).resolve().parents[1] / "schema.graphql").read_text(encoding="utf-8")
EXAMPLES = 1000
"""Examples per mode: valid and invalid documents, 2,000 requests in all."""

CLIENT_TIMEOUT = 60.0
"""A safety bound on each request, so a server that hangs fails the test instead of CI."""

LOG_MARKERS = ("Traceback", "Exception in ASGI application", "Exception ignored", "Error:")

DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["20090101", "2009-W01-1", "2009-13-01", "", "today", "2009-02-30"]),
    st.text(max_size=12),
).map(nodes.String)
"""Days as clients send them: right, and in every wrong shape."""

CUSTOM_SCALARS = {"Date": DATES}


class Server:
    """The real server process and the log it writes."""

    def __init__(self, base: str, log: Path) -> None:
        self.base = base
        self.log = log
        self.client = httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT)
        self.statuses: dict[int, int] = {}

    def post(self, document: str) -> httpx.Response:
        response = self.client.post("/graphql", json={"query": document})
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response

    def log_problems(self) -> list[str]:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line for line in lines if any(marker in line for marker in LOG_MARKERS)]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("fuzz") / "serve.log"
    with running_server(log=log) as base:
        running = Server(base, log)
        yield running
        running.client.close()
    print(f"\nfuzzed answers by status: {dict(sorted(running.statuses.items()))}")


def check_answer(response: httpx.Response, document: str) -> dict[str, object]:
    assert response.status_code < 500, f"{response.status_code} for {document!r}"
    answer = response.json()
    assert isinstance(answer, dict), document
    assert "data" in answer or "errors" in answer, document
    for error in answer.get("errors") or []:
        message = str(error.get("message", ""))
        assert message, document
        assert "Traceback" not in message, document
    return answer


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


@FUZZ_SETTINGS
@given(document=queries(SCHEMA, custom_scalars=CUSTOM_SCALARS))
def test_valid_documents_get_a_graphql_answer(server: Server, document: str) -> None:
    check_answer(server.post(document), document)


@FUZZ_SETTINGS
@given(document=queries(SCHEMA, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE))
def test_invalid_documents_get_a_graphql_error(server: Server, document: str) -> None:
    answer = check_answer(server.post(document), document)
    assert answer.get("errors"), f"an invalid document was answered without error: {document}"


def test_the_server_logged_no_exception(server: Server) -> None:
    """Runs after the fuzzers (file order): nothing they sent made the server log one."""
    assert sum(server.statuses.values()) >= 2 * EXAMPLES or not server.statuses
    assert server.log_problems() == [], json.dumps(server.log_problems()[:5], indent=1)
