"""PNG export and fonts: a Chinese chart is drawn in a font that has its characters, or
refused with what to install, never drawn as empty boxes (issue 13).

Each test runs ``accountgraph`` in a child process whose fontconfig sees only the fonts
the test made (``FONTCONFIG_FILE``): one with Latin letters only, and one with CJK
ideographs too. They are real TrueType files, built with fontTools, whose every glyph is
one square; fontconfig reads them as it reads any installed font.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.server import running_server

pytest.importorskip("cairosvg")
font_builder = pytest.importorskip("fontTools.fontBuilder")
glyph_pen = pytest.importorskip("fontTools.pens.ttGlyphPen")

LATIN = [(0x20, 0x24F), (0x2000, 0x22FF)]
CJK = [*LATIN, (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF)]
"""Code point ranges of the two fonts: Latin, and Latin with CJK punctuation, the
unified ideographs and full-width forms (the WIPO dataset's Chinese names)."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def build_font(path: Path, family: str, ranges: list[tuple[int, int]]) -> None:
    """A TrueType font named ``family`` with a square for every code point in ``ranges``."""
    pen = glyph_pen.TTGlyphPen(None)
    for x, y in ((100, 0), (100, 700), (600, 700), (600, 0)):
        (pen.moveTo if x == 100 and y == 0 else pen.lineTo)((x, y))
    pen.closePath()
    builder = font_builder.FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "square"])
    builder.setupCharacterMap({c: "square" for low, high in ranges for c in range(low, high + 1)})
    builder.setupGlyf({".notdef": glyph_pen.TTGlyphPen(None).glyph(), "square": pen.glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0), "square": (700, 100)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))


def fontconfig_seeing(directory: Path, fonts: dict[str, list[tuple[int, int]]]) -> Path:
    """A fontconfig file that sees only ``fonts`` (family: ranges), built in
    ``directory``."""
    (directory / "fonts").mkdir(parents=True)
    for number, (family, ranges) in enumerate(fonts.items()):
        build_font(directory / "fonts" / f"font{number}.ttf", family, ranges)
    config = directory / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{directory / 'fonts'}</dir>\n  <cachedir>{directory / 'cache'}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def latin_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fontconfig file that sees a Latin font and no CJK font."""
    return fontconfig_seeing(tmp_path_factory.mktemp("latin"), {"Test Latin": LATIN})


@pytest.fixture(scope="module")
def with_cjk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fontconfig file that sees the Latin font and a CJK font."""
    fonts = {"Test Latin": LATIN, "Test CJK": CJK}
    return fontconfig_seeing(tmp_path_factory.mktemp("cjk"), fonts)


def run(config: Path, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    return subprocess.run(
        [sys.executable, *arguments], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


FONT_FOR = (
    "import json, sys; from accountgraph.fonts import font_for; "
    "match = font_for('system-ui', sys.argv[1]); "
    "print(json.dumps(None if match is None else [match.family, list(match.missing)]))"
)


def test_font_for_finds_no_font_with_chinese_where_only_latin_is_installed(
    latin_only: Path, tmp_path: Path
) -> None:
    found = run(latin_only, "-c", FONT_FOR, "Director General 总干事", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == ["Test Latin", ["总", "干", "事"]]


def test_font_for_finds_the_cjk_font_where_one_is_installed(with_cjk: Path, tmp_path: Path) -> None:
    found = run(with_cjk, "-c", FONT_FOR, "Director General 总干事（联合国）", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == ["Test CJK", []]
    latin = run(with_cjk, "-c", FONT_FOR, "Director General", cwd=tmp_path)
    assert json.loads(latin.stdout)[1] == []


def export_png(config: Path, lang: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    arguments = ["-m", "accountgraph", "export", "--format", "png", "--lang", lang]
    return run(config, *arguments, "--out", "chart.png", cwd=cwd)


def test_a_chinese_png_without_a_cjk_font_is_refused_with_what_to_install(
    latin_only: Path, tmp_path: Path
) -> None:
    refused = export_png(latin_only, "zh", tmp_path)
    assert refused.returncode == 1
    message = refused.stderr
    assert "no installed font has every character of the chart's labels" in message
    assert "'Test Latin'" in message
    lacking = re.search(r"lacks (\d+) \(([^)]*)\)", message)
    assert lacking is not None, message
    shown = lacking.group(2).removesuffix(" …").split(" ")
    assert len(shown) == min(8, int(lacking.group(1)))
    assert all("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in shown), shown
    assert "apt-get install fonts-noto-cjk" in message
    assert "Traceback" not in message
    assert not (tmp_path / "chart.png").exists()


def test_an_english_png_needs_no_cjk_font(latin_only: Path, tmp_path: Path) -> None:
    drawn = export_png(latin_only, "en", tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    assert (tmp_path / "chart.png").read_bytes().startswith(PNG_SIGNATURE)


def test_a_chinese_png_is_drawn_with_a_cjk_font_installed(with_cjk: Path, tmp_path: Path) -> None:
    drawn = export_png(with_cjk, "zh", tmp_path)
    assert drawn.returncode == 0, drawn.stderr
    png = (tmp_path / "chart.png").read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    assert int.from_bytes(png[16:20], "big") > 2000  # the width: the whole chart


@pytest.fixture(scope="module")
def server_without_cjk(latin_only: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FONTCONFIG_FILE", str(latin_only))
        with running_server(log=log) as base:
            yield base


def test_the_server_refuses_a_chinese_png_it_cannot_draw_and_says_why(
    server_without_cjk: str,
) -> None:
    refused = httpx.get(f"{server_without_cjk}/api/export?format=png&lang=zh", timeout=60)
    assert refused.status_code == 501
    assert "apt-get install fonts-noto-cjk" in refused.json()["error"]
    english = httpx.get(f"{server_without_cjk}/api/export?format=png", timeout=60)
    assert english.status_code == 200
    assert english.content.startswith(PNG_SIGNATURE)
