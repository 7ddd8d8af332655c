"""Worker processes that answer costly GraphQL operations on the embedded store, so that
the event loop stays free for every other client.

The server answers all its clients on one event loop. An operation that computes for
long (many paths, lists in lists) would hold that loop the whole time, and a one-field
query or ``/health`` would wait behind it. Threads do not help: Python runs one thread
at a time, and the loop would queue for the interpreter lock behind the computation. So
costly operations run in a bounded pool of processes, each holding its own copy of the
dataset's graph: the loop only sends the document and receives the answer, already
encoded as JSON and checked against the size limit (and sends it on as it is:
:mod:`accountgraph.api.encoded`).

Workers run at a lower scheduling priority (:data:`WORKER_NICENESS`), so that on a busy
machine the event loop gets the processor first. A worker still computing when its
request runs out of time is killed and replaced: pure-Python computation cannot be
interrupted any other way. Workers start at the first costly operation (the first one
waits about a second for them), and stop with the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import weakref
from dataclasses import dataclass, replace
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeGuard

from graphql import ExecutionResult, GraphQLError, GraphQLFormattedError, SourceLocation

from accountgraph.api.encoded import decoded_or_encoded
from accountgraph.api.refusals import encode_json, too_large
from accountgraph.settings import QueryLimits
from accountgraph.store.memory import MemoryStore

if TYPE_CHECKING:
    from accountgraph.model import Dataset

log = logging.getLogger("accountgraph.api")

WORKER_NICENESS = 10
"""How much lower than the server's the workers' scheduling priority is (``nice``)."""

_HEADER = struct.Struct("!Q")


@dataclass(frozen=True, slots=True)
class Job:
    """One operation for a worker: the document, its variables, which operation."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None


@dataclass(frozen=True, slots=True)
class Answer:
    """A worker's answer: ``data`` as JSON text (``None`` when there is none) and the
    errors as the API sends them."""

    data: str | None
    errors: list[GraphQLFormattedError]

    def result(self) -> ExecutionResult:
        data = None if self.data is None else decoded_or_encoded(self.data)
        return ExecutionResult(data, [_error(e) for e in self.errors] or None)


