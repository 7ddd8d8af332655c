"""The page's and the console's static files: gzipped when accepted, with validators, 304
when unchanged (issue 13), over Starlette's TestClient and through the real server."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from accountgraph.api.app import create_app
from accountgraph.settings import Settings
from accountgraph.web.routes import CONSOLE_DIR, PAGE_DIR, governed_page
from accountgraph.web.static_files import CompressedStaticFiles, accepts_gzip
from tests.governed_store import sqlite_holding
from tests.server import running_server

SCRIPTS_AND_STYLES = sorted(
    [*PAGE_DIR.glob("*.js"), *PAGE_DIR.glob("*.css"), *CONSOLE_DIR.glob("*.[jc]s*")]
)
IDENTITY = {"accept-encoding": "identity"}
GZIP = {"accept-encoding": "gzip, deflate, br"}


def url_of(path: Path) -> str:
    return f"/static/{path.parent.name}/{path.name}"


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with TestClient(create_app(Settings())) as client:
        yield client


def test_there_are_scripts_and_styles_to_serve() -> None:
    names = {path.name for path in SCRIPTS_AND_STYLES}
    assert {"page.js", "page.css", "console.js", "console.css"} <= names


@pytest.mark.parametrize("path", SCRIPTS_AND_STYLES, ids=lambda p: url_of(p))
def test_a_script_or_style_is_gzipped_when_accepted(http: TestClient, path: Path) -> None:
    raw = http.get(url_of(path), headers=IDENTITY)
    assert raw.status_code == 200
    assert "content-encoding" not in raw.headers
    assert raw.content == path.read_bytes()
    packed = http.get(url_of(path), headers=GZIP)
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(raw.content)
    assert packed.content == path.read_bytes()  # as decoded by the client
    for answer in (raw, packed):
        assert answer.headers["cache-control"] == "no-cache"
        assert answer.headers["vary"] == "Accept-Encoding"
        assert answer.headers["last-modified"].endswith(" GMT")
    assert raw.headers["etag"] != packed.headers["etag"]  # two sets of bytes, two tags
    expected = "text/css" if path.suffix == ".css" else "javascript"
    assert expected in raw.headers["content-type"]


def test_an_unchanged_file_is_a_304_without_a_body(http: TestClient) -> None:
    for headers in (IDENTITY, GZIP):
        first = http.get("/static/page/page.js", headers=headers)
        again = http.get(
            "/static/page/page.js", headers={**headers, "if-none-match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == first.headers["etag"]
        weak = http.get(
            "/static/page/page.js",
            headers={**headers, "if-none-match": f'"other", W/{first.headers["etag"]}'},
        )
        assert weak.status_code == 304
    since = http.get(
        "/static/page/page.css",
        headers={"if-modified-since": http.get("/static/page/page.css").headers["last-modified"]},
    )
    assert since.status_code == 304
    stale = http.get("/static/page/page.js", headers={"if-none-match": '"not-this-one"'})
    assert stale.status_code == 200
    assert stale.content == (PAGE_DIR / "page.js").read_bytes()


def test_the_page_itself_is_gzipped_and_revalidated(http: TestClient) -> None:
    page = http.get("/", headers=GZIP)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-encoding"] == "gzip"
    assert page.content == (PAGE_DIR / "page.html").read_bytes()
    assert "default-src 'self'" in page.headers["content-security-policy"]
    again = http.get("/", headers={**GZIP, "if-none-match": page.headers["etag"]})
    assert again.status_code == 304


def test_a_store_that_keeps_change_sets_serves_the_page_offering_them_from_the_start(
    http: TestClient, tmp_path: Path
) -> None:
    plain = http.get("/", headers=GZIP)
    assert plain.text.count("data-governed-only hidden") == 2  # signing in, the change sets
    url = sqlite_holding(tmp_path / "graph.db")
    with TestClient(create_app(Settings(store=url))) as governed_http:
        governed = governed_http.get("/", headers=GZIP)
        assert governed.status_code == 200
        assert governed.headers["content-encoding"] == "gzip"
        assert "data-governed-only hidden" not in governed.text
        assert governed.text.count("data-governed-only") == 2
        assert governed.headers["etag"] != plain.headers["etag"]
        again = governed_http.get("/", headers={**GZIP, "if-none-match": governed.headers["etag"]})
        assert again.status_code == 304


def test_a_page_without_the_governed_marks_is_refused_as_a_variant() -> None:
    with pytest.raises(ValueError, match="marks nothing"):
        governed_page(b"<html><body><button hidden>Sign in</button></body></html>")


def test_the_console_page_is_gzipped_and_revalidated(http: TestClient) -> None:
    browser = {**GZIP, "accept": "text/html,application/xhtml+xml"}
    console = http.get("/graphql", headers=browser)
    assert console.status_code == 200
    assert console.headers["content-type"] == "text/html; charset=utf-8"
    assert console.headers["content-encoding"] == "gzip"
    assert console.content == (CONSOLE_DIR / "console.html").read_bytes()
    again = http.get("/graphql", headers={**browser, "if-none-match": console.headers["etag"]})
    assert again.status_code == 304


INTROSPECTION = "{ __schema { types { name description fields { name description } } } }"


def test_a_long_graphql_answer_is_gzipped_when_accepted(http: TestClient) -> None:
    zipped = http.post("/graphql", json={"query": INTROSPECTION}, headers=GZIP)
    plain = http.post("/graphql", json={"query": INTROSPECTION}, headers=IDENTITY)
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    assert zipped.json()["data"]["__schema"]["types"]


def test_a_short_graphql_answer_goes_as_it_is(http: TestClient) -> None:
    answer = http.post("/graphql", json={"query": "{ dataset { name } }"}, headers=GZIP)
    assert answer.status_code == 200
    assert "content-encoding" not in answer.headers
    assert answer.json()["data"]["dataset"]["name"]


def test_a_client_refusing_gzip_gets_the_file_as_it_is(http: TestClient) -> None:
    answer = http.get("/static/page/page.js", headers={"accept-encoding": "gzip;q=0, br"})
    assert "content-encoding" not in answer.headers
    assert answer.content == (PAGE_DIR / "page.js").read_bytes()


@pytest.mark.parametrize(
    ("header", "gzipped"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1, *;q=0.1", True),
        ("", False),
        ("identity", False),
        ("br, deflate", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, br", False),
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
        ("gzipped", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header: str, gzipped: bool) -> None:
    assert accepts_gzip(header) is gzipped


def test_nothing_outside_the_directory_is_served(http: TestClient) -> None:
    for path in ("/static/page/../../__init__.py", "/static/page/%2e%2e/routes.py"):
        assert http.get(path).status_code == 404, path
    assert http.get("/static/page/missing.js").status_code == 404
    assert http.post("/static/page/page.js").status_code == 405


def test_a_file_changed_while_serving_is_sent_as_it_now_is(tmp_path: Path) -> None:
    script = tmp_path / "app.js"
    script.write_text("console.log('first');\n" * 50, encoding="utf-8")
    app = Starlette(routes=[Mount("/static", CompressedStaticFiles(tmp_path))])
    with TestClient(app) as client:
        first = client.get("/static/app.js", headers=GZIP)
        assert first.text == script.read_text(encoding="utf-8")
        script.write_text("console.log('second, longer');\n" * 50, encoding="utf-8")
        status = script.stat()
        os.utime(script, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
        revalidated = client.get(
            "/static/app.js", headers={**GZIP, "if-none-match": first.headers["etag"]}
        )
        assert revalidated.status_code == 200
        assert revalidated.text == script.read_text(encoding="utf-8")
        assert revalidated.headers["etag"] != first.headers["etag"]


def test_a_file_compression_does_not_shrink_is_sent_as_it_is(tmp_path: Path) -> None:
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(4096))
    app = Starlette(routes=[Mount("/static", CompressedStaticFiles(tmp_path))])
    with TestClient(app) as client:
        answer = client.get("/static/noise.bin", headers=GZIP)
    assert "content-encoding" not in answer.headers
    assert answer.content == noise.read_bytes()


# --- through the real server ----------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(log=tmp_path_factory.mktemp("static") / "serve.log") as base:
        yield base


def test_the_real_server_sends_scripts_gzipped_and_answers_304(server: str) -> None:
    path = PAGE_DIR / "page.js"
    with httpx.Client(base_url=server, timeout=30) as client:
        with client.stream("GET", url_of(path), headers={"accept-encoding": "gzip"}) as answer:
            assert answer.status_code == 200
            assert answer.headers["content-encoding"] == "gzip"
            wire = b"".join(answer.iter_raw())
        assert gzip.decompress(wire) == path.read_bytes()
        assert len(wire) == int(answer.headers["content-length"]) < path.stat().st_size
        again = client.get(
            url_of(path),
            headers={"accept-encoding": "gzip", "if-none-match": answer.headers["etag"]},
        )
        assert again.status_code == 304
        assert again.content == b""
        plain = client.get(url_of(path), headers=IDENTITY)
        assert plain.content == path.read_bytes()
        assert "content-encoding" not in plain.headers
