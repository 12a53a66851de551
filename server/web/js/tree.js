// The region tree in the sidebar: roots first, children loaded when a node is opened
// (the national graph has ~40,000 towns: the tree never asks for them all at once).

import { gql } from "./api.js";
import { h, route, shortLabel } from "./dom.js";

const ROOTS = `{ regions(level: AUTONOMOUS_REGION) { key name level synthetic } }`;
const CHILDREN = `query Children($key: String!) {
  region(key: $key) { children { key name level synthetic } }
}`;

/** Levels whose regions have regions under them. */
const HAS_CHILDREN = new Set(["AUTONOMOUS_REGION", "LEAGUE_CITY", "BANNER_COUNTY"]);

function treeNode(region) {
  const children = h("ul", { hidden: true });
  const toggle = HAS_CHILDREN.has(region.level)
    ? h("button", {
      type: "button", class: "toggle", "data-testid": "region-toggle",
      "aria-expanded": "false", "aria-label": `展开 ${region.name}`,
    }, "▸")
    : h("span", { class: "toggle leaf" }, "·");
  const node = h("li", { "data-testid": "region-node", "data-key": region.key },
    toggle,
    h("a", { href: route.region(region.key), "data-testid": "region-link" }, region.name),
    h("small", {}, shortLabel("RegionLevel", region.level)),
    region.synthetic ? h("span", { class: "badge synthetic small" }, "合成") : null,
    children);
  let loaded = false;
  if (toggle.tagName === "BUTTON") {
    toggle.addEventListener("click", async () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      if (!open && !loaded) {
        toggle.disabled = true;
        try {
          const data = await gql(CHILDREN, { key: region.key });
          children.replaceChildren(...data.region.children.map(treeNode));
          loaded = true;
        } catch (error) {
          children.replaceChildren(h("li", { class: "error-inline" }, `${error.code} ${error.message}`));
        } finally {
          toggle.disabled = false;
        }
      }
      children.hidden = open;
      toggle.setAttribute("aria-expanded", String(!open));
      toggle.textContent = open ? "▸" : "▾";
    });
  }
  return node;
}

/** Fill `container` with the root regions. */
export async function startRegionTree(container) {
  try {
    const data = await gql(ROOTS);
    container.replaceChildren(...data.regions.map(treeNode));
  } catch (error) {
    container.replaceChildren(h("li", { class: "error-inline" }, `${error.code} ${error.message}`));
  }
}
