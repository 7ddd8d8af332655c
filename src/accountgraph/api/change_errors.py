"""A refused change, told to a GraphQL client: the error's message, and in its
``extensions`` the machine-readable reason: ``code`` (the error's
:attr:`~accountgraph.errors.ChangeError.code`: ``CHANGE_REFUSED``, ``NOT_FOUND``,
``READ_ONLY_STORE``, ``UNAUTHENTICATED``, ``FORBIDDEN``, ``CHANGE_FAILED``) and, for a
refusal, the ``rule`` broken, the ``parties`` concerned, the ``operation`` to blame (from
0) and the ``changeSet``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from accountgraph.errors import ChangeError, ChangeRefusedError


def change_error_extensions(error: ChangeError) -> dict[str, Any]:
    extensions: dict[str, Any] = {"code": error.code}
    if isinstance(error, ChangeRefusedError):
        extensions["rule"] = error.rule
        extensions["parties"] = list(error.parties)
        extensions["operation"] = error.operation
        extensions["changeSet"] = error.change_set
    return extensions


class ChangeErrorCodes(SchemaExtension):
    """Gives every error a resolver raised as a :class:`ChangeError` its extensions."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            if isinstance(error, GraphQLError) and isinstance(error.original_error, ChangeError):
                error.extensions = {
                    **(error.extensions or {}),
                    **change_error_extensions(error.original_error),
                }
