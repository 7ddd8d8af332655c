"""The GraphQL API on the WIPO graph, through HTTP (Starlette's TestClient)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app, store_label
from accountgraph.dataset import load_dataset
from accountgraph.model import Party
from accountgraph.settings import QueryLimits, Settings
from accountgraph.store import open_store
from accountgraph.store.memory import MemoryStore
from tests.api_client import GraphQLClient
from tests.conftest import STORE_KINDS, STORE_TIMEOUT, fresh_store_url, load_into


@pytest.fixture(scope="module", params=STORE_KINDS)
def http(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    """The app on each kind of store, holding the shipped WIPO dataset."""
    kind: str = request.param
    if kind == "memory":
        with TestClient(create_app(Settings())) as client:
            yield client
        return
    url = fresh_store_url(request, kind, "api")
    load_into(url, load_dataset())
    store = open_store(url, timeout=STORE_TIMEOUT)
    with TestClient(create_app(Settings(store=url), store=store)) as client:
        yield client
        assert client.portal is not None
        client.portal.call(store.close)


@pytest.fixture(scope="module")
def gql(http: TestClient) -> GraphQLClient:
    return GraphQLClient(http)


PATH_FIELDS = """
  length
  nodes { id }
  edges { relation from { id } to { id } source { document section text } }
