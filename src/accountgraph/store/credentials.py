"""Where a graph database's password comes from, so that it is not on a command line.

A ``--store`` URL given on the command line is visible to every user of the machine in
the process list (``ps``). The password may come instead from a file
(``--store-password-file``, ``ACCOUNTGRAPH_STORE_PASSWORD_FILE``), for any graph
database, or for Neo4j from ``NEO4J_PASSWORD``; the URL in ``ACCOUNTGRAPH_STORE`` is not
in the process list either.
"""

from __future__ import annotations

from pathlib import Path

from accountgraph.errors import AccountGraphError

PASSWORD_ON_COMMAND_LINE = (
    "the password in --store is visible to every user of this machine in the process "
    "list (ps); put it in a file named by --store-password-file (or "
    "ACCOUNTGRAPH_STORE_PASSWORD_FILE), set NEO4J_PASSWORD for Neo4j, or give the URL in "
    "ACCOUNTGRAPH_STORE"
)
"""The warning printed when a ``--store`` URL given as an argument carries a password."""

MAX_PASSWORD_FILE_BYTES = 4096


class PasswordFileError(AccountGraphError):
    """A password file cannot be used; the message names the file and says why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot use {path} as a password file: {reason}")


def read_password_file(path: Path) -> str:
    """The password ``path`` holds: its first line, without the line ending. An empty,
    unreadable or oversized file raises :class:`PasswordFileError`."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_PASSWORD_FILE_BYTES + 1)
    except OSError as error:
        raise PasswordFileError(path, error.strerror or "it cannot be read") from None
    if len(raw) > MAX_PASSWORD_FILE_BYTES:
        raise PasswordFileError(path, f"it is larger than {MAX_PASSWORD_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PasswordFileError(path, "it is not UTF-8 text") from None
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise PasswordFileError(path, "its first line is empty; it must be the password")
    return lines[0]
