"""GraphiQL at ``/graphql`` is served whole from the service's own origin: the page, its
script, and the vendored builds of GraphiQL and React (``tools/vendor_graphiql.py``). A real
Chromium with no network but loopback loads it and runs a query in it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver as Chrome
from selenium.webdriver.common.by import By

from graph_store import GraphStore
from server.ide import IDE_DIR
from tests.browser import OFFLINE_FLAGS, TIMEOUT, new_profile_dir, start_chromium
from tests.conftest import LiveServer

pytestmark = pytest.mark.anyio
VENDOR = IDE_DIR / "vendor"
MANIFEST = json.loads((VENDOR / "VERSIONS.json").read_text(encoding="utf-8"))
#: What Strawberry's own page pins for the same files on unpkg.com (its graphiql.html): the
#: vendored bytes are the ones the CDN serves.
CDN_PINS = {
    "graphiql/graphiql.min.js": "HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    "graphiql/graphiql.min.css": "Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    "react/react.production.min.js": (
        "tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"
    ),
    "react-dom/react-dom.production.min.js": (
        "bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"
    ),
}
REFERENCE = re.compile(r"""(?:src|href)="([^"]+)"(?:\s+integrity="([^"]+)")?""")


def _sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_the_vendored_files_are_the_pinned_npm_builds() -> None:
    assert {name: entry["version"] for name, entry in MANIFEST.items()} == {
        "graphiql": "3.8.3",
        "react": "18.2.0",
        "react-dom": "18.2.0",
    }
    for name, entry in MANIFEST.items():
        for file, pinned in entry["files"].items():
            assert _sri((VENDOR / name / file).read_bytes()) == pinned, f"{name}/{file}"
    for path, pinned in CDN_PINS.items():
        package, file = path.split("/")
        assert MANIFEST[package]["files"][file] == f"sha384-{pinned}"


async def test_the_page_loads_only_files_of_this_origin(
    store: GraphStore, live_server: Callable[..., LiveServer]
) -> None:
    server = live_server(serve_explorer=False)  # the IDE does not depend on the explorer
    page = await server.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "unpkg" not in page.text
    assert "cdn" not in page.text.lower()
    references = dict(REFERENCE.findall(page.text))
    assert set(references) >= {f"/graphiql/vendor/{path}" for path in CDN_PINS}
    for url, integrity in references.items():
        if url.startswith("data:"):
            continue
        assert url.startswith("/graphiql/"), url
        served = await server.get(url)
        assert served.status_code == 200, url
        if integrity:
            assert _sri(served.content) == integrity, url


@pytest.fixture(scope="module")
def offline_chromium() -> Iterator[Chrome]:
    """Headless Chromium that reaches nothing but loopback."""
    profile = new_profile_dir()
    driver = start_chromium(profile, OFFLINE_FLAGS)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: Chrome, script: str, what: str) -> object:
    """Poll ``script`` in the page until it returns something truthy."""
    deadline = time.monotonic() + 3 * TIMEOUT
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {driver.page_source[:2000]}")


def test_the_browser_really_has_no_network(offline_chromium: Chrome) -> None:
    """The control: the CDN the old page used cannot be reached from this browser."""
    url = "https://unpkg.com/react@18.2.0/umd/react.production.min.js"
    try:
        offline_chromium.get(url)
        page = offline_chromium.execute_script("return document.documentElement.outerHTML")
    except WebDriverException as error:
        page = str(error)
    assert "ERR_" in page
    assert "React" not in page


async def test_graphiql_runs_a_query_with_no_network(
    documented: GraphStore, live_server: Callable[..., LiveServer], offline_chromium: Chrome
) -> None:
    server = live_server()
    query = '{ region(key: "150302") { name level } }'
    expected = (await server.graphql(query))["data"]
    assert expected == {"region": {"name": "海勃湾区", "level": "BANNER_COUNTY"}}
    driver = offline_chromium
    driver.get(f"{server.url}/graphql?q={quote(query)}")
    button = _wait(
        driver, "return document.querySelector('.graphiql-execute-button')", "the run button"
    )
    driver.execute_script("arguments[0].click()", button)
    shown = _wait(
        driver,
        # the result editor's text (CodeMirror's own value, not its rendered lines)
        "const r = document.querySelector('.result-window .CodeMirror');"
        "const text = r && r.CodeMirror.getValue();"
        "return text && text.includes('海勃湾区') && text",
        "the answer",
    )
    assert isinstance(shown, str)
    assert json.loads(shown)["data"] == expected
    loaded = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded, "the page loaded no files?"
    assert all(name.startswith(server.url) for name in loaded), loaded
    console: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    errors = [entry for entry in console if entry["level"] == "SEVERE"]
    assert errors == []
    assert driver.find_element(By.CSS_SELECTOR, ".graphiql-container")