"""


def node_ids(path: dict[str, object]) -> list[str]:
    return [n["id"] for n in path["nodes"]]  # type: ignore[attr-defined]


# --- the contract, field by field ------------------------------------------------------


def test_party_by_id_with_names_in_both_languages(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "wipo-security-coordinator") { __typename id kind name zh: name(lang: ZH)'
        " aliases facts { name value source { section } } apex } }"
    )
    party = data["party"]
    assert party["__typename"] == "Actor"
    assert party["kind"] == "ROLE"
    assert party["name"] == "Security Coordinator (WIPO)"
    assert party["zh"] == "安保协调员"
    assert {"name": "rank", "value": "Assistant Director General or higher",
            "source": {"section": "III.B.1"}} in party["facts"]  # fmt: skip
    assert party["apex"] is False


def test_name_falls_back_to_english(gql: GraphQLClient) -> None:
    data = gql.data('{ party(id: "un-dss") { zh: description(lang: ZH) en: description } }')
    assert data["party"]["zh"] == data["party"]["en"]
    assert data["party"]["en"].startswith("The UN department")


def test_accountable_to_direct_and_transitive(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "wipo-personnel") { accountableTo { id } '
        "all: accountableTo(transitive: true) { id } } }"
    )
    assert [p["id"] for p in data["party"]["accountableTo"]] == ["wipo-director-general"]
    assert [p["id"] for p in data["party"]["all"]] == [
        "wipo-director-general",
        "wipo-member-states",
    ]


def test_holds_accountable(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "wipo-director-general") { holdsAccountable { id } '
        "all: holdsAccountable(transitive: true) { id } } }"
    )
    direct = [p["id"] for p in data["party"]["holdsAccountable"]]
    assert direct == ["wipo-head-sscs", "wipo-personnel", "wipo-security-coordinator"]
    everyone = {p["id"] for p in data["party"]["all"]}
    assert everyone == {*direct, "wipo-sscs", "wipo-guard-contractor"}


def test_reports_to_and_member_of(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "wipo-head-sscs") { reportsTo { id } memberOf { id __typename } } }'
    )
    assert [p["id"] for p in data["party"]["reportsTo"]] == [
        "wipo-director-general",
        "wipo-security-coordinator",
    ]
    assert data["party"]["memberOf"] == [
        {"id": "country-security-team-switzerland", "__typename": "Body"},
        {"id": "iasmn", "__typename": "Body"},
    ]


def test_responsibilities_in_the_documents_order(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "wipo-director-general") { responsibilities { code text holder { id } } } }'
    )
    duties = data["party"]["responsibilities"]
    assert [d["code"] for d in duties] == [f"III.A.3({c})" for c in "abcdefghij"]
    assert duties[5]["text"] == "Designates a person as Security Coordinator;"
    assert {d["holder"]["id"] for d in duties} == {"wipo-director-general"}


def test_responsibility_text_in_chinese(gql: GraphQLClient) -> None:
    data = gql.data('{ party(id: "wipo-personnel") { responsibilities { code text(lang: ZH) } } }')
    assert data["party"]["responsibilities"][1] == {
        "code": "III.D(b)",
        "text": "在旅行之前接受安全许可；",
    }


def test_edges_by_direction_and_relation(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "csa-switzerland") {'
        "  out: edges { relation to { id } source { section } }"
        "  into: edges(direction: IN, relations: [SERVES_AS, APPOINTS]) { relation from { id } }"
        " } }"
    )
    out = data["party"]["out"]
    assert {"relation": "REPORTS_TO", "to": {"id": "designated-official-switzerland"},
            "source": {"section": "I(c)"}} in out  # fmt: skip
    assert [e["relation"] for e in out] == sorted(e["relation"] for e in out)
    assert data["party"]["into"] == [
        {"relation": "APPOINTS", "from": {"id": "usg-safety-security"}},
        {"relation": "SERVES_AS", "from": {"id": "unog-security-chief"}},
    ]


def test_citation_text_is_chinese_by_default(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "unog-director-general") { edges { source { text en: text(lang: EN) }'
        " sources { section } scope note } } }"
    )
    edge = data["party"]["edges"][0]
    assert edge["source"]["text"] == "负责瑞士的指定官员是联合国日内瓦办事处（UNOG）总干事。"
    assert edge["source"]["en"].startswith("The Designated Official for Switzerland is")
    assert edge["sources"] == [{"section": "I(b)"}]


def test_body_members_and_chair(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ smg: party(id: "smg-switzerland") { ... on Body { members { id } chair { id } } }'
        '  sag: party(id: "sag-switzerland") { ... on Body { members { id } chair { id } } } }'
    )
    assert data["smg"] == {
        "members": [{"id": "wipo-director-general"}],
        "chair": {"id": "designated-official-switzerland"},
    }
    assert data["sag"] == {"members": [{"id": "wipo-security-coordinator"}], "chair": None}


def test_accountability_chains_of_the_head_of_sscs(gql: GraphQLClient) -> None:
    data = gql.data(f'{{ accountabilityChains(id: "wipo-head-sscs") {{ {PATH_FIELDS} }} }}')
    [chain] = data["accountabilityChains"]
    assert chain["length"] == 2
    assert node_ids(chain) == ["wipo-head-sscs", "wipo-director-general", "wipo-member-states"]
    assert [e["source"]["section"] for e in chain["edges"]] == ["III.A.1", "III.A.1"]
    assert all(e["source"]["document"] == "A/46/11" for e in chain["edges"])
    assert all(e["source"]["text"] for e in chain["edges"])


def test_chain_of_the_designated_official_goes_through_the_usg(gql: GraphQLClient) -> None:
    data = gql.data(
        f'{{ accountabilityChains(id: "designated-official-switzerland") {{ {PATH_FIELDS} }} }}'
    )
    assert [node_ids(p) for p in data["accountabilityChains"]] == [
        ["designated-official-switzerland", "usg-safety-security", "un-secretary-general"]
    ]


def test_a_party_answering_to_no_one_has_no_chain(gql: GraphQLClient) -> None:
    data = gql.data('{ accountabilityChains(id: "wipo-member-states") { length } }')
    assert data["accountabilityChains"] == []


def test_delegation_ends(gql: GraphQLClient) -> None:
    data = gql.data(
        f'{{ delegationEnds(id: "wipo-director-general", scope: "security") {{ {PATH_FIELDS} }} }}'
    )
    assert [node_ids(p) for p in data["delegationEnds"]] == [
        ["wipo-director-general", "wipo-security-coordinator"],
        ["wipo-director-general", "wipo-head-sscs", "wipo-guard-contractor"],
        ["wipo-director-general", "wipo-head-sscs", "wipo-sscs"],
    ]
    last = data["delegationEnds"][2]["edges"][1]
    assert last["source"]["section"] == "III.C(b)"


def test_paths_over_relations_shortest_first(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ paths(fromId: "wipo-head-sscs", toId: "wipo-director-general",'
        " relations: [REPORTS_TO, ADVISES]) { length nodes { id } edges { relation } } }"
    )
    found = data["paths"]
    assert [p["length"] for p in found] == sorted(p["length"] for p in found)
    assert found[0]["length"] == 1
    assert {tuple(e["relation"] for e in p["edges"]) for p in found if p["length"] == 1} == {
        ("ADVISES",),
        ("REPORTS_TO",),
    }


def test_path_start_and_end(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ paths(fromId: "wipo-personnel", toId: "wipo-member-states", first: 1)'
        " { start { id } end { id } } }"
    )
    assert data["paths"] == [
        {"start": {"id": "wipo-personnel"}, "end": {"id": "wipo-member-states"}}
    ]


def test_dataset_counts(gql: GraphQLClient) -> None:
    data = gql.data("{ dataset { name parties edges responsibilities } }")
    assert data["dataset"] == {
        "name": "wipo-a46-11",
        "parties": 26,
        "edges": 63,
        "responsibilities": 32,
    }


# --- pagination ----------------------------------------------------------------------


def test_parties_are_paged_with_cursors(gql: GraphQLClient) -> None:
    query = """query($after: String) {
      parties(first: 10, after: $after) {
        edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        totalCount } }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = gql.data(query, {"after": after})["parties"]
        pages += 1
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["totalCount"] == 26
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == sorted(seen)
    assert len(set(seen)) == 26


