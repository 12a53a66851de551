"""GraphiQL at ``/graphql``, served whole from the service's own origin.

Strawberry's page loads React and GraphiQL from a CDN, so offline, or on an intranet that
cannot reach one, the IDE stayed on "Loading…". This page (``server/graphiql/index.html``)
loads only files under ``/graphiql/``: the browser builds of GraphiQL 3.8.3 and React 18.2.0,
vendored from npm by ``tools/vendor_graphiql.py``, and its own script. A Content Security
Policy holds the page to its origin, so a file that reached out elsewhere would be refused.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

IDE_DIR = Path(__file__).resolve().parent / "graphiql"
#: Where the page's files are served.
IDE_PATH = "/graphiql"
#: Only this origin: scripts from files (no inline script), GraphiQL's inline styles, and the
#: images and fonts its stylesheet embeds as data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


def ide_page() -> HTMLResponse:
    """The IDE's page, read from the package (it is a few hundred bytes)."""
    html = (IDE_DIR / "index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


def mount_ide(app: FastAPI) -> None:
    """Serve the IDE's files (the vendored builds and the page's script) under ``/graphiql``."""
    app.mount(IDE_PATH, StaticFiles(directory=IDE_DIR), name="graphiql")
