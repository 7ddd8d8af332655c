"""Which installed font can draw a text, asked of fontconfig as cairo asks it.

CairoSVG draws each text with one font (cairo's "toy" font API): the one fontconfig
matches for the first family the SVG names, with no fallback to another font for the
characters it lacks, which come out as empty boxes. :func:`font_for` asks fontconfig for
the font best matching a family *and* covering a text, and says which characters no
installed font has. It reads libfontconfig through :mod:`ctypes`, the library cairo
itself uses on Linux and the BSDs; where there is none (cairo then draws with the
system's own fonts), it cannot tell and says so by answering ``None``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Iterable
from dataclasses import dataclass

_MATCH_PATTERN = 0
"""fontconfig's FcMatchPattern: substitute as for a pattern asked by an application."""
_RESULT_MATCH = 0
"""fontconfig's FcResultMatch."""


@dataclass(frozen=True, slots=True)
class FontMatch:
    """The installed font fontconfig picks for a text, and the characters it lacks."""

    family: str
    missing: tuple[str, ...]

    @property
    def covers(self) -> bool:
        return not self.missing


@functools.cache
def _fontconfig() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fontconfig")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
    except OSError:
        return None
    pointer, text, number = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    signatures: dict[str, tuple[list[type], type | None]] = {
        "FcInit": ([], number),
        "FcPatternCreate": ([], pointer),
        "FcPatternDestroy": ([pointer], None),
        "FcPatternAddString": ([pointer, text, text], number),
        "FcPatternAddCharSet": ([pointer, text, pointer], number),
        "FcPatternGetString": ([pointer, text, number, ctypes.POINTER(text)], number),
        "FcPatternGetCharSet": ([pointer, text, number, ctypes.POINTER(pointer)], number),
        "FcCharSetCreate": ([], pointer),
        "FcCharSetDestroy": ([pointer], None),
        "FcCharSetAddChar": ([pointer, ctypes.c_uint32], number),
        "FcCharSetHasChar": ([pointer, ctypes.c_uint32], number),
        "FcConfigSubstitute": ([pointer, pointer, number], number),
        "FcDefaultSubstitute": ([pointer], None),
        "FcFontMatch": ([pointer, pointer, ctypes.POINTER(number)], pointer),
    }
    try:
        for function, (arguments, result) in signatures.items():
            getattr(library, function).argtypes = arguments
            getattr(library, function).restype = result
    except AttributeError:
        return None
    if not library.FcInit():
        return None
    return library


def font_for(family: str, characters: Iterable[str]) -> FontMatch | None:
    """The installed font fontconfig matches for ``family`` that covers the most of
    ``characters`` (whitespace aside), with those it still lacks, in text order; ``None``
    when fontconfig cannot be asked on this machine."""
    library = _fontconfig()
    if library is None:
        return None
    wanted = list(dict.fromkeys(c for c in characters if not c.isspace()))
    pattern = library.FcPatternCreate()
    charset = library.FcCharSetCreate()
    found = None
    try:
        library.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
        for character in wanted:
            library.FcCharSetAddChar(charset, ord(character))
        library.FcPatternAddCharSet(pattern, b"charset", charset)
        library.FcConfigSubstitute(None, pattern, _MATCH_PATTERN)
        library.FcDefaultSubstitute(pattern)
        result = ctypes.c_int()
        found = library.FcFontMatch(None, pattern, ctypes.byref(result))
        if not found:
            return FontMatch("", tuple(wanted))
        name = ctypes.c_char_p()
        if library.FcPatternGetString(found, b"family", 0, ctypes.byref(name)) != _RESULT_MATCH:
            return FontMatch("", tuple(wanted))
        covered = ctypes.c_void_p()
        if library.FcPatternGetCharSet(found, b"charset", 0, ctypes.byref(covered)) != (
            _RESULT_MATCH
        ):
            covered = ctypes.c_void_p()
        missing = tuple(
            c for c in wanted if not covered or not library.FcCharSetHasChar(covered, ord(c))
        )
        return FontMatch((name.value or b"").decode("utf-8"), missing)
    finally:
        if found:
            library.FcPatternDestroy(found)
        library.FcPatternDestroy(pattern)
        library.FcCharSetDestroy(charset)
