// The claim matrix as a heat map: towns × the items of a list, each cell coloured by how
// the town claimed the item (确认 CONFIRM / 交办 ASSIGN / not claimed), each town's rate
// against the target line, items in the API's order (most claimed first). The map is drawn
// from the compact rows (`itemKeys` once, `itemModes` per town), so a whole league draws in
// one request; every count on the page is the API's (`itemClaimCounts`, `shortOfTarget`,
// each town's claimed count and rate). Hovering a cell shows the item; clicking pins it and
// reads that town's claim (date, status, sources). Towns whose items the documents do not
// name get their stated count and no cells: nothing is invented.

import { CELL_FACT, FACT, exportUrl, gql } from "../api.js";
import { h, label, nodeLink, percent, provenance, route, shortLabel } from "../dom.js";

const MATRIX = `query Matrix($list: String!, $region: String!, $target: Float!) {
  claimMatrix(list: $list, region: $region, targetRate: $target) {
    targetRate itemCount
    list { __typename key title issuer docNumber date ${FACT} }
    region { __typename key name level ancestors { __typename key name } }
    items { key seq name powerType legalBasis ${CELL_FACT} }
    itemKeys itemClaimCounts
    towns {
      town { __typename key name level synthetic }
      hasEnforcementBureau claimedCount ofCount rate rateStated meetsTarget itemsNamed note
      ${FACT}
      itemModes
    }
    shortOfTarget { town { key } }
    allShortOfTarget: shortOfTarget(withEnforcementBureauOnly: false) { town { key } }
  }
}`;

/** One town's claims with their date, status and sources: read when a cell is pinned. */
const TOWN_CLAIMS = `query TownClaims($list: String!, $town: String!) {
  claimMatrix(list: $list, region: $town) {
    towns { town { key } claims { item mode date status ${CELL_FACT} } }
  }
}`;

/** The cell states: the API's claim modes, and the page's own for an item not claimed. */
const STATES = ["CONFIRM", "ASSIGN", "NONE"];
const NOT_CLAIMED = "未认领";

/** The words of a cell state. */
function stateLabel(state) {
  return state === "NONE" ? NOT_CLAIMED : label("ClaimMode", state);
}

/** The bar of a town's rate, with the target as a vertical line. */
function rateBar(town, target) {
  const width = Math.min(100, Math.max(0, (town.rate ?? 0) * 100));
  return h("div", {
    class: `rate ${town.meetsTarget === false ? "short" : ""}`, "data-testid": "town-rate",
    "data-rate": town.rate ?? "", title: town.rateStated ? "文件给出的比例" : "按数量计算",
  },
  h("div", { class: "bar" }, h("span", { class: "fill", style: `width:${width}%` }),
    h("span", { class: "target", style: `left:${target * 100}%` })),
  h("span", { class: "value" },
    `${town.claimedCount ?? "?"}/${town.ofCount ?? "?"} · ${percent(town.rate)}`,
    town.rateStated ? "（文件所载）" : ""));
}

/**
 * The text of the tooltip and of the pinned detail for one cell: `state` from the map's
 * compact row; `claim` (date, status, sources) only once the pinned cell's town is read.
 */
function cellDetail(item, town, state, claimedBy, { pinned = false, claim = null } = {}) {
  return [
    h("strong", {}, item.name),
    h("div", {}, `${shortLabel("PowerType", item.powerType)} · 第 ${item.seq ?? "?"} 项 · `,
      h("span", { "data-testid": "cell-claimed-by" }, String(claimedBy)), " 个乡镇认领"),
    h("div", {}, "法律依据：", item.legalBasis ?? "未载"),
    h("div", {}, `${town.town.name}：${stateLabel(state)}`,
      claim?.date ? ` · ${claim.date}` : "", claim?.status ? ` · ${claim.status}` : ""),
    h("div", { class: "sources" }, "事项", provenance(item),
      claim ? [" 认领", provenance(claim)] : null),
    pinned ? h("div", {},
      h("a", { href: route.item(item.key) }, "事项详情"), " · ",
      state !== "NONE"
        ? h("a", { href: route.chain(item.key, town.town.key), "data-testid": "open-chain" }, "下放链条")
        : "未认领，无链条") : null,
  ].filter(Boolean);
}

/** Town orders the page offers: the API's (by name), or by rate. */
const TOWN_ORDERS = {
  name: ["按名称", () => 0],
  "rate-desc": ["认领率从高到低", (a, b) => (b.rate ?? -1) - (a.rate ?? -1)],
  "rate-asc": ["认领率从低到高", (a, b) => (a.rate ?? 2) - (b.rate ?? 2)],
};

