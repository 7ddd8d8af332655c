"""The README's GraphQL example of changing the framework is true: its mutation, run with
its variables on a SQLite store where the first holder was appointed
(examples/appoint-security-coordinator.yaml), answers what the README shows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.governance.change_set_file import read_change_set_file
from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor
from accountgraph.settings import Settings
from accountgraph.store.sqlite import SqliteStore
from tests.governed_store import governing, make_tokens, sqlite_holding

TOP = Path(__file__).resolve().parent.parent


def readme_example() -> tuple[str, dict[str, Any], dict[str, Any]]:
    text = (TOP / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Through GraphQL") :]
    blocks = re.findall(r"```(graphql|json)\n(.*?)```", section, re.S)
    (kind, query), (_, variables), (_, answer) = blocks[:3]
    assert kind == "graphql"
    return query, json.loads(variables), json.loads(answer)


def appointed_store(path: Path) -> tuple[str, str, str]:
    spec = sqlite_holding(path)
    appoint, problems = read_change_set_file(TOP / "examples" / "appoint-security-coordinator.yaml")
    assert appoint is not None, problems

    async def appoint_first_holder(governance: Governance, store: SqliteStore) -> None:
        drafted = await governance.draft(Actor("amina", Role.EDITOR), appoint.content, propose=True)
        await governance.approve(Actor("li", Role.APPROVER), drafted.id)

    governing(spec, appoint_first_holder)
    made = make_tokens(spec, {"amina": Role.EDITOR, "li": Role.APPROVER})
    editor, approver = made["amina"], made["li"]
    return spec, editor, approver


def test_the_readme_mutation_answers_as_the_readme_shows(tmp_path: Path) -> None:
    query, variables, shown = readme_example()
    spec, editor, approver = appointed_store(tmp_path / "graph.db")
    with TestClient(create_app(Settings(store=spec))) as http:
        answer = http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {editor}"},
        ).json()
        assert "errors" not in answer, answer
        drafted = answer["data"]["draftChangeSet"]
        assert drafted["id"].startswith("cs-")
        expected = shown["data"]["draftChangeSet"]
        assert {**drafted, "id": expected["id"]} == expected

        approved = http.post(
            "/graphql",
            json={
                "query": "mutation ($id: ID!) { approveChangeSet(id: $id) { status logPosition } }",
                "variables": {"id": drafted["id"]},
            },
            headers={"Authorization": f"Bearer {approver}"},
        ).json()
        assert approved == {"data": {"approveChangeSet": {"status": "APPLIED", "logPosition": 2}}}