def test_parties_filtered_by_kind_and_search(gql: GraphQLClient) -> None:
    data = gql.data(
        "{ bodies: parties(kind: BODY) { totalCount edges { node { __typename } } }"
        '  zh: parties(search: "安保") { edges { node { id } } }'
        '  alias: parties(search: "smg") { edges { node { id } } } }'
    )
    assert data["bodies"]["totalCount"] == 9
    assert {e["node"]["__typename"] for e in data["bodies"]["edges"]} == {"Body"}
    zh = {e["node"]["id"] for e in data["zh"]["edges"]}
    assert {"csa-switzerland", "iasmn", "wipo-security-coordinator"} <= zh
    assert [e["node"]["id"] for e in data["alias"]["edges"]] == ["smg-switzerland"]


def test_page_size_has_a_maximum(gql: GraphQLClient) -> None:
    [message] = gql.errors("{ parties(first: 501) { totalCount } }")
    assert message == "first=501 is not allowed: an integer from 0 to 500"


def test_a_forged_cursor_is_refused(gql: GraphQLClient) -> None:
    [message] = gql.errors('{ parties(after: "bm9wZQ==") { totalCount } }')
    assert "after='bm9wZQ==' is not allowed: a cursor from pageInfo.endCursor" in message


# --- errors and limits ---------------------------------------------------------------


def test_unknown_party_is_null_with_an_error_naming_it(gql: GraphQLClient) -> None:
    answer = gql.run('{ party(id: "wipo-dg") { id } }')
    assert answer["data"] == {"party": None}
    [error] = answer["errors"]
    assert error["message"].startswith('no party "wipo-dg"; did you mean')
    assert error["path"] == ["party"]
    assert error["extensions"]["code"] == "UnknownPartyError"
    assert "wipo-director-general" in error["extensions"]["suggestions"]


@pytest.mark.parametrize(
    "field",
    [
        'accountabilityChains(id: "nobody")',
        'delegationEnds(id: "nobody")',
        'paths(fromId: "nobody", toId: "wipo-member-states")',
        'paths(fromId: "wipo-personnel", toId: "nobody")',
    ],
)
def test_unknown_id_in_path_queries_is_an_empty_list_and_an_error(
    gql: GraphQLClient, field: str
) -> None:
    answer = gql.run(f"{{ {field} {{ length }} }}")
    assert list(answer["data"].values()) == [[]]
    assert answer["errors"][0]["message"].startswith('no party "nobody"')


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            '{ accountabilityChains(id: "wipo-personnel", maxDepth: -1) { length } }',
            "maxDepth=-1 is not allowed: an integer from 1 to 32",
        ),
        (
            '{ paths(fromId: "wipo-personnel", toId: "ceb", maxDepth: 33) { length } }',
            "maxDepth=33 is not allowed: an integer from 1 to 32",
        ),
        (
            '{ delegationEnds(id: "wipo-director-general", first: 5000) { length } }',
            "first=5000 is not allowed: an integer from 1 to 1000",
        ),
        (
            '{ party(id: "ceb") { name(lang: "fr") } }',
            "Enum 'Lang' cannot represent non-enum value: \"fr\".",
        ),
        (
            '{ party(id: "ceb") { name(lang: zh) } }',
            "Value 'zh' does not exist in 'Lang' enum. Did you mean the enum value 'ZH'?",
        ),
    ],
)
def test_bad_arguments_say_what_is_allowed(
    gql: GraphQLClient, document: str, expected: str
) -> None:
    assert gql.errors(document) == [expected]


