"""The pages' static files (scripts, styles, icons) sent compressed and revalidated.

:class:`CompressedStaticFiles` is Starlette's ``StaticFiles`` (which finds the file and
keeps requests inside the directory) answering from files read and gzipped once: at start
for every file there, again only when a file's size or modification time changes. Each
answer carries

- ``Content-Encoding: gzip`` when the client accepts it (``Accept-Encoding``, ``q=0``
  refusing) and compressing saves something, with ``Vary: Accept-Encoding``;
- an ``ETag`` from the content (the gzipped answer's ends in ``-gzip``: a strong tag
  names one set of bytes) and ``Last-Modified``;
- ``Cache-Control: no-cache``: a browser keeps the file but asks each time, and an
  ``If-None-Match`` (or ``If-Modified-Since``) that still holds is answered ``304`` with
  no body. The URLs carry no version, so a cache must never skip that question.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

CACHE_CONTROL = "no-cache"
"""Keep, but revalidate before each use (the URLs are not versioned)."""

GZIP_LEVEL = 9
"""Compressed once per file version, so the smallest output is worth its time."""


@dataclass(frozen=True, slots=True)
class StaticFile:
    """One version of one file: its bytes, gzipped too when that is smaller."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    digest: str
    last_modified: str
    version: tuple[int, int]
    """The file's modification time (ns) and size when read."""

    @classmethod
    def read(cls, path: Path, status: os.stat_result) -> StaticFile:
        return cls.holding(path.read_bytes(), path.name, status)

    @classmethod
    def holding(cls, body: bytes, name: str, status: os.stat_result) -> StaticFile:
        """``body`` as the file ``name`` whose status is ``status``."""
        packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return cls(
            body=body,
            gzipped=packed if len(packed) < len(body) else None,
            media_type=media_type,
            digest=hashlib.sha256(body).hexdigest()[:24],
            last_modified=formatdate(status.st_mtime, usegmt=True),
            version=(status.st_mtime_ns, status.st_size),
        )


PageVariant = Callable[[bytes], bytes]
"""A page as one kind of server serves it: its bytes made from the file's."""


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header lets the answer be gzipped: ``gzip`` (or
    ``x-gzip``, or ``*``) listed without ``q=0``."""
    accepted: dict[str, bool] = {}
    for item in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            accepted[coding.lower()] = weight > 0
    for coding in ("gzip", "x-gzip", "*"):
        if coding in accepted:
            return accepted[coding]
    return False


class CompressedStaticFiles(StaticFiles):
    """``StaticFiles`` over ``directory``, answering from its files read and gzipped once
    (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self._files: dict[str, StaticFile] = {}
        self._variants: dict[tuple[str, PageVariant], StaticFile] = {}
        for path in sorted(directory.rglob("*")):
            status = path.stat()
            if stat.S_ISREG(status.st_mode):
                self._files[os.path.realpath(path)] = StaticFile.read(path, status)

    def current(self, full_path: str, status: os.stat_result) -> StaticFile:
        """The file at ``full_path`` as it is now, read again only if it changed."""
        known = self._files.get(full_path)
        if known is not None and known.version == (status.st_mtime_ns, status.st_size):
            return known
        fresh = StaticFile.read(Path(full_path), status)
        self._files[full_path] = fresh
        return fresh

    async def page(self, name: str, scope: Scope, variant: PageVariant | None = None) -> Response:
        """The file ``name`` of this directory, or ``variant`` of it (made once per version of
        the file), as the request in ``scope`` asks for it: for a page answered at a route of
        its own (``/``, the console at ``/graphql``)."""
        path = Path(os.fspath(self.directory or ".")) / name
        status = await run_in_threadpool(path.stat)
        file = self.current(os.path.realpath(path), status)
        if variant is not None:
            made = self._variants.get((file.digest, variant))
            if made is None:
                made = StaticFile.holding(variant(file.body), name, status)
                self._variants[(file.digest, variant)] = made
            file = made
        return self.answer(file, Headers(scope=scope))

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        return self.answer(self.current(os.fspath(full_path), stat_result), Headers(scope=scope))

    def answer(self, file: StaticFile, request_headers: Headers) -> Response:
        """``file`` as the request asks for it: gzipped or not, or ``304``."""
        gzipped = file.gzipped is not None and accepts_gzip(
            request_headers.get("accept-encoding", "")
        )
        headers = {
            "ETag": f'"{file.digest}-gzip"' if gzipped else f'"{file.digest}"',
            "Last-Modified": file.last_modified,
            "Cache-Control": CACHE_CONTROL,
            "Vary": "Accept-Encoding",
        }
        if self.is_not_modified(Headers(headers), request_headers):
            return Response(status_code=304, headers=headers)
        if gzipped and file.gzipped is not None:
            headers["Content-Encoding"] = "gzip"
            return Response(file.gzipped, media_type=file.media_type, headers=headers)
        return Response(file.body, media_type=file.media_type, headers=headers)
