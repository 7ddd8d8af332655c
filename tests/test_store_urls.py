"""Store specs: which store a URL opens, what is shown of it, and what is never loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

from accountgraph.errors import AccountGraphError, ConfigurationError, StoreUnavailableError
from accountgraph.settings import Settings
from accountgraph.store import open_backend, open_store
from accountgraph.store.cypher import CypherStore
from accountgraph.store.urls import FalkorDBAddress, parse_falkordb_url, redact


@pytest.mark.parametrize(
    ("url", "address"),
    [
        (
            "falkordb://db.example:6380/wipo",
            FalkorDBAddress("db.example", 6380, "wipo"),
        ),
        ("falkordb://localhost", FalkorDBAddress("localhost", 6379, "accountgraph")),
        ("falkordb://localhost:7000/", FalkorDBAddress("localhost", 7000, "accountgraph")),
        (
            "falkordb://alice:p%40ss%3Aword@127.0.0.1:6379/my%20graph",
            FalkorDBAddress("127.0.0.1", 6379, "my graph", "alice", "p@ss:word"),
        ),
        ("falkordb://:secret@h:1/g", FalkorDBAddress("h", 1, "g", None, "secret")),
        ("FALKORDB://[::1]:6379/g", FalkorDBAddress("::1", 6379, "g")),
    ],
)
def test_falkordb_urls(url: str, address: FalkorDBAddress) -> None:
    parsed = parse_falkordb_url(url)
    assert parsed == address
    assert parsed.password == address.password


def test_the_redacted_falkordb_url_has_no_password() -> None:
    parsed = parse_falkordb_url("falkordb://alice:s3cret@db:6380/wipo")
    assert parsed.redacted == "falkordb://db:6380/wipo"
    assert parse_falkordb_url("falkordb://:s3cret@[::1]/g").redacted == "falkordb://[::1]:6379/g"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("falkordb://:pw@/graph", "names no host"),
        ("falkordb://host:99999/g", "not a valid URL"),
        ("falkordb://host:port/g", "not a valid URL"),
        ("falkordb://host/a/b", "not a graph name"),
        ("falkordb://host/g?x=1", "query or a fragment"),
        ("redis://host/g", "not a falkordb:// URL"),
    ],
)
def test_bad_falkordb_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(StoreUnavailableError) as raised:
        parse_falkordb_url(url)
    assert reason in raised.value.reason
    assert "pw" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("neo4j://neo4j:secret@db:7687", "neo4j://db:7687"),
        ("bolt+s://u:p@a.b:7687/x?y=1", "bolt+s://a.b:7687/x?y=1"),
        ("falkordb://:p@h:1/g", "falkordb://h:1/g"),
        ("falkordb://h:1/g", "falkordb://h:1/g"),
        ("memory", "memory"),
        ("neo4j://u:p@ss@h", "neo4j://h"),
        ("falkordb://u:pa/ss@h:1/g", "falkordb://h:1/g"),
    ],
)
def test_redact_drops_the_user_part(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_open_store_memory_needs_a_dataset() -> None:
    with pytest.raises(AccountGraphError, match="needs a dataset"):
        open_store("memory")


def test_an_unknown_scheme_names_the_accepted_forms_without_the_password() -> None:
    with pytest.raises(StoreUnavailableError) as raised:
        open_store("postgres://admin:hunter2@db/graph")
    message = str(raised.value)
    assert "hunter2" not in message
    assert "postgres://db/graph" in message
    for form in ("'memory'", "falkordb://", "neo4j://", "neo4j+s://", "bolt://", "bolt+s://"):
        assert form in message


def test_a_falkordb_url_opens_a_cypher_store_without_connecting() -> None:
    store = open_store("falkordb://:pw@127.0.0.1:1/wipo", timeout=2.5)
    assert isinstance(store, CypherStore)
    assert store.backend.name == "falkordb"
    assert store.backend.url == "falkordb://127.0.0.1:1/wipo"
    assert store.backend.transactional is False


@pytest.mark.parametrize(
    "url", ["neo4j://localhost:7687", "neo4j+s://db.example", "bolt://h:7687", "bolt+s://h"]
)
def test_neo4j_urls_open_the_bolt_backend(url: str) -> None:
    backend = open_backend(url, timeout=1.0)
    assert backend.name == "neo4j"
    assert backend.transactional is True


def test_a_missing_driver_is_an_error_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "accountgraph.store.backends.falkordb", raising=False)
    monkeypatch.setitem(sys.modules, "falkordb.asyncio", None)
    with pytest.raises(StoreUnavailableError) as raised:
        open_backend("falkordb://u:pw@h/g")
    assert raised.value.reason == "its driver is not installed: pip install falkordb"
    assert raised.value.url == "falkordb://h/g"


def test_the_embedded_store_imports_no_driver() -> None:
    code = (
        "import sys\n"
        "from accountgraph.dataset import load_dataset\n"
        "from accountgraph.store import open_store\n"
        "from accountgraph.api.app import create_app\n"
        "import accountgraph.cli\n"
        "open_store('memory', load_dataset())\n"
        "loaded = sorted(m for m in ('falkordb', 'redis', 'neo4j') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == ""


@pytest.mark.parametrize(("raw", "value"), [(None, 5.0), ("", 5.0), ("2.5", 2.5), ("30", 30.0)])
def test_store_timeout_setting(raw: str | None, value: float) -> None:
    env = {} if raw is None else {"ACCOUNTGRAPH_STORE_TIMEOUT": raw}
    assert Settings.from_env(env).store_timeout == value


@pytest.mark.parametrize("raw", ["soon", "0", "-1", "nan", "1e9"])
def test_a_bad_store_timeout_names_the_variable(raw: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env({"ACCOUNTGRAPH_STORE_TIMEOUT": raw})
    assert str(raised.value).startswith(f"ACCOUNTGRAPH_STORE_TIMEOUT={raw!r} is not valid")
