"""Who is asking, as the API sees them: the name and role of the request's bearer token.

The page shows who is signed in from this, and checks a token with it before keeping it.
A request without a token has no viewer; a wrong or revoked token never gets this far
(:mod:`accountgraph.api.auth` answers it with a 401).
"""

from __future__ import annotations

import strawberry

from accountgraph.api.context import Info_
from accountgraph.api.enums import TokenRole


@strawberry.type(description="Who is asking: the name and role of the request's token.")
class Viewer:
    name: str = strawberry.field(description="The token's name: the person it was made for.")
    role: TokenRole = strawberry.field(description="What the token may do.")  # type: ignore[valid-type]


@strawberry.type
class ViewerQuery:
    """``viewer``, as a field of the Query type."""

    @strawberry.field(
        description="Who is asking: the name and role of the token sent "
        "(Authorization: Bearer <token>); null without a token."
    )
    def viewer(self, info: Info_) -> Viewer | None:
        actor = info.context.actor
        if actor is None:
            return None
        return Viewer(name=actor.name, role=actor.role)