def test_an_invalid_document_is_a_graphql_error_not_a_500(http: TestClient) -> None:
    response = http.post("/graphql", json={"query": "{ party(id: 1) { nope } }"})
    assert response.status_code in (200, 400)
    assert response.json()["errors"]


def limited_client(**limits: int) -> TestClient:
    return TestClient(create_app(Settings(limits=QueryLimits(**limits), max_body_bytes=2048)))


def test_query_depth_is_limited() -> None:
    deep = (
        '{ party(id: "wipo-personnel") '
        "{ accountableTo { accountableTo { accountableTo { id } } } } }"
    )
    with limited_client(max_depth=3) as http:
        errors = GraphQLClient(http).errors(deep)
    assert any(
        "the query nests fields 4 levels deep; at most 3 are allowed "
        "(ACCOUNTGRAPH_MAX_QUERY_DEPTH)" in e
        for e in errors
    )


def test_aliases_are_limited() -> None:
    many = "{ " + " ".join(f'a{i}: party(id: "ceb") {{ id }}' for i in range(6)) + " }"
    with limited_client(max_aliases=5) as http:
        errors = GraphQLClient(http).errors(many)
    assert any("the query uses 6 aliases" in e and "at most 5 are allowed" in e for e in errors)


def test_tokens_are_limited() -> None:
    with limited_client(max_tokens=20) as http:
        errors = GraphQLClient(http).errors(
            '{ party(id: "ceb") { id name kind aliases apex facts { name value source { section } }'
            " edges { relation } } }"
        )
    assert any("Document contains more than 20 tokens" in e for e in errors)


def test_request_body_size_is_limited() -> None:
    with limited_client() as http:
        response = http.post("/graphql", json={"query": "{ dataset { name } }" + " " * 4000})
    assert response.status_code == 413
    assert "larger than 2048 bytes" in response.json()["errors"][0]["message"]


# --- serving -------------------------------------------------------------------------


def test_graphql_answers_get_at_exactly_graphql(http: TestClient) -> None:
    response = http.get(
        "/graphql",
        params={"query": "{ dataset { name } }"},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"dataset": {"name": "wipo-a46-11"}}}


def test_a_browser_gets_the_console_from_our_own_files(http: TestClient) -> None:
    response = http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "cdn" not in response.text.lower()
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_health_names_the_store_and_counts(http: TestClient) -> None:
    response = http.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "store": store_label(http.app.state.settings.store),  # type: ignore[attr-defined]
        "dataset": "wipo-a46-11",
        "parties": 26,
        "edges": 63,
        "responsibilities": 32,
    }


def test_home_page_links_to_graphql_and_health(http: TestClient) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert 'href="/graphql"' in response.text
    assert 'href="/health"' in response.text
    assert http.get("/static/page/page.css").status_code == 200


# --- efficiency ----------------------------------------------------------------------


class CountingStore(MemoryStore):
    """The embedded store, counting how often parties are fetched by id."""

    batches: list[int]

    async def get_parties(
        self, party_ids: Sequence[str], *, as_of: dt.date | None = None
    ) -> list[Party | None]:
        self.batches.append(len(party_ids))
        return await super().get_parties(party_ids, as_of=as_of)


def test_parties_of_a_list_are_fetched_in_one_batch() -> None:
    store = CountingStore(load_dataset())
    store.batches = []
    with TestClient(create_app(Settings(), store=store)) as http:
        GraphQLClient(http).data(
            '{ party(id: "wipo-director-general") { edges(direction: BOTH) '
            "{ from { id } to { id } } } }"
        )
    # The ends of its 27 edges (itself and ten others) are fetched in one batch.
    assert store.batches == [11]


