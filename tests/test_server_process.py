"""The real `accountgraph serve` process, over real HTTP on a free port."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from graphql import (
    GraphQLSchema,
    build_ast_schema,
    build_client_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    parse,
    print_schema,
)

from tests.server import free_port, running_server

TOP = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running_server(log=log) as url:
        yield url


def post(base_url: str, query: str) -> dict[str, Any]:
    response = httpx.post(f"{base_url}/graphql", json={"query": query}, timeout=10)
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def test_chains_of_the_head_of_sscs_over_http(base_url: str) -> None:
    answer = post(
        base_url,
        '{ accountabilityChains(id: "wipo-head-sscs") '
        "{ nodes { id } edges { source { section } } } }",
    )
    [chain] = answer["data"]["accountabilityChains"]
    assert chain["nodes"][-1] == {"id": "wipo-member-states"}
    assert all(edge["source"]["section"] for edge in chain["edges"])


def _sdl(schema: GraphQLSchema) -> str:
    return print_schema(lexicographic_sort_schema(schema))


def test_introspected_schema_equals_schema_graphql(base_url: str) -> None:
    asked = get_introspection_query(descriptions=True, specified_by_url=True, one_of=True)
    introspection = post(base_url, asked)
    served = _sdl(build_client_schema(introspection["data"]))
    committed = (TOP / "schema.graphql").read_text(encoding="utf-8")
    assert served == _sdl(build_ast_schema(parse(committed)))


def test_health_over_http(base_url: str) -> None:
    health = httpx.get(f"{base_url}/health", timeout=10).json()
    assert health["status"] == "ok"
    assert health["parties"] == 26


def test_serve_stops_cleanly_on_ctrl_c() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "accountgraph", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    text = output.decode()
    assert process.returncode == 0, text
    assert f"http://127.0.0.1:{port}/graphql" in text
    assert "accountgraph stopped." in text
    assert "Traceback" not in text


def test_serve_refuses_a_broken_dataset_with_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: accountgraph/1\nname: x\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "accountgraph", "serve", "--data", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "nothing was loaded" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_names_a_bad_setting() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accountgraph", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"ACCOUNTGRAPH_MAX_QUERY_DEPTH": "deep", "PATH": ""},
    )
    assert result.returncode == 1
    assert "ACCOUNTGRAPH_MAX_QUERY_DEPTH='deep' is not valid: expected an integer" in result.stderr
