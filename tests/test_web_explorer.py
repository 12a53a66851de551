"""The web explorer at ``/`` in a real browser (headless Chromium), against the real service.

Nothing here is a hard-coded answer: every expected value comes from the same service's
GraphQL API over HTTP and is compared with what the page shows. Each test writes a
screenshot of its view to ``tests/artifacts/`` and fails if the browser console has an error.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver as Chrome

from tests.browser import Api, Explorer
from tests.conftest import ExplorerService


@pytest.fixture(scope="module")
def api(explorer_service: ExplorerService) -> Api:
    return explorer_service.api


@pytest.fixture
def page(explorer_service: ExplorerService, chromium: Chrome) -> Iterator[Explorer]:
    """The page in the session's browser; after the test, its console must have no error."""
    explorer = Explorer(chromium, explorer_service.url)
    explorer.console()  # what earlier tests left
    yield explorer
    severe = [e for e in explorer.console() if e.get("level") == "SEVERE"]
    assert not severe, f"console errors: {severe}"


def test_page_loads_with_a_title_and_no_console_error(page: Explorer) -> None:
    page.load()
    assert page.driver.execute_script("return document.readyState") == "complete"
    assert page.driver.title.strip(), "the page has no title"
    page.settle(1.0)  # module scripts and their first requests
    page.screenshot("home")
