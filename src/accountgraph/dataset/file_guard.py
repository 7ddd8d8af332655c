"""The text of a dataset file, read within bounds.

Only a regular file is opened, and it is looked at before it is opened: opening a named
pipe for reading waits for a writer, and a device such as ``/dev/zero`` never ends. The
file is read up to :data:`MAX_DATASET_BYTES` (or the limit given) and never further,
however large it claims or turns out to be, and it must be UTF-8 text (a byte order mark
is fine).
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from accountgraph.errors import DatasetError, Problem

MAX_DATASET_BYTES = 1 << 30
"""The default largest dataset file, 1 GiB: a million parties with their edges and
citations fit; the YAML reader would take hours over more."""
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
    return _decode(path, _read_bytes(path, max_bytes))


def read_dataset_bytes(path: Path, max_bytes: int = MAX_DATASET_BYTES) -> bytes:
    """The bytes of the dataset file at ``path``, checked as :func:`read_dataset_text`
    checks them (``bytes.decode("utf-8-sig")`` gives its text), without holding its text:
    a text with a character past U+00FF takes two or four bytes a character."""
    data = _read_bytes(path, max_bytes)
    if not _is_utf8_text(data):
        _decode(path, data)  # raises, saying what is wrong and where
    return data


def _is_utf8_text(data: bytes) -> bool:
    if any(data.startswith(bom) for bom, _ in _WIDE_BOMS) or b"\0" in data:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _refuse(path: Path, message: str, line: int | None = None) -> DatasetError:
    return DatasetError(path, [Problem(str(path), line, message)])


def _read_bytes(path: Path, max_bytes: int) -> bytes:
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
        data = _read_at_most(descriptor, status.st_size + 1, max_bytes + 1)
    except OSError as error:
        raise _refuse(path, f"cannot read the file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:  # it grew, or did not say its size (as files in /proc)
        raise _too_large(path, None, max_bytes)
    return data


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


def _read_at_most(descriptor: int, first: int, most: int) -> bytes:
    """Up to ``most`` bytes: ``first`` (the file's size and one) at once, then in chunks."""
    chunks: list[bytes] = []
    total, wanted = 0, first
    while total < most:
        chunk = os.read(descriptor, min(wanted, most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total, wanted = total + len(chunk), _CHUNK
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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
