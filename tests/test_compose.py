"""docker-compose.yml, the Dockerfile and the entrypoint, checked without a Docker engine.

No engine runs where the tests run, so these read the files: the services, images, ports,
health checks, environment (no password committed), start order, volumes and profiles of
the compose file; the key lines of the Dockerfile; and the entrypoint, which is also run
here with a stand-in ``accountgraph`` against a port this test opens.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

TOP = Path(__file__).resolve().parent.parent
COMPOSE = TOP / "docker-compose.yml"
DOCKERFILE = TOP / "Dockerfile"
ENTRYPOINT = TOP / "docker" / "entrypoint.sh"
INTERPOLATED_PASSWORD = re.compile(r"\$\{NEO4J_PASSWORD(:?[?-][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = compose["services"]
    assert isinstance(found, dict)
    return found


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whichever form the file uses."""
    raw = service.get("environment", {})
    if isinstance(raw, list):
        return dict(item.split("=", 1) for item in raw)
    assert isinstance(raw, dict)
    return {key: str(value) for key, value in raw.items()}


def published(service: dict[str, Any]) -> set[str]:
    return {str(port).split("#")[0].strip() for port in service.get("ports", [])}


# ---------------------------------------------------------------------------------------
# docker-compose.yml


def test_the_services(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {"neo4j", "api", "falkordb", "api-falkordb"}
    assert services["neo4j"]["image"] == "neo4j:5-community"
    assert services["falkordb"]["image"].split(":")[0] == "falkordb/falkordb"
    for name in ("api", "api-falkordb"):
        assert services[name]["build"] in (".", {"context": "."})


def test_neo4j_service(compose: dict[str, Any], services: dict[str, dict[str, Any]]) -> None:
    neo4j = services["neo4j"]
    assert published(neo4j) == {"7474:7474", "7687:7687"}
    assert environment(neo4j)["NEO4J_AUTH"].startswith("neo4j/${NEO4J_PASSWORD")
    assert "profiles" not in neo4j

    volumes = neo4j["volumes"]
    assert "neo4j-data:/data" in volumes
    assert "neo4j-data" in compose["volumes"], "the /data volume must be a named volume"

    check = neo4j["healthcheck"]
    assert set(check) >= {"test", "interval", "timeout", "retries", "start_period"}
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert "7474" in " ".join(check["test"])
    assert int(check["retries"]) >= 3


def test_api_service(services: dict[str, dict[str, Any]]) -> None:
    api = services["api"]
    assert "profiles" not in api
    assert api["depends_on"] == {"neo4j": {"condition": "service_healthy"}}
    env = environment(api)
    assert env["ACCOUNTGRAPH_STORE"] == "neo4j://neo4j:7687"
    assert env["NEO4J_USER"] == "neo4j"
    assert INTERPOLATED_PASSWORD.fullmatch(env["NEO4J_PASSWORD"])
    assert published(api) == {"8000:8000"}
    assert set(api["healthcheck"]) >= {"test", "interval", "timeout", "retries"}


def test_falkordb_variant_is_a_profile(services: dict[str, dict[str, Any]]) -> None:
    falkordb = services["falkordb"]
    assert falkordb["profiles"] == ["falkordb"]
    assert published(falkordb) == {"6379:6379"}
    assert set(falkordb["healthcheck"]) >= {"test", "interval", "timeout", "retries"}

    api = services["api-falkordb"]
    assert api["profiles"] == ["falkordb"]
    assert api["depends_on"] == {"falkordb": {"condition": "service_healthy"}}
    assert environment(api)["ACCOUNTGRAPH_STORE"] == "falkordb://falkordb:6379/accountgraph"
    [port] = published(api)
    assert port.endswith(":8000")
    assert port != "8000:8000", "api and api-falkordb would fight over port 8000"


def test_no_password_is_committed(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for key, value in environment(service).items():
            if "PASSWORD" in key or key == "NEO4J_AUTH":
                secret = value.removeprefix("neo4j/")
                assert INTERPOLATED_PASSWORD.fullmatch(secret), (
                    f"{name}: {key} must come from .env, not be written here"
                )
    example = (TOP / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^NEO4J_PASSWORD=\S{8,}$", example, re.MULTILINE), (
        ".env.example must show NEO4J_PASSWORD (Neo4j wants 8 characters or more)"
    )
    ignored = (TOP / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored, ".env holds the password: git must ignore it"


def test_the_build_context_leaves_local_state_out() -> None:
    ignored = set((TOP / ".dockerignore").read_text(encoding="utf-8").splitlines())
    assert {".env", ".git", ".venv", "**/node_modules"} <= ignored


# ---------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_dockerfile() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.12-slim")

    copied = " ".join(args for word, args in instructions if word == "COPY")
    for needed in ("pyproject.toml", "README.md", "src", "graph", "cypher"):
        assert needed in copied, f"the package build needs {needed}"
    assert any(word == "RUN" and "pip install ." in args for word, args in instructions)

    users = [args for word, args in instructions if word == "USER"]
    assert users, "the image must not run as root"
    assert users[-1] not in ("root", "0", "0:0")

    assert ("EXPOSE", "8000") in instructions
    [entrypoint] = [args for word, args in instructions if word == "ENTRYPOINT"]
    [target] = yaml.safe_load(entrypoint)
    assert any(
        word == "COPY" and args.split()[-2:] == ["docker/entrypoint.sh", target]
        for word, args in instructions
    ), f"the ENTRYPOINT {target} must be docker/entrypoint.sh"


# ---------------------------------------------------------------------------------------
# docker/entrypoint.sh


def test_entrypoint_is_an_executable_script() -> None:
    assert ENTRYPOINT.stat().st_mode & stat.S_IXUSR
    text = ENTRYPOINT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n")
    assert re.search(r"^    accountgraph load$", text, re.MULTILINE)
    assert re.search(r"^exec accountgraph serve --host 0\.0\.0\.0 --port 8000$", text, re.MULTILINE)
    commands = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in commands if '"$ACCOUNTGRAPH_STORE"' in line], (
        "the store URL may hold a password: no command line may carry it"
    )
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True)


@pytest.fixture
def stand_ins(tmp_path: Path) -> tuple[Path, Path]:
    """A bin folder with a stand-in ``accountgraph`` that logs its arguments, and the log."""
    folder = tmp_path / "bin"
    folder.mkdir()
    log = tmp_path / "calls.log"
    fake = folder / "accountgraph"
    fake.write_text(
        f'#!/bin/sh\necho "$* | store from environment: $ACCOUNTGRAPH_STORE" >> {log}\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    (folder / "python3").symlink_to(sys.executable)
    return folder, log


@pytest.fixture
def listening() -> Iterator[int]:
    """A port on the loopback that accepts connections."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def run_entrypoint(bin_folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {"PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}", **env}
    return subprocess.run(
        [str(ENTRYPOINT)], env=full, capture_output=True, text=True, timeout=60, check=False
    )


def test_entrypoint_waits_loads_then_serves(stand_ins: tuple[Path, Path], listening: int) -> None:
    folder, log = stand_ins
    store = f"neo4j://127.0.0.1:{listening}"
    done = run_entrypoint(folder, ACCOUNTGRAPH_STORE=store)
    assert done.returncode == 0, done.stderr
    assert f"127.0.0.1:{listening} answers" in done.stdout
    assert log.read_text(encoding="utf-8").splitlines() == [
        f"load | store from environment: {store}",
        f"serve --host 0.0.0.0 --port 8000 | store from environment: {store}",
    ]


def test_entrypoint_can_skip_the_load(stand_ins: tuple[Path, Path], listening: int) -> None:
    folder, log = stand_ins
    store = f"falkordb://127.0.0.1:{listening}/accountgraph"
    done = run_entrypoint(folder, ACCOUNTGRAPH_STORE=store, ACCOUNTGRAPH_LOAD="0")
    assert done.returncode == 0, done.stderr
    assert log.read_text(encoding="utf-8").splitlines() == [
        f"serve --host 0.0.0.0 --port 8000 | store from environment: {store}"
    ]


def test_entrypoint_gives_up_on_a_store_that_never_answers(stand_ins: tuple[Path, Path]) -> None:
    folder, log = stand_ins
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = run_entrypoint(
        folder,
        ACCOUNTGRAPH_STORE=f"neo4j://user:secret@127.0.0.1:{port}",
        ACCOUNTGRAPH_WAIT_SECONDS="1",
    )
    assert done.returncode != 0
    assert f"127.0.0.1:{port} did not answer in 1s" in done.stderr
    assert "secret" not in done.stdout + done.stderr
    assert not log.exists(), "nothing may be loaded or served before the store answers"


def test_entrypoint_needs_the_store(stand_ins: tuple[Path, Path]) -> None:
    folder, log = stand_ins
    done = run_entrypoint(folder)
    assert done.returncode != 0
    assert "ACCOUNTGRAPH_STORE" in done.stderr
    assert not log.exists()
