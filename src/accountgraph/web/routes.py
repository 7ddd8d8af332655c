"""The organisation graph page at ``/``, the laid-out graph it draws, and its exports.

- ``GET /``: the page (web/page/page.html), under a Content-Security-Policy that allows
  only the server's own scripts, styles and images (set by
  :class:`~accountgraph.api.headers.SecurityHeadersMiddleware`).
- ``GET /static/page/…`` and ``GET /static/console/…``: the page's and the GraphQL
  console's scripts, styles and icons. They and the page itself are read and gzipped once,
  and answered gzipped when the browser accepts it, with an ETag, Last-Modified and
  ``Cache-Control: no-cache`` (``304`` when unchanged):
  :class:`~accountgraph.web.static_files.CompressedStaticFiles`.
- ``GET /api/graph?as_of=YYYY-MM-DD``: the graph laid out for drawing
  (:func:`accountgraph.chart.graph_document`). Without ``as_of``, a dated dataset is
  drawn as it stands today (as the API answers), an undated one whole. Laid out once per
  dataset version and day, kept in a small cache keyed by the dataset's name, a hash of
  its content, the log head of a store that can be changed (so a change applied is drawn
  at once, and its ETag differs) and the day; answered gzipped when the browser accepts
  it, with an ETag.
- ``GET /api/export?format=F&as_of=YYYY-MM-DD&lang=en|zh``: the graph as a file, one of
  :data:`accountgraph.export.FORMATS`, offered as a download.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from accountgraph.chart import dated, graph_document
from accountgraph.dates import parse_day
from accountgraph.errors import AccountGraphError, StoreUnavailableError
from accountgraph.export import EXTENSIONS, FORMATS, MEDIA_TYPES, ExportError, export
from accountgraph.governance.changeable import ChangeableStore
from accountgraph.governance.log import LogHead
from accountgraph.layout import Layout, layout
from accountgraph.model import LANGUAGES, Dataset
from accountgraph.model_json import edge_json, party_json, responsibility_json
from accountgraph.store.base import GraphStore
from accountgraph.web import WEB_DIR
from accountgraph.web.static_files import CompressedStaticFiles

PAGE_DIR = WEB_DIR / "page"
CONSOLE_DIR = WEB_DIR / "console"


CACHE_SIZE = 8
"""How many laid-out graphs (dataset versions and days) the server keeps."""


@dataclass(frozen=True, slots=True)
class DrawnGraph:
    """One dataset version on one day, laid out, with its JSON ready to send."""

    dataset: Dataset
    placed: Layout
    version: str
    body: bytes
    gzipped: bytes

    @property
    def etag(self) -> str:
        return f'"{hashlib.sha256(self.body).hexdigest()[:24]}"'


def content_hash(dataset: Dataset) -> str:
    """A digest of everything in ``dataset``: equal for equal datasets."""
    digest = hashlib.sha256()
    document = dataset.document
    head = [dataset.name, dataset.title.as_dict(), document.symbol, list(document.sections)]
    digest.update(json.dumps(head, ensure_ascii=False).encode())
    for item in (
        *(party_json(p) for p in dataset.parties),
        *(edge_json(e) for e in dataset.edges),
        *(responsibility_json(r) for r in dataset.responsibilities),
    ):
        digest.update(json.dumps(item, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:16]


class GraphCache:
    """Laid-out graphs by (dataset name, version, day), the most recent few; the version
    is the content hash, and the log head of a store that can be changed."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._graphs: OrderedDict[tuple[str, str, dt.date | None], DrawnGraph] = OrderedDict()
        self._hashes: OrderedDict[int, tuple[Dataset, str]] = OrderedDict()
        self._lock = asyncio.Lock()
        self.layouts_computed = 0

    def version(self, dataset: Dataset) -> str:
        """The content hash of ``dataset``, remembered for the same object (a store that
        keeps its dataset in memory hands out the same one every time)."""
        known = self._hashes.get(id(dataset))
        if known is not None and known[0] is dataset:
            return known[1]
        digest = content_hash(dataset)
        self._hashes[id(dataset)] = (dataset, digest)
        while len(self._hashes) > 2:
            self._hashes.popitem(last=False)
        return digest

    async def get(
        self, whole: Dataset, day: dt.date | None, head: LogHead | None = None
    ) -> DrawnGraph:
        """``whole`` as of ``day`` (all of it when ``None``), laid out; ``head`` is the
        log head ``whole`` reflects, on a store that can be changed."""
        async with self._lock:
            version = await run_in_threadpool(self.version, whole)
            if head is not None:
                version = f"{version}-log-{head.position}-{head.hash[:16]}"
            key = (whole.name, version, day)
            found = self._graphs.get(key)
            if found is not None:
                self._graphs.move_to_end(key)
                return found
            drawn = await run_in_threadpool(_draw, whole, day, version)
            self.layouts_computed += 1
            self._graphs[key] = drawn
            while len(self._graphs) > self._size:
                self._graphs.popitem(last=False)
            return drawn


