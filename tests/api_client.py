"""A GraphQL client over Starlette's TestClient, for the API tests."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient


class GraphQLClient:
    """POSTs documents to /graphql and returns the decoded JSON answer."""

    def __init__(self, http: TestClient) -> None:
        self.http = http

    def run(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": document, "variables": variables})
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``data`` of an answer that must have no errors."""
        answer = self.run(document, variables)
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    def errors(self, document: str, variables: dict[str, Any] | None = None) -> list[str]:
        """The error messages of an answer that must have some."""
        answer = self.run(document, variables)
        assert answer.get("errors"), answer
        return [e["message"] for e in answer["errors"]]
