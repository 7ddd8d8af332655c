"""The GraphQL schema: the Query type, its limits, and how errors reach the client."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
from collections.abc import Awaitable, Callable, Iterator, Sequence
from functools import partial
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult

from accountgraph import model
from accountgraph.api.audit import Audit, run_audit
from accountgraph.api.budget import Budgeted, QueryBudget, QuickRequests
from accountgraph.api.change_errors import ChangeErrorCodes
from accountgraph.api.context import ApiContext, Info_
from accountgraph.api.cost import CostModel
from accountgraph.api.document_limits import document_limits_rule
from accountgraph.api.documents import CachedDocuments, DocumentCache, is_mutation
from accountgraph.api.enums import PartyKind, Relation
from accountgraph.api.fast_resolvers import install_fast_resolvers
from accountgraph.api.governance import GovernanceQuery, Mutation
from accountgraph.api.pagination import (
    PageInfo,
    PartyConnection,
    PartyEdge,
    decode_cursor,
    encode_cursor,
)
from accountgraph.api.refusals import out_of_time
from accountgraph.api.scalars import SCALAR_OVERRIDES
from accountgraph.api.types import (
    Actor,
    Body,
    Party,
    Path,
    wrap_party,
)
from accountgraph.api.viewer import ViewerQuery
from accountgraph.api.workers import QueryWorkers
from accountgraph.errors import AccountGraphError, UnknownPartyError
from accountgraph.settings import QueryLimits
from accountgraph.store.base import (
    MAX_DEPTH,
    MAX_PAGE,
    MAX_PATHS,
    check_page_size,
    not_valid_on,
)
from accountgraph.store.cypher import CypherStore


@strawberry.type(description="The dataset the API serves, and how much it holds.")
class DatasetInfo:
    name: str = strawberry.field(description="The dataset's name, e.g. wipo-a46-11.")
    parties: int = strawberry.field(description="Number of parties.")
    edges: int = strawberry.field(description="Number of edges.")
    responsibilities: int = strawberry.field(description="Number of responsibilities.")


AS_OF_HELP = (
    "The day the graph is asked about (YYYY-MM-DD): only parties and edges valid that day "
    "take part. Default: today."
)


def _day(as_of: dt.date | None) -> dt.date:
    return as_of if as_of is not None else dt.date.today()


PathQuery = Callable[..., Awaitable[list[model.Path]]]


def _path_query(info: Info_, name: str, read: dict[str, model.Party]) -> PathQuery:
    """The store's path query ``name``; on a graph database, one that also puts the parties
    along the paths it returns in ``read``, from the same round trip."""
    store = info.context.store
    query: PathQuery = getattr(store, name)
    if isinstance(store, CypherStore):
        return partial(query, parties=read)
    return query


async def _answered(
    info: Info_,
    day: dt.date,
    query: Awaitable[list[model.Path]],
    read: dict[str, model.Party],
) -> list[Path]:
    """The paths ``query`` finds, each with its parties (those it ``read`` with them, the
    rest fetched for all paths at once), or none with an error naming the unknown party."""
    try:
        found = await query
    except UnknownPartyError as error:
        info.context.report(info, error)
        return []
    info.context.parties.prime_many(read)
    ids = list(dict.fromkeys(i for p in found for i in p.nodes))
    parties = await info.context.parties_by_id(ids)
    return [Path(domain=p, as_of=day, parties=parties) for p in found]


def _given(value: int | None, default: int) -> int:
    """An argument's value; the schema default when a client passed null explicitly."""
    return default if value is None else value


def _id_help(what: str) -> str:
    return f"Id of the {what}, e.g. wipo-head-sscs."


DEPTH_HELP = f"Longest path followed, 1 to {MAX_DEPTH}."
FIRST_PATHS_HELP = f"Most paths returned, 1 to {MAX_PATHS}."


