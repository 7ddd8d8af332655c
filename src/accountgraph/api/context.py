"""What every resolver gets: the store, who is asking, the governance service over the
store, a party loader, and errors to report beside data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field

from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from accountgraph.api.change_errors import change_error_extensions
from accountgraph.errors import ChangeError, UnknownPartyError
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor
from accountgraph.model import Party
from accountgraph.store.base import GraphStore


@dataclass
class ApiContext:
    """Built once per request, so the loader's cache lives exactly as long as the request."""

    store: GraphStore
    actor: Actor | None = None
    """Who is asking: the bearer token's actor (``None``: no token)."""
    service: InitVar[Governance | None] = None
    """The app's governance service (one per app, so that its approvals queue in one
    line); a new one over ``store`` when not given."""
    governance: Governance = field(init=False)
    parties: DataLoader[str, Party | None] = field(init=False)
    reported: list[GraphQLError] = field(default_factory=list)

    def __post_init__(self, service: Governance | None) -> None:
        self.governance = service if service is not None else Governance(self.store)

        async def load(ids: Sequence[str]) -> list[Party | None]:
            return await self.store.get_parties(list(ids))

        self.parties = DataLoader(load_fn=load)

    async def party(self, party_id: str) -> Party:
        """A party the graph is known to hold (an edge's end, a path's node)."""
        found = await self.parties.load(party_id)
        if found is None:
            raise UnknownPartyError(party_id)
        return found

    async def parties_by_id(self, party_ids: Sequence[str]) -> dict[str, Party]:
        """The parties of ``party_ids`` the graph holds, by id (for telling paths as text)."""
        found = await self.parties.load_many(list(party_ids))
        return {p.id: p for p in found if p is not None}

    def report(self, info: Info[ApiContext, None], error: Exception) -> None:
        """Add ``error`` to the response's errors while the field still answers (null, [])."""
        extensions: dict[str, object] = {"code": type(error).__name__}
        if isinstance(error, ChangeError):
            extensions = change_error_extensions(error)
        if isinstance(error, UnknownPartyError):
            extensions["suggestions"] = error.suggestions
        self.reported.append(
            GraphQLError(str(error), path=info.path.as_list(), extensions=extensions)
        )


Info_ = Info[ApiContext, None]
