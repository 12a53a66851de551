"""The web explorer at ``/`` in a real browser (headless Chromium), against the real service.

Nothing here is a hard-coded answer: every expected value comes from the same service's
GraphQL API over HTTP and is compared with what the page shows. Each test writes a
screenshot of its view to ``tests/artifacts/`` and fails if the browser console has an error.
The page's hooks are its contract with these tests: hash routes (``#/matrix?list=…``),
``data-view``/``data-state`` on ``body`` once a view has rendered, and ``data-testid``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver as Chrome
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement

from tests.browser import Api, Explorer, encode, key_route, numbers, route, shows_rate
from tests.conftest import ExplorerService

#: The documented county matrix of the README: counts only, the items are not named.
TOWNSHIP_POWERS = "powerlist:nmg:township-powers"
HAIBOWAN = "region:haibowan"
#: A documented body with a lineage of several reform events.
URBAN_TEAM = "body:haibowan:urban-enforcement"
#: The Chinese names of the power types, as docs/delegation-lists.md gives them.
POWER_TYPE_LABELS = {
    "LICENSING": "行政许可",
    "PENALTY": "行政处罚",
    "COERCION": "行政强制",
    "INSPECTION": "行政检查",
    "CONFIRMATION": "行政确认",
    "PAYMENT": "行政给付",
    "REWARD": "行政奖励",
    "LEVY": "行政征收",
    "PUBLIC_SERVICE": "公共服务",
    "OTHER": "其他",
}

SEARCH = """
query($text: String!) { search(text: $text, first: 50) { totalCount edges { node {
  __typename
  ... on Region { key name } ... on Body { key name signboards }
  ... on PowerItem { key name } ... on PowerList { key title } ... on ReformEvent { key title }
} } } }"""

MATRIX = """
query($list: String!, $region: String!) {
  claimMatrix(list: $list, region: $region, targetRate: 0.7) {
    items { key name powerType legalBasis synthetic }
    towns {
      town { key name } rate itemsNamed synthetic claims { item mode } unclaimed
      provenance { source quote }
    }
  }
}"""

#: Every count the heat map shows, as the API answers it.
MATRIX_COUNTS = """
query($list: String!, $region: String!) {
  claimMatrix(list: $list, region: $region, targetRate: 0.7) {
    itemCount itemKeys itemClaimCounts
    towns { town { key name } claimedCount ofCount rate hasEnforcementBureau meetsTarget }
    shortOfTarget { town { key } }
    allShortOfTarget: shortOfTarget(withEnforcementBureauOnly: false) { town { key } }
  }
}"""
#: 千里山镇, the one town of 海勃湾区 with an enforcement bureau whose rate the report gives
#: (41.4%, short of the 70% asked of such towns; README, "Which township claimed how many").
QIANLISHAN = "region:haibowan:qianlishan"

KEYED = "__typename ... on Body { key } ... on Region { key } ... on PowerList { key }"
CHAINS = f"""
query($item: String!, $town: String) {{
  delegationChains(item: $item, town: $town) {{
    hops {{ relation synthetic from {{ {KEYED} ... on PowerItem {{ key }} }}
            to {{ {KEYED} ... on PowerItem {{ key }} }} }}
  }}
}}"""

IMPACT = """
query($bodies: [String!]!, $target: String, $newName: String) {
  mergerImpact(bodies: $bodies, target: $target, newName: $newName) {
    targetName powers { key } reroutedDelegations { fromBody to item }
    superiorChanges { body { key } } staffQuotaAfter conflicts { code }
  }
}"""


# the service's answers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(explorer_service: ExplorerService) -> Api:
    return explorer_service.api


@dataclass
class County:
    """A synthetic county with a synthetic list whose towns claimed named items."""

    region: str
    power_list: str
    matrix: dict[str, Any]
    departments: list[dict[str, Any]]


@pytest.fixture(scope="module")
def county(api: Api) -> County:
    """The first synthetic county (by key) with a list in force, its claim matrix, and its
    government departments that hold powers."""
    regions = api.query(
        "{ regions(level: BANNER_COUNTY) { key synthetic powerLists { key synthetic } } }"
    )["regions"]
    region = min(
        (r for r in regions if r["synthetic"] and any(pl["synthetic"] for pl in r["powerLists"])),
        key=lambda r: r["key"],
    )
    power_list = next(pl["key"] for pl in region["powerLists"] if pl["synthetic"])
    matrix = api.query(MATRIX, list=power_list, region=region["key"])["claimMatrix"]
    assert matrix["items"], "the synthetic sample has no named items"
    bodies = api.query(
        """query($key: String!) { region(key: $key) { bodies(first: 200) { edges { node {
             key name kind synthetic holds { totalCount } } } } } }""",
        key=region["key"],
    )["region"]["bodies"]["edges"]
    departments = [
        e["node"]
        for e in bodies
        if e["node"]["kind"] == "GOVERNMENT_DEPARTMENT" and e["node"]["holds"]["totalCount"]
    ]
    assert len(departments) >= 3, "the synthetic county has too few departments with powers"
    return County(region["key"], power_list, matrix, departments)


def cell_states(matrix: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(town, item) → CONFIRM | ASSIGN | NONE for every town whose items are named."""
    states = {}
    for row in matrix["towns"]:
        if not row["itemsNamed"]:
            continue
        modes = {c["item"]: c["mode"] for c in row["claims"]}
        for item in matrix["items"]:
            states[row["town"]["key"], item["key"]] = modes.get(item["key"]) or "NONE"
    return states


