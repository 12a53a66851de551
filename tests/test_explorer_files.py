"""The explorer's files as the service serves them (no browser): the page at ``/``, every
module it imports, and the switch that turns it off."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from domain import TERMS
from graph_store import GraphStore
from tests.conftest import REPO_ROOT, LiveServer

pytestmark = pytest.mark.anyio
IMPORT = re.compile(r"""^import .*? from "(\.{1,2}/[^"]+)";$""", re.MULTILINE)


async def test_the_page_and_every_module_it_imports_are_served(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server()
    page = await server.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'src="js/app.js"' in page.text
    # Walk the module graph from app.js: a module missing from the package breaks the page.
    pending, seen = ["js/app.js"], set()
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        response = await server.get(f"/{path}")
        assert response.status_code == 200, path
        assert "javascript" in response.headers["content-type"], path
        folder = path.rsplit("/", 1)[0]
        for target in IMPORT.findall(response.text):
            parts = [*folder.split("/"), *target.split("/")]
            resolved: list[str] = []
            for part in parts:
                if part == "..":
                    resolved.pop()
                elif part != ".":
                    resolved.append(part)
            pending.append("/".join(resolved))
    assert {"js/api.js", "js/views/matrix.js", "js/views/chain.js"} <= seen
    assert (await server.get("/style.css")).status_code == 200


async def test_the_explorer_can_be_switched_off_and_the_api_stays(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(serve_explorer=False)
    assert (await server.get("/")).status_code == 404
    assert (await server.get("/healthz")).status_code == 200
    body = await server.graphql("{ regions { key } }")
    assert body["data"] == {"regions": []}


def test_the_explorer_keeps_no_copy_of_the_vocabulary() -> None:
    """The page labels enum values with the words the API's schema describes them by; no
    module maps a value to its words itself (a copy that would drift)."""
    sources = {
        path.relative_to(REPO_ROOT): path.read_text(encoding="utf-8")
        for path in (REPO_ROOT / "server" / "web" / "js").rglob("*.js")
    }
    copies = [
        f"{path}: {value.name} → {value.words}"
        for path, source in sources.items()
        for term in TERMS
        for value in term
        if re.search(rf"""\b{value.name}\b["']?\s*:\s*["']{re.escape(value.words)}["']""", source)
    ]
    assert copies == []
    assert "setEnumWords" in sources[next(p for p in sources if p.name == "app.js")]
