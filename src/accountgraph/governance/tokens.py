"""Bearer tokens: made at random, shown once, kept only as their SHA-256 hash.

A token names a person (``name``, which the log and the four-eyes rule use) and carries a
:class:`~accountgraph.governance.roles.Role`. The token's text begins with ``agt_`` so that
a leaked one is easy to recognise and to search for in logs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from accountgraph.governance.roles import Role

TOKEN_PREFIX = "agt_"
_TOKEN_PATTERN = re.compile(r"^agt_[A-Za-z0-9_-]{43}$")
NAME_PATTERN = re.compile(r"^[\w.@+-][\w .@+-]{0,99}$")
"""What a token's name may be: a person's or service's name, 1–100 characters."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: the name and role of the token presented."""

    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What a store keeps of a token: never the token itself."""

    name: str
    role: Role
    token_hash: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def new_token() -> str:
    """A fresh random token (256 bits), to be shown once."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token: what a store keeps and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(text: str) -> bool:
    return _TOKEN_PATTERN.match(text) is not None


def same_hash(left: str, right: str) -> bool:
    return hmac.compare_digest(left, right)
