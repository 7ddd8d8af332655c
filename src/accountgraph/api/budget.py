"""What one GraphQL request may spend: its cost, refused before anything runs; the size of
its answer; and (with :class:`~accountgraph.api.schema.AccountGraphSchema`) its time.

Costly operations on the embedded store run in worker processes
(:mod:`accountgraph.api.workers`), so that the event loop stays free for every other
client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from accountgraph.api.context import ApiContext
from accountgraph.api.cost import CostModel
from accountgraph.api.refusals import encode_json, too_costly, too_large
from accountgraph.api.workers import Job, QueryWorkers
from accountgraph.settings import QueryLimits

WORKER_COST = 1_000
"""Operations costing this much or more run in a worker process, when there are workers
and the store is the embedded one; cheaper ones are answered on the event loop."""


class Budgeted:
    """A schema that knows its limits, prices its operations and has workers to run them
    (a base class, not a protocol: checking it is a plain ``isinstance`` on every
    request)."""

    limits: QueryLimits
    costs: CostModel
    workers: QueryWorkers


class QueryBudget(SchemaExtension):
    """Refuses an operation costing more than the limit before it runs, sends costly ones to
    the worker processes, and replaces an answer larger than the limit by an error. The
    limits, the cost model and the workers are the schema's (:class:`Budgeted`)."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        schema = context.schema
        document = context.graphql_document
        if not isinstance(schema, Budgeted) or document is None:
            yield
            return
        limits = schema.limits
        cost = schema.costs.cost(
            document,
            text=context.query or "",
            operation_name=context.operation_name,
            variables=context.variables,
        )
        if cost is not None and cost > limits.max_cost:
            context.result = ExecutionResult(None, [too_costly(cost, limits.max_cost)])
            yield
            return
        store = context.context.store if isinstance(context.context, ApiContext) else None
        if cost is not None and cost >= WORKER_COST and schema.workers.serves(store):
            job = Job(context.query or "", context.variables, context.operation_name)
            answered = await schema.workers.run(store, job)
            if answered is not None:
                context.result = answered
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
