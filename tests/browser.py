"""Driving the web explorer in a real browser: Debian's headless Chromium through its
ChromeDriver (``make test-deps`` installs both), and the service's own GraphQL API over
HTTP for the answers the page is checked against.

Selenium is given the browser's and the driver's paths, so Selenium Manager never runs (it
would try to download them). The fixtures that use these helpers are in ``conftest.py``.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver as Chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: A laptop screen.
WINDOW = (1366, 768)
#: Longest wait for the page to render a view or react to input (2 shared cores).
TIMEOUT = 20.0

T = TypeVar("T")
#: Text that only a rendering bug puts on screen.
PLACEHOLDER = re.compile(r"\b(?:null|undefined|NaN)\b|\[object \w+\]")
#: Numbers the page loads of the session, so that no two share a URL.
LOADS = itertools.count(1)

# Without the background-networking flags Chromium keeps calling Google's hosts, which this
# machine's closed network refuses; the sandbox needs user namespaces CI does not have.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


#: No network but loopback: every other host name resolves to nothing, and every other
#: address goes through a proxy on a port where nothing listens (the discard port).
OFFLINE_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",  # loopback itself bypasses any proxy
)


def start_chromium(user_data_dir: Path, extra_flags: tuple[str, ...] = ()) -> Chrome:
    """Headless Chromium on a new, empty profile with the browser console captured."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} missing: run `make test-deps` (as root)")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, *extra_flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={user_data_dir}")
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    options.add_argument("--lang=zh-CN")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(*WINDOW)
    driver.set_page_load_timeout(TIMEOUT)
    driver.set_script_timeout(TIMEOUT)
    return driver


def new_profile_dir() -> Path:
    """A new, empty Chromium profile directory."""
    return Path(tempfile.mkdtemp(prefix="reformgraph-chromium-"))


class Api:
    """The service's GraphQL API over HTTP: where the expected answers come from."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30)

    def query(self, query: str, **variables: Any) -> dict[str, Any]:
        """The ``data`` of a query that must succeed."""
        body = self.raw(query, **variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def raw(self, query: str, **variables: Any) -> dict[str, Any]:
        """The whole decoded response (``data`` and ``errors``)."""
        response = self.client.post("/graphql", json={"query": query, "variables": variables})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def close(self) -> None:
        self.client.close()


def route(path: str, **params: str | float) -> str:
    """A hash route of the page, keys and values encoded as encodeURIComponent does."""

    if not params:
        return f"#/{path}"
    return f"#/{path}?" + "&".join(f"{k}={encode(str(v))}" for k, v in params.items())


def key_route(view: str, key: str) -> str:
    """``#/<view>/<key>`` with the key encoded."""
    return f"#/{view}/{encode(key)}"


def encode(value: str) -> str:
    """What JavaScript's encodeURIComponent gives."""
    return quote(value, safe="!~*'()")


