"""The FastAPI application: GraphQL at ``/graphql`` plus the operational routes."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from cross_web import HTTPException  # what Strawberry's HTTP views raise
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from strawberry.fastapi import BaseContext, GraphQLRouter
from strawberry.types.unset import UNSET

from schema import build_schema
from schema.auth import bearer_token, key_is_valid
from schema.context import GraphContext
from server import health
from server.dataset import load_dataset_dir, load_synthetic_sample
from server.limits import BodySizeLimit, graphql_error
from server.runtime import open_runtime
from server.settings import Settings
from server.timeouts import BodyReadTimeout, RequestDeadline

#: The web explorer: static files using only the public GraphQL API (docs/explorer.md).
WEB_DIR = Path(__file__).resolve().parent / "web"


class _ReadsClosedError(Exception):
    """Raised for a request without a valid key when reads need one."""


class HttpContext(GraphContext, BaseContext):
    """The GraphQL context of one HTTP request (Strawberry's FastAPI integration wants a
    ``BaseContext``)."""


class CodedGraphQLRouter(GraphQLRouter[HttpContext, None]):
    """Strawberry's router, with its HTTP-level refusals (no query, bad JSON, wrong method)
    answered in GraphQL's error shape with ``BAD_INPUT`` instead of plain text."""

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            return graphql_error(exc.status_code, "BAD_INPUT", exc.reason)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; its lifespan opens the graph from ``settings`` (starting the local
    engine unless Neo4j or a running FalkorDB is configured) and closes it on shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await open_runtime(settings)
        app.state.store = runtime.store
        watchdog = asyncio.create_task(runtime.watch_engine())
        try:
            if settings.dataset_dir is not None:
                await load_dataset_dir(runtime.store, settings.dataset_dir)
            if settings.synthetic_profile is not None:
                await load_synthetic_sample(
                    runtime.store,
                    settings.synthetic_profile,
                    settings.synthetic_seed,
                    settings.synthetic_scale,
                )
            # What start-up built (modules, the schema, the clients) lives as long as the
            # process. Frozen, it is left out of the cyclic collector's passes, which a request
            # that allocates many objects triggers, and which otherwise walk all of it again:
            # a third of the time of 100 towns' nested objects (docs/performance.md).
            gc.collect()
            gc.freeze()
            yield
        finally:
            gc.unfreeze()  # back to the collector: another app in this process may start
            watchdog.cancel()
            app.state.store = None
            await runtime.close()

    key_hashes = settings.key_hashes

    async def context(request: Request) -> HttpContext:
        token = bearer_token(request.headers.get("authorization"))
        is_editor = key_is_valid(token, key_hashes)
        if settings.reads_need_key and not is_editor:
            raise _ReadsClosedError
        return HttpContext(
            store=request.app.state.store,
            writes_enabled=bool(key_hashes),
            is_editor=is_editor,
            batching=settings.batching,
        )

    app = FastAPI(
        title="reformgraph",
        description="GraphQL over the knowledge graph of Inner Mongolia's 2019-2021 "
        "institutional reform.",
        lifespan=lifespan,
    )

    @app.exception_handler(_ReadsClosedError)
    async def reads_closed(request: Request, exc: _ReadsClosedError) -> JSONResponse:
        return graphql_error(
            401, "UNAUTHENTICATED", "This service needs an API key: `Authorization: Bearer <key>`."
        )

    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    app.add_middleware(RequestDeadline, seconds=settings.request_deadline_s)
    app.add_middleware(BodyReadTimeout, seconds=settings.http_body_timeout_s)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(
        CodedGraphQLRouter(
            build_schema(settings.limits), context_getter=context, graphql_ide="graphiql"
        ),
        prefix="/graphql",
    )
    if settings.serve_explorer:
        # Mounted last: every route above wins, the explorer's files answer the rest.
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="explorer")
    return app