export async function render({ list, region, target, sort = "name" }) {
  const targetRate = target === undefined || target === "" ? 0.7 : Number(target);
  const { claimMatrix: m } = await gql(MATRIX, { list, region, target: targetRate });
  const order = TOWN_ORDERS[sort] ?? TOWN_ORDERS.name;
  m.towns = [...m.towns].sort(order[1]);
  const sorted = m.items; // the API's order: most claimed first, then by sequence
  const claimed = new Map(m.itemKeys.map((key, i) => [key, m.itemClaimCounts[i]]));
  const itemsByKey = new Map(m.items.map((item) => [item.key, item]));
  const named = m.towns.filter((t) => t.itemsNamed);
  const countOnly = m.towns.filter((t) => !t.itemsNamed);
  const shortOfTarget = new Set(m.shortOfTarget.map((t) => t.town.key));

  const grid = h("div", {
    class: "heatmap", "data-testid": "heatmap", role: "grid",
    style: `--items:${sorted.length}`,
  },
  h("div", { class: "row head", role: "row" },
    h("div", { class: "town" }, "乡镇 / 街道"),
    h("div", { class: "rate-head" }, `认领率（目标 ${percent(m.targetRate)}）`),
    h("div", { class: "cells" }, sorted.map((item) => h("span", {
      class: "item-head", "data-testid": "matrix-item", "data-item": item.key,
      "data-claimed": claimed.get(item.key), title: item.name,
    })))),
  m.towns.map((town) => {
    const short = shortOfTarget.has(town.town.key);
    return h("div", {
      class: `row ${town.meetsTarget === false ? "short" : ""}`, role: "row",
      "data-testid": "matrix-row", "data-town": town.town.key,
      "data-short-of-target": short ? "true" : "false",
    },
    h("div", { class: "town" }, nodeLink(town.town),
      town.hasEnforcementBureau ? h("span", { class: "badge small", title: "设有综合行政执法局" }, "执法局") : null,
      short ? h("span", { class: "badge small warn", "data-testid": "short-of-target",
        title: "设有执法局，认领率低于目标" }, "未达目标") : null,
      provenance(town, { compact: true })),
    rateBar(town, m.targetRate),
    town.itemsNamed
      ? h("div", { class: "cells" }, m.itemKeys.map((key, i) => {
        const state = town.itemModes[i] ?? "NONE";
        return h("span", {
          class: `cell ${state}`, role: "gridcell", tabindex: "-1",
          "data-testid": "matrix-cell", "data-town": town.town.key,
          "data-item": key, "data-state": state,
          "aria-label": `${town.town.name} ${itemsByKey.get(key).name} ${state === "NONE" ? NOT_CLAIMED : shortLabel("ClaimMode", state)}`,
        });
      }))
      : h("div", { class: "cells count-only" },
        `文件只给出数量：认领 ${town.claimedCount ?? "?"} 项（共 ${town.ofCount ?? "?"} 项），未列出具体事项`,
        town.note ? h("small", {}, town.note) : null));
  }));

  const detail = h("aside", { class: "cell-detail", "data-testid": "cell-detail" },
    h("p", { class: "muted" }, "点击一个单元格查看事项、依据、出处和下放链条。"));
  wireCells(grid, { list, itemsByKey, towns: m.towns, claimed, detail });

  return h("section", { class: "matrix", "data-testid": "matrix-view" },
    h("nav", { class: "crumbs" },
      [...m.region.ancestors].reverse().map((a) => [nodeLink(a), " › "]), nodeLink(m.region)),
    h("h1", {}, `${m.region.name} · 认领热力图`),
    h("p", {}, nodeLink(m.list), " ", m.list.docNumber ?? "", " ", provenance(m.list)),
    h("p", { class: "summary", "data-testid": "matrix-summary" },
      count("matrix-town-count", m.towns.length), " 个乡镇街道 × ",
      count("matrix-item-count", sorted.length), " 个列名事项",
      m.itemCount !== null && m.itemCount !== sorted.length
        ? ["（清单共 ", count("matrix-list-item-count", m.itemCount), " 项）"] : "",
      `；设有执法局、低于目标 ${percent(m.targetRate)} 的：`,
      count("matrix-short-count", m.shortOfTarget.length), " 个",
      m.allShortOfTarget.length !== m.shortOfTarget.length
        ? ["（未设执法局而低于目标的另有 ",
          count("matrix-short-other-count", m.allShortOfTarget.length - m.shortOfTarget.length),
          " 个，目标不适用）"] : ""),
    targetForm(list, region, m.targetRate, sort),
    downloads(list, region, m.targetRate),
    countOnly.length ? h("p", { class: "notice", "data-testid": "items-not-named" },
      `文件只给出了 ${countOnly.map((t) => t.town.name).join("、")} 认领的数量，没有列出具体事项：`,
      "这些行只有数量和比例，没有单元格。") : null,
    named.length || countOnly.length ? legend() : null,
    m.towns.length ? grid : h("p", { class: "muted" }, "此地区没有乡镇街道。"),
    detail);
}

