"""Whether the server can listen on a host and port, and, when another process holds the
port, which one (read from ``/proc`` where the machine has it)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

_PROC = Path("/proc")
_LISTEN = "0A"
"""The state of a listening socket in ``/proc/net/tcp``."""


def cannot_listen(host: str, port: int) -> str | None:
    """Why a server cannot listen on ``host``:``port``, in words; ``None`` when it can."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"cannot listen on {host}: {error.strerror}"
    family, kind, protocol, _, address = infos[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                return f"cannot listen on {host}:{port}: {error.strerror}"
            holder = port_holder(port)
            held = f" by {holder}" if holder else ""
            return f"port {port} on {host} is in use{held}: stop it or choose another --port"
    return None


def port_holder(port: int) -> str | None:
    """The process listening on TCP ``port``, as ``pid 123 (python -m http.server)``;
    ``None`` when the machine does not say (no ``/proc``, or another user's process)."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    for process in _PROC.iterdir():
        if not process.name.isdigit():
            continue
        try:
            for descriptor in (process / "fd").iterdir():
                target = descriptor.readlink().name
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return f"pid {process.name} ({_command_line(process)})"
        except OSError:
            continue
    return None


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "net" / table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _command_line(process: Path) -> str:
    try:
        words = (process / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(" ".join(w.decode(errors="replace") for w in words).split())
    return text if len(text) <= 80 else text[:79] + "…"
