"""The package's public names, and the suggestions its errors carry."""

from __future__ import annotations

import accountgraph
from accountgraph.suggest import closest


def test_public_names_are_pinned() -> None:
    assert accountgraph.__all__ == [
        "AccountGraphError",
        "DatasetError",
        "QueryLimitError",
        "StoreUnavailableError",
        "UnknownPartyError",
        "__version__",
        "load_dataset",
        "open_store",
    ]
    for name in accountgraph.__all__:
        assert hasattr(accountgraph, name)


def test_errors_share_one_base() -> None:
    for name in ("DatasetError", "QueryLimitError", "StoreUnavailableError", "UnknownPartyError"):
        assert issubclass(getattr(accountgraph, name), accountgraph.AccountGraphError)


IDS = ["un-secretary-general", "csa-switzerland", "unog-director-general", "wipo-director-general"]


def test_closest_prefers_shared_words() -> None:
    assert closest("csa-geneva", IDS, cutoff=0.45)[0] == "csa-switzerland"


def test_closest_ignores_case_and_keeps_the_options_spelling() -> None:
    assert closest("WIPO-Director-Generl", IDS, limit=1) == ["wipo-director-general"]


def test_closest_drops_what_is_far_from_the_best() -> None:
    assert closest("wipo-director-generl", IDS, spread=0.1) == ["wipo-director-general"]


def test_closest_finds_nothing_below_the_cutoff() -> None:
    assert closest("zzz", IDS) == []