class QueryWorkers:
    """A pool of ``size`` worker processes for one schema's costly operations.

    Args:
        size: how many operations may compute at once; 0 runs none in workers.
        limits: the limits the workers hold each operation to.
    """

    def __init__(self, size: int, limits: QueryLimits) -> None:
        self.size = size
        self.limits = limits
        self._store: MemoryStore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._startup: asyncio.Task[None] | None = None
        self._processes: list[BaseProcess] = []
        self._tasks: set[asyncio.Task[None]] = set()
        weakref.finalize(self, _kill_all, self._processes)

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers alive now."""
        return [p.pid for p in self._processes if p.pid is not None and p.is_alive()]

    def serves(self, store: object) -> TypeGuard[MemoryStore]:
        """Whether operations on ``store`` can run in a worker: the embedded store only (a
        graph database already does its searching in its own server)."""
        return self.size > 0 and type(store) is MemoryStore

    async def run(self, store: MemoryStore, job: Job) -> ExecutionResult | None:
        """Answer ``job`` in a worker holding ``store``'s dataset; ``None`` if workers cannot
        be started here (the caller then answers it itself, and so will every later caller).
        Cancelling this (the request's time budget) kills the worker computing it."""
        idle, startup = self._ready(store)
        try:
            await asyncio.shield(startup)
        except Exception:  # whatever stops processes starting here, the query is answered
            log.exception("cannot start query workers; costly queries run on the event loop")
            self.size = 0
            return None
        worker = await idle.get()
        try:
            answer = await worker.ask(job)
        except asyncio.CancelledError:
            self._retire(worker)
            raise
        except (OSError, EOFError, asyncio.IncompleteReadError, pickle.UnpicklingError):
            log.exception("a query worker stopped unexpectedly; starting another")
            self._retire(worker)
            return ExecutionResult(None, [GraphQLError(_WORKER_FAILED)])
        idle.put_nowait(worker)
        return answer.result()

    def _ready(self, store: MemoryStore) -> tuple[asyncio.Queue[_Worker], asyncio.Task[None]]:
        """The queue of idle workers for ``store`` on this event loop, and the task starting
        them (once, on its own: a cancelled request does not stop it)."""
        loop = asyncio.get_running_loop()
        if self._startup is None or self._store is not store or self._loop is not loop:
            _kill_all(self._processes)
            self._store, self._loop = store, loop
            self._idle = asyncio.Queue()
            self._startup = loop.create_task(self._start_all(self._idle))
        return self._idle, self._startup

    async def _start_all(self, idle: asyncio.Queue[_Worker]) -> None:
        for worker in await asyncio.gather(*(self._start() for _ in range(self.size))):
            idle.put_nowait(worker)

    async def _start(self) -> _Worker:
        assert self._store is not None
        recipe = (self._store.dataset, self._store.step_budget, self.limits)
        process, ours = await asyncio.to_thread(_spawn, recipe)
        self._processes.append(process)
        reader, writer = await asyncio.open_connection(sock=ours)
        return _Worker(process, reader, writer)

    async def settled(self) -> None:
        """Wait until the workers being replaced are replaced."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _retire(self, worker: _Worker) -> None:
        """Kill ``worker`` and put a fresh one in its place."""
        worker.writer.close()
        with contextlib.suppress(ValueError):
            self._processes.remove(worker.process)
        if worker.process.is_alive():
            worker.process.kill()
        idle = self._idle

        async def replace_it() -> None:
            await asyncio.to_thread(_kill, worker.process)
            try:
                fresh = await self._start()
            except Exception:
                log.exception("cannot start a query worker in place of one stopped")
                return
            if idle is self._idle:
                idle.put_nowait(fresh)
            else:
                fresh.writer.close()
                await asyncio.to_thread(_kill, fresh.process)

        task = asyncio.get_running_loop().create_task(replace_it())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


_WORKER_FAILED = "the process answering this query stopped unexpectedly; try again"


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def ask(self, job: Job) -> Answer:
        payload = pickle.dumps(job)
        self.writer.write(_HEADER.pack(len(payload)) + payload)
        await self.writer.drain()
        (length,) = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))
        answer: Answer = pickle.loads(await self.reader.readexactly(length))
        return answer


def _spawn(recipe: tuple[Dataset, int, QueryLimits]) -> tuple[BaseProcess, socket.socket]:
    """Start one worker process (blocking: the first start also starts the fork server)."""
    context = _context()
    ours, theirs = socket.socketpair()
    process = context.Process(
        target=_serve, args=(theirs, *recipe), name="accountgraph-query-worker", daemon=True
    )
    process.start()
    theirs.close()
    return process, ours


def _mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _read_only, (dict(proxy),)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


# The model's read-only mappings travel to a worker as the mappings they show.
ForkingPickler.register(MappingProxyType, _mapping_proxy)


def _context() -> ForkServerContext | SpawnContext:
    """Processes forked from a clean server process that has already imported us (fast,
    and safe in a threaded parent); spawned where there is no fork server."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(["accountgraph.api.schema"])
        return forkserver
    return multiprocessing.get_context("spawn")


def _kill(process: BaseProcess) -> None:
    if process.is_alive():
        process.kill()
    process.join(timeout=5)


def _kill_all(processes: list[BaseProcess]) -> None:
    for process in processes:
        _kill(process)
    processes.clear()


def _serve(
    connection: socket.socket, dataset: Dataset, step_budget: int, limits: QueryLimits
) -> None:
    """A worker's life: answer jobs one at a time until the server closes the connection."""
    from accountgraph.api.schema import build_schema

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    store = MemoryStore(dataset, step_budget=step_budget)
    schema = build_schema(replace(limits, workers=0, max_response_bytes=2**62))
    loop = asyncio.new_event_loop()
    stream = connection.makefile("rwb")
    while True:
        header = stream.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (length,) = _HEADER.unpack(header)
        job: Job = pickle.loads(stream.read(length))
        answer = loop.run_until_complete(_answer(schema, store, job, limits.max_response_bytes))
        payload = pickle.dumps(answer)
        stream.write(_HEADER.pack(len(payload)) + payload)
        stream.flush()


async def _answer(schema: Any, store: MemoryStore, job: Job, max_bytes: int) -> Answer:
    from accountgraph.api.context import ApiContext

    result = await schema.execute(
        job.query,
        variable_values=job.variables,
        context_value=ApiContext(store=store),
        operation_name=job.operation_name,
    )
    errors = [error.formatted for error in result.errors or ()]
    if result.data is None:
        return Answer(None, errors)
    data = encode_json(result.data)
    if len(data) > max_bytes:
        return Answer(None, [too_large(len(data), max_bytes).formatted])
    return Answer(data, errors)


def _error(formatted: GraphQLFormattedError) -> GraphQLError:
    """A worker's error as the GraphQLError it was (message, path, locations, extensions)."""
    error = GraphQLError(
        formatted["message"], path=formatted.get("path"), extensions=formatted.get("extensions")
    )
    if formatted.get("locations"):
        error.locations = [SourceLocation(**location) for location in formatted["locations"]]
    return error
