"""The FastAPI application: GraphQL at ``/graphql`` plus the operational routes."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException  # what Strawberry's HTTP views raise
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from schema import build_schema
from schema.auth import bearer_token, key_is_valid
from schema.context import GraphContext
from schema.errors import classify
from schema.limits import Limits
from server import health
from server.dataset import load_start_up_data
from server.export import export_router
from server.ide import ide_page, mount_ide
from server.limits import (
    BodySizeLimit,
    decode_request_json,
    graphql_error,
    internal_error,
    is_multipart,
)
from server.runtime import open_runtime
from server.settings import Settings, load_settings
from server.timeouts import BodyReadTimeout, RequestDeadline

#: The web explorer: static files using only the public GraphQL API (docs/explorer.md).
WEB_DIR = Path(__file__).resolve().parent / "web"
#: Headers a multipart (file upload) request must carry one of, non-empty: a header a page
#: cannot add to a cross-site form post without the CORS preflight the service controls
#: (the GraphQL multipart request spec's CSRF advice; the second is what Apollo clients send).
PREFLIGHT_HEADERS = ("graphql-require-preflight", "apollo-require-preflight")
#: New container objects (allocations less deallocations) between two passes of the cyclic
#: garbage collector over the youngest generation while the service runs (CPython: 700).
YOUNG_GC_THRESHOLD = 20_000


class _ReadsClosedError(Exception):
    """Raised for a request without a valid key when reads need one."""


class CodedGraphQL(GraphQL[GraphContext, None]):
    """Strawberry's ASGI GraphQL view, with its HTTP-level refusals (no query, bad JSON, wrong
    method) answered in GraphQL's error shape with ``BAD_INPUT`` instead of plain text, bodies
    that are not a JSON object in UTF-8 refused the same way, every error of a result coded,
    and file uploads (multipart bodies) accepted only with a preflight header
    (:data:`PREFLIGHT_HEADERS`).

    The ASGI view rather than Strawberry's FastAPI router: the router answers each request
    through FastAPI's dependency injection (its context and root value getters, the request,
    the response), which was a fifth of the CPU of a request that reads nothing
    (docs/performance.md); the view calls the one context getter directly."""

    def __init__(
        self,
        schema: Any,
        context_getter: Callable[[Request], Awaitable[GraphContext]],
        **options: Any,
    ) -> None:
        super().__init__(schema, **options)
        self._context_getter = context_getter

    async def get_context(self, request: Any, response: Any) -> GraphContext:
        return await self._context_getter(request)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        headers = request.headers
        if is_multipart({b"content-type": headers.get("content-type", "").encode()}) and not any(
            headers.get(name, "").strip() for name in PREFLIGHT_HEADERS
        ):
            return graphql_error(
                400,
                "BAD_INPUT",
                "A multipart request (file upload) needs the header "
                "`GraphQL-Require-Preflight: 1`, so that no other site's form can send one.",
                header="GraphQL-Require-Preflight",
            )
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            return graphql_error(exc.status_code, "BAD_INPUT", exc.reason)
        finally:
            # An upload's parts are spooled files (on disk past 1 MiB) that Strawberry never
            # closes: they stayed open until the garbage collector found them, which at this
            # service's collector threshold can be hundreds of requests later.
            await request.close()

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)

    def encode_json(self, data: object) -> bytes:
        # orjson: encoded in C rather than by the standard library's encoder, and Chinese text
        # goes out as UTF-8 (3 bytes a character) rather than as \uXXXX escapes (6). Same JSON
        # for the client.
        return orjson.dumps(data)

    async def parse_http_body(self, request: Any) -> Any:
        parsed = await super().parse_http_body(request)
        for operation in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(operation.operation_name, str | None):
                raise HTTPException(
                    400, "The GraphQL operation's `operationName` must be a string or null."
                )
        return parsed

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return ide_page()  # GraphiQL from this origin, not a CDN (server/ide.py)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # The schema's CodedErrors gives each error its code; an error raised where no
        # extension sees it (Strawberry turns any exception out of parsing or validation
        # into a result after the extensions have run) is masked here.
        if result.errors:
            result.errors = [classify(error) for error in result.errors]
        return await super().process_result(request, result)


def limits_of(settings: Settings) -> Limits:
    """Every cap of the API (schema/limits.py), from the settings that configure them."""
    return Limits(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_page_size=settings.max_page_size,
        max_cost=settings.max_cost,
        max_cost_in_flight=settings.max_cost_in_flight,
        import_deadline_s=settings.import_deadline_s,
        claim_matrix_towns=settings.claim_matrix_towns,
        merger_bodies=settings.merger_bodies,
        max_list_length=settings.max_list_length,
        validation_work=settings.validation_work,
    )


def create_app(settings: Settings | None = None, *, graph_prepared: bool = False) -> FastAPI:
    """Build the app; its lifespan opens the graph from ``settings`` (starting the local
    engine unless Neo4j or a running FalkorDB is configured, and then watching it), applies
    the start-up data, and closes it on shutdown.

    A worker of ``serve --workers`` is given the parent's engine, ``load_at_start`` off and
    ``graph_prepared``: it starts, watches, loads and prepares nothing, and its start reaches
    no engine. A worker that replaces a dead one while the engine is away (restarting, or
    Neo4j down) therefore starts, answers ``BACKEND_UNAVAILABLE`` until the engine is back,
    and does not fail its start-up, which would make uvicorn's supervisor stop every worker."""
    settings = settings or load_settings()
    app = FastAPI(
        title="reformgraph",
        description="GraphQL over the knowledge graph of Inner Mongolia's 2019-2021 "
        "institutional reform.",
        lifespan=_lifespan(settings, prepare=not graph_prepared),
    )

    @app.exception_handler(_ReadsClosedError)
    async def reads_closed(request: Request, exc: _ReadsClosedError) -> JSONResponse:
        return graphql_error(
            401, "UNAUTHENTICATED", "This service needs an API key: `Authorization: Bearer <key>`."
        )

    # Anything else that escapes a route: a coded 500 in GraphQL's error shape, not
    # Starlette's plain text (Starlette still logs the exception).
    app.add_exception_handler(Exception, internal_error)
    _add_middleware(app, settings)
    _add_routes(app, settings)
    return app