def _draw(whole: Dataset, day: dt.date | None, version: str) -> DrawnGraph:
    dataset = whole if day is None else whole.as_of(day)
    placed = layout(dataset)
    document = graph_document(dataset, placed, version=version, as_of=day, dates_of=whole)
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return DrawnGraph(dataset, placed, version, body, gzip.compress(body, compresslevel=6))


class BadRequest(AccountGraphError):
    """A query parameter has a value the routes cannot use."""


def _day(request: Request, whole: Dataset) -> dt.date | None:
    """The day asked for in ``as_of``; else today for a dated dataset, else ``None``."""
    raw = request.query_params.get("as_of")
    if raw:
        try:
            return parse_day(raw)
        except ValueError:
            raise BadRequest(f"as_of must be a date written YYYY-MM-DD, not {raw!r}") from None
    return dt.date.today() if dated(whole)[0] else None


def _problem(error: AccountGraphError) -> JSONResponse:
    if isinstance(error, StoreUnavailableError):
        status = 503
    elif isinstance(error, ExportError) and "unknown format" not in str(error):
        status = 501
    else:
        status = 400
    return JSONResponse({"error": str(error)}, status_code=status)


GOVERNED_ONLY = b" data-governed-only hidden"
"""How page.html marks what only a store that keeps change sets offers (signing in, the
change sets view): hidden, unless the server says otherwise."""


def governed_page(page: bytes) -> bytes:
    """The page as a store that keeps change sets serves it: what only such a store offers
    shown from the first paint (shown by the script once it had asked, it moved the page)."""
    if GOVERNED_ONLY not in page:
        raise ValueError(f"page.html marks nothing with{GOVERNED_ONLY.decode()}")
    return page.replace(GOVERNED_ONLY, b" data-governed-only")


class _PageRoutes:
    """The JSON routes of one app, sharing its cache of laid-out graphs."""

    def __init__(self, cache: GraphCache, page_files: CompressedStaticFiles) -> None:
        self.cache = cache
        self.page_files = page_files

    async def page(self, request: Request) -> Response:
        governed = request.app.state.governance.changeable
        variant = governed_page if governed else None
        return await self.page_files.page("page.html", request.scope, variant)

    async def drawn(self, request: Request) -> DrawnGraph:
        store: GraphStore = request.app.state.store
        if isinstance(store, ChangeableStore):
            whole, head = await store.live()
            return await self.cache.get(whole, _day(request, whole), head)
        whole = await store.snapshot()
        return await self.cache.get(whole, _day(request, whole))

    async def graph(self, request: Request) -> Response:
        try:
            drawn = await self.drawn(request)
        except AccountGraphError as error:
            return _problem(error)
        headers = {"ETag": drawn.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == drawn.etag:
            return Response(status_code=304, headers=headers)
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            return Response(drawn.gzipped, media_type="application/json", headers=headers)
        return Response(drawn.body, media_type="application/json", headers=headers)

    async def export(self, request: Request) -> Response:
        fmt = request.query_params.get("format", "")
        lang = request.query_params.get("lang", "en")
        try:
            if fmt not in FORMATS:
                raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
            if lang not in LANGUAGES:
                raise BadRequest(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
            drawn = await self.drawn(request)
            content = await run_in_threadpool(
                export, drawn.dataset, fmt, lang=lang, placed=drawn.placed
            )
        except AccountGraphError as error:
            return _problem(error)
        as_of = request.query_params.get("as_of")
        stem = drawn.dataset.name + (f"-as-of-{as_of}" if as_of else "")
        media = MEDIA_TYPES[fmt] + ("" if fmt == "png" else "; charset=utf-8")
        disposition = f'attachment; filename="{stem}.{EXTENSIONS[fmt]}"'
        return Response(content, media_type=media, headers={"Content-Disposition": disposition})


def page_routes(
    console_files: CompressedStaticFiles, cache: GraphCache | None = None
) -> list[BaseRoute]:
    """The page at ``/``, its JSON routes and the static files of the page
    (``/static/page``, :data:`PAGE_DIR`) and of the console (``/static/console``,
    ``console_files``, whose page the GraphQL endpoint answers), with their own cache of
    laid-out graphs and of the page's files (one per call: one per app)."""
    page_files = CompressedStaticFiles(PAGE_DIR)
    routes = _PageRoutes(cache or GraphCache(), page_files)
    return [
        Route("/", routes.page, methods=["GET"]),
        Route("/api/graph", routes.graph, methods=["GET"]),
        Route("/api/export", routes.export, methods=["GET"]),
        Mount("/static/page", page_files),
        Mount("/static/console", console_files),
    ]