def search(api: Api, text: str) -> tuple[int, set[tuple[str, str]]]:
    """The API's search: total count and (key, __typename) of the first 50."""
    found = api.query(SEARCH, text=text)["search"]
    return found["totalCount"], {
        (e["node"]["key"], e["node"]["__typename"]) for e in found["edges"]
    }


def item_name(api: Api, key: str) -> str:
    name: str = api.query("query($k: String!) { powerItem(key: $k) { name } }", k=key)["powerItem"][
        "name"
    ]
    return name


def node_key(node: dict[str, Any]) -> str:
    key: str = node["key"]
    return key


# the page ---------------------------------------------------------------------------------


@pytest.fixture
def page(explorer_service: ExplorerService, chromium: Chrome) -> Iterator[Explorer]:
    """The page in the session's browser; after the test, its console must have no error."""
    explorer = Explorer(chromium, explorer_service.url)
    explorer.console()  # what earlier tests left
    yield explorer
    severe = [e for e in explorer.console() if e.get("level") == "SEVERE"]
    assert not severe, f"console errors: {severe}"


def own(page: Explorer, node: WebElement, testid: str) -> WebElement:
    """The element with ``testid`` that belongs to this region node, not to a child's."""
    found = page.driver.execute_script(
        "const node = arguments[0];"
        'return Array.from(node.querySelectorAll(`[data-testid="${arguments[1]}"]`))'
        ".find(e => e.closest('[data-testid=\"region-node\"]') === node) || null",
        node,
        testid,
    )
    assert isinstance(found, WebElement), f"region node without its own {testid}"
    return found


def shown_results(page: Explorer) -> set[tuple[str, str]]:
    return {(str(a["key"]), str(a["type"])) for a in page.attrs("search-result", "key", "type")}


def type_into(field: WebElement, text: str) -> None:
    """Type as a user does, one character at a time, and never press Enter."""
    for char in text:
        field.send_keys(char)


def clear(field: WebElement) -> None:
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)


def provenance_text(page: Explorer, scope: WebElement) -> str:
    """Open the provenance elements in ``scope`` as a reader does (click a <details>'s
    summary, or the link) and give the text they then show."""
    texts = []
    for element in page.all("provenance", scope)[:3]:
        page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        if element.tag_name.lower() == "details":
            if element.get_attribute("open") is None:
                element.find_element(By.TAG_NAME, "summary").click()
        else:
            element.click()
        texts.append(element.text)
    return "\n".join(texts)


# the tests --------------------------------------------------------------------------------


def test_page_loads_with_a_title_and_no_console_error(page: Explorer) -> None:
    page.load()
    assert page.driver.execute_script("return document.readyState") == "complete"
    assert page.driver.title.strip(), "the page has no title"
    page.wait_view("home")
    page.screenshot("home")


