"""The GraphQL schema: types, queries, DataLoaders, errors and limits.

It knows the graph only through :class:`graph_store.GraphStore` and never imports ``server``.
"""

from collections.abc import Iterable

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import UploadDefinition
from strawberry.schema.config import StrawberryConfig

from schema.errors import CodedErrors
from schema.execution import ScalarListExecutionContext
from schema.limits import CostInFlight, Limits, limit_extensions
from schema.metrics import OperationMetrics
from schema.mutation import Mutation
from schema.query import Query


class LimitedSchema(strawberry.Schema):
    """A Strawberry schema that knows its :class:`Limits`, for resolvers that enforce a cap
    on what they read (``schema.limits.limits_of``)."""

    limits: Limits
    #: what the operations it is running cost together (schema/limits.py)
    in_flight: CostInFlight


def build_schema(limits: Limits | None = None, operations: Iterable[str] = ()) -> LimitedSchema:
    """The service's schema with its extensions (limits and cost, error codes and masking,
    metrics labelled by ``operations`` and the explorer's operation names) and an executor that
    completes lists of scalars in one loop."""
    limits = limits or Limits()
    in_flight = CostInFlight(limits.max_cost_in_flight)
    schema = LimitedSchema(
        query=Query,
        mutation=Mutation,
        extensions=[
            *limit_extensions(limits, in_flight),
            OperationMetrics.labelled(operations),
            CodedErrors,
        ],
        config=StrawberryConfig(relay_max_results=limits.max_page_size),
        execution_context_class=ScalarListExecutionContext,
        # uploads arrive as Starlette's UploadFile (FastAPI): typed as such, `Upload` in SDL
        scalar_overrides={UploadFile: UploadDefinition},
    )
    schema.limits = limits
    schema.in_flight = in_flight
    return schema


__all__ = ["LimitedSchema", "Limits", "build_schema"]