def test_a_repeated_document_is_parsed_and_validated_once(http: TestClient) -> None:
    """With every limit on, whatever its variables: the limits' verdict is cached too."""
    gql = GraphQLClient(http)
    schema = http.app.state.schema  # type: ignore[attr-defined]
    documents, rule = schema.documents, schema.document_rule
    document = "query ($id: ID!) { party(id: $id) { id name(lang: ZH) } }"
    gql.data(document, {"id": "iasmn"})
    parsed, validated, checked = documents.parsed, documents.validated, rule.checked
    for party in ("iasmn", "ceb", "wipo-sscs"):
        assert gql.data(document, {"id": party})["party"]["id"] == party
    assert (documents.parsed, documents.validated, rule.checked) == (parsed, validated, checked)
    gql.data('{ party(id: "ceb") { id } }')
    assert (documents.parsed, documents.validated) == (parsed + 1, validated + 1)
    assert rule.checked == checked + 1


def test_a_shared_link_opens_the_console_not_json(http: TestClient) -> None:
    response = http.get(
        "/graphql", params={"query": "{ dataset { name } }"}, headers={"Accept": "text/html"}
    )
    assert "text/html" in response.headers["content-type"]
    curl = http.get("/graphql", params={"query": "{ dataset { name } }"}, headers={"Accept": "*/*"})
    assert curl.json() == {"data": {"dataset": {"name": "wipo-a46-11"}}}


# --- the auditor's fields -------------------------------------------------------------


def test_path_explanation_in_both_languages(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ accountabilityChains(id: "wipo-head-sscs") { explanation zh: explanation(lang: ZH) } }'
    )
    [chain] = data["accountabilityChains"]
    assert chain["explanation"][0] == (
        "Head, Safety and Security Coordination Service is accountable to Director General "
        "of WIPO (A/46/11 III.A.1)."
    )
    assert chain["zh"][1] == "WIPO 总干事接受成员国的问责（A/46/11 III.A.1, III.A.2）。"


def test_audit_of_the_wipo_graph(gql: GraphQLClient) -> None:
    data = gql.data(
        "{ audit { errors warnings findings { check severity message parties { id } sections }"
        " checks { name why } } }"
    )
    audit = data["audit"]
    assert audit["errors"] == 0
    gap = next(f for f in audit["findings"] if f["check"] == "reports-without-accountability")
    assert gap["severity"] == "WARNING"
    assert gap["parties"] == [{"id": "csa-switzerland"}, {"id": "designated-official-switzerland"}]
    assert gap["sections"] == ["I(c)"]
    assert {c["name"] for c in audit["checks"]} >= {
        "accountability-cycle",
        "delegation-outside-accountability",
    }
    only_info = gql.data("{ audit { findings(severities: [INFO]) { severity } } }")
    assert {f["severity"] for f in only_info["audit"]["findings"]} == {"INFO"}


def test_as_of_a_day_before_the_framework(gql: GraphQLClient) -> None:
    answer = gql.run(
        '{ party(id: "wipo-head-sscs", asOf: "2008-12-11") { id }'
        '  accountabilityChains(id: "wipo-personnel", asOf: "2008-12-11") { length }'
        '  parties(asOf: "2008-12-11") { totalCount } }'
    )
    assert answer["data"]["party"] is None
    assert answer["data"]["accountabilityChains"] == []
    assert answer["data"]["parties"]["totalCount"] == 0
    messages = [e["message"] for e in answer["errors"]]
    assert 'party "wipo-head-sscs" is not valid on 2008-12-11 (valid from 2008-12-12)' in messages


def test_as_of_the_day_of_approval(gql: GraphQLClient) -> None:
    data = gql.data(
        '{ party(id: "wipo-head-sscs", asOf: "2008-12-12") '
        "{ accountableTo(transitive: true) { id } } }"
    )
    assert [p["id"] for p in data["party"]["accountableTo"]] == [
        "wipo-director-general",
        "wipo-member-states",
    ]