def test_region_tree_expands_to_a_county_and_offers_its_matrices(page: Explorer, api: Api) -> None:
    roots = api.query("{ regions(level: AUTONOMOUS_REGION) { key } }")["regions"]
    page.load("#/")
    page.wait_view("home")
    tree = page.wait_for("region-tree")
    top = set(
        page.driver.execute_script(
            "return Array.from(arguments[0].querySelectorAll('[data-testid=\"region-node\"]'))"
            ".filter(n => !n.parentElement.closest('[data-testid=\"region-node\"]'))"
            ".map(n => n.dataset.key)",
            tree,
        )
    )
    assert top == {r["key"] for r in roots}, "the tree does not start at the root regions"

    # down the ancestors of 海勃湾区, root first, each toggle loading the children
    chain = api.query(
        "query($k: String!) { region(key: $k) { ancestors { key } powerLists { key } } }",
        k=HAIBOWAN,
    )["region"]
    for ancestor in reversed(chain["ancestors"]):
        children = api.query(
            "query($k: String!) { region(key: $k) { children { key } } }", k=ancestor["key"]
        )["region"]["children"]
        node = page.one("region-node", tree, key=ancestor["key"])
        shown = {n.get_attribute("data-key") for n in page.all("region-node", node)}
        if not {c["key"] for c in children} <= shown:  # not already open
            own(page, node, "region-toggle").click()
        for child in children:
            page.wait_for("region-node", key=child["key"])
    # the region tree has 1,346 regions and more: only the opened regions' children are loaded
    loaded = page.all("region-node", tree)
    assert len(loaded) < 100, f"{len(loaded)} regions in the tree after opening three"
    page.screenshot("region-tree")

    node = page.one("region-node", tree, key=HAIBOWAN)
    page.expect_navigation()
    own(page, node, "region-link").click()
    view = page.wait_view("region")
    assert page.driver.execute_script("return location.hash") == key_route("region", HAIBOWAN)
    page.one("region-view", view)
    facts = view.find_element("css selector", "dl.facts").text
    assert "150302" in facts  # its official code
    assert "市辖区（DISTRICT）" in facts  # and what the code says it is
    offered = {a["list"] for a in page.attrs("open-matrix", "list")}
    assert offered == {pl["key"] for pl in chain["powerLists"]}
    page.screenshot("region")

    page.expect_navigation()
    page.one("open-matrix", view, list=TOWNSHIP_POWERS).click()
    page.wait_view("matrix")
    assert page.one("matrix-view").is_displayed()
    rows = {a["town"] for a in page.attrs("matrix-row", "town")}
    matrix = api.query(MATRIX, list=TOWNSHIP_POWERS, region=HAIBOWAN)["claimMatrix"]
    assert rows == {t["town"]["key"] for t in matrix["towns"]}


def test_search_shows_results_as_you_type(page: Explorer, api: Api) -> None:
    page.load("#/")
    page.wait_view("home")
    field = page.wait_for("search-input")
    field.click()
    assert not field.get_attribute("value")

    _, first = search(api, "千里")
    assert first, "the API finds nothing for 千里"
    type_into(field, "千里")
    page.wait(lambda _: (s := shown_results(page)) and s <= first, "results for 千里")

    total, expected = search(api, "千里山")
    assert 0 < total <= 10, "pick a narrower search text"
    type_into(field, "山")
    page.wait(lambda _: shown_results(page) == expected, f"the results for 千里山: {expected}")
    page.assert_readable(page.one("search-result"))
    page.screenshot("search")

    # a signboard (挂牌) finds the body that carries it under another name
    text = "城市管理办"
    total, expected = search(api, text)
    assert 0 < total <= 10
    signboard_only = api.query(SEARCH, text=text)["search"]["edges"]
    assert any(
        text not in e["node"].get("name", "") and e["node"].get("signboards")
        for e in signboard_only
    ), "no body is found by its signboard alone"
    clear(field)
    type_into(field, text)
    page.wait(lambda _: shown_results(page) == expected, f"the results for {text}: {expected}")

    # a result opens its view
    clear(field)
    type_into(field, "千里山")
    region = next(key for key, kind in search(api, "千里山")[1] if kind == "Region")
    result = page.wait_for("search-result", key=region)
    page.expect_navigation()
    result.click()
    page.wait_view("region")
    assert page.driver.execute_script("return location.hash") == key_route("region", region)


