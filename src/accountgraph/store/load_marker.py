"""The load marker: one ``:LoadMarker`` node saying whether the graph's last load finished.

A load writes the marker in its first statement (``cypher/load_begin.cypher``: the
dataset, the version of its content, the load's run id and when it started; ``finished``
null) and sets ``finished`` in its last (``cypher/load_finish.cypher``), both times by
the server's clock. FalkorDB runs a load as many statements, each atomic on its own: a
marker left unfinished tells every reader that the graph holds part of a dataset,
because the load was interrupted or is still running, and the Cypher store then answers
:class:`~accountgraph.errors.PartialGraphError` instead of wrong answers. On Neo4j the
load is one transaction, so no reader sees the marker unfinished. A graph without a
marker (loaded by hand, or before there were markers) is taken as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from accountgraph.errors import PartialGraphError
from accountgraph.store.backends.base import Row


@dataclass(frozen=True, slots=True)
class LoadMarker:
    """What the marker says of one load."""

    dataset: str
    version: str
    """The fingerprint of the dataset's content that the load stamps on what it writes."""
    run: str
    """The load's own id: its last statement marks only its own load finished."""
    started: int
    """When the load began, by the server's clock: milliseconds since 1970 (UTC)."""
    finished: int | None = None

    @property
    def started_text(self) -> str:
        """When the load began, for a person: ``2026-01-31 09:30:00 UTC``."""
        return moment(self.started)


def moment(milliseconds: float) -> str:
    """A marker's time (milliseconds since 1970) for a person, to the second, in UTC."""
    when = dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def unfinished(rows: Sequence[Row]) -> LoadMarker | None:
    """The marker of a load that has not finished, among the rows of
    ``cypher/load_marker.cypher``; ``None`` when every load there finished, or there is
    no marker."""
    for row in rows:
        marker = row["marker"]
        if marker.get("started") is not None and marker.get("finished") is None:
            return LoadMarker(
                dataset=str(marker.get("dataset")),
                version=str(marker.get("version")),
                run=str(marker.get("run")),
                started=int(marker["started"]),
            )
    return None


def partial_graph(url: str, marker: LoadMarker) -> PartialGraphError:
    """The error that answers every question to a graph whose load ``marker`` is unfinished."""
    return PartialGraphError(url, marker.dataset, marker.started_text)
