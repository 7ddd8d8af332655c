"""The durable embedded store: one SQLite file holds the base dataset, the change sets,
the hash-chained log and the token hashes; the graph is answered from the embedded
store's in-memory index, rebuilt from the file at start and after every change.

``sqlite:///path/graph.db`` (absolute: ``sqlite:////srv/graph.db``). The file is opened in
WAL mode with ``synchronous=FULL``: a change set acknowledged as applied is on disk, and
a process killed at any moment leaves the log as it was before or after the change set,
never between (one SQLite transaction appends the entry and marks the change set). Several
processes may serve one file: each notices another's commit (``PRAGMA data_version``)
before it answers, and replays the new log entries onto its graph.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from accountgraph.errors import AccountGraphError, StoreUnavailableError
from accountgraph.export import dataset_json, read_json
from accountgraph.governance.change_set import ChangeSet, Status, canonical_json
from accountgraph.governance.changeable import LogMovedError, mentioned_parties
from accountgraph.governance.log import EMPTY_LOG, LogEntry, LogHead, content_hash
from accountgraph.governance.operations import Outcome, apply_operations
from accountgraph.governance.roles import Role
from accountgraph.governance.tokens import TokenRecord
from accountgraph.model import Dataset, Direction, Edge, Party, PartyKind, Relation, Responsibility
from accountgraph.model import Path as GraphPath
from accountgraph.store.base import PartyPage, StoreStats
from accountgraph.store.memory import MemoryStore

SQLITE_SCHEME = "sqlite"
SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 30_000
_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS base (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    name TEXT NOT NULL,
    hash TEXT NOT NULL,
    dataset TEXT NOT NULL,
    loaded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS change_sets (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS change_set_parties (
    party TEXT NOT NULL,
    change_set TEXT NOT NULL REFERENCES change_sets (id),
    PRIMARY KEY (party, change_set)
);
CREATE TABLE IF NOT EXISTS log (
    position INTEGER PRIMARY KEY,
    change_set TEXT NOT NULL UNIQUE REFERENCES change_sets (id),
    applied_at TEXT NOT NULL,
    hash TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS log_parties (
    party TEXT NOT NULL,
    position INTEGER NOT NULL REFERENCES log (position),
    PRIMARY KEY (party, position)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_active_token ON tokens (name) WHERE revoked_at IS NULL;
"""


def sqlite_path(spec: str) -> Path:
    """The file a ``sqlite:///…`` URL names."""
    scheme, separator, rest = spec.partition("://")
    if scheme.lower() != SQLITE_SCHEME or not separator or not rest.startswith("/") or rest == "/":
        raise StoreUnavailableError(
            spec, "expected sqlite:///relative/path.db or sqlite:////absolute/path.db"
        )
    return Path(rest[1:])


