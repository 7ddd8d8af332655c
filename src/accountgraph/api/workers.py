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
interrupted any other way. Workers start at the first costly operation, and stop with the
server.

Where workers come from. ``accountgraph serve`` builds the store before the server starts,
then forks a :class:`WorkerZygote`: a process holding that store, made before any thread
or event loop exists, that forks a worker whenever the server asks. Such a worker starts
at once and shares the store's memory pages with the server (copy-on-write, the graph
frozen out of the garbage collector's reach), however large the graph: a million parties
cost neither a second copy nor the minutes of building one. Without a zygote (an app made
by :func:`~accountgraph.api.app.create_app` in a test), a worker is started by
multiprocessing's fork server and builds its own store from the dataset (the first
costly operation waits about a second for that on the WIPO graph).
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
import time
import weakref
from dataclasses import dataclass, replace
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from multiprocessing.reduction import ForkingPickler
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard

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
    """A worker's answer: ``data`` as JSON text (``None`` when there is none), the errors
    as the API sends them, and the processor seconds the worker spent answering."""

    data: str | None
    errors: list[GraphQLFormattedError]
    seconds: float = 0.0

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
        self.zygote: WorkerZygote | None = None
        """Where workers for the zygote's store are forked from (set by the server)."""
        self.answered = 0
        """Operations the workers have answered."""
        self._store: MemoryStore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._startup: asyncio.Task[None] | None = None
        self._processes: list[_Process] = []
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
        answered = await self.answer(store, job)
        return None if answered is None else answered.result()

    async def answer(self, store: MemoryStore, job: Job) -> Answer | None:
        """As :meth:`run`, with the worker's :class:`Answer` as it came back."""
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
            return Answer(None, [GraphQLError(_WORKER_FAILED).formatted])
        idle.put_nowait(worker)
        self.answered += 1
        return answer

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
        zygote = self.zygote
        if zygote is not None and zygote.store is self._store:
            ours = zygote.fork_worker()
            reader, writer = await asyncio.open_connection(sock=ours)
            (pid,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
            forked = _Forked(pid)
            self._processes.append(forked)
            return _Worker(forked, reader, writer)
        recipe = (self._store.dataset, self._store.step_budget, self.limits)
        process, ours = await asyncio.to_thread(_spawn, recipe)
        self._processes.append(process)
        reader, writer = await asyncio.open_connection(sock=ours)
        return _Worker(process, reader, writer)

    def close(self) -> None:
        """Stop every worker (the server stopping does that too)."""
        _kill_all(self._processes)
        self._startup = None

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


class _Process(Protocol):
    """A worker's process: multiprocessing's, or one a zygote forked (:class:`_Forked`)."""

    @property
    def pid(self) -> int | None: ...

    def is_alive(self) -> bool: ...

    def kill(self) -> None: ...

    def join(self, timeout: float | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class _Forked:
    """A worker a zygote forked: the zygote reaps it, the server only signals it."""

    pid: int

    def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (5.0 if timeout is None else timeout)
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)


class WorkerZygote:
    """A process holding ``store`` that forks query workers when asked; start it with
    :meth:`start` before the server starts any thread or event loop.

    It stops when every process that can ask it (the server's) has closed its end of the
    control socket, and ignores Ctrl-C as the workers do: the server stops it by stopping.
    """

    def __init__(self, store: MemoryStore, control: socket.socket, pid: int) -> None:
        self.store = store
        self.pid = pid
        self._control = control

    @classmethod
    def start(cls, store: MemoryStore, limits: QueryLimits) -> WorkerZygote:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # the zygote
            ours.close()
            code = 0
            try:
                _zygote(theirs, store, limits)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        return cls(store, ours, pid)

    def close(self) -> None:
        """Let the zygote stop (once every process holding its control socket has)."""
        self._control.close()

    def fork_worker(self) -> socket.socket:
        """A new worker's end of its connection; the worker first sends its process id."""
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self._control, [b"fork"], [theirs.fileno()])
        finally:
            theirs.close()
        return ours


def _zygote(control: socket.socket, store: MemoryStore, limits: QueryLimits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked workers are reaped at once
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    while True:
        message, fds, _, _ = socket.recv_fds(control, 16, 1)
        if not message:
            return
        for fd in fds:
            if os.fork() == 0:  # a worker
                control.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                connection = socket.socket(fileno=fd)
                connection.sendall(_HEADER.pack(os.getpid()))
                _answer_jobs(connection, store, limits)
                os._exit(0)
            os.close(fd)


@dataclass(slots=True)
class _Worker:
    process: _Process
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


def _kill(process: _Process) -> None:
    if process.is_alive():
        process.kill()
    process.join(timeout=5)


def _kill_all(processes: list[_Process]) -> None:
    for process in processes:
        _kill(process)
    processes.clear()


def _serve(
    connection: socket.socket, dataset: Dataset, step_budget: int, limits: QueryLimits
) -> None:
    """A worker's life started by multiprocessing: build the store, answer jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    _answer_jobs(connection, MemoryStore(dataset, step_budget=step_budget), limits)


def _answer_jobs(connection: socket.socket, store: MemoryStore, limits: QueryLimits) -> None:
    """Answer jobs on ``connection`` one at a time until the server closes it."""
    from accountgraph.api.schema import build_schema

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
    # processor time, not time on the clock: the work the request is, however little of
    # the processor a busy machine left this (lower-priority) process
    started = time.process_time()
    answer = await _answer_unclocked(schema, store, job, max_bytes)
    return replace(answer, seconds=time.process_time() - started)


async def _answer_unclocked(schema: Any, store: MemoryStore, job: Job, max_bytes: int) -> Answer:
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
