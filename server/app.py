"""The FastAPI application: GraphQL at ``/graphql`` plus the operational routes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from strawberry.fastapi import BaseContext, GraphQLRouter

from graph_store import GraphStore
from schema import build_schema
from schema.auth import bearer_token, key_is_valid
from schema.context import GraphContext
from server import health
from server.dataset import load_dataset_dir
from server.runtime import open_runtime
from server.settings import Settings


class HttpContext(GraphContext, BaseContext):
    """The GraphQL context of one HTTP request (Strawberry's FastAPI integration wants a
    ``BaseContext``; it also gives resolvers the request for credentials)."""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app. With ``store`` given (tests), the app uses it and does not close it;
    otherwise the lifespan opens the graph from ``settings`` and closes it on shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if store is not None:
            app.state.store = store
            yield
            return
        runtime = await open_runtime(settings)
        app.state.store = runtime.store
        watchdog = asyncio.create_task(runtime.watch_engine())
        try:
            if settings.dataset_dir is not None:
                await load_dataset_dir(runtime.store, settings.dataset_dir)
            yield
        finally:
            watchdog.cancel()
            app.state.store = None
            await runtime.close()

    key_hashes = settings.key_hashes

    async def context(request: Request) -> HttpContext:
        token = bearer_token(request.headers.get("authorization"))
        return HttpContext(
            store=request.app.state.store,
            writes_enabled=bool(key_hashes),
            is_editor=key_is_valid(token, key_hashes),
        )

    app = FastAPI(
        title="reformgraph",
        description="GraphQL over the knowledge graph of Inner Mongolia's 2019-2021 "
        "institutional reform.",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    app.include_router(
        GraphQLRouter(
            build_schema(settings.limits), context_getter=context, graphql_ide="graphiql"
        ),
        prefix="/graphql",
    )
    return app
