"""schema.graphql is the code's schema, and the README's example queries are true."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.api.schema import schema_sdl
from accountgraph.cli import cli
from accountgraph.settings import Settings
from tests.api_client import GraphQLClient

TOP = Path(__file__).resolve().parent.parent


def test_schema_graphql_matches_the_code() -> None:
    committed = (TOP / "schema.graphql").read_text(encoding="utf-8")
    assert committed == schema_sdl(), (
        "schema.graphql is stale: run `accountgraph schema --out schema.graphql`"
    )


def test_schema_command_writes_the_sdl(tmp_path: Path) -> None:
    out = tmp_path / "schema.graphql"
    result = CliRunner().invoke(cli, ["schema", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == schema_sdl()


def readme_examples() -> list[tuple[str, str, str]]:
    """(title, query, answer) for every ```graphql block followed by a ```json block."""
    text = (TOP / "README.md").read_text(encoding="utf-8")
    pattern = re.compile(
        r"^#### (?P<title>.+?)\n.*?```graphql\n(?P<query>.*?)```\n.*?```json\n(?P<answer>.*?)```",
        re.S | re.M,
    )
    return [(m["title"], m["query"], m["answer"]) for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def gql() -> Iterator[GraphQLClient]:
    with TestClient(create_app(Settings())) as http:
        yield GraphQLClient(http)


def test_the_readme_shows_three_example_queries() -> None:
    assert len(readme_examples()) >= 3


@pytest.mark.parametrize(("title", "query", "answer"), readme_examples())
def test_readme_example_answers_are_true(
    gql: GraphQLClient, title: str, query: str, answer: str
) -> None:
    assert gql.run(query) == json.loads(answer), title