def test_documented_county_matrix_says_the_items_are_not_named(page: Explorer, api: Api) -> None:
    matrix = api.query(MATRIX, list=TOWNSHIP_POWERS, region=HAIBOWAN)["claimMatrix"]
    assert not all(t["itemsNamed"] for t in matrix["towns"])
    page.load(route("matrix", list=TOWNSHIP_POWERS, region=HAIBOWAN, target=0.7))
    view = page.wait_view("matrix")
    assert page.wait_for("items-not-named").is_displayed()

    rows = {r.get_attribute("data-town"): r for r in page.all("matrix-row", view)}
    assert set(rows) == {t["town"]["key"] for t in matrix["towns"]}
    for town in matrix["towns"]:
        rate = page.one("town-rate", rows[town["town"]["key"]]).text
        if town["rate"] is None:  # a unit of the region tree the sources say nothing of
            assert rate.endswith("· —"), f"{town['town']['name']}: {rate!r}"
            continue
        assert shows_rate(rate, town["rate"]), f"{town['town']['name']}: {rate!r}, {town['rate']}"
    stated = [t for t in matrix["towns"] if t["rate"] is not None]
    assert 0 < len(stated) < len(matrix["towns"])  # 4 with the sources' counts, 4 without
    named = {t["town"]["key"] for t in matrix["towns"] if t["itemsNamed"]}
    cells = page.attrs("matrix-cell", "town")
    assert all(c["town"] in named for c in cells), "cells for a town whose items are not named"

    # documented: each town's figure links to its source and quote; nothing marked synthetic
    qianlishan = next(t for t in matrix["towns"] if t["provenance"])
    shown = provenance_text(page, rows[qianlishan["town"]["key"]])
    assert page.all("provenance", rows[qianlishan["town"]["key"]]), "a town row without provenance"
    assert qianlishan["provenance"][0]["source"] in shown
    assert any(p["quote"] in shown for p in qianlishan["provenance"]), shown
    if not any(t["synthetic"] for t in matrix["towns"]):
        assert not page.all("synthetic-badge", view), "documented facts marked synthetic"
    page.screenshot("matrix-documented")


def check_matrix_counts(page: Explorer, api: Api, power_list: str, region: str) -> dict[str, Any]:
    """Load the heat map and compare every count it shows with the API's answer."""
    expected: dict[str, Any] = api.query(MATRIX_COUNTS, list=power_list, region=region)[
        "claimMatrix"
    ]
    page.load(route("matrix", list=power_list, region=region, target=0.7))
    view = page.wait_view("matrix")

    def shown(testid: str) -> int:
        return int(page.one(testid, view).text)

    assert shown("matrix-town-count") == len(expected["towns"])
    assert shown("matrix-item-count") == len(expected["itemKeys"])
    if expected["itemCount"] not in (None, len(expected["itemKeys"])):
        assert shown("matrix-list-item-count") == expected["itemCount"]
    short = {t["town"]["key"] for t in expected["shortOfTarget"]}
    others = len(expected["allShortOfTarget"]) - len(short)
    assert shown("matrix-short-count") == len(short)
    if others:
        assert shown("matrix-short-other-count") == others
    else:
        assert not page.all("matrix-short-other-count", view)
    rows = page.attrs("matrix-row", "town", "short-of-target")
    assert {r["town"] for r in rows if r["short-of-target"] == "true"} == short
    assert len(page.all("short-of-target", view)) == len(short)
    # each item's claims, in the API's column order
    columns = page.attrs("matrix-item", "item", "claimed")
    assert [c["item"] for c in columns] == expected["itemKeys"]
    assert [int(str(c["claimed"])) for c in columns] == expected["itemClaimCounts"]
    # each town's claimed count of its base, and its rate
    by_key = {r.get_attribute("data-town"): r for r in page.all("matrix-row", view)}
    for town in expected["towns"]:
        text = page.one("town-rate", by_key[town["town"]["key"]]).text
        claimed, of = (
            "?" if town[k] is None else str(town[k]) for k in ("claimedCount", "ofCount")
        )
        assert text.startswith(f"{claimed}/{of}"), f"{town['town']['name']}: {text!r}"
        if town["rate"] is not None:
            assert shows_rate(text, town["rate"]), f"{town['town']['name']}: {text!r}"
    return expected


def test_documented_heat_map_counts_are_the_apis(page: Explorer, api: Api) -> None:
    """海勃湾区: four towns are below 70%, but the target is for towns with an enforcement
    bureau, and of those the sources give a rate for 千里山镇 alone: one short of target."""
    expected = check_matrix_counts(page, api, TOWNSHIP_POWERS, HAIBOWAN)
    assert [t["town"]["key"] for t in expected["shortOfTarget"]] == [QIANLISHAN]
    assert len(expected["allShortOfTarget"]) == 4  # 千里山镇 and the three subdistricts
    assert page.one("matrix-short-count").text == "1"
    assert page.one("matrix-short-other-count").text == "3"
    page.screenshot("matrix-counts-documented")


