"""Days come in as YYYY-MM-DD and no other way: the library, the CLI and the page's API."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.cli import cli
from accountgraph.dates import parse_day
from accountgraph.settings import Settings

NOT_DAYS = [
    "20090101",
    "2009-W01-1",
    "2009-001",
    "2009-1-1",
    "2009-01-01T00:00",
    "",
    "２００９-01-01",
]


def test_a_day_written_yyyy_mm_dd() -> None:
    assert parse_day("2009-01-01") == dt.date(2009, 1, 1)


@pytest.mark.parametrize("text", NOT_DAYS)
def test_other_forms_name_the_expected_one(text: str) -> None:
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        parse_day(text)


def test_a_day_out_of_range_says_which_part() -> None:
    with pytest.raises(ValueError, match="'2009-02-30' is not a date: day is out of range"):
        parse_day("2009-02-30")


@pytest.mark.parametrize("text", ["20090101", "2009-W01-1", "2009-1-1"])
def test_the_cli_as_of_takes_yyyy_mm_dd_only(text: str) -> None:
    result = CliRunner().invoke(cli, ["show", "wipo-sscs", "--as-of", text])
    assert result.exit_code == 2
    assert f"Invalid value for '--as-of': {text!r} is not a date: expected YYYY-MM-DD" in (
        result.stderr
    )


def test_the_cli_as_of_takes_a_day() -> None:
    result = CliRunner().invoke(cli, ["show", "wipo-sscs", "--as-of", "2009-01-01", "--json"])
    assert result.exit_code == 0, result.stderr


def test_the_graph_route_takes_yyyy_mm_dd_only() -> None:
    with TestClient(create_app(Settings())) as client:
        refused = client.get("/api/graph", params={"as_of": "2009-W01-1"})
        taken = client.get("/api/graph", params={"as_of": "2009-01-01"})
    assert refused.status_code == 400
    assert "YYYY-MM-DD" in refused.json()["error"]
    assert taken.status_code == 200