class Explorer:
    """The explorer page in one browser: navigation, waits, finding by ``data-testid``."""

    def __init__(self, driver: Chrome, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    # navigation -----------------------------------------------------------------------

    def load(self, hash_route: str = "#/") -> None:
        """Load the page afresh at a route: a new document (the query string differs from
        every earlier load), so nothing is left of an earlier test."""
        if self.driver.current_url.startswith(self.base_url):
            self.driver.execute_script("window.earlierDocument = true")
        self.driver.get(f"{self.base_url}/?load={next(LOADS)}{hash_route}")
        assert not self.driver.execute_script("return window.earlierDocument"), "not reloaded"

    def expect_navigation(self) -> None:
        """Forget the current view's state, so that the next wait sees the view a click or
        a route change renders, not the one already on screen."""
        self.driver.execute_script("document.body.removeAttribute('data-state')")

    def go(self, hash_route: str) -> None:
        """Change the route of the loaded page, as a link would."""
        self.expect_navigation()
        self.driver.execute_script("location.hash = arguments[0]", hash_route)

    def wait_view(self, view: str, state: str = "ready") -> WebElement:
        """Wait until ``body`` has ``data-view=view`` and ``data-state=state``; fails early,
        with what the page shows, when the view ends in the other final state."""
        other = "error" if state == "ready" else "ready"

        def settled(driver: WebDriver) -> tuple[str, str] | None:
            got = driver.execute_script(
                "return [document.body.dataset.view || '', document.body.dataset.state || '']"
            )
            view_now, state_now = str(got[0]), str(got[1])
            if view_now == view and state_now in (state, other):
                return view_now, state_now
            return None

        try:
            _, final = self.wait(settled, f"body[data-view={view}][data-state={state}]")
        except AssertionError:
            raise AssertionError(
                f"the page never showed view {view!r} in state {state!r}: {self.describe()}"
            ) from None
        assert final == state, (
            f"view {view!r} ended in state {final!r}, not {state!r}: {self.describe()}"
        )
        body = self.driver.find_element(By.TAG_NAME, "body")
        self.assert_readable(body)
        return body

    def assert_readable(self, element: WebElement) -> None:
        """What the element shows has no programmer's placeholder (``null``, ``undefined``,
        ``NaN``, ``[object Object]``), and the page fits a laptop screen's width (only
        parts of it, such as a wide heat map, scroll sideways)."""
        text = element.text
        leak = PLACEHOLDER.search(text)
        if leak is not None:
            around = text[max(0, leak.start() - 80) : leak.end() + 40]
            raise AssertionError(f"the page shows {leak.group()!r}: …{around}…")
        widths = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert widths[0] <= widths[1], f"the page is wider than the window: {widths}"

    def describe(self) -> str:
        """What the page shows now, for a failure message."""
        got = self.driver.execute_script(
            "const b = document.body; const e = document.querySelector('[data-testid=error]');"
            "return [location.href, b.dataset.view || '', b.dataset.state || '',"
            " e ? e.innerText : '', b.innerText.slice(0, 300)]"
        )
        url, view, state, error, text = (str(x) for x in got)
        return (
            f"url={url} data-view={view!r} data-state={state!r} error={error!r} "
            f"text={text!r} console={self.console()}"
        )

    # finding --------------------------------------------------------------------------

    def one(self, testid: str, within: WebElement | None = None, **attrs: str) -> WebElement:
        """The element with this ``data-testid`` (and ``data-*`` attributes); it must exist."""
        found = self.all(testid, within, **attrs)
        assert found, f"no [data-testid={testid}]{attrs or ''} on the page: {self.describe()}"
        return found[0]

    def all(self, testid: str, within: WebElement | None = None, **attrs: str) -> list[WebElement]:
        """Every element with this ``data-testid`` (and ``data-*`` attributes), in DOM order."""
        scope: WebDriver | WebElement = within if within is not None else self.driver
        return scope.find_elements(By.CSS_SELECTOR, selector(testid, **attrs))

    def wait(self, condition: Callable[[WebDriver], T | None], what: str) -> T:
        """Wait until ``condition`` gives something truthy; stale elements retry."""
        waiter = WebDriverWait(
            self.driver, TIMEOUT, poll_frequency=0.05,
            ignored_exceptions=(StaleElementReferenceException,),
        )  # fmt: skip

        def check(driver: WebDriver) -> T | Literal[False]:
            return condition(driver) or False

        try:
            return waiter.until(check)
        except TimeoutException:
            raise AssertionError(f"waited {TIMEOUT:.0f} s for {what}") from None

    def wait_for(self, testid: str, **attrs: str) -> WebElement:
        """Wait until an element with this ``data-testid`` is displayed."""

        def shown(driver: WebDriver) -> WebElement | None:
            for element in driver.find_elements(By.CSS_SELECTOR, selector(testid, **attrs)):
                if element.is_displayed():
                    return element
            return None

        try:
            return self.wait(shown, selector(testid, **attrs))
        except AssertionError as exc:
            raise AssertionError(f"{exc}: {self.describe()}") from None

    def attrs(self, testid: str, *names: str) -> list[dict[str, str | None]]:
        """The ``data-*`` attributes of every element with this ``data-testid`` in one
        round trip (a matrix has hundreds of cells)."""
        got = self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0]), e =>"
            " Object.fromEntries(arguments[1].map(n => [n, e.getAttribute('data-' + n)])))",
            selector(testid),
            list(names),
        )
        return [{str(k): (None if v is None else str(v)) for k, v in row.items()} for row in got]

    # artefacts and console ------------------------------------------------------------

    def screenshot(self, name: str) -> Path:
        """Write the window to ``tests/artifacts/<name>.png``."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), f"no screenshot written to {path}"
        return path

    def console(self) -> list[dict[str, Any]]:
        """The browser console entries since the last call (ChromeDriver hands each once)."""
        entries: list[dict[str, Any]] = self.driver.get_log("browser")  # type: ignore[no-untyped-call]
        return entries

    def settle(self, seconds: float = 0.3) -> None:
        """Give the page a moment to finish what it is doing (pending requests, debounce)."""
        time.sleep(seconds)


def selector(testid: str, **attrs: str) -> str:
    """A CSS selector for ``[data-testid=…]`` with ``data-*`` attribute values."""
    parts = [f'[data-testid="{testid}"]']
    parts += [f'[data-{name.replace("_", "-")}="{css_string(v)}"]' for name, v in attrs.items()]
    return "".join(parts)


def css_string(value: str) -> str:
    """A value for a double-quoted CSS attribute selector."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def numbers(text: str) -> list[float]:
    """The numbers in a text, in order (``41.4%`` gives 41.4)."""
    return [float(n) for n in NUMBER.findall(text.replace(",", ""))]


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def shows_rate(text: str, rate: float) -> bool:
    """True when a text shows ``rate`` as a percentage (41.4%, 41%) or as a fraction
    (0.414), to the precision it is written with."""
    for match in NUMBER.finditer(text.replace(",", "")):
        written = match.group()
        digits = len(written.partition(".")[2])
        percent = text.replace(",", "")[match.end() : match.end() + 2].strip().startswith("%")
        scale = 100.0 if percent else 1.0
        tolerance = 0.5 * 10**-digits / scale + 1e-9
        if math.isclose(float(written) / scale, rate, abs_tol=tolerance):
            return True
    return False