def test_synthetic_heat_map_counts_are_the_apis(page: Explorer, api: Api, county: County) -> None:
    expected = check_matrix_counts(page, api, county.power_list, county.region)
    assert expected["itemKeys"], "the synthetic county has no named items"
    # the tooltip's "claimed by" is the API's count of the item's column
    index = max(range(len(expected["itemKeys"])), key=lambda i: expected["itemClaimCounts"][i])
    item = expected["itemKeys"][index]
    cell = page.all("matrix-cell", item=item)[0]
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    ActionChains(page.driver).move_to_element(cell).perform()
    tooltip = page.wait_for("tooltip")
    assert page.one("cell-claimed-by", tooltip).text == str(expected["itemClaimCounts"][index])


def test_heat_map_has_a_cell_per_town_and_item_in_its_claim_state(
    page: Explorer, county: County
) -> None:
    matrix = county.matrix
    expected = cell_states(matrix)
    named_towns = [t for t in matrix["towns"] if t["itemsNamed"]]
    assert len(expected) == len(named_towns) * len(matrix["items"])
    page.load(route("matrix", list=county.power_list, region=county.region, target=0.7))
    view = page.wait_view("matrix")

    cells = page.attrs("matrix-cell", "town", "item", "state")
    assert len(cells) == len(expected), "one cell per town × named item"
    shown = {(str(c["town"]), str(c["item"])): c["state"] for c in cells}
    # one known cell of each state, then all of them
    unclaimed = {(t["town"]["key"], i) for t in named_towns for i in t["unclaimed"]}
    for state in ("CONFIRM", "ASSIGN", "NONE"):
        cell = next(k for k, v in expected.items() if v == state)
        assert (cell in unclaimed) == (state == "NONE")
        assert shown.get(cell) == state, f"cell {cell}: {shown.get(cell)}, expected {state}"
    assert shown == expected

    # columns: the named items, most-claimed first
    claimed = Counter(c["item"] for t in named_towns for c in t["claims"])
    columns = [str(a["item"]) for a in page.attrs("matrix-item", "item")]
    assert sorted(columns) == sorted(i["key"] for i in matrix["items"])
    counts = [claimed[item] for item in columns]
    assert counts == sorted(counts, reverse=True), "items are not sorted by claims"

    rows = {r.get_attribute("data-town"): r for r in page.all("matrix-row", view)}
    for town in matrix["towns"]:
        rate = page.one("town-rate", rows[town["town"]["key"]]).text
        assert shows_rate(rate, town["rate"]), f"{town['town']['name']}: {rate!r}, {town['rate']}"
    assert not [e for e in page.all("items-not-named", view) if e.is_displayed()]
    assert page.all("synthetic-badge", view), "synthetic claims are not marked synthetic"
    page.screenshot("matrix")


def test_hovering_a_cell_shows_the_item(page: Explorer, county: County) -> None:
    states = cell_states(county.matrix)
    town, item_key = next(k for k, v in states.items() if v == "CONFIRM")
    item = next(i for i in county.matrix["items"] if i["key"] == item_key)
    page.load(route("matrix", list=county.power_list, region=county.region, target=0.7))
    page.wait_view("matrix")
    cell = page.one("matrix-cell", town=town, item=item_key)
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    ActionChains(page.driver).move_to_element(cell).perform()
    tooltip = page.wait_for("tooltip")
    text = tooltip.text
    page.assert_readable(tooltip)
    assert item["name"] in text, text
    rest = text.replace(item["name"], "")
    power_type = item["powerType"]
    assert power_type in rest or POWER_TYPE_LABELS[power_type] in rest, text
    if item["legalBasis"]:
        assert item["legalBasis"] in text, text
    assert page.all("synthetic-badge", tooltip), "a synthetic item's tooltip has no badge"
    page.screenshot("matrix-tooltip")


