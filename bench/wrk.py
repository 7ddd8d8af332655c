"""Drive an HTTP server with ``wrk`` (Debian: ``apt-get install wrk``): POST one JSON body
over and over and read back requests per second, latency percentiles and failures.

A response counts as failed when its status is not 200 or its body holds ``"errors"``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = %(body)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) failed = 0 end
%(delay)sfunction response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then failed = failed + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("failed") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), latency.max, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
"""


@dataclass(frozen=True, slots=True)
class Load:
    """What one wrk run measured (latencies in milliseconds)."""

    requests: int
    seconds: float
    p50: float
    p99: float
    worst: float
    failed: int
    """Responses that were not a 200 answer without errors, and socket errors."""

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def missing_tools() -> list[str]:
    return [tool for tool in ("wrk", "taskset") if shutil.which(tool) is None]


def post_script(path: Path, body: object, *, delay_ms: int = 0) -> Path:
    """Write the Lua script that POSTs ``body`` as JSON, each connection waiting
    ``delay_ms`` between requests; return its path."""
    text = json.dumps(body)
    delay = f"function delay() return {delay_ms} end\n" if delay_ms else ""
    path.write_text(_SCRIPT % {"body": "[==[" + text + "]==]", "delay": delay}, encoding="utf-8")
    return path


def wrk_command(
    url: str,
    script: Path,
    *,
    connections: int,
    seconds: float,
    cpu: int | None = 0,
    timeout: float = 30.0,
) -> list[str]:
    """The command running wrk (one thread, pinned to ``cpu`` unless ``None``)."""
    command = ["taskset", "-c", str(cpu)] if cpu is not None else []
    command += ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds:g}s"]
    return [*command, "--timeout", f"{timeout:g}s", "-s", str(script), url]


def start_wrk(
    url: str, script: Path, *, connections: int, seconds: float, cpu: int | None = 0
) -> subprocess.Popen[str]:
    """wrk running in the background; :func:`load_of` reads its output once it ends."""
    command = wrk_command(url, script, connections=connections, seconds=seconds, cpu=cpu)
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def load_of(output: str, errors: str = "") -> Load:
    """What a wrk run of a :func:`post_script` printed."""
    line = next((ln for ln in output.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}\n{errors}")
    requests, micros, p50, p99, worst, failed, socket_errors = (int(x) for x in line.split()[1:])
    return Load(
        requests, micros / 1e6, p50 / 1000, p99 / 1000, worst / 1000, failed + socket_errors
    )


def run_wrk(
    url: str,
    script: Path,
    *,
    connections: int,
    seconds: float,
    cpu: int | None = 0,
    timeout: float = 30.0,
) -> Load:
    """Run wrk (one thread, pinned to ``cpu`` unless ``None``) against ``url``."""
    command = wrk_command(
        url, script, connections=connections, seconds=seconds, cpu=cpu, timeout=timeout
    )
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + timeout + 30, check=False
    )
    return load_of(done.stdout, done.stderr)