@strawberry.type(
    description="Questions about the accountability graph, and about the change sets and "
    "the log that changed it."
)
class Query(GovernanceQuery, ViewerQuery):
    @strawberry.field(description="One party by id; null (with an error naming it) if unknown.")
    async def party(
        self,
        info: Info_,
        id: Annotated[strawberry.ID, strawberry.argument(description=_id_help("party"))],
        as_of: Annotated[dt.date | None, strawberry.argument(description=AS_OF_HELP)] = None,
    ) -> Party | None:
        day = _day(as_of)
        store = info.context.store
        found = await store.get_party(str(id), as_of=day)
        if found is not None:
            return wrap_party(found, day)
        held = await store.get_party(str(id))
        if held is not None:
            info.context.report(info, not_valid_on(held, day))
        else:
            suggestions = await store.suggest_ids(str(id), as_of=day)
            info.context.report(info, UnknownPartyError(str(id), suggestions))
        return None

    @strawberry.field(
        description=f"Parties in id order, one page at a time (at most {MAX_PAGE} a page)."
    )
    async def parties(
        self,
        info: Info_,
        kind: Annotated[
            PartyKind | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only parties of this kind."),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Case-insensitive text found in the id, an alias, or a name in "
                "any language."
            ),
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description=f"Page size, 0 to {MAX_PAGE}.")
        ] = 50,
        after: Annotated[
            str | None,
            strawberry.argument(description="Cursor after which the page starts (endCursor)."),
        ] = None,
        as_of: Annotated[dt.date | None, strawberry.argument(description=AS_OF_HELP)] = None,
    ) -> PartyConnection:
        day = _day(as_of)
        first = _given(first, 50)
        check_page_size(first)
        after_id = decode_cursor(after) if after is not None else None
        store = info.context.store
        page = await store.list_parties(
            kind=kind, search=search, first=first, after=after_id, as_of=day
        )
        total = await store.count_parties(kind=kind, search=search, as_of=day)
        edges = [
            PartyEdge(cursor=encode_cursor(p.id), node=wrap_party(p, day)) for p in page.parties
        ]
        return PartyConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

    @strawberry.field(
        description="Every chain up ACCOUNTABLE_TO from a party to parties that answer to no "
        "one in the graph, shortest first, each step with its clause. Empty for a party that "
        "answers to no one."
    )
    async def accountability_chains(
        self,
        info: Info_,
        id: Annotated[strawberry.ID, strawberry.argument(description=_id_help("party"))],
        max_depth: Annotated[int | None, strawberry.argument(description=DEPTH_HELP)] = 16,
        first: Annotated[int | None, strawberry.argument(description=FIRST_PATHS_HELP)] = 100,
        as_of: Annotated[dt.date | None, strawberry.argument(description=AS_OF_HELP)] = None,
    ) -> list[Path]:
        day = _day(as_of)
        read: dict[str, model.Party] = {}
        chains = _path_query(info, "accountability_chains", read)
        return await _answered(
            info,
            day,
            chains(
                str(id), max_depth=_given(max_depth, 16), max_paths=_given(first, 100), as_of=day
            ),
            read,
        )

    @strawberry.field(
        description="Every path along DELEGATES_TO from a party to where delegation stops, "
        "each step with its clause."
    )
    async def delegation_ends(
        self,
        info: Info_,
        id: Annotated[strawberry.ID, strawberry.argument(description=_id_help("delegator"))],
        scope: Annotated[
            str | None,
            strawberry.argument(description="Only delegations of this scope, e.g. security."),
        ] = None,
        max_depth: Annotated[int | None, strawberry.argument(description=DEPTH_HELP)] = 16,
        first: Annotated[int | None, strawberry.argument(description=FIRST_PATHS_HELP)] = 100,
        as_of: Annotated[dt.date | None, strawberry.argument(description=AS_OF_HELP)] = None,
    ) -> list[Path]:
        day = _day(as_of)
        read: dict[str, model.Party] = {}
        ends = _path_query(info, "delegation_ends", read)
        return await _answered(
            info,
            day,
            ends(
                str(id),
                scope=scope,
                max_depth=_given(max_depth, 16),
                max_paths=_given(first, 100),
                as_of=day,
            ),
            read,
        )

    @strawberry.field(
        description="Directed paths from one party to another over chosen relations: the "
        "shortest first, then longer simple paths."
    )
    async def paths(
        self,
        info: Info_,
        from_id: Annotated[strawberry.ID, strawberry.argument(description=_id_help("start"))],
        to_id: Annotated[strawberry.ID, strawberry.argument(description=_id_help("end"))],
        relations: Annotated[
            list[Relation] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Relations to follow; every relation when omitted."),
        ] = None,
        max_depth: Annotated[int | None, strawberry.argument(description=DEPTH_HELP)] = 8,
        first: Annotated[int | None, strawberry.argument(description=FIRST_PATHS_HELP)] = 50,
        as_of: Annotated[dt.date | None, strawberry.argument(description=AS_OF_HELP)] = None,
    ) -> list[Path]:
        day = _day(as_of)
        read: dict[str, model.Party] = {}
        paths = _path_query(info, "paths", read)
        return await _answered(
            info,
            day,
            paths(
                str(from_id),
                str(to_id),
                relations=relations,
                max_depth=_given(max_depth, 8),
                max_paths=_given(first, 50),
                as_of=day,
            ),
            read,
        )

    @strawberry.field(
        description="Integrity checks of the whole graph: loops, parties that answer to no "
        "one, unaccountable delegates, duties nobody holds, and more."
    )
    async def audit(
        self,
        info: Info_,
        as_of: Annotated[dt.date | None, strawberry.argument(description=AS_OF_HELP)] = None,
    ) -> Audit:
        return await run_audit(info, _day(as_of))

    @strawberry.field(description="The dataset served, with counts.")
    async def dataset(self, info: Info_) -> DatasetInfo:
        stats = await info.context.store.stats()
        return DatasetInfo(
            name=stats.dataset,
            parties=stats.parties,
            edges=stats.edges,
            responsibilities=stats.responsibilities,
        )