class _Connection:
    """One SQLite connection per process, used from one thread at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._pid = -1
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            # A connection must not cross a fork: the child opens its own.
            try:
                db = sqlite3.connect(
                    self.path,
                    isolation_level=None,
                    check_same_thread=False,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                )
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("PRAGMA foreign_keys=ON")
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except sqlite3.Error as error:
                raise StoreUnavailableError(f"sqlite:///{self.path}", str(error)) from None
            self._db, self._pid = db, os.getpid()
        return self._db

    def run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        with self._lock:
            db = self._open()
            try:
                return work(db)
            except sqlite3.Error as error:
                if db.in_transaction:
                    db.rollback()
                raise StoreUnavailableError(f"sqlite:///{self.path}", str(error)) from None

    def close(self) -> None:
        with self._lock:
            if self._db is not None and self._pid == os.getpid():
                self._db.close()
            self._db = None


def _transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], _T]) -> _T:
    db.execute("BEGIN IMMEDIATE")
    try:
        result = work(db)
    except BaseException:
        db.rollback()
        raise
    db.commit()
    return result


def load_into_sqlite(spec: str, dataset: Dataset, *, now: dt.datetime | None = None) -> str:
    """Put ``dataset`` in the SQLite file ``spec`` names (created if need be) as the base
    of its graph; what it did, in a sentence. A file whose graph has applied change sets
    keeps them: loading another dataset under them is refused."""
    path = sqlite_path(spec)
    if not path.parent.is_dir():
        raise StoreUnavailableError(spec, f"the folder {path.parent} does not exist")
    text = canonical_json(dataset_json(dataset))
    digest = content_hash({"dataset": text})
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    connection = _Connection(path)

    def load(db: sqlite3.Connection) -> str:
        db.executescript(_SCHEMA)
        db.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
            (SCHEMA_VERSION,),
        )
        held = db.execute("SELECT name, hash FROM base").fetchone()
        applied = db.execute("SELECT count(*) FROM log").fetchone()[0]
        if held is not None and held[1] == digest:
            return f"{path} holds dataset {dataset.name!r} already; nothing changed"
        if held is not None and applied:
            raise AccountGraphError(
                f"{path} holds dataset {held[0]!r} with {applied} applied change sets on top "
                "of it; loading another dataset under them is refused. Write the graph as it "
                "stands with `accountgraph export --format dataset`, and load that into a new file"
            )
        db.execute("DELETE FROM base")
        db.execute(
            "INSERT INTO base (only, name, hash, dataset, loaded_at) VALUES (1, ?, ?, ?, ?)",
            (dataset.name, digest, text, stamp),
        )
        verb = "replaced the dataset it held with" if held is not None else "now holds"
        return f"{path} {verb} dataset {dataset.name!r}"

    try:
        return connection.run(lambda db: _transaction(db, load))
    finally:
        connection.close()


class SqliteStore:
    """A :class:`~accountgraph.store.base.GraphStore` and
    :class:`~accountgraph.governance.changeable.ChangeableStore` in one SQLite file."""

    def __init__(self, spec: str) -> None:
        self._spec = spec
        self._path = sqlite_path(spec)
        if not self._path.is_file():
            raise StoreUnavailableError(
                spec,
                f"{self._path} does not exist: put a dataset in it first with "
                f"`accountgraph load --store {spec}`",
            )
        self._connection = _Connection(self._path)
        self._memory: MemoryStore | None = None
        self._head = EMPTY_LOG
        self._data_version: tuple[int, int] = (-1, -1)
        self._refreshing = asyncio.Lock()

    @property
    def spec(self) -> str:
        return self._spec

    # --- keeping the in-memory graph current ---------------------------------------------

    def _read(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        return self._connection.run(work)

    async def _run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        return await asyncio.to_thread(self._connection.run, work)

    def prepare(self) -> None:
        """Read the file and build the graph now (a server does so before it answers)."""
        self._catch_up_now()
        if self._memory is not None:
            self._memory.prepare()

    def _catch_up_now(self) -> None:
        version = self._read(_data_version)
        if self._memory is not None and version == self._data_version:
            return
        base, entries = self._read(lambda db: self._changes_since(db, self._head.position))
        dataset = self._memory.dataset if self._memory is not None else None
        if dataset is None:
            if base is None:
                raise StoreUnavailableError(
                    self._spec,
                    f"{self._path} holds no dataset: "
                    f"`accountgraph load --store {self._spec}` first",
                )
            dataset = read_json(base)
        head = self._head
        for entry in entries:
            change_set = entry.change_set
            dataset = apply_operations(dataset, change_set.operations, change_set.effective).dataset
            head = LogHead(entry.position, entry.hash)
        if self._memory is None or entries:
            self._memory = MemoryStore(dataset)
        self._head = head
        self._data_version = version

    def _changes_since(
        self, db: sqlite3.Connection, position: int
    ) -> tuple[str | None, list[LogEntry]]:
        base = None
        if self._memory is None:
            row = db.execute("SELECT dataset FROM base").fetchone()
            base = None if row is None else row[0]
        rows = db.execute(
            "SELECT entry FROM log WHERE position > ? ORDER BY position", (position,)
        ).fetchall()
        return base, [LogEntry.from_json(json.loads(row[0])) for row in rows]

    async def _current(self) -> MemoryStore:
        async with self._refreshing:
            await asyncio.to_thread(self._catch_up_now)
        assert self._memory is not None
        return self._memory

    # --- ChangeableStore -----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def approvals_in_turn(self) -> AsyncIterator[None]:
        """An exclusive lock on ``<file>.approvals`` (``flock``), which every process
        approving on this file takes in turn; readers never wait for it."""
        lock_path = self._path.with_name(self._path.name + ".approvals")
        handle = open(lock_path, "ab")  # noqa: SIM115 - held until the approval ends
        # Polled, not waited for in a thread: approvals waiting in threads could take every
        # thread of the loop's pool, and the one holding the lock needs one to finish.
        delay = 0.005
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    async def live(self) -> tuple[Dataset, LogHead]:
        memory = await self._current()
        return memory.dataset, self._head

    async def log_head(self) -> LogHead:
        def head(db: sqlite3.Connection) -> LogHead:
            row = db.execute(
                "SELECT position, hash FROM log ORDER BY position DESC LIMIT 1"
            ).fetchone()
            return EMPTY_LOG if row is None else LogHead(row[0], row[1])

        return await self._run(head)

    async def save_change_set(self, change_set: ChangeSet) -> None:
        if change_set.status is Status.APPLIED:
            raise ValueError("an applied change set is saved by append()")
        parties = sorted(mentioned_parties(change_set.operations))

        def save(db: sqlite3.Connection) -> None:
            _put_change_set(db, change_set, parties)

        await self._run(lambda db: _transaction(db, save))

    async def change_set(self, change_set_id: str) -> ChangeSet | None:
        def find(db: sqlite3.Connection) -> ChangeSet | None:
            row = db.execute(
                "SELECT body FROM change_sets WHERE id = ?", (change_set_id,)
            ).fetchone()
            return None if row is None else ChangeSet.from_json(json.loads(row[0]))

        return await self._run(find)

    async def change_sets(
        self,
        *,
        status: Status | None = None,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> list[ChangeSet]:
        conditions: list[str] = []
        values: list[str | int] = []
        if status is not None:
            conditions.append("status = ?")
            values.append(status.value)
        if party_id is not None:
            conditions.append("id IN (SELECT change_set FROM change_set_parties WHERE party = ?)")
            values.append(party_id)
        if since is not None:
            conditions.append("created_at >= ?")
            values.append(_required_stamp(since))
        if after is not None:
            conditions.append(
                "(created_at, id) < (SELECT created_at, id FROM change_sets WHERE id = ?)"
            )
            values.append(after)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        query = f"SELECT body FROM change_sets {where} ORDER BY created_at DESC, id DESC LIMIT ?"

        def find(db: sqlite3.Connection) -> list[ChangeSet]:
            rows = db.execute(query, (*values, first)).fetchall()
            return [ChangeSet.from_json(json.loads(row[0])) for row in rows]

        return await self._run(find)

    async def append(self, entry: LogEntry, outcome: Outcome) -> None:
        change_set = entry.change_set
        parties = sorted(mentioned_parties(change_set.operations) | entry.party_ids)

        def append(db: sqlite3.Connection) -> tuple[int, int]:
            row = db.execute(
                "SELECT position, hash FROM log ORDER BY position DESC LIMIT 1"
            ).fetchone()
            head = EMPTY_LOG if row is None else LogHead(row[0], row[1])
            if head != LogHead(entry.position - 1, entry.previous_hash):
                raise LogMovedError
            _put_change_set(db, change_set, parties)
            db.execute(
                "INSERT INTO log (position, change_set, applied_at, hash, entry) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    entry.position,
                    change_set.id,
                    _stamp(change_set.decided_at),
                    entry.hash,
                    canonical_json(entry.as_json()),
                ),
            )
            db.executemany(
                "INSERT INTO log_parties (party, position) VALUES (?, ?)",
                [(party, entry.position) for party in sorted(entry.party_ids)],
            )
            # read while no one else may commit: a commit after ours changes it
            return _data_version(db)

        version = await self._run(lambda db: _transaction(db, append))
        async with self._refreshing:
            if self._head == LogHead(entry.position - 1, entry.previous_hash):
                self._memory = await asyncio.to_thread(MemoryStore, outcome.dataset)
                self._head = LogHead(entry.position, entry.hash)
                self._data_version = version

    async def log_entries(
        self,
        *,
        after: int = 0,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int | None = None,
    ) -> list[LogEntry]:
        conditions = ["position > ?"]
        values: list[str | int] = [after]
        if party_id is not None:
            conditions.append("position IN (SELECT position FROM log_parties WHERE party = ?)")
            values.append(party_id)
        if since is not None:
            conditions.append("applied_at >= ?")
            values.append(_required_stamp(since))
        query = f"SELECT entry FROM log WHERE {' AND '.join(conditions)} ORDER BY position"
        if first is not None:
            query += f" LIMIT {int(first)}"

        def find(db: sqlite3.Connection) -> list[LogEntry]:
            return [LogEntry.from_json(json.loads(row[0])) for row in db.execute(query, values)]

        return await self._run(find)

    async def put_token(self, record: TokenRecord) -> None:
        def put(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO tokens (hash, name, role, created_at, revoked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    record.token_hash,
                    record.name,
                    record.role.value,
                    _stamp(record.created_at),
                    None,
                ),
            )

        await self._run(lambda db: _transaction(db, put))

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        def find(db: sqlite3.Connection) -> TokenRecord | None:
            row = db.execute(
                "SELECT name, role, hash, created_at, revoked_at FROM tokens WHERE hash = ?",
                (token_hash,),
            ).fetchone()
            return None if row is None else _token(row)

        return await self._run(find)

    async def tokens(self) -> list[TokenRecord]:
        def find(db: sqlite3.Connection) -> list[TokenRecord]:
            rows = db.execute(
                "SELECT name, role, hash, created_at, revoked_at FROM tokens "
                "ORDER BY name, created_at"
            )
            return [_token(row) for row in rows]

        return await self._run(find)

    async def revoke_token(self, name: str, at: dt.datetime) -> TokenRecord | None:
        def revoke(db: sqlite3.Connection) -> TokenRecord | None:
            row = db.execute(
                "SELECT name, role, hash, created_at, revoked_at FROM tokens "
                "WHERE name = ? AND revoked_at IS NULL",
                (name,),
            ).fetchone()
            if row is None:
                return None
            db.execute("UPDATE tokens SET revoked_at = ? WHERE hash = ?", (_stamp(at), row[2]))
            return _token((*row[:4], _stamp(at)))

        return await self._run(lambda db: _transaction(db, revoke))

    # --- GraphStore: the graph as it now stands ------------------------------------------

    async def stats(self) -> StoreStats:
        return await (await self._current()).stats()

    async def get_party(self, party_id: str, *, as_of: dt.date | None = None) -> Party | None:
        return await (await self._current()).get_party(party_id, as_of=as_of)

    async def get_parties(
        self, party_ids: Sequence[str], *, as_of: dt.date | None = None
    ) -> list[Party | None]:
        return await (await self._current()).get_parties(party_ids, as_of=as_of)

    async def suggest_ids(
        self, party_id: str, limit: int = 3, *, as_of: dt.date | None = None
    ) -> list[str]:
        return await (await self._current()).suggest_ids(party_id, limit, as_of=as_of)

    async def list_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: dt.date | None = None,
    ) -> PartyPage:
        return await (await self._current()).list_parties(
            kind=kind, search=search, first=first, after=after, as_of=as_of
        )

    async def count_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        as_of: dt.date | None = None,
    ) -> int:
        return await (await self._current()).count_parties(kind=kind, search=search, as_of=as_of)

    async def edges(
        self,
        party_id: str,
        direction: Direction = Direction.OUT,
        relations: Sequence[Relation] | None = None,
        *,
        as_of: dt.date | None = None,
    ) -> list[Edge]:
        return await (await self._current()).edges(party_id, direction, relations, as_of=as_of)

    async def neighbours(
        self,
        party_id: str,
        relation: Relation,
        direction: Direction = Direction.OUT,
        *,
        transitive: bool = False,
        as_of: dt.date | None = None,
    ) -> list[Party]:
        return await (await self._current()).neighbours(
            party_id, relation, direction, transitive=transitive, as_of=as_of
        )

    async def responsibilities(
        self, holder_id: str, *, as_of: dt.date | None = None
    ) -> list[Responsibility]:
        return await (await self._current()).responsibilities(holder_id, as_of=as_of)

    async def all_responsibilities(self) -> list[Responsibility]:
        return await (await self._current()).all_responsibilities()

    async def accountability_chains(
        self,
        party_id: str,
        *,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
    ) -> list[GraphPath]:
        return await (await self._current()).accountability_chains(
            party_id, max_depth=max_depth, max_paths=max_paths, as_of=as_of
        )

    async def delegation_ends(
        self,
        party_id: str,
        *,
        scope: str | None = None,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
    ) -> list[GraphPath]:
        return await (await self._current()).delegation_ends(
            party_id, scope=scope, max_depth=max_depth, max_paths=max_paths, as_of=as_of
        )

    async def paths(
        self,
        from_id: str,
        to_id: str,
        *,
        relations: Sequence[Relation] | None = None,
        max_depth: int = 8,
        max_paths: int = 50,
        as_of: dt.date | None = None,
    ) -> list[GraphPath]:
        return await (await self._current()).paths(
            from_id,
            to_id,
            relations=relations,
            max_depth=max_depth,
            max_paths=max_paths,
            as_of=as_of,
        )

    async def snapshot(self, *, as_of: dt.date | None = None) -> Dataset:
        return await (await self._current()).snapshot(as_of=as_of)

    async def close(self) -> None:
        self._connection.close()


def _data_version(db: sqlite3.Connection) -> tuple[int, int]:
    """What tells whether another connection committed since: ``PRAGMA data_version``, which
    compares only within one connection, with the process whose connection it is (a
    process forked from this one opens its own, whose count starts afresh)."""
    return os.getpid(), db.execute("PRAGMA data_version").fetchone()[0]


def _put_change_set(db: sqlite3.Connection, change_set: ChangeSet, parties: list[str]) -> None:
    db.execute(
        "INSERT INTO change_sets (id, status, created_at, body) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET status = excluded.status, body = excluded.body",
        (
            change_set.id,
            change_set.status.value,
            _stamp(change_set.created_at),
            canonical_json(change_set.as_json()),
        ),
    )
    db.executemany(
        "INSERT OR IGNORE INTO change_set_parties (party, change_set) VALUES (?, ?)",
        [(party, change_set.id) for party in parties],
    )


def _token(row: Sequence[Any]) -> TokenRecord:
    return TokenRecord(
        name=row[0],
        role=Role(row[1]),
        token_hash=row[2],
        created_at=dt.datetime.fromisoformat(row[3]),
        revoked_at=None if row[4] is None else dt.datetime.fromisoformat(row[4]),
    )


def _stamp(moment: dt.datetime | None) -> str | None:
    return None if moment is None else _required_stamp(moment)


def _required_stamp(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
