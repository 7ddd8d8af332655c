"""Settings read from ``ACCOUNTGRAPH_*`` environment variables into one typed object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

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
        defaults = cls()
        data = env.get("ACCOUNTGRAPH_DATA")
        return cls(
            data=Path(data) if data else None,
            store=env.get("ACCOUNTGRAPH_STORE", defaults.store),
            host=env.get("ACCOUNTGRAPH_HOST", defaults.host),
            port=_integer(env, "ACCOUNTGRAPH_PORT", defaults.port, 1, 65535),
            limits=QueryLimits(
                max_depth=_integer(
                    env, "ACCOUNTGRAPH_MAX_QUERY_DEPTH", defaults.limits.max_depth, 1, 100
                ),
                max_aliases=_integer(
                    env, "ACCOUNTGRAPH_MAX_ALIASES", defaults.limits.max_aliases, 1, 1000
                ),
                max_tokens=_integer(
                    env, "ACCOUNTGRAPH_MAX_TOKENS", defaults.limits.max_tokens, 10, 1_000_000
                ),
                max_fragment_spreads=_integer(
                    env,
                    "ACCOUNTGRAPH_MAX_FRAGMENT_SPREADS",
                    defaults.limits.max_fragment_spreads,
                    0,
                    10_000,
                ),
                max_cost=_integer(
                    env, "ACCOUNTGRAPH_MAX_QUERY_COST", defaults.limits.max_cost, 1, 10**12
                ),
                max_response_bytes=_integer(
                    env,
                    "ACCOUNTGRAPH_MAX_RESPONSE_BYTES",
                    defaults.limits.max_response_bytes,
                    1024,
                    2 * 1024**3,
                ),
                timeout=_number(
                    env, "ACCOUNTGRAPH_QUERY_TIMEOUT", defaults.limits.timeout, 0.01, 3600.0
                ),
                workers=_integer(env, "ACCOUNTGRAPH_QUERY_WORKERS", defaults.limits.workers, 0, 64),
            ),
            max_body_bytes=_integer(
                env, "ACCOUNTGRAPH_MAX_BODY_BYTES", defaults.max_body_bytes, 256, 64 * 1024**2
            ),
            max_dataset_bytes=_integer(
                env, "ACCOUNTGRAPH_MAX_DATASET_BYTES", defaults.max_dataset_bytes, 1, 2**40
            ),
            store_timeout=_number(
                env, "ACCOUNTGRAPH_STORE_TIMEOUT", defaults.store_timeout, 0.1, 3600.0
            ),
            header_timeout=_number(
                env, "ACCOUNTGRAPH_HEADER_TIMEOUT", defaults.header_timeout, 0.1, 3600.0
            ),
            body_timeout=_number(
                env, "ACCOUNTGRAPH_BODY_TIMEOUT", defaults.body_timeout, 0.1, 3600.0
            ),
            read_needs_token=_flag(env, "ACCOUNTGRAPH_READ_NEEDS_TOKEN", defaults.read_needs_token),
        )

    def with_limits(self, **changes: float | None) -> Settings:
        """A copy with the given limits changed; ``None`` keeps a limit as it is."""
        given: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        return replace(self, limits=replace(self.limits, **given))


def _integer(env: Mapping[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(key, raw, "an integer") from None
    if not low <= value <= high:
        raise ConfigurationError(key, raw, f"an integer from {low} to {high}")
    return value


def _number(env: Mapping[str, str], key: str, default: float, low: float, high: float) -> float:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(key, raw, "a number") from None
    if not low <= value <= high:
        raise ConfigurationError(key, raw, f"a number from {low:g} to {high:g}")
    return value


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw == "":
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ConfigurationError(key, raw, f"one of {', '.join(_TRUE + _FALSE)}")
