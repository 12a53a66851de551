"""Operational routes: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST

from graph_store import BackendUnavailableError, GraphStore
from schema.metrics import exposition

router = APIRouter()


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The graph is reachable and its schema applied")
async def readyz(request: Request) -> JSONResponse:
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        return JSONResponse({"status": "starting", "code": "NOT_READY"}, status_code=503)
    try:
        await store.ping()
    except BackendUnavailableError as exc:
        return JSONResponse(
            {
                "status": "unavailable",
                "code": "BACKEND_UNAVAILABLE",
                "engine": store.engine,
                "reason": str(exc),
            },
            status_code=503,
        )
    if not store.schema_applied:
        return JSONResponse(
            {"status": "schema pending", "code": "NOT_READY", "engine": store.engine}, 503
        )
    return JSONResponse({"status": "ready", "engine": store.engine})


@router.get("/metrics", summary="Prometheus metrics (of every worker process)")
async def metrics() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)