def _lifespan(
    settings: Settings, *, prepare: bool
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the graph open (and the start-up data loaded) while it serves;
    ``prepare`` as :func:`~server.runtime.open_runtime` takes it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, prepare=prepare) as runtime:
            app.state.store = runtime.store
            watchdog = asyncio.create_task(runtime.watch_engine())
            thresholds = gc.get_threshold()
            try:
                if settings.load_at_start:  # off in the workers of `serve --workers`
                    await load_start_up_data(runtime.store, settings)
                # What start-up built (modules, the schema, the clients) lives as long as the
                # process. Frozen, it is left out of the cyclic collector's passes, which a
                # request that allocates many objects triggers, and which otherwise walk all
                # of it again: a third of the time of 100 towns' nested objects
                # (docs/performance.md).
                gc.collect()
                gc.freeze()
                # A request frees what it made by reference counting (tests/
                # test_request_memory.py); the collector then only looks for the few cycles
                # the drivers leave (a Neo4j session and its result, ~50 objects a read).
                # At the default threshold (700 new objects) it ran about once per nested
                # request and walked that request's live objects; at this one it runs once
                # in hundreds of requests (docs/performance.md).
                gc.set_threshold(YOUNG_GC_THRESHOLD, *thresholds[1:])
                yield
            finally:
                gc.set_threshold(*thresholds)
                gc.unfreeze()  # back to the collector: another app in this process may start
                watchdog.cancel()
                app.state.store = None

    return lifespan


def _context_getter(settings: Settings) -> Callable[[Request], Awaitable[GraphContext]]:
    """What makes each request's GraphQL context: the store, and who is asking."""
    key_hashes = settings.key_hashes

    async def context(request: Request) -> GraphContext:
        token = bearer_token(request.headers.get("authorization"))
        is_editor = key_is_valid(token, key_hashes)
        if settings.reads_need_key and not is_editor:
            raise _ReadsClosedError
        return GraphContext(
            store=request.app.state.store,
            writes_enabled=bool(key_hashes),
            is_editor=is_editor,
            batching=settings.batching,
            dataset_dir=settings.dataset_dir,
        )

    return context


def _add_middleware(app: FastAPI, settings: Settings) -> None:
    """CORS (when origins are configured), the request deadline and the body limits."""
    origins = settings.origins
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", *PREFLIGHT_HEADERS],
        )
    app.add_middleware(RequestDeadline, seconds=settings.request_deadline_s)
    app.add_middleware(
        BodyReadTimeout,
        seconds=settings.http_body_timeout_s,
        min_rate=settings.http_body_min_rate,
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )


def _add_routes(app: FastAPI, settings: Settings) -> None:
    """The probes, GraphQL and its IDE, the exports and (last) the explorer."""
    context = _context_getter(settings)
    app.include_router(health.router)
    schema = build_schema(limits_of(settings), settings.metrics_operation_names)
    app.state.schema = schema
    graphql = CodedGraphQL(
        schema,
        context,
        graphql_ide="graphiql",
        # file uploads (importDelegationList, importClaimsTable); CSRF: see run()
        multipart_uploads_enabled=True,
    )
    # First of the routes: the one nearly every request takes is matched first.
    app.router.routes.insert(0, Route("/graphql", graphql, methods=["GET", "POST"]))
    app.include_router(export_router(schema, context))
    mount_ide(app)
    if settings.serve_explorer:
        # Mounted last: every route above wins, the explorer's files answer the rest.
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="explorer")
