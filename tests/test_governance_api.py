"""Governance over GraphQL, through HTTP (Starlette's TestClient) on a real SQLite file:
tokens and their 401s and 403s, every mutation, every refusal with its code and rule,
reads that need a token, the memory store's refusals, the log, history and pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.dataset import load_dataset
from accountgraph.governance.roles import Role
from accountgraph.model import Dataset
from accountgraph.settings import QueryLimits, Settings
from tests.governed_store import make_tokens, revoke, sqlite_holding

DAY = "2027-01-01"
SC = "wipo-security-coordinator"
DG = "wipo-director-general"
CITE = [{"section": "III.B.1", "text": {"en": "The Security Coordinator …", "zh": "安保协调员"}}]
PEOPLE = {
    "alice": Role.EDITOR,
    "erin": Role.EDITOR,
    "bob": Role.APPROVER,
    "carol": Role.APPROVER,
    "rita": Role.READER,
    "ada": Role.ADMIN,
}

DRAFT = """
mutation Draft($input: ChangeSetInput!, $propose: Boolean) {
  draftChangeSet(input: $input, propose: $propose) {
    id title status author draftedOn partyIds operations
    basis { document section decision } effective
  }
}"""
PROPOSE = "mutation($id: ID!) { proposeChangeSet(id: $id) { id status proposedAt } }"
APPROVE = """mutation($id: ID!) {
  approveChangeSet(id: $id) { id status approver appliedAt logPosition decidedBy }
}"""
REJECT = """mutation($id: ID!, $reason: String!) {
  rejectChangeSet(id: $id, reason: $reason) { id status decidedBy decisionReason approver }
}"""
WITHDRAW = "mutation($id: ID!) { withdrawChangeSet(id: $id) { id status decidedBy } }"


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


@pytest.fixture
def spec(tmp_path: Path, wipo: Dataset) -> str:
    return sqlite_holding(tmp_path / "graph.db", wipo)


@pytest.fixture
def tokens(spec: str) -> dict[str, str]:
    """A token for each of :data:`PEOPLE`, made with the service as the CLI makes them."""
    return make_tokens(spec, PEOPLE)


class Api:
    """GraphQL over the app's HTTP, as someone holding a token or none."""

    def __init__(self, http: TestClient, tokens: dict[str, str]) -> None:
        self.http = http
        self.tokens = tokens

    def post(
        self, document: str, variables: dict[str, Any] | None = None, *, who: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.http.post(
            "/graphql", json={"query": document, "variables": variables}, headers=headers
        )

    def answer(
        self, document: str, variables: dict[str, Any] | None = None, *, who: str | None = None
    ) -> dict[str, Any]:
        response = self.post(document, variables, who=who)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def data(
        self, document: str, variables: dict[str, Any] | None = None, *, who: str | None = None
    ) -> dict[str, Any]:
        answer = self.answer(document, variables, who=who)
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    def error(
        self, document: str, variables: dict[str, Any] | None = None, *, who: str | None = None
    ) -> dict[str, Any]:
        """The one error of an answer that must have exactly one."""
        answer = self.answer(document, variables, who=who)
        errors = answer.get("errors")
        assert errors, answer
        assert len(errors) == 1, answer
        error: dict[str, Any] = errors[0]
        return error

    def draft(
        self, who: str, *operations: dict[str, Any], propose: bool = False, **fields: Any
    ) -> str:
        data = self.data(
            DRAFT, {"input": change_set(*operations, **fields), "propose": propose}, who=who
        )
        change_set_id: str = data["draftChangeSet"]["id"]
        return change_set_id


@pytest.fixture
def api(spec: str, tokens: dict[str, str]) -> Iterator[Api]:
    with TestClient(create_app(Settings(store=spec))) as http:
        yield Api(http, tokens)


def change_set(*operations: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "title": "Appoint a Deputy Security Coordinator",
        "reason": "The Director General appointed one.",
        "basis": {"decision": "DG Office Instruction 12/2026"},
        "effective": DAY,
        "operations": list(operations),
        **fields,
    }


def add_party(party_id: str, name: str = "Deputy Security Coordinator") -> dict[str, Any]:
    return {
        "addParty": {"id": party_id, "kind": "ROLE", "name": {"en": name, "zh": "副安保协调员"}}
    }


def add_edge(source: str, relation: str, target: str, **extra: Any) -> dict[str, Any]:
    return {"addEdge": {"from": source, "relation": relation, "to": target, "cite": CITE, **extra}}


def appoint_deputy(party_id: str = "wipo-deputy-sc") -> tuple[dict[str, Any], ...]:
    return (add_party(party_id), add_edge(party_id, "ACCOUNTABLE_TO", SC))


def refused(error: dict[str, Any], rule: str) -> dict[str, Any]:
    """The extensions of a refusal, checked to be one for ``rule``."""
    extensions: dict[str, Any] = error["extensions"]
    assert extensions["code"] == "CHANGE_REFUSED", error
    assert extensions["rule"] == rule, error
    assert set(extensions) >= {"parties", "operation", "changeSet"}
    return extensions


# --- the lifecycle ---------------------------------------------------------------------


def test_a_change_set_drafted_proposed_and_approved_by_two_people_changes_the_graph(
    api: Api,
) -> None:
    before = api.answer('{ logHead { position hash } party(id: "wipo-deputy-sc") { id } }')
    assert before["data"] == {"logHead": {"position": 0, "hash": "0" * 64}, "party": None}
    draft = api.data(DRAFT, {"input": change_set(*appoint_deputy())}, who="alice")["draftChangeSet"]
    assert draft["status"] == "DRAFT"
    assert draft["author"] == "alice"
    assert draft["draftedOn"] == 0
    assert draft["partyIds"] == ["wipo-deputy-sc", SC]
    assert draft["basis"] == {
        "document": None,
        "section": None,
        "decision": "DG Office Instruction 12/2026",
    }
    assert draft["operations"][1] == {
        "op": "add-edge",
        "edge": {"from": "wipo-deputy-sc", "relation": "ACCOUNTABLE_TO", "to": SC, "cite": CITE},
    }
    proposed = api.data(PROPOSE, {"id": draft["id"]}, who="alice")["proposeChangeSet"]
    assert proposed["status"] == "PROPOSED"
    assert proposed["proposedAt"] is not None
    applied = api.data(APPROVE, {"id": draft["id"]}, who="bob")["approveChangeSet"]
    assert applied["status"] == "APPLIED"
    assert applied["approver"] == "bob"
    assert applied["logPosition"] == 1
    assert applied["appliedAt"] is not None

    answer = api.answer(
        """{ logHead { position hash }
             party(id: "wipo-deputy-sc", asOf: "2027-01-02") { name validFrom accountableTo { id } }
             before: party(id: "wipo-deputy-sc", asOf: "2026-12-31") { id } }"""
    )
    after = answer["data"]
    assert [e["path"] for e in answer["errors"]] == [["before"]]
    assert "is not valid on 2026-12-31" in answer["errors"][0]["message"]
    assert after["logHead"]["position"] == 1
    assert re.fullmatch(r"[0-9a-f]{64}", after["logHead"]["hash"])
    assert after["party"] == {
        "name": "Deputy Security Coordinator",
        "validFrom": DAY,
        "accountableTo": [{"id": SC}],
    }
    assert after["before"] is None


def test_a_change_set_proposed_at_once_is_rejected_with_a_reason_and_then_cannot_be_approved(
    api: Api,
) -> None:
    change_set_id = api.draft("alice", *appoint_deputy(), propose=True)
    empty = api.error(REJECT, {"id": change_set_id, "reason": "  "}, who="bob")
    assert refused(empty, "format")["changeSet"] == change_set_id
    rejected = api.data(REJECT, {"id": change_set_id, "reason": "Not decided yet."}, who="bob")
    assert rejected["rejectChangeSet"] == {
        "id": change_set_id,
        "status": "REJECTED",
        "decidedBy": "bob",
        "decisionReason": "Not decided yet.",
        "approver": None,
    }
    late = api.error(APPROVE, {"id": change_set_id}, who="carol")
    assert "is rejected" in late["message"]
    assert refused(late, "state")["changeSet"] == change_set_id
    assert api.data("{ logHead { position } }")["logHead"] == {"position": 0}


def test_only_the_author_withdraws_a_change_set(api: Api) -> None:
    change_set_id = api.draft("alice", *appoint_deputy(), propose=True)
    other = api.error(WITHDRAW, {"id": change_set_id}, who="erin")
    assert other["extensions"] == {"code": "FORBIDDEN"}
    assert "only its author ('alice')" in other["message"]
    withdrawn = api.data(WITHDRAW, {"id": change_set_id}, who="alice")["withdrawChangeSet"]
    assert withdrawn == {"id": change_set_id, "status": "WITHDRAWN", "decidedBy": "alice"}
    again = api.error(PROPOSE, {"id": change_set_id}, who="alice")
    refused(again, "state")


def test_the_author_may_not_approve_their_own_change_set(api: Api) -> None:
    change_set_id = api.draft("bob", *appoint_deputy(), propose=True)
    own = api.error(APPROVE, {"id": change_set_id}, who="bob")
    assert "four eyes" in own["message"]
    assert refused(own, "four-eyes")["changeSet"] == change_set_id
    assert (
        api.data(APPROVE, {"id": change_set_id}, who="carol")["approveChangeSet"]["status"]
        == "APPLIED"
    )


def test_every_kind_of_operation_goes_in_typed_and_comes_out_as_the_change_set_file_writes_it(
    api: Api,
) -> None:
    operations: list[dict[str, Any]] = [
        {
            "addParty": {
                "id": "wipo-deputy-sc",
                "kind": "ROLE",
                "name": {"en": "Deputy Security Coordinator"},
                "aliases": ["DSC"],
                "facts": [
                    {"name": "rank", "value": {"text": "D-2"}, "cite": CITE[0]},
                    {"name": "grade_steps", "value": {"number": 3}, "cite": CITE[0]},
                    {"name": "acting", "value": {"flag": False}, "cite": CITE[0]},
                ],
            }
        },
        {"changeParty": {"id": SC, "aliases": ["SC", "WIPO Security Coordinator"]}},
        add_edge("wipo-deputy-sc", "ACCOUNTABLE_TO", SC),
        {"addDuty": {"holder": "wipo-deputy-sc", "code": "III.B.1", "text": {"en": "Deputises."}}},
        {"retireDuty": {"holder": SC, "code": "III.B.2(h)"}},
        {"retireEdge": {"from": SC, "relation": "SUPPORTS", "to": "wipo-dependants"}},
        {
            "correctCitation": {
                "from": SC,
                "relation": "ADVISES",
                "to": DG,
                "cite": [{"section": "III.B.2(a)", "text": {"en": "advises the DG"}}],
            }
        },
        {"retireParty": {"id": "wipo-guard-contractor"}},
    ]
    draft = api.data(DRAFT, {"input": change_set(*operations)}, who="alice")["draftChangeSet"]
    written = draft["operations"]
    assert [op["op"] for op in written] == [
        "add-party",
        "change-party",
        "add-edge",
        "add-duty",
        "retire-duty",
        "retire-edge",
        "correct-citation",
        "retire-party",
    ]
    assert written[0]["party"]["facts"][1]["value"] == 3
    assert written[0]["party"]["facts"][2]["value"] is False
    assert written[5] == {
        "op": "retire-edge",
        "from": SC,
        "relation": "SUPPORTS",
        "to": "wipo-dependants",
    }
    api.data(PROPOSE, {"id": draft["id"]}, who="alice")
    api.data(APPROVE, {"id": draft["id"]}, who="bob")
    answer = api.answer(
        """{ sc: party(id: "wipo-security-coordinator", asOf: "2027-01-02") {
               aliases responsibilities { code }
               edges(relations: [SUPPORTS, ADVISES]) { relation to { id } sources { section } } }
             deputy: party(id: "wipo-deputy-sc", asOf: "2027-01-02") {
               aliases facts { name value } responsibilities { code } }
             guard: party(id: "wipo-guard-contractor", asOf: "2027-01-02") { id } }"""
    )
    graph = answer["data"]
    assert [e["path"] for e in answer["errors"]] == [["guard"]]
    assert graph["sc"]["aliases"] == ["SC", "WIPO Security Coordinator"]
    assert "III.B.2(h)" not in [d["code"] for d in graph["sc"]["responsibilities"]]
    assert {
        "relation": "ADVISES",
        "to": {"id": DG},
        "sources": [{"section": "III.B.2(a)"}],
    } in graph["sc"]["edges"]
    assert {(e["relation"], e["to"]["id"]) for e in graph["sc"]["edges"]} == {
        ("ADVISES", DG),
        ("SUPPORTS", "wipo-personnel"),
    }
    assert graph["deputy"] == {
        "aliases": ["DSC"],
        "facts": [
            {"name": "rank", "value": "D-2"},
            {"name": "grade_steps", "value": "3"},
            {"name": "acting", "value": "false"},
        ],
        "responsibilities": [{"code": "III.B.1"}],
    }
    assert graph["guard"] is None


def test_an_operation_giving_two_kinds_at_once_is_refused_before_anything_runs(api: Api) -> None:
    both = {**add_party("wipo-x"), "retireParty": {"id": "wipo-guard-contractor"}}
    error = api.error(DRAFT, {"input": change_set(both)}, who="alice")
    assert "exactly one key" in error["message"]
    assert api.data("{ changeSets { edges { cursor } } }")["changeSets"]["edges"] == []


# --- refusals, each with its code and rule ---------------------------------------------


def test_a_change_set_breaking_the_file_format_is_refused_naming_what_is_wrong(api: Api) -> None:
    error = api.error(DRAFT, {"input": change_set(*appoint_deputy(), basis={})}, who="alice")
    assert error["message"].startswith("change set.basis")
    refused(error, "format")
    bad_id = api.error(DRAFT, {"input": change_set(add_party("Not An Id"))}, who="alice")
    assert "operations[0].party.id" in bad_id["message"]
    refused(bad_id, "format")


@pytest.mark.parametrize(
    ("operation", "rule", "party"),
    [
        (add_edge(DG, "ACCOUNTABLE_TO", SC), "accountability-cycle", DG),
        (
            add_edge(DG, "DELEGATES_TO", "ceb", scope="security"),
            "delegation-outside-accountability",
            "ceb",
        ),
        (add_edge(DG, "CHAIRS", "sag-switzerland"), "chair-not-member", DG),
    ],
)
def test_a_change_set_breaking_a_rule_of_the_book_is_refused_with_the_rule_and_its_parties(
    api: Api, operation: dict[str, Any], rule: str, party: str
) -> None:
    error = api.error(DRAFT, {"input": change_set(operation)}, who="alice")
    extensions = refused(error, rule)
    assert party in extensions["parties"]
    assert extensions["changeSet"] is not None
    assert api.data("{ changeSets { edges { cursor } } }")["changeSets"]["edges"] == []


def test_an_operation_that_cannot_be_done_is_named_by_its_place(api: Api) -> None:
    error = api.error(
        DRAFT,
        {"input": change_set(add_party("wipo-z"), {"retireParty": {"id": "no-such-party"}})},
        who="alice",
    )
    assert "operation 2" in error["message"]
    extensions = refused(error, "operation")
    assert extensions["operation"] == 1
    assert extensions["parties"] == ["no-such-party"]


def test_a_change_set_drafted_before_a_conflicting_one_was_applied_is_refused(api: Api) -> None:
    first = api.draft("alice", *appoint_deputy("wipo-deputy-a"), propose=True)
    second = api.draft("erin", *appoint_deputy("wipo-deputy-b"), propose=True)
    api.data(APPROVE, {"id": first}, who="bob")
    error = api.error(APPROVE, {"id": second}, who="bob")
    assert first in error["message"]
    extensions = refused(error, "conflict")
    assert extensions["parties"] == [SC]
    assert extensions["changeSet"] == second


def test_an_unknown_change_set_is_not_found(api: Api) -> None:
    error = api.error(APPROVE, {"id": "cs-0000000000"}, who="bob")
    assert error["extensions"] == {"code": "NOT_FOUND"}
    answer = api.answer('{ changeSet(id: "cs-0000000000") { id } logHead { position } }')
    assert answer["data"] == {"changeSet": None, "logHead": {"position": 0}}
    assert answer["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert answer["errors"][0]["path"] == ["changeSet"]


# --- who may: 401 and 403 ----------------------------------------------------------------


def _is_401(response: httpx.Response, *hidden: str) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer realm="accountgraph"')
    body = response.json()
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    for secret in hidden:
        assert secret not in response.text
    message: str = body["errors"][0]["message"]
    return message


def test_a_wrong_unknown_or_revoked_token_is_a_401_that_never_repeats_it(
    api: Api, spec: str
) -> None:
    unknown = "agt_" + "A" * 43
    headers = {"Authorization": f"Bearer {unknown}"}
    response = api.http.post("/graphql", json={"query": "{ dataset { name } }"}, headers=headers)
    assert "not known" in _is_401(response, unknown)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    for wrong in ("Bearer not-a-token", "Basic YWxpY2U6c2VjcmV0", "Bearer"):
        response = api.http.post(
            "/graphql", json={"query": "{ dataset { name } }"}, headers={"Authorization": wrong}
        )
        _is_401(response, "not-a-token", "YWxpY2U6c2VjcmV0")
    graph = api.http.get("/api/graph", headers=headers)
    _is_401(graph, unknown)

    assert api.data("{ dataset { name } }", who="alice")
    revoke(spec, "alice")
    revoked = api.post("{ dataset { name } }", who="alice")
    assert "'alice' was revoked" in _is_401(revoked, api.tokens["alice"])


def test_a_role_that_does_not_allow_a_mutation_is_forbidden_and_no_token_is_unauthenticated(
    api: Api,
) -> None:
    reader = api.error(DRAFT, {"input": change_set(*appoint_deputy())}, who="rita")
    assert reader["extensions"] == {"code": "FORBIDDEN"}
    assert reader["message"] == "'rita' is a reader: to draft takes an editor or above"
    change_set_id = api.draft("alice", *appoint_deputy(), propose=True)
    editor = api.error(APPROVE, {"id": change_set_id}, who="erin")
    assert editor["extensions"] == {"code": "FORBIDDEN"}
    rejecting = api.error(REJECT, {"id": change_set_id, "reason": "no"}, who="alice")
    assert rejecting["extensions"] == {"code": "FORBIDDEN"}
    anonymous = api.error(APPROVE, {"id": change_set_id})
    assert anonymous["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "Authorization: Bearer" in anonymous["message"]
    assert (
        api.data(APPROVE, {"id": change_set_id}, who="ada")["approveChangeSet"]["status"]
        == "APPLIED"
    )


def test_reads_need_a_token_when_the_server_is_told_so(spec: str, tokens: dict[str, str]) -> None:
    settings = Settings(store=spec, read_needs_token=True)
    with TestClient(create_app(settings)) as http:
        query = {"query": "{ dataset { name } }"}
        message = _is_401(http.post("/graphql", json=query))
        assert "only requests with a token" in message
        _is_401(http.get("/api/graph"))
        _is_401(http.get("/api/export?format=json"))
        reader = {"Authorization": f"Bearer {tokens['rita']}"}
        assert http.post("/graphql", json=query, headers=reader).json() == {
            "data": {"dataset": {"name": "wipo-a46-11"}}
        }
        assert http.get("/api/graph", headers=reader).status_code == 200
        console = http.get("/graphql", headers={"Accept": "text/html"})
        assert console.status_code == 200
        assert console.headers["content-type"].startswith("text/html")
        assert http.get("/health").json()["status"] == "ok"
        assert http.get("/").status_code == 200


def test_the_setting_is_read_from_the_environment() -> None:
    assert Settings.from_env({"ACCOUNTGRAPH_READ_NEEDS_TOKEN": "true"}).read_needs_token
    assert not Settings.from_env({"ACCOUNTGRAPH_READ_NEEDS_TOKEN": "0"}).read_needs_token
    assert not Settings.from_env({}).read_needs_token
    with pytest.raises(ValueError, match="ACCOUNTGRAPH_READ_NEEDS_TOKEN='maybe'"):
        Settings.from_env({"ACCOUNTGRAPH_READ_NEEDS_TOKEN": "maybe"})


# --- the memory store ---------------------------------------------------------------------


def test_on_the_memory_store_every_mutation_says_which_store_to_use_and_reads_are_empty() -> None:
    limits = QueryLimits(workers=1)
    app = create_app(Settings(limits=limits))
    with TestClient(app) as http:
        api = Api(http, {"someone": "agt_" + "B" * 43})
        mutations: list[tuple[str, dict[str, Any]]] = [
            (DRAFT, {"input": change_set(*appoint_deputy())}),
            (PROPOSE, {"id": "cs-1"}),
            (APPROVE, {"id": "cs-1"}),
            (REJECT, {"id": "cs-1", "reason": "no"}),
            (WITHDRAW, {"id": "cs-1"}),
        ]
        for document, variables in mutations:
            for who in (None, "someone"):
                error = api.error(document, variables, who=who)
                assert error["extensions"] == {"code": "READ_ONLY_STORE"}
                assert "sqlite:///" in error["message"]
        # priced at the workers' threshold and more, and still answered here, not by them
        costly = (
            "mutation($id: ID!) { "
            + " ".join(f"a{i}: approveChangeSet(id: $id) {{ id }}" for i in range(3))
            + " }"
        )
        assert api.error(costly, {"id": "cs-1"})["extensions"]["code"] == "READ_ONLY_STORE"
        assert app.state.schema.workers.answered == 0
        answer = api.answer(
            """{ logHead { position } changeSets { edges { cursor } pageInfo { hasNextPage } }
                 party(id: "wipo-security-coordinator") { history { position } }
                 changeSet(id: "cs-1") { id } }"""
        )
        assert answer["data"] == {
            "logHead": None,
            "changeSets": {"edges": [], "pageInfo": {"hasNextPage": False}},
            "party": {"history": []},
            "changeSet": None,
        }
        assert [e["extensions"]["code"] for e in answer["errors"]] == ["READ_ONLY_STORE"]


# --- the log, history, pages, diffs ------------------------------------------------------


def test_a_partys_history_lists_the_change_sets_that_changed_it_oldest_first(api: Api) -> None:
    first = api.draft("alice", *appoint_deputy(), propose=True, title="Deputy appointed")
    api.data(APPROVE, {"id": first}, who="bob")
    second = api.draft(
        "erin",
        {"retireEdge": {"from": SC, "relation": "SUPPORTS", "to": "wipo-dependants"}},
        propose=True,
        title="Dependants supported elsewhere",
        basis={"document": "A/46/11", "section": "III.B.2(d)"},
        effective="2027-02-01",
    )
    api.data(APPROVE, {"id": second}, who="carol")
    history = api.data(
        """{ party(id: "wipo-security-coordinator") { history {
              position hash
              changeSet {
                id title author approver basis { document section decision } effective appliedAt
              }
              changes {
                parties { change }
                edges {
                  change before { from relation to validTo }
                  after { from relation to validFrom validTo } }
                duties { change } } } }
             untouched: party(id: "ceb") { history { position } }
             logHead { position hash } }"""
    )
    entries = history["party"]["history"]
    assert [e["position"] for e in entries] == [1, 2]
    assert entries[1]["hash"] == history["logHead"]["hash"]
    assert entries[0]["changeSet"]["id"] == first
    assert entries[0]["changeSet"]["author"] == "alice"
    assert entries[0]["changeSet"]["approver"] == "bob"
    assert entries[0]["changes"] == {
        "parties": [],
        "edges": [
            {
                "change": "ADDED",
                "before": None,
                "after": {
                    "from": "wipo-deputy-sc",
                    "relation": "ACCOUNTABLE_TO",
                    "to": SC,
                    "validFrom": DAY,
                    "validTo": None,
                },
            }
        ],
        "duties": [],
    }
    assert entries[1]["changeSet"]["basis"] == {
        "document": "A/46/11",
        "section": "III.B.2(d)",
        "decision": None,
    }
    assert entries[1]["changeSet"]["effective"] == "2027-02-01"
    assert entries[1]["changes"]["edges"] == [
        {
            "change": "RETIRED",
            "before": {
                "from": SC,
                "relation": "SUPPORTS",
                "to": "wipo-dependants",
                "validTo": None,
            },
            "after": {
                "from": SC,
                "relation": "SUPPORTS",
                "to": "wipo-dependants",
                "validFrom": "2008-12-12",
                "validTo": "2027-01-31",
            },
        }
    ]
    assert history["untouched"]["history"] == []


def test_change_sets_come_newest_first_a_page_at_a_time_and_filtered(api: Api) -> None:
    made = [api.draft("alice", *appoint_deputy(f"wipo-deputy-{n}")) for n in range(5)]
    api.data(PROPOSE, {"id": made[1]}, who="alice")
    other = api.draft("erin", add_edge("ceb", "ADVISES", DG))
    page = """query(
        $first: Int, $after: String, $status: ChangeSetStatus, $party: ID, $since: Date
    ) {
      changeSets(first: $first, after: $after, status: $status, partyId: $party, since: $since) {
        edges { cursor node { id status } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        answer = api.data(page, {"first": 2, "after": after})["changeSets"]
        seen += [edge["node"]["id"] for edge in answer["edges"]]
        assert answer["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not answer["pageInfo"]["hasNextPage"]:
            break
        after = answer["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted([*made, other])
    assert len(seen) == len(set(seen)) == 6
    newest_first = api.data(page, {"first": 100})["changeSets"]["edges"]
    assert [edge["node"]["id"] for edge in newest_first] == seen
    proposed = api.data(page, {"status": "PROPOSED"})["changeSets"]["edges"]
    assert [edge["node"] for edge in proposed] == [{"id": made[1], "status": "PROPOSED"}]
    about_dg = api.data(page, {"party": DG})["changeSets"]["edges"]
    assert [edge["node"]["id"] for edge in about_dg] == [other]
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    assert api.data(page, {"since": tomorrow})["changeSets"]["edges"] == []
    assert len(api.data(page, {"since": "2020-01-01"})["changeSets"]["edges"]) == 6
    nothing = api.data(page, {"first": 0})["changeSets"]
    assert nothing["edges"] == []
    assert nothing["pageInfo"]["hasNextPage"] is True
    too_many = api.error(page, {"first": 101})
    assert "first=101 is not allowed: 0 to 100" in too_many["message"]
    foreign = api.error(page, {"after": "cGFydHk6Y2Vi"})
    assert "is not allowed: a cursor from changeSets" in foreign["message"]


DIFF = """query($id: ID!) { changeSet(id: $id) { status diff {
  applied log { position hash }
  changes {
    parties { change before { id validTo } after { id name(lang: ZH) kind validFrom validTo } }
    edges {
      change before { from relation to validTo }
      after { from relation to validFrom validTo sources { section } } }
    duties { change before { holder code validTo } after { holder code text validTo } } }
  refusal { rule message parties operation } } } }"""


def test_a_change_sets_diff_previews_what_it_would_do_and_then_tells_what_it_did(
    api: Api,
) -> None:
    retire = api.draft("alice", {"retireParty": {"id": "wipo-guard-contractor"}}, propose=True)
    hire = api.draft(
        "erin",
        add_edge("wipo-head-sscs", "ADVISES", "wipo-guard-contractor"),
        propose=True,
        effective="2027-06-01",
    )
    preview = api.data(DIFF, {"id": retire})["changeSet"]["diff"]
    assert preview["applied"] is False
    assert preview["log"]["position"] == 0
    assert preview["refusal"] is None
    changes = preview["changes"]
    assert changes["parties"] == [
        {
            "change": "RETIRED",
            "before": {"id": "wipo-guard-contractor", "validTo": None},
            "after": {
                "id": "wipo-guard-contractor",
                "name": "外包警卫合同承包方",
                "kind": "UNIT",
                "validFrom": "2008-12-12",
                "validTo": "2026-12-31",
            },
        }
    ]
    assert {
        (e["change"], e["after"]["relation"], e["after"]["validTo"]) for e in changes["edges"]
    } == {
        ("RETIRED", "DELEGATES_TO", "2026-12-31"),
        ("RETIRED", "ACCOUNTABLE_TO", "2026-12-31"),
        ("RETIRED", "MANAGES", "2026-12-31"),
    }
    api.data(APPROVE, {"id": retire}, who="bob")
    done = api.data(DIFF, {"id": retire})["changeSet"]["diff"]
    assert done["applied"] is True
    assert done["log"] == api.data("{ logHead { position hash } }")["logHead"]
    assert done["changes"] == changes
    cannot = api.data(DIFF, {"id": hire})["changeSet"]["diff"]
    assert cannot["applied"] is False
    assert cannot["log"]["position"] == 1
    assert cannot["changes"] == {"parties": [], "edges": [], "duties": []}
    assert cannot["refusal"]["rule"] == "operation"
    assert cannot["refusal"]["parties"] == ["wipo-guard-contractor"]
    assert cannot["refusal"]["operation"] == 0
    assert "was retired" in cannot["refusal"]["message"]


def test_diffs_of_a_whole_page_cost_more_than_a_query_may(api: Api) -> None:
    costly = "{ changeSets(first: 100) { edges { node { diff { applied } } } } }"
    error = api.error(costly)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert api.data("{ changeSets(first: 20) { edges { node { diff { applied } } } } }")


def test_the_drawn_graph_changes_as_soon_as_a_change_set_is_applied(api: Api) -> None:
    before = api.http.get("/api/graph?as_of=2027-01-02")
    assert before.status_code == 200
    assert "wipo-deputy-sc" not in before.text
    etag = before.headers["etag"]
    assert (
        api.http.get("/api/graph?as_of=2027-01-02", headers={"If-None-Match": etag}).status_code
        == 304
    )
    change_set_id = api.draft("alice", *appoint_deputy(), propose=True)
    api.data(APPROVE, {"id": change_set_id}, who="bob")
    after = api.http.get("/api/graph?as_of=2027-01-02", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert "wipo-deputy-sc" in after.text


def test_a_mutation_is_not_held_to_the_time_budget_of_a_query(
    spec: str, tokens: dict[str, str]
) -> None:
    """A change is applied whole or not at all: a budget far shorter than an approval
    (checking the rule book, writing the file) stops the queries, never the mutation."""
    settings = Settings(store=spec, limits=QueryLimits(timeout=0.01))
    with TestClient(create_app(settings)) as http:
        api = Api(http, tokens)
        change_set_id = api.draft("alice", *appoint_deputy(), propose=True)
        applied = api.data(APPROVE, {"id": change_set_id}, who="bob")["approveChangeSet"]
        assert applied["status"] == "APPLIED"
    with TestClient(create_app(Settings(store=spec))) as http:
        assert Api(http, tokens).data("{ logHead { position } }") == {"logHead": {"position": 1}}
