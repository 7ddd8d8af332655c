"""``accountgraph serve`` before it serves: its help, its settings from flags and from the
environment, and a port another process holds."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from accountgraph.cli import cli
from accountgraph.settings import SETTINGS


@pytest.fixture
def held_port() -> Iterator[int]:
    """A port a child process listens on, as another program would."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import socket, sys\n"
            "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
            "print(s.getsockname()[1], flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    try:
        yield int(holder.stdout.readline())
    finally:
        holder.kill()
        holder.wait()


def test_a_port_in_use_is_named_with_the_process_that_holds_it(held_port: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "accountgraph", "serve", "--port", str(held_port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"port {held_port} on 127.0.0.1 is in use by pid " in result.stderr
    assert "import socket, sys" in result.stderr
    assert "choose another --port" in result.stderr
    assert "Press Ctrl-C" not in result.stdout
    assert "Traceback" not in result.stderr


def test_a_host_not_on_this_machine_is_refused_before_serving() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["serve", "--host", "192.0.2.1", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 192.0.2.1:{port}: " in result.output


def test_help_names_every_setting_with_its_variable_and_default() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=400, max_content_width=400)
    assert result.exit_code == 0
    for setting in SETTINGS:
        line = next(line for line in result.output.splitlines() if f"  {setting.flag} " in line)
        assert f"env var: {setting.env}" in line
        assert "default: " in line
        assert setting.help in line
    assert "default: 15;" in result.output
    assert "env var: ACCOUNTGRAPH_WORKERS" in result.output


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ACCOUNTGRAPH_PORT", "http", "an integer"),
        ("ACCOUNTGRAPH_MAX_TOKENS", "5", "an integer from 10 to 1000000"),
        ("ACCOUNTGRAPH_QUERY_TIMEOUT", "soon", "a number"),
        ("ACCOUNTGRAPH_READ_NEEDS_TOKEN", "maybe", "one of 1, true, yes, on, 0, false, no, off"),
    ],
)
def test_a_bad_variable_is_named_with_its_value(variable: str, value: str, expected: str) -> None:
    result = CliRunner(env={variable: value}).invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert f"Error: {variable}={value!r} is not valid: expected {expected}\n" == result.output


def test_a_flag_wins_over_its_variable(held_port: int) -> None:
    result = CliRunner(env={"ACCOUNTGRAPH_PORT": str(held_port)}).invoke(
        cli, ["serve", "--port", "http"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output


def test_a_variable_sets_what_no_flag_gives(held_port: int) -> None:
    result = CliRunner(env={"ACCOUNTGRAPH_PORT": str(held_port)}).invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert f"port {held_port} on 127.0.0.1 is in use" in result.output