def test_delegation_chain_shows_the_hops_left_to_right(
    page: Explorer, api: Api, county: County
) -> None:
    chains: list[dict[str, Any]] = []
    for (town, item), state in cell_states(county.matrix).items():
        if state != "NONE":
            chains = api.query(CHAINS, item=item, town=town)["delegationChains"]
            if chains:
                break
    assert chains, "no claimed item of the synthetic county has a delegation chain"
    page.load(route("chain", item=item, town=town))
    view = page.wait_view("chain")
    diagrams = page.all("chain-diagram", view)
    assert len(diagrams) == len(chains)
    for diagram, chain in zip(diagrams, chains, strict=True):
        hops = page.all("chain-hop", diagram)
        assert [h.get_attribute("data-relation") for h in hops] == [
            h["relation"] for h in chain["hops"]
        ]
        centres = [h.rect["x"] + h.rect["width"] / 2 for h in hops]
        assert centres == sorted(centres), f"hops not left to right: {centres}"
        # the stations the item passes through are the nodes; the item names the chain
        nodes = {n.get_attribute("data-key") for n in page.all("chain-node", diagram)}
        ends = {node_key(h[end]) for h in chain["hops"] for end in ("from", "to")} - {item}
        assert ends <= nodes, f"nodes missing from the diagram: {ends - nodes}"
    assert item_name(api, item) in view.text, "the chain does not say which item it is"
    if any(h["synthetic"] for c in chains for h in c["hops"]):
        assert page.all("synthetic-badge", view), "synthetic hops are not marked synthetic"
    page.screenshot("chain")


def test_body_view_shows_its_lineage_with_provenance(page: Explorer, api: Api) -> None:
    lineage = api.query(
        """query($b: String!) { lineage(body: $b) {
             body { synthetic provenance { source quote } }
             predecessors { event { key } } successors { event { key } } } }""",
        b=URBAN_TEAM,
    )["lineage"]
    expected = Counter(
        [(s["event"]["key"], "predecessor") for s in lineage["predecessors"]]
        + [(s["event"]["key"], "successor") for s in lineage["successors"]]
    )
    assert expected
    page.load(key_route("body", URBAN_TEAM))
    view = page.wait_view("body")
    page.one("body-view", view)
    events = page.attrs("lineage-event", "key", "direction")
    assert Counter((e["key"], e["direction"]) for e in events) == expected
    assert page.all("open-whatif", view)
    assert not lineage["body"]["synthetic"]
    assert page.all("provenance", view), "a documented body without provenance"
    shown = provenance_text(page, view)
    assert lineage["body"]["provenance"][0]["source"] in shown
    page.screenshot("body")


def test_whatif_picks_bodies_runs_and_reports(page: Explorer, api: Api, county: County) -> None:
    first, second = county.departments[:2]
    new_name = f"{first['name']}（合并）"
    impact = api.query(IMPACT, bodies=[first["key"], second["key"]], newName=new_name)[
        "mergerImpact"
    ]
    page.load("#/whatif")
    view = page.wait_view("whatif")
    form = page.one("whatif-form", view)
    picker = page.one("whatif-body-search", form)
    for body in (first, second):
        picker.click()
        clear(picker)
        type_into(picker, body["name"])
        page.wait_for("whatif-body-option", key=body["key"]).click()
        page.wait_for("whatif-body", key=body["key"])
    name = page.one("whatif-new-name", form)
    name.send_keys(new_name)
    page.screenshot("whatif-form")
    page.one("whatif-run", form).click()
    check_report(page, impact)
    page.screenshot("whatif")


def test_whatif_route_prefills_the_form_and_runs_on_click(
    page: Explorer, api: Api, county: County
) -> None:
    bodies = [b["key"] for b in county.departments[:2]]
    # a target in another county: the report must show the conflict
    others = api.query(
        "{ regions(level: BANNER_COUNTY) { key synthetic bodies(first: 5) { edges { node {"
        " key kind } } } } }"
    )["regions"]
    target = next(
        e["node"]["key"]
        for r in others
        if r["synthetic"] and r["key"] != county.region
        for e in r["bodies"]["edges"]
        if e["node"]["kind"] == "GOVERNMENT_DEPARTMENT"
    )
    impact = api.query(IMPACT, bodies=bodies, target=target)["mergerImpact"]
    assert impact["conflicts"], "a target in another county should conflict"
    page.load(route("whatif", bodies=",".join(bodies), target=target))
    view = page.wait_view("whatif")
    chips = [str(a["key"]) for a in page.attrs("whatif-body", "key")]
    assert sorted(chips) == sorted(bodies)
    assert page.one("whatif-target", view).get_attribute("value") == target
    page.settle(0.5)
    assert not [r for r in page.all("impact-report") if r.is_displayed()], "ran by itself"
    page.one("whatif-run", view).click()
    check_report(page, impact)
    page.screenshot("whatif-conflicts")


