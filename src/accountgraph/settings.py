"""The server's settings: one typed object, and the table that says, for each of them, its
flag, its ``ACCOUNTGRAPH_*`` variable, what values it takes and what it does.

``serve``'s options are made from the table (:mod:`accountgraph.cli`), so a setting is
declared once: here. :meth:`Settings.from_env` reads the same table when the app is made
without the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from accountgraph.dataset.file_guard import MAX_DATASET_BYTES
from accountgraph.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """What one GraphQL request may ask for and use: the document's shape, its cost, the
    size of its answer, its time, and the processes that run costly ones."""

    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5000
    max_fragment_spreads: int = 100
    max_cost: int = 50_000
    """The most an operation may cost (:mod:`accountgraph.api.cost`) to be run at all."""
    max_response_bytes: int = 8 * 1024**2
    timeout: float = 10.0
    """Seconds a request may take before its work is stopped and the client told."""
    workers: int = 2
    """Processes that run costly operations on the embedded store, off the event loop;
    0 runs everything on the event loop."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs to know; the CLI's flags override these."""

    data: Path | None = None
    """Dataset file for the embedded store; ``None`` is the shipped WIPO dataset."""
    store: str = "memory"
    host: str = "127.0.0.1"
    port: int = 8000
    limits: QueryLimits = field(default_factory=QueryLimits)
    max_body_bytes: int = 64 * 1024
    max_dataset_bytes: int = MAX_DATASET_BYTES
    """The largest dataset file read; a larger one is refused unread."""
    store_timeout: float = 5.0
    """Seconds a graph database server has to answer before a question fails."""
    header_timeout: float = 10.0
    """Seconds a client has to send a request's line and headers (then it is dropped)."""
    body_timeout: float = 10.0
    """Seconds a client has to send a request's body (then 408)."""
    read_needs_token: bool = False
    """Whether reading the graph needs a token too (changing it always does)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment; a bad value names its variable and the value."""
        env = os.environ if env is None else env
        return cls.from_values(
            {s.name: s.parse(env[s.env]) for s in SETTINGS if env.get(s.env, "") != ""}
        )

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from values keyed by :attr:`Setting.name` (``limits.`` for a limit);
        ``None`` or a missing name keeps the default."""
        given = {name: value for name, value in values.items() if value is not None}
        limits = {n.removeprefix("limits."): v for n, v in given.items() if n.startswith("limits.")}
        rest = {n: v for n, v in given.items() if not n.startswith("limits.")}
        return cls(**rest, limits=QueryLimits(**limits))

    def with_limits(self, **changes: float | None) -> Settings:
        """A copy with the given limits changed; ``None`` keeps a limit as it is."""
        given: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        return replace(self, limits=replace(self.limits, **given))


Kind = Literal["integer", "number", "flag", "text", "path"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of :class:`Settings`: where it is read from and what it takes."""

    name: str
    """The :class:`Settings` attribute, ``limits.<attribute>`` for a :class:`QueryLimits` one."""
    flag: str
    kind: Kind
    help: str
    low: float | None = None
    high: float | None = None
    """The least and the most an integer or a number may be."""
    shown_default: str | None = None
    """The default as help shows it, when the value itself says less (``None`` shows it)."""

    @property
    def env(self) -> str:
        """Its environment variable: ``--max-query-depth`` is ``ACCOUNTGRAPH_MAX_QUERY_DEPTH``."""
        return "ACCOUNTGRAPH_" + self.flag.removeprefix("--").upper().replace("-", "_")

    @property
    def default(self) -> Any:
        owner: Any = Settings()
        for part in self.name.split("."):
            owner = getattr(owner, part)
        return owner

    def parse(self, raw: str) -> Any:
        """The value ``raw`` stands for; :class:`ConfigurationError` names the variable."""
        if self.kind == "text":
            return raw
        if self.kind == "path":
            return Path(raw)
        if self.kind == "flag":
            word = raw.strip().lower()
            if word in _TRUE + _FALSE:
                return word in _TRUE
            raise ConfigurationError(self.env, raw, f"one of {', '.join(_TRUE + _FALSE)}")
        number = int if self.kind == "integer" else float
        noun = "an integer" if self.kind == "integer" else "a number"
        try:
            value = number(raw)
        except ValueError:
            raise ConfigurationError(self.env, raw, noun) from None
        low, high = number(self.low or 0), number(self.high or 0)
        if not low <= value <= high:
            shown = (str, "{:g}".format)[self.kind == "number"]
            raise ConfigurationError(self.env, raw, f"{noun} from {shown(low)} to {shown(high)}")
        return value

    def from_env(self, env: Mapping[str, str] | None = None) -> Any:
        """Its value in ``env`` (the environment), else its default."""
        raw = (os.environ if env is None else env).get(self.env, "")
        return self.default if raw == "" else self.parse(raw)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data",
        "--data",
        "path",
        "Dataset file (YAML), or bulk dataset directory (CSV or JSON Lines), for the "
        "embedded store.",
        shown_default="the shipped WIPO A/46/11 dataset",
    ),
    Setting(
        "store",
        "--store",
        "text",
        "Where the graph lives: 'memory' (embedded, loads --data), sqlite:///path/graph.db "
        "(embedded, kept in a file, changeable) or a graph database URL "
        "(falkordb://host:port/graph, neo4j://host:port, bolt://host:port); "
        "load it first with `accountgraph load`.",
    ),
    Setting("host", "--host", "text", "Interface to listen on."),
    Setting("port", "--port", "integer", "Port to listen on.", 1, 65535),
    Setting(
        "limits.max_depth",
        "--max-query-depth",
        "integer",
        "Deepest selection a GraphQL document may have.",
        1,
        100,
    ),
    Setting(
        "limits.max_aliases",
        "--max-aliases",
        "integer",
        "Most aliases in one document, each counted every time its fragment is spread.",
        1,
        1000,
    ),
    Setting(
        "limits.max_tokens",
        "--max-tokens",
        "integer",
        "Most tokens (names, punctuation, values) in one document.",
        10,
        1_000_000,
    ),
    Setting(
        "limits.max_fragment_spreads",
        "--max-fragment-spreads",
        "integer",
        "Most fragment spreads in one document.",
        0,
        10_000,
    ),
    Setting(
        "limits.max_cost",
        "--max-query-cost",
        "integer",
        "Most an operation may cost; a costlier one is refused before it runs.",
        1,
        10**12,
    ),
    Setting(
        "limits.max_response_bytes",
        "--max-response-bytes",
        "integer",
        "Largest answer sent; a larger one is replaced by an error.",
        1024,
        2 * 1024**3,
        shown_default="8 MiB",
    ),
    Setting(
        "limits.timeout",
        "--query-timeout",
        "number",
        "Seconds one request may take before its work is stopped.",
        0.01,
        3600.0,
    ),
    Setting(
        "limits.workers",
        "--query-workers",
        "integer",
        "Processes that answer costly queries on the embedded store (0: none, all on the "
        "event loop).",
        0,
        64,
    ),
    Setting(
        "max_body_bytes",
        "--max-body-bytes",
        "integer",
        "Largest request body; a larger one is answered 413.",
        256,
        64 * 1024**2,
    ),
    Setting(
        "max_dataset_bytes",
        "--max-dataset-bytes",
        "integer",
        "Refuse a dataset file larger than this, unread.",
        1,
        2**40,
        shown_default="1 GiB",
    ),
    Setting(
        "store_timeout",
        "--store-timeout",
        "number",
        "Seconds a graph database server has to answer.",
        0.1,
        3600.0,
    ),
    Setting(
        "header_timeout",
        "--header-timeout",
        "number",
        "Seconds a client has to send a request's line and headers; then the connection is closed.",
        0.1,
        3600.0,
    ),
    Setting(
        "body_timeout",
        "--body-timeout",
        "number",
        "Seconds a client has to send a request's body; then 408.",
        0.1,
        3600.0,
    ),
    Setting(
        "read_needs_token",
        "--read-needs-token",
        "flag",
        "Answer only requests with a token (Authorization: Bearer …), reads included; "
        "needs a store that keeps tokens (sqlite:///…).",
        shown_default="off, reads are open",
    ),
)
"""Every setting, in the order ``serve --help`` lists them."""


def setting(name: str) -> Setting:
    """The setting of :class:`Settings` attribute ``name`` (``limits.`` for a limit)."""
    return next(s for s in SETTINGS if s.name == name)
