"""The GraphQL schema: types, queries, DataLoaders, errors and limits.

It knows the graph only through :class:`graph_store.GraphStore` and never imports ``server``.
"""

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import UploadDefinition
from strawberry.schema.config import StrawberryConfig

from schema.errors import CodedErrors
from schema.execution import ScalarListExecutionContext
from schema.limits import Limits, limit_extensions
from schema.metrics import OperationMetrics
from schema.mutation import Mutation
from schema.query import Query


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    """The service's schema with its extensions (cost limits, error codes and masking,
    metrics) and an executor that completes lists of scalars in one loop."""
    limits = limits or Limits()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[*limit_extensions(limits), OperationMetrics, CodedErrors],
        config=StrawberryConfig(relay_max_results=limits.max_page_size),
        execution_context_class=ScalarListExecutionContext,
        # uploads arrive as Starlette's UploadFile (FastAPI): typed as such, `Upload` in SDL
        scalar_overrides={UploadFile: UploadDefinition},
    )


__all__ = ["Limits", "build_schema"]
