"""Running the app: one uvicorn process, or several sharing one loaded graph.

The embedded store is built before the server starts and its objects are moved out of the
garbage collector's reach (:func:`freeze_loaded`): a graph of a million parties is tens of
millions of objects, and a full collection walking them all would pause every request for
a second. Nothing in it is ever freed, so nothing is lost. The SQLite store's graph is
built from its file the same way; each process then keeps it current by itself, replaying
the log entries another process appended (the file says when there are some).

Then, still before any thread or event loop exists, it forks the zygote that forks the
query workers (:class:`~accountgraph.api.workers.WorkerZygote`): they share the graph too.

With ``workers`` above one, gunicorn forks that many uvicorn processes from the one that
built the store (its ``preload_app``), after the freeze: they share the graph's memory
pages copy-on-write, and each answers on its own core (and asks the one zygote for its
query workers). A graph database store is opened by each process for itself (a
connection cannot cross a fork).
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import socket
import sys
from typing import Any

import uvicorn
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from starlette.applications import Starlette
from uvicorn_worker import UvicornWorker

from accountgraph.api.app import create_app
from accountgraph.api.slow_clients import h11_protocol
from accountgraph.api.workers import WorkerZygote
from accountgraph.model import Dataset
from accountgraph.settings import Settings
from accountgraph.store import open_store
from accountgraph.store.base import GraphStore
from accountgraph.store.memory import MemoryStore
from accountgraph.store.sqlite import SqliteStore
from accountgraph.store.urls import SQLITE_SCHEMES, scheme_of


def freeze_loaded() -> None:
    """Move every object alive now to the collector's permanent generation: a loaded graph
    is never scanned again, and processes forked later do not copy its pages by scanning."""
    gc.collect()
    gc.freeze()


def serve(settings: Settings, dataset: Dataset | None = None, *, workers: int = 1) -> None:
    """Serve the API on ``settings.host:settings.port`` until interrupted.

    Args:
        settings: what to serve and how (``settings.store``: ``memory``, ``sqlite:///…``
            or a graph database URL).
        dataset: the dataset for the embedded store (required when it is the store).
        workers: processes answering requests; above one they share the loaded graph.
    """
    store: GraphStore | None = None
    if settings.store == "memory" or scheme_of(settings.store) in SQLITE_SCHEMES:
        store = open_store(settings.store, dataset)
        if isinstance(store, MemoryStore | SqliteStore):
            store.prepare()  # its graph and lazy indexes, built before the freeze and forks
        freeze_loaded()
    app = create_app(settings, dataset=dataset, store=store)
    if isinstance(store, MemoryStore) and settings.limits.workers > 0:
        app.state.schema.workers.zygote = WorkerZygote.start(store, settings.limits)
    protocol = h11_protocol(settings.header_timeout)
    if workers <= 1:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", http=protocol)
        return
    supervisor = os.getpid()
    try:
        _PreforkedServer(app, settings, workers, protocol).run()
    except SystemExit as stopped:  # gunicorn exits once stopped: its workers so, we return
        if os.getpid() != supervisor or stopped.code not in (0, None):
            raise


class _Worker(UvicornWorker):  # type: ignore[misc]
    """uvicorn in a gunicorn worker, with a listening socket of its own and stopping as
    soon as gunicorn asks.

    All workers accepting on the one socket gunicorn shares, the first to wake took every
    connection waiting (asyncio accepts them in a burst): under 16 kept-alive connections
    one worker served them all (measured: 756 against 1 processor tick). So each worker
    also listens on a socket of its own bound to the same address with ``SO_REUSEPORT``,
    and the kernel spreads new connections across the sockets. On Ctrl-C gunicorn sends
    its workers SIGQUIT, which uvicorn-worker's own handler only notes (each worker ran
    until gunicorn killed it, 10 s later): here it stops uvicorn."""

    async def _serve(self) -> None:
        self.config.app = self.wsgi
        server = uvicorn.Server(config=self.config)
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGQUIT, server.handle_exit, signal.SIGQUIT, None)
        own = [_twin(shared) for shared in self.sockets if shared.family in _INET]
        await server.serve(sockets=[*own, *self.sockets])
        if not server.started:
            sys.exit(Arbiter.WORKER_BOOT_ERROR)


_INET = (socket.AF_INET, socket.AF_INET6)


def _twin(shared: socket.socket) -> socket.socket:
    """A listening socket bound, as ``shared`` is (with ``SO_REUSEPORT``), to its address."""
    twin = socket.socket(shared.family, socket.SOCK_STREAM)
    twin.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    twin.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    twin.bind(shared.getsockname())
    twin.listen(2048)
    twin.setblocking(False)
    return twin


class _PreforkedServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running ``workers`` uvicorn processes forked from this one, the app (and
    the graph it holds) loaded here first."""

    def __init__(
        self, app: Starlette, settings: Settings, workers: int, protocol: type[Any]
    ) -> None:
        self.app = app
        self.options: dict[str, Any] = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": workers,
            "worker_class": type(
                "AccountGraphWorker", (_Worker,), {"CONFIG_KWARGS": {"http": protocol}}
            ),
            "preload_app": True,
            "reuse_port": True,
            "loglevel": "warning",
            "graceful_timeout": 10,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Starlette:
        return self.app
