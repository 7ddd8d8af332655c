"""The errors accountgraph raises.

Every error is an :class:`AccountGraphError`; the edges of the program (CLI, API) turn
them into exit codes and GraphQL errors, the core never prints or exits::

    AccountGraphError
    ├── DatasetError          a dataset file is unreadable or invalid (all its problems)
    ├── UnknownPartyError     an id names no party (on a day); carries the nearest ids
    ├── QueryLimitError       an argument is outside what a query allows
    ├── ConfigurationError    a setting (environment variable) has a bad value
    ├── StoreUnavailableError a graph database cannot be reached or refused us
    │   └── PartialGraphError the graph holds part of a dataset: its last load did not finish
    └── ChangeError           a change to the graph cannot be made (governance)
        ├── ChangeRefusedError    a change set breaks a rule, conflicts or is in the wrong state
        ├── ReadOnlyStoreError    the store cannot be changed (the memory store)
        ├── AuthenticationError   no token, or a wrong or revoked one
        └── PermissionDeniedError the token's role may not do this
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class AccountGraphError(Exception):
    """Base of every error accountgraph raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a dataset file, located as precisely as the file allows."""

    file: str
    line: int | None
    message: str
    id: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        subject = f" [{self.id}]" if self.id else ""
        return f"{where}:{subject} {self.message}"


class DatasetError(AccountGraphError):
    """A dataset could not be loaded; ``problems`` lists everything wrong with it."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.message))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{self.path}: {count} {noun}; nothing was loaded"]
        lines += [f"  {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class UnknownPartyError(AccountGraphError, LookupError):
    """No party has this id, or none on the day asked about.

    ``suggestions`` are the nearest existing ids. ``reason``, when given, says why a party
    the store holds is unknown all the same (``is not valid on 2008-12-11 (valid from
    2008-12-12)``) and replaces "no party" in the message.
    """

    def __init__(
        self, party_id: str, suggestions: list[str] | None = None, *, reason: str | None = None
    ) -> None:
        self.party_id = party_id
        self.suggestions = list(suggestions or [])
        self.reason = reason
        message = f'no party "{party_id}"' if reason is None else f'party "{party_id}" {reason}'
        if self.suggestions:
            quoted = ", ".join(f'"{s}"' for s in self.suggestions)
            message += f"; did you mean {quoted}?"
        super().__init__(message)


class QueryLimitError(AccountGraphError, ValueError):
    """An argument is outside the range a query accepts; the message says what is allowed."""

    def __init__(self, argument: str, value: object, allowed: str) -> None:
        self.argument = argument
        self.value = value
        self.allowed = allowed
        super().__init__(f"{argument}={value!r} is not allowed: {allowed}")


class ConfigurationError(AccountGraphError, ValueError):
    """A setting has a value it cannot take; the message names the setting and the value."""

    def __init__(self, key: str, value: str, expected: str) -> None:
        self.key = key
        self.value = value
        super().__init__(f"{key}={value!r} is not valid: expected {expected}")


class StoreUnavailableError(AccountGraphError):
    """The graph database named by ``url`` cannot be used; ``reason`` says why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"store {url} is unavailable: {reason}")


class PartialGraphError(StoreUnavailableError):
    """The graph at ``url`` holds only part of dataset ``dataset``: a load begun at
    ``started`` has not finished, so its answers would be wrong without saying so.

    The Cypher store raises it when the graph's load marker says so (the load was
    interrupted, or is still running); the loader raises it when a load stops part-way on
    a server without transactions over several statements, with ``cause`` (why it
    stopped) and ``ran`` (how many of its statements ran, of how many).
    """

    def __init__(
        self,
        url: str,
        dataset: str,
        started: str,
        *,
        cause: str | None = None,
        ran: tuple[int, int] | None = None,
    ) -> None:
        self.dataset = dataset
        self.started = started
        self.cause = cause
        self.ran = ran
        again = f"run `accountgraph load --store {url}` again with the same dataset to complete it"
        if cause is None or ran is None:
            reason = (
                f"the graph is partial: the load of dataset {dataset!r} started {started} "
                f"has not finished (it was interrupted, or is still running); {again}"
            )
        else:
            done, total = ran
            reason = (
                f"{cause.rstrip('.')}; the load of dataset {dataset!r} started {started} "
                f"stopped after {done} of its {total} statements, so the graph is now "
                f"partial; {again}"
            )
        super().__init__(url, reason)


class ChangeError(AccountGraphError):
    """A change to the graph cannot be made; ``code`` is the machine-readable reason
    (GraphQL ``extensions.code``, the CLI's exit status depends on it)."""

    code = "CHANGE_FAILED"


class ChangeRefusedError(ChangeError):
    """A change set is refused: it breaks ``rule`` (a rule book code, ``conflict``, ``state``,
    ``four-eyes`` or ``operation``), about ``parties``, at ``operation`` (its index, from 0)
    when one operation is to blame."""

    code = "CHANGE_REFUSED"

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        parties: tuple[str, ...] = (),
        operation: int | None = None,
        change_set: str | None = None,
    ) -> None:
        self.rule = rule
        self.parties = parties
        self.operation = operation
        self.change_set = change_set
        where = "" if operation is None else f"operation {operation + 1}: "
        super().__init__(f"{where}{message}")


class UnknownChangeSetError(ChangeError, LookupError):
    """No change set has this id."""

    code = "NOT_FOUND"

    def __init__(self, change_set_id: str) -> None:
        self.change_set_id = change_set_id
        super().__init__(f"no change set {change_set_id!r}")


class ReadOnlyStoreError(ChangeError):
    """The store holds a graph that cannot be changed."""

    code = "READ_ONLY_STORE"


class AuthenticationError(ChangeError):
    """No token was given where one is needed, or the token is wrong or revoked. The
    message never repeats the token."""

    code = "UNAUTHENTICATED"


class PermissionDeniedError(ChangeError):
    """The token is good but its role may not do what was asked."""

    code = "FORBIDDEN"
