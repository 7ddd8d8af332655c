"""Who is responsible for the security of a party, directly or through a wider group:
on every store, through GraphQL and from the CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.chart import graph_document
from accountgraph.cli import cli
from accountgraph.dataset import load_dataset
from accountgraph.errors import UnknownPartyError
from accountgraph.layout import layout
from accountgraph.model import Dataset, PartyKind, Relation, Validity
from accountgraph.security_responsibility import (
    SecurityResponsibility,
    responsible_for_security_of,
)
from accountgraph.settings import Settings
from accountgraph.store.base import GraphStore
from tests import graphs
from tests.api_client import GraphQLClient
from tests.graphs import StoreFactory, ask

T = TypeVar("T")
R = Relation.RESPONSIBLE_FOR_SECURITY_OF
P = Relation.PART_OF


def summary(found: list[SecurityResponsibility]) -> list[tuple[str, str, tuple[str, ...]]]:
    """(holder, group the edge names, the groups stepped through) of each answer."""
    return [(r.holder, r.edge.target, tuple(step.target for step in r.via)) for r in found]


def nested() -> Dataset:
    """``team`` is part of ``staff``, part of ``everyone`` (and, in a loop, back again);
    someone is responsible at each level, and ``bystander`` for an unrelated group."""
    return graphs.dataset(
        [
            graphs.edge("team", P, "staff"),
            graphs.edge("staff", P, "everyone"),
            graphs.edge("everyone", P, "team"),
            graphs.edge("lead", R, "team"),
            graphs.edge("manager", R, "staff"),
            graphs.edge("host", R, "everyone"),
            graphs.edge("city", R, "everyone"),
            graphs.edge("bystander", R, "others"),
            graphs.edge("team", Relation.ACCOUNTABLE_TO, "lead"),
        ],
        [graphs.party(g, PartyKind.GROUP) for g in ("team", "staff", "everyone", "others")],
    )


def test_responsibility_follows_every_wider_group_nearest_first(
    store_factory: StoreFactory,
) -> None:
    found = ask(store_factory, nested(), lambda s: responsible_for_security_of(s, "team"))
    assert summary(found) == [
        ("lead", "team", ()),
        ("manager", "staff", ("staff",)),
        ("city", "everyone", ("staff", "everyone")),
        ("host", "everyone", ("staff", "everyone")),
    ]


def test_a_group_at_the_top_sees_only_its_own(store_factory: StoreFactory) -> None:
    data = graphs.dataset(
        [graphs.edge("staff", P, "everyone"), graphs.edge("host", R, "everyone")],
        [graphs.party(g, PartyKind.GROUP) for g in ("staff", "everyone")],
    )
    found = ask(store_factory, data, lambda s: responsible_for_security_of(s, "everyone"))
    assert summary(found) == [("host", "everyone", ())]


def test_a_step_not_valid_on_the_day_carries_nothing(store_factory: StoreFactory) -> None:
    joined = dt.date(2020, 1, 1)
    data = graphs.dataset(
        [
            graphs.edge("team", P, "staff", valid=Validity(joined)),
            graphs.edge("manager", R, "staff"),
        ],
        [graphs.party(g, PartyKind.GROUP) for g in ("team", "staff")],
    )

    def on(day: dt.date) -> Callable[[GraphStore], Awaitable[list[SecurityResponsibility]]]:
        return lambda s: responsible_for_security_of(s, "team", as_of=day)

    assert summary(ask(store_factory, data, on(joined - dt.timedelta(days=1)))) == []
    assert summary(ask(store_factory, data, on(joined))) == [("manager", "staff", ("staff",))]


def test_an_unknown_party_is_named_with_suggestions(store_factory: StoreFactory) -> None:
    with pytest.raises(UnknownPartyError, match='no party "tean"; did you mean "team"'):
        ask(store_factory, nested(), lambda s: responsible_for_security_of(s, "tean"))


def test_wipo_personnel_are_protected_by_the_host_country_and_the_designated_official(
    store_factory: StoreFactory,
) -> None:
    """Issue: II and I(b) protect the UN system's personnel, WIPO's among them."""
    found = ask(
        store_factory, load_dataset(), lambda s: responsible_for_security_of(s, "wipo-personnel")
    )
    by_holder = {r.holder: r for r in found}
    assert set(by_holder) == {
        "wipo-director-general",
        "wipo-member-states",
        "designated-official-switzerland",
        "switzerland-host-government",
        "usg-safety-security",
    }
    host = by_holder["switzerland-host-government"]
    assert [c.section for c in host.edge.citations] == ["II"]
    (step,) = host.via
    assert (step.source, step.relation, step.target) == (
        "wipo-personnel",
        P,
        "un-system-personnel",
    )
    assert [c.section for c in by_holder["designated-official-switzerland"].edge.citations] == [
        "I(b)"
    ]
    assert by_holder["wipo-director-general"].via == ()


# --- GraphQL ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gql() -> Iterator[GraphQLClient]:
    with TestClient(create_app(Settings())) as client:
        yield GraphQLClient(client)


RESPONSIBLE = """
query ($id: ID!) {
  party(id: $id) {
    responsibleForSecurity {
      holder { id }
      edge { relation to { id } sources { section } }
      via { relation from { id } to { id } sources { section } }
      explanation
      zh: explanation(lang: ZH)
    }
  }
}
"""


def test_graphql_answers_who_is_responsible_with_clause_and_step(gql: GraphQLClient) -> None:
    data = gql.data(RESPONSIBLE, {"id": "wipo-dependants"})
    answers = {a["holder"]["id"]: a for a in data["party"]["responsibleForSecurity"]}
    host = answers["switzerland-host-government"]
    assert host["edge"]["to"]["id"] == "un-system-dependants"
    assert host["edge"]["sources"] == [{"section": "II"}]
    assert host["via"] == [
        {
            "relation": "PART_OF",
            "from": {"id": "wipo-dependants"},
            "to": {"id": "un-system-dependants"},
            "sources": [{"section": "preamble 3"}, {"section": "I(b)"}, {"section": "II"}],
        }
    ]
    assert host["explanation"] == [
        "Host Government (Switzerland) is responsible for the safety and security of "
        "Recognized dependants of UN system personnel (A/46/11 II).",
        "Recognized dependants of WIPO personnel is part of Recognized dependants of UN "
        "system personnel (A/46/11 preamble 3, I(b), II).",
    ]
    assert host["zh"][0].startswith("东道国负责")
    assert "designated-official-switzerland" in answers


def test_graphql_tells_which_names_are_not_the_documents(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ a: party(id: "wipo-guard-contractor") { nameInSource nameNote zh: nameNote(lang: ZH) }'
        ' b: party(id: "wipo-head-sscs") { nameInSource nameNote } }'
    )
    assert data["a"]["nameInSource"] is False
    assert "外包警卫合同" in data["a"]["nameNote"]
    assert data["a"]["zh"].startswith("文件只提到合同")
    assert data["b"] == {"nameInSource": True, "nameNote": None}


# --- CLI and page -----------------------------------------------------------------------


def test_cli_names_the_host_country_and_the_step_for_wipo_personnel() -> None:
    result = CliRunner().invoke(cli, ["responsible", "wipo-personnel"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Responsible for the security of Personnel employed by WIPO" in result.output
    assert "switzerland-host-government" in result.output
    assert "designated-official-switzerland" in result.output
    assert "part of Personnel employed by the organizations of the United" in result.output


def test_cli_json_and_explanation() -> None:
    result = CliRunner().invoke(cli, ["responsible", "wipo-personnel", "--json"])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.output)
    host = next(a for a in answers if a["holder"]["id"] == "switzerland-host-government")
    assert [step["to"] for step in host["via"]] == ["un-system-personnel"]
    assert host["edge"]["sources"][0]["section"] == "II"
    explained = CliRunner().invoke(cli, ["responsible", "wipo-personnel", "--explain"])
    assert "Personnel employed by WIPO is part of Personnel employed" in explained.output


def test_cli_unknown_party_is_an_error_with_suggestions() -> None:
    result = CliRunner().invoke(cli, ["responsible", "wipo-personel"])
    assert result.exit_code == 1
    assert 'no party "wipo-personel"; did you mean "wipo-personnel"' in result.output


def test_show_and_the_page_mark_coined_names() -> None:
    result = CliRunner().invoke(cli, ["show", "wipo-guard-contractor"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "name: not the document's words" in result.output
    wipo = load_dataset()
    nodes = {n["id"]: n for n in graph_document(wipo, layout(wipo), version="v")["nodes"]}
    assert nodes["wipo-guard-contractor"]["name_in_source"] is False
    assert "外包警卫合同" in nodes["wipo-guard-contractor"]["name_note"]["en"]
    assert "name_in_source" not in nodes["wipo-head-sscs"]
