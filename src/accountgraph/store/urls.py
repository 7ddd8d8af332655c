"""Graph database URLs: which server a store spec names, and the same URL safe to print.

``falkordb://[user:password@]host[:port][/graph]``, ``neo4j://…``, ``neo4j+s://…``,
``bolt://…`` and ``bolt+s://…``. A password never leaves this module except towards the
driver: :func:`redact` drops it from a URL before the URL is shown or put in an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from accountgraph.errors import AccountGraphError, StoreUnavailableError

FALKORDB_SCHEMES = ("falkordb",)
NEO4J_SCHEMES = ("neo4j", "neo4j+s", "bolt", "bolt+s")
SQLITE_SCHEMES = ("sqlite",)
ACCEPTED_FORMS = (
    "'memory', sqlite:///path/graph.db, falkordb://[user:password@]host:port/graph, "
    "neo4j://host:port, neo4j+s://host:port, bolt://host:port or bolt+s://host:port"
)

FALKORDB_DEFAULT_PORT = 6379
FALKORDB_DEFAULT_GRAPH = "accountgraph"


def scheme_of(spec: str) -> str | None:
    """The lower-cased scheme of a URL, or ``None`` when ``spec`` is not a URL."""
    scheme, separator, _ = spec.partition("://")
    return scheme.lower() if separator else None


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:/*")
_SECRET_PARAMETER = re.compile(
    r"([?&;#][^=&;#]*(?:pass|pwd|secret|token|key|auth|credential)[^=&;#]*=)[^&;#]*",
    re.IGNORECASE,
)
HIDDEN = "***"
"""What a secret query parameter's value is shown as."""


def _user_part(url: str) -> tuple[int, int] | None:
    """Where the user part (``user:password@``) of ``url`` starts and ends: from the
    scheme's slashes, however many (``neo4j:/u:p@h`` is a typo people make), to the last
    ``@``, so a password holding an unencoded ``/`` or ``@`` is inside it."""
    scheme = _SCHEME.match(url)
    start = scheme.end() if scheme else 0
    at = url.rfind("@")
    return (start, at + 1) if at >= start else None


def redact(url: str) -> str:
    """``url`` safe to print and log: without its user part, and with the value of every
    query parameter whose name speaks of a secret (``password=``, ``pass=``, ``token=``,
    ``api_key=``, …) shown as ``***``. Works on malformed URLs too."""
    user_part = _user_part(url)
    if user_part is not None:
        url = url[: user_part[0]] + url[user_part[1] :]
    return _SECRET_PARAMETER.sub(rf"\1{HIDDEN}", url)


def password_in_url(url: str) -> bool:
    """Whether ``url`` carries a password: in its user part, or as a query parameter."""
    user_part = _user_part(url)
    if user_part is not None and ":" in url[user_part[0] : user_part[1]]:
        return True
    return _SECRET_PARAMETER.search(url) is not None


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` put in its user part (percent-encoded), beside the user it
    names if any: how a password read from a file reaches the driver. A URL that carries
    a password already is refused: the password must come from one place."""
    if password_in_url(url):
        raise AccountGraphError(
            f"{redact(url)} carries a password and a password file gives one too: give it once"
        )
    scheme = _SCHEME.match(url)
    if scheme is None or not scheme.group().endswith("//"):
        raise AccountGraphError(f"{redact(url)} is not a URL of the form scheme://host")
    start = scheme.end()
    user_part = _user_part(url)
    user = url[start : user_part[1] - 1] if user_part is not None else ""
    rest = url[user_part[1] :] if user_part is not None else url[start:]
    return f"{url[:start]}{user}:{quote(password, safe='')}@{rest}"


@dataclass(frozen=True, slots=True)
class FalkorDBAddress:
    """Where a FalkorDB graph is: server, credentials and the graph's name."""

    host: str
    port: int
    graph: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def redacted(self) -> str:
        """``falkordb://host:port/graph``: the URL without its user part."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"falkordb://{host}:{self.port}/{self.graph}"


def parse_falkordb_url(url: str) -> FalkorDBAddress:
    """The address ``falkordb://[user:password@]host[:port][/graph]`` names.

    The port defaults to 6379 and the graph to ``accountgraph``; user and password may be
    percent-encoded. A URL that says none of this raises :class:`StoreUnavailableError`.
    """
    shown = redact(url)
    if scheme_of(url) not in FALKORDB_SCHEMES:
        raise StoreUnavailableError(shown, "not a falkordb:// URL")
    try:
        parts = urlsplit(url)
        port = parts.port or FALKORDB_DEFAULT_PORT
    except ValueError:
        # The parser's message may quote the URL, password included: never shown.
        raise StoreUnavailableError(
            shown,
            "not a valid URL: its port is not a number from 0 to 65535, or an IPv6 host lacks "
            "its closing bracket (a password must percent-encode '/', '@', ':', '[' and ']')",
        ) from None
    if not parts.hostname:
        raise StoreUnavailableError(shown, "the URL names no host")
    if parts.query or parts.fragment:
        raise StoreUnavailableError(shown, "the URL may not have a query or a fragment")
    graph = unquote(parts.path.lstrip("/")) or FALKORDB_DEFAULT_GRAPH
    if "/" in graph:
        raise StoreUnavailableError(shown, f"{graph!r} is not a graph name (no '/' allowed)")
    return FalkorDBAddress(
        host=parts.hostname,
        port=port,
        graph=graph,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )
