"""Stores: where a dataset's graph lives and how it is queried."""

from __future__ import annotations

from accountgraph.errors import AccountGraphError, StoreUnavailableError
from accountgraph.model import Dataset
from accountgraph.store.base import GraphStore, PartyPage, StoreStats

__all__ = ["GraphStore", "PartyPage", "StoreStats", "open_store"]


def open_store(spec: str, dataset: Dataset | None = None) -> GraphStore:
    """The store ``spec`` names, holding ``dataset``.

    ``"memory"`` is the embedded store and needs the dataset to hold.
    """
    if spec == "memory":
        if dataset is None:
            raise AccountGraphError("the memory store needs a dataset to hold")
        from accountgraph.store.memory import MemoryStore  # networkx loads only when needed

        return MemoryStore(dataset)
    raise StoreUnavailableError(
        spec,
        f"unknown store {spec!r}; expected 'memory' "
        "(graph database URLs arrive with a later release)",
    )