/** A count the API gave, marked so that a reader (and a test) can find it. */
function count(testid, value) {
  return h("strong", { "data-testid": testid }, String(value));
}

/** The matrix as county offices keep it (towns × items, 确认/交办, rate, target): the
 * service's export of the same claimMatrix, at the target shown. */
function downloads(list, region, targetRate) {
  const link = (format, text) => h("a", {
    href: exportUrl(format, list, region, String(targetRate)), download: "",
    "data-testid": `export-${format}`,
  }, text);
  return h("p", { class: "downloads" }, "下载：", link("xlsx", "Excel（XLSX）"), " · ",
    link("csv", "CSV（UTF-8）"));
}

function legend() {
  return h("p", { class: "legend" }, STATES.map((state) =>
    h("span", {}, h("span", { class: `cell ${state}` }), stateLabel(state))),
  h("span", {}, h("span", { class: "target-mark" }), "目标线"));
}

/** A small form to redraw the matrix against another target rate, or in another order. */
function targetForm(list, region, targetRate, sort) {
  const input = h("input", {
    type: "number", min: "0", max: "100", step: "1", value: Math.round(targetRate * 100),
    "data-testid": "target-input", "aria-label": "目标认领率（%）",
  });
  const order = h("select", { "data-testid": "town-order", "aria-label": "乡镇排序" },
    Object.entries(TOWN_ORDERS).map(([value, [text]]) =>
      h("option", { value, selected: value === sort }, text)));
  const redraw = () => {
    window.location.hash = `${route.matrix(list, region, String(Number(input.value) / 100))}&sort=${order.value}`;
  };
  order.addEventListener("change", redraw);
  return h("form", {
    class: "inline",
    onsubmit(event) { event.preventDefault(); redraw(); },
  }, "目标认领率 ", input, " % ", h("button", { type: "submit" }, "重画"), "　排序 ", order);
}

/** One town's claims (by item key), read once per town when one of its cells is pinned. */
function townClaimsReader(list) {
  const read = new Map();
  return (townKey) => {
    if (!read.has(townKey)) {
      read.set(townKey, gql(TOWN_CLAIMS, { list, town: townKey }).then(({ claimMatrix }) =>
        new Map(claimMatrix.towns.flatMap((t) => t.claims).map((c) => [c.item, c]))));
    }
    return read.get(townKey);
  };
}

/** Hover shows the tooltip; click pins the cell's detail (with links) beside the map. */
function wireCells(grid, { list, itemsByKey, towns, claimed, detail }) {
  const tooltip = document.getElementById("tooltip");
  const townsByKey = new Map(towns.map((t) => [t.town.key, t]));
  const claimsOf = townClaimsReader(list);
  const lookup = (cell) => ({
    item: itemsByKey.get(cell.dataset.item),
    town: townsByKey.get(cell.dataset.town),
    state: cell.dataset.state,
  });
  grid.addEventListener("mouseover", (event) => {
    const cell = event.target.closest("[data-testid=matrix-cell]");
    if (!cell) return;
    const { item, town, state } = lookup(cell);
    tooltip.replaceChildren(...cellDetail(item, town, state, claimed.get(item.key)));
    const box = cell.getBoundingClientRect();
    tooltip.hidden = false;
    const left = Math.min(box.right + 8, window.innerWidth - tooltip.offsetWidth - 8);
    tooltip.style.left = `${Math.max(8, left) + window.scrollX}px`;
    tooltip.style.top = `${box.bottom + 8 + window.scrollY}px`;
  });
  grid.addEventListener("mouseleave", () => { tooltip.hidden = true; });
  grid.addEventListener("click", async (event) => {
    const cell = event.target.closest("[data-testid=matrix-cell]");
    if (!cell) return;
    const { item, town, state } = lookup(cell);
    grid.querySelector(".cell.pinned")?.classList.remove("pinned");
    cell.classList.add("pinned");
    const show = (claim) => detail.replaceChildren(
      ...cellDetail(item, town, state, claimed.get(item.key), { pinned: true, claim }));
    show(null);
    if (state === "NONE") return;
    detail.dataset.state = "loading";
    try {
      const claim = (await claimsOf(town.town.key)).get(item.key) ?? null;
      if (cell.classList.contains("pinned")) show(claim);
    } catch (error) {
      detail.append(h("p", { class: "error" }, `认领详情读取失败：${error.message}`));
    } finally {
      delete detail.dataset.state;
    }
  });
  // Leaving the view hides a tooltip left over from this map.
  window.addEventListener("hashchange", () => { tooltip.hidden = true; }, { once: true });
}
