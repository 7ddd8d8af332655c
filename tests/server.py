"""Start the real ``accountgraph serve`` process on a free port, for tests over real HTTP."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(*args: str, timeout: float = 30.0, log: Path | None = None) -> Iterator[str]:
    """Run ``accountgraph serve ARGS`` on a free loopback port; yield its base URL.

    Waits until ``/health`` answers, and stops the process (Ctrl-C, then kill) on exit.
    """
    port = free_port()
    command = [sys.executable, "-m", "accountgraph", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), *args]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"accountgraph serve exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1.0).status_code in (200, 503):
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"accountgraph serve did not answer on {base} in {timeout}s")
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(2)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()  # type: ignore[union-attr]
