"""What one GraphQL request may spend: its cost, refused before anything runs; the size of
its answer; and (with :class:`~accountgraph.api.schema.AccountGraphSchema`) its time.

Costly operations on the embedded store run in worker processes
(:mod:`accountgraph.api.workers`), so that the event loop stays free for every other
client, unless the very same request was answered quickly before (:class:`QuickRequests`).
A mutation never does: it changes the graph of the process serving, where every later
read sees it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from accountgraph.api.context import ApiContext
from accountgraph.api.cost import CostModel
from accountgraph.api.documents import is_mutation
from accountgraph.api.refusals import encode_json, too_costly, too_large
from accountgraph.api.workers import Job, QueryWorkers
from accountgraph.settings import QueryLimits

WORKER_COST = 1_000
"""Operations costing this much or more run in a worker process, when there are workers
and the store is the embedded one; cheaper ones are answered on the event loop."""

QUICK_SECONDS = 0.005
"""A request a worker answered in less processor time than this is answered on the event
loop when it comes again (:class:`QuickRequests`)."""


class QuickRequests:
    """The costly requests (document, operation and every variable's value) that a worker
    answered in under ``seconds`` (:data:`QUICK_SECONDS`) of processor time: the last
    ``size`` of them.

    The cost bounds what an operation may do, and path queries are priced for the longest
    and most numerous paths their arguments allow; what one really does depends on the
    graph. The embedded store's graph does not change while it is served, so the same
    request does the same work each time: one measured quick in a worker is quick on the
    event loop too, and is spared the round trip. The measure is processor time, so that
    a worker starved by a busy machine does not make a quick request look slow. A request
    not seen before — the same document about another party, say — still goes to a worker
    first.
    """

    def __init__(self, size: int = 1024, *, seconds: float = QUICK_SECONDS) -> None:
        self.size = size
        self.seconds = seconds
        """What counts as quick."""
        self._known: OrderedDict[tuple[str, str | None, str], None] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def remember(self, key: tuple[str, str | None, str]) -> None:
        self._known[key] = None
        self._known.move_to_end(key)
        while len(self._known) > self.size:
            self._known.popitem(last=False)


def request_key(
    query: str, operation_name: str | None, variables: dict[str, Any] | None
) -> tuple[str, str | None, str]:
    return (query, operation_name, json.dumps(variables or {}, sort_keys=True, default=repr))


class Budgeted:
    """A schema that knows its limits, prices its operations and has workers to run them
    (a base class, not a protocol: checking it is a plain ``isinstance`` on every
    request)."""

    limits: QueryLimits
    costs: CostModel
    workers: QueryWorkers
    quick: QuickRequests


class QueryBudget(SchemaExtension):
    """Refuses an operation costing more than the limit before it runs, sends costly ones to
    the worker processes, and replaces an answer larger than the limit by an error. The
    limits, the cost model and the workers are the schema's (:class:`Budgeted`)."""

    def on_validate(self) -> Iterator[None]:
        """An operation over the cost limit is refused with the document's validation, a
        request error: nothing of it runs."""
        context = self.execution_context
        schema = context.schema
        document = context.graphql_document
        # pre_execution_errors is [] once CachedDocuments found the document valid
        if (
            isinstance(schema, Budgeted)
            and document is not None
            and context.pre_execution_errors == []
        ):
            cost = self._cost(schema)
            if cost is not None and cost > schema.limits.max_cost:
                context.pre_execution_errors = [too_costly(cost, schema.limits.max_cost)]
        yield

    def _cost(self, schema: Budgeted) -> int | None:
        context = self.execution_context
        assert context.graphql_document is not None
        return schema.costs.cost(
            context.graphql_document,
            text=context.query or "",
            operation_name=context.operation_name,
            variables=context.variables,
        )

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        schema = context.schema
        document = context.graphql_document
        if not isinstance(schema, Budgeted) or document is None:
            yield
            return
        limits = schema.limits
        cost = self._cost(schema)
        if cost is not None and cost > limits.max_cost:
            context.result = ExecutionResult(None, [too_costly(cost, limits.max_cost)])
            yield
            return
        store = context.context.store if isinstance(context.context, ApiContext) else None
        if (
            cost is not None
            and cost >= WORKER_COST
            and schema.workers.serves(store)
            and not is_mutation(document, context.operation_name)
        ):
            key = request_key(context.query or "", context.operation_name, context.variables)
            if key not in schema.quick:
                job = Job(context.query or "", context.variables, context.operation_name)
                answered = await schema.workers.answer(store, job)
                if answered is not None:
                    if answered.seconds < schema.quick.seconds:
                        schema.quick.remember(key)
                    context.result = answered.result()
                    yield
                    return
        yield
        result = context.result
        if isinstance(result, ExecutionResult) and result.data is not None:
            size = len(encode_json(result.data))
            if size > limits.max_response_bytes:
                # strawberry answers with this very object: change it, do not replace it
                result.data = None
                result.errors = [too_large(size, limits.max_response_bytes)]