class ReportedErrors(SchemaExtension):
    """Adds the errors resolvers reported (unknown ids) to the response beside the data."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        result = self.execution_context.result
        if isinstance(context, ApiContext) and context.reported and result is not None:
            errors = getattr(result, "errors", None)
            result.errors = [*(errors or []), *context.reported]


def _mask_unexpected(error: GraphQLError) -> bool:
    """Hide the text of errors we did not raise on purpose; ours are written for people."""
    original = error.original_error
    return original is not None and not isinstance(original, AccountGraphError | GraphQLError)


INTERNAL_ERROR_CODE = "INTERNAL_SERVER_ERROR"
"""``extensions.code`` of an error the server did not expect (its text is in the log)."""


class MaskUnexpectedErrors(MaskErrors):
    """Replaces an error we did not raise on purpose by one saying so, with the code
    :data:`INTERNAL_ERROR_CODE` (the HTTP layer answers it with 500)."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_ERROR_CODE}
        return masked


_EXECUTE = inspect.signature(strawberry.Schema.execute)


class AccountGraphSchema(Budgeted, strawberry.Schema):
    """The schema, holding every request to ``limits``: the document parsed and validated
    once per text (``documents``), its shape checked by ``document_rule`` as it is
    validated, its cost priced by ``costs`` before it runs,
    costly operations run by ``workers`` (:class:`QueryBudget`), its answer's size, and its
    time. Logs only the errors that are the server's fault; a client's mistakes are
    answered, not logged."""

    def __init__(
        self, *, limits: QueryLimits, extensions: Sequence[Any] = (), **options: Any
    ) -> None:
        self.limits = limits
        self.document_rule = document_limits_rule(limits)
        self.workers = QueryWorkers(limits.workers, limits)
        self.quick = QuickRequests()
        limited = [CachedDocuments, *extensions, QueryBudget]
        super().__init__(extensions=limited, **options)
        self.documents = DocumentCache(
            self._schema, [self.document_rule], max_tokens=limits.max_tokens
        )
        self.fast_fields = install_fast_resolvers(self)
        self.costs = CostModel(self._schema)

    async def execute(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Execute as strawberry does, within the time budget: past it, the work is
        cancelled and the answer is an error saying so. A mutation has no time budget: a
        change is applied whole or not at all, never stopped half-way to answer sooner."""
        asked = _EXECUTE.bind(self, *args, **kwargs).arguments
        query, operation_name = asked.get("query"), asked.get("operation_name")
        if isinstance(query, str) and self._writes(query, operation_name):
            return await super().execute(*args, **kwargs)
        budget = asyncio.timeout(self.limits.timeout)
        try:
            async with budget:
                return await super().execute(*args, **kwargs)
        except TimeoutError:
            if not budget.expired():
                raise
            return ExecutionResult(data=None, errors=[out_of_time(self.limits.timeout)])

    def _writes(self, query: str, operation_name: str | None) -> bool:
        try:
            document = self.documents.parse(query)
        except GraphQLError:
            return False  # answered as a syntax error when it runs
        return is_mutation(document, operation_name)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [e for e in errors if _mask_unexpected(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(limits: QueryLimits | None = None) -> AccountGraphSchema:
    """The schema, with the limits and caches installed."""
    limits = limits or QueryLimits()
    return AccountGraphSchema(
        limits=limits,
        query=Query,
        mutation=Mutation,
        types=[Actor, Body],
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=[
            ReportedErrors,
            ChangeErrorCodes,
            partial(
                MaskUnexpectedErrors,
                should_mask_error=_mask_unexpected,
                error_message="internal error; the server log has the details",
            ),
        ],
    )


def schema_sdl() -> str:
    """The schema as SDL, as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