def check_report(page: Explorer, impact: dict[str, Any]) -> None:
    """The impact report on the page says what the API's mergerImpact says."""
    report = page.wait_for("impact-report")

    def lists() -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            len(report.find_elements("css selector", f'[data-testid="{t}"] li'))
            for t in ("impact-powers", "impact-rerouted", "impact-superiors")
        )

    expected = (
        len(impact["powers"]),
        len(impact["reroutedDelegations"]),
        len(impact["superiorChanges"]),
    )
    page.wait(lambda _: lists() == expected, f"powers, re-routed, superiors: {expected}")
    page.assert_readable(report)
    codes = Counter(str(a["code"]) for a in page.attrs("impact-conflict", "code"))
    assert codes == Counter(c["code"] for c in impact["conflicts"])
    if impact["staffQuotaAfter"] is not None:
        staff = page.one("impact-staff", report).text
        assert impact["staffQuotaAfter"] in numbers(staff), staff


def test_item_view_marks_synthetic_facts(page: Explorer, county: County) -> None:
    item = county.matrix["items"][0]
    assert item["synthetic"]
    page.load(key_route("item", item["key"]))
    view = page.wait_view("item")
    assert item["name"] in view.text
    assert [b for b in page.all("synthetic-badge", view) if b.is_displayed()]
    page.screenshot("item")


def test_unknown_key_shows_the_error_code(page: Explorer, api: Api) -> None:
    key = "body:nope"
    errors = api.raw("query($k: String!) { body(key: $k) { key } }", k=key)["errors"]
    code = errors[0]["extensions"]["code"]
    page.load(f"#/body/{encode(key)}")
    page.wait_view("body", state="error")
    error = page.wait_for("error")
    assert code in error.text, error.text
    page.screenshot("error")


def test_region_figures_show_their_sources_and_where_they_disagree(
    page: Explorer, api: Api
) -> None:
    """The autonomous region's figures: each source by its document's title (not only its
    file), and every disagreement about them with each source's own words."""
    region = api.query(
        """query($k: String!) { region(key: $k) { statistics { key
             provenance { source document { title } }
             disagreements { key statements { quote document { title } } } } } }""",
        k="region:nmg",
    )["region"]
    disputed = [s for s in region["statistics"] if s["disagreements"]]
    expected = {d["key"]: d for s in disputed for d in s["disagreements"]}
    assert len(expected) >= 3  # the documents disagree about several of these figures
    page.load(key_route("region", "region:nmg"))
    view = page.wait_view("region")
    assert len(page.all("disputed", view)) == len(disputed)
    shown = {a["key"]: a for a in page.attrs("disagreement", "key")}
    assert set(shown) == set(expected)
    for key, disagreement in expected.items():
        element = page.one("disagreement", key=key)
        for statement in disagreement["statements"]:
            assert statement["quote"] in element.text, key
            assert statement["document"]["title"] in element.text, key
    titles = {t.get_attribute("textContent") for t in page.all("source-title", view)}
    cited = {p["document"]["title"] for s in region["statistics"] for p in s["provenance"]}
    assert cited <= titles
    page.screenshot("region-disagreements")


def test_the_page_labels_values_with_the_words_of_the_apis_schema(page: Explorer, api: Api) -> None:
    """The explorer keeps no vocabulary of its own: 千里山镇's level and division are shown in
    the words the API's enums are described by (introspection)."""
    words = {
        name: {
            v["name"]: v["description"].split(" — ")[0]
            for v in api.query(
                "query($n: String!) { __type(name: $n) { enumValues { name description } } }",
                n=name,
            )["__type"]["enumValues"]
        }
        for name in ("RegionLevel", "RegionDivision")
    }
    assert (words["RegionLevel"]["TOWNSHIP"], words["RegionDivision"]["TOWN"]) == ("苏木乡镇", "镇")
    region = api.query("query($k: String!) { region(key: $k) { level division } }", k=QIANLISHAN)[
        "region"
    ]
    assert (region["level"], region["division"]) == ("TOWNSHIP", "TOWN")
    page.load(key_route("region", QIANLISHAN))
    view = page.wait_view("region")
    assert "镇（TOWN）" in view.text
    assert "苏木乡镇" in view.find_element(By.TAG_NAME, "h1").text
