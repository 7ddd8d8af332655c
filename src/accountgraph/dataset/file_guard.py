"""A dataset file, opened and read within bounds.

Only a regular file is opened, and it is looked at before it is opened: opening a named
pipe for reading waits for a writer, and a device such as ``/dev/zero`` never ends. The
file is read up to :data:`MAX_DATASET_BYTES` (or the limit given) and never further,
however large it claims or turns out to be, and it must be UTF-8 text (a byte order mark
is fine).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
from pathlib import Path
from typing import Any

from accountgraph.errors import DatasetError, Problem

MAX_DATASET_BYTES = 1 << 30
"""The default largest dataset file, 1 GiB: a million parties with their edges and
citations fit (the synthetic organisation of a million is 532 MiB of YAML)."""
LIMIT_SETTING = "ACCOUNTGRAPH_MAX_DATASET_BYTES"

_CHUNK = 1 << 24
_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def read_dataset_text(path: Path, max_bytes: int = MAX_DATASET_BYTES) -> str:
    """The text of the dataset file at ``path``, of at most ``max_bytes`` bytes.

    Raises :class:`DatasetError` (one problem, with its line when there is one) if the
    path is not a regular file, is larger, cannot be read or is not UTF-8 text.
    """
    with open_dataset_file(path, max_bytes) as file:
        return file.text()


class DatasetFile:
    """A dataset file, open and checked as :func:`read_dataset_text` checks it, which the
    fast paths read from its start as often as they need (:meth:`reader`) without holding
    it whole: a million parties' YAML file is 500 MiB of bytes. Never read past the limit
    it was checked within, even if it grows. Close it (or use ``with``)."""

    def __init__(self, path: Path, descriptor: int, size: int, holds_control: bool) -> None:
        self.path = path
        self._descriptor = descriptor
        self._size = size
        self.holds_control_character = holds_control
        """Whether it holds a character no dataset's text holds (a control character)."""

    def reader(self) -> io.RawIOBase:
        """The file's bytes from its start, as a stream of its own."""
        return _Reader(self._descriptor, self._size)

    def read_all(self) -> bytes:
        return self.reader().readall()

    def text(self) -> str:
        """The file's text; raises :class:`DatasetError` if it changed and is no longer
        UTF-8 text."""
        return _decode(self.path, self.read_all())

    def close(self) -> None:
        if self._descriptor >= 0:
            os.close(self._descriptor)
            self._descriptor = -1

    def __enter__(self) -> DatasetFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Reader(io.RawIOBase):
    """A dataset file's bytes from its start up to ``size``, read with ``pread``, so that
    readers of one file do not move each other."""

    def __init__(self, descriptor: int, size: int) -> None:
        self._descriptor = descriptor
        self._size = size
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        room = min(len(buffer), self._size - self._offset)
        if room <= 0:
            return 0
        data = os.pread(self._descriptor, room, self._offset)
        buffer[: len(data)] = data
        self._offset += len(data)
        return len(data)


_CONTROL_BYTES = re.compile(
    rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]"
)
"""In UTF-8, the characters the YAML reader refuses in a text (surrogates are not UTF-8)."""


def open_dataset_file(path: Path, max_bytes: int = MAX_DATASET_BYTES) -> DatasetFile:
    """The dataset file at ``path``, open and checked: a regular file of at most
    ``max_bytes`` bytes of UTF-8 text. Raises :class:`DatasetError` as
    :func:`read_dataset_text` does."""
    try:
        _require_regular(path, os.stat(path).st_mode)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise _refuse(path, f"cannot read the file: {error.strerror or error}") from None
    try:
        status = os.fstat(descriptor)
        # What was opened may not be what was looked at, if the path changed in between.
        _require_regular(path, status.st_mode)
        if status.st_size > max_bytes:
            raise _too_large(path, status.st_size, max_bytes)
        size, good, holds_control = _check_text(descriptor, max_bytes)
        if size > max_bytes:  # it grew, or did not say its size (as files in /proc)
            raise _too_large(path, None, max_bytes)
        if not good:
            _decode(path, _Reader(descriptor, size).readall())  # says what is wrong, where
    except OSError as error:
        os.close(descriptor)
        raise _refuse(path, f"cannot read the file: {error.strerror or error}") from None
    except BaseException:
        os.close(descriptor)
        raise
    return DatasetFile(path, descriptor, size, holds_control)


def _check_text(descriptor: int, max_bytes: int) -> tuple[int, bool, bool]:
    """The size read (at most ``max_bytes`` and one), whether it is UTF-8 text without
    NUL or a wide byte order mark, and whether it holds a control character."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    size, good, holds_control, tail = 0, True, False, b""
    while size <= max_bytes:
        chunk = os.read(descriptor, min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        if size == 0 and any(chunk.startswith(bom) for bom, _ in _WIDE_BOMS):
            good = False
        size += len(chunk)
        if b"\0" in chunk:
            good = False
        if good:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                good = False
        holds_control = holds_control or _CONTROL_BYTES.search(tail + chunk) is not None
        tail = chunk[-2:]
    if good:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            good = False
    return size, good, holds_control


def _refuse(path: Path, message: str, line: int | None = None) -> DatasetError:
    return DatasetError(path, [Problem(str(path), line, message)])


def _too_large(path: Path, size: int | None, max_bytes: int) -> DatasetError:
    """``size`` is ``None`` when reading stopped at the limit, before the end."""
    shown = "larger than" if size is None else f"{_bytes(size)}, more than"
    message = (
        f"the file is {shown} the limit of {_bytes(max_bytes)} for a dataset; "
        f"raise the limit with --max-dataset-bytes or {LIMIT_SETTING}"
    )
    return _refuse(path, message)


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
    raise _refuse(path, f"cannot read {kind}: a dataset must be a regular file")


def _bytes(count: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            return f"{count:,} bytes ({count / size:.1f} {unit})"
    return f"{count:,} bytes"


def _decode(path: Path, data: bytes) -> str:
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            message = f"the file is {encoding} text; a dataset is UTF-8: save it as UTF-8"
            raise _refuse(path, message, 1)
    nul = data.find(b"\0")
    if nul >= 0:
        message = (
            "the file holds a NUL byte: it is binary data or UTF-16 text, not a UTF-8 YAML dataset"
        )
        raise _refuse(path, message, _line_at(data, nul))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"the file is not UTF-8 text (byte 0x{data[error.start]:02x})"
        raise _refuse(path, message, _line_at(data, error.start)) from None


def _line_at(data: bytes, index: int) -> int:
    return data.count(b"\n", 0, index) + 1
