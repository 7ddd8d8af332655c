"""Fixtures shared by the tests: the kinds of store the contract suite runs against."""

from __future__ import annotations

import pytest

from accountgraph.model import Dataset
from accountgraph.store import open_store
from accountgraph.store.base import GraphStore
from tests.graphs import StoreFactory

STORE_KINDS = ("memory",)


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_factory(request: pytest.FixtureRequest) -> StoreFactory:
    """``build(dataset)``: a fresh store of each kind holding ``dataset``."""
    kind: str = request.param

    async def build(dataset: Dataset) -> GraphStore:
        return open_store(kind, dataset)

    return build
