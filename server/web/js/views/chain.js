// A delegation chain as a left-to-right diagram: the list that names the power, the county
// department that held it, the town it was delegated to, the bureau that exercises it. Each
// arrow is one hop with its attributes (mode, date, document); the table under it gives
// every hop's sources.

import { FACT, gql } from "../api.js";
import { h, label, nodeLink, provenance, route, shortLabel, svg } from "../dom.js";

const NAMES = `__typename
  ... on Region { key name level }
  ... on Body { key name kind }
  ... on PowerItem { key name }
  ... on PowerList { key title }`;

const CHAINS = `query Chains($item: String!, $town: String!) {
  powerItem(key: $item) {
    __typename key name powerType legalBasis ${FACT} list { __typename key title }
  }
  region(key: $town) { __typename key name level }
  delegationChains(item: $item, town: $town) {
    complete
    hops { relation mode date docNumber ${FACT} from { ${NAMES} } to { ${NAMES} } }
  }
}`;

const CLAIMED_BY = `query ClaimedBy($item: String!) {
  powerItem(key: $item) {
    __typename key name powerType legalBasis ${FACT} list { __typename key title }
    claimedBy(first: 200) { totalCount edges { node { mode town { __typename key name } } } }
  }
}`;

const BOX = { width: 148, height: 64, gap: 110 };

/**
 * The stations of a chain, left to right, each with the hop that leads into it. The power
 * item is the chain's subject, not a station: a hop to or from it leads to its other end
 * (LISTED_IN starts at the list, HOLDS reaches the holder, EXERCISES the bureau). The first
 * hop is the first station's own (drawn above its box), so every hop is drawn once.
 */
export function stations(hops, itemKey) {
  const notItem = (hop) => (hop.from.key === itemKey ? hop.to : hop.from);
  const result = [];
  for (const hop of hops) {
    const last = result.at(-1)?.node.key;
    if (last === undefined) {
      result.push({ node: notItem(hop), hop, first: true });
    } else if (hop.from.key === last) {
      result.push({ node: hop.to, hop });
    } else if (hop.to.key === last) {
      result.push({ node: hop.from, hop });
    } else {
      result.push({ node: notItem(hop), hop });
    }
  }
  return result;
}

/** The words under an arrow: mode and date, then the document of the hop. */
function hopAttributes(hop) {
  return [[hop.mode ? shortLabel("ClaimMode", hop.mode) : null, hop.date].filter(Boolean).join(" · "),
    hop.docNumber ?? ""];
}

/** Split a long name over two lines of the box. */
function nameLines(text, perLine = 10) {
  if (text.length <= perLine) return [text];
  const second = text.slice(perLine);
  return [text.slice(0, perLine), second.length > perLine ? `${second.slice(0, perLine - 1)}…` : second];
}

function diagram(chain, item) {
  const steps = stations(chain.hops, item.key);
  const width = steps.length * BOX.width + (steps.length - 1) * BOX.gap + 20;
  const height = BOX.height + 80;
  const picture = svg("svg", {
    class: "chain", "data-testid": "chain-diagram", width, height,
    viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `${item.name} 的下放链条`,
  },
  svg("defs", {}, svg("marker", {
    id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse",
  }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z" }))));
  steps.forEach((step, index) => {
    const x = 10 + index * (BOX.width + BOX.gap);
    const y = 40;
    const name = step.node.name ?? step.node.title ?? step.node.key;
    const kind = step.node.__typename === "PowerList" ? "清单"
      : step.node.__typename === "Region" ? shortLabel("RegionLevel", step.node.level) : shortLabel("BodyKind", step.node.kind);
    const box = svg("a", { href: step.node.__typename === "Region" ? route.region(step.node.key)
      : step.node.__typename === "Body" ? route.body(step.node.key) : route.list(step.node.key) },
    svg("g", { "data-testid": "chain-node", "data-key": step.node.key, class: `node ${step.node.__typename}` },
      svg("rect", { x, y, width: BOX.width, height: BOX.height, rx: 8 }),
      svg("text", { x: x + 10, y: y + 18, class: "kind" }, kind),
      nameLines(name).map((line, i) => svg("text", { x: x + 10, y: y + 36 + i * 16 }, line)),
      svg("title", {}, name)));
    if (step.first) {
      picture.append(svg("g", { "data-testid": "chain-hop", "data-relation": step.hop.relation, class: "hop" },
        svg("text", { x, y: y - 12, class: "relation" },
          `${shortLabel("ChainRelation", step.hop.relation)}：${item.name.slice(0, 20)}`),
        svg("title", {}, label("ChainRelation", step.hop.relation))));
    } else {
      const x1 = x - BOX.gap + 4;
      const midY = y + BOX.height / 2;
      picture.append(svg("g", {
        "data-testid": "chain-hop", "data-relation": step.hop.relation,
        class: `hop ${step.hop.synthetic ? "synthetic" : ""}`,
      },
      svg("line", { x1, y1: midY, x2: x - 4, y2: midY, "marker-end": "url(#arrow)" }),
      svg("text", { x: x1 + 4, y: midY - 8, class: "relation" }, shortLabel("ChainRelation", step.hop.relation)),
      hopAttributes(step.hop).map((line, i) =>
        svg("text", { x: x1 + 4, y: midY + 18 + i * 14, class: "attrs" }, line)),
      svg("title", {}, `${label("ChainRelation", step.hop.relation)} ${hopAttributes(step.hop).join(" ")}`)));
    }
    picture.append(box);
  });
  return picture;
}

function hopTable(chain) {
  return h("table", { class: "hops" },
    h("thead", {}, h("tr", {}, ["关系", "从", "到", "方式", "日期", "文号", "出处"].map((t) => h("th", {}, t)))),
    h("tbody", {}, chain.hops.map((hop) => h("tr", { "data-relation": hop.relation },
      h("td", {}, label("ChainRelation", hop.relation)), h("td", {}, nodeLink(hop.from)), h("td", {}, nodeLink(hop.to)),
      h("td", {}, hop.mode ? label("ClaimMode", hop.mode) : ""), h("td", {}, hop.date ?? ""),
      h("td", {}, hop.docNumber ?? ""), h("td", {}, provenance(hop))))));
}

function itemHeader(item, town) {
  return [
    h("nav", { class: "crumbs" }, item.list ? [nodeLink(item.list), " › "] : null, nodeLink(item)),
    h("h1", {}, "下放链条：", item.name, town ? ` → ${town.name}` : "", " ", provenance(item)),
    h("p", {}, `${shortLabel("PowerType", item.powerType)} · 法律依据：${item.legalBasis ?? "未载"}`),
  ];
}

/** Without a town: the towns that claimed the item, each a link to its chain. */
async function pickTown(itemKey) {
  const { powerItem: item } = await gql(CLAIMED_BY, { item: itemKey });
  const claims = item.claimedBy.edges.map((e) => e.node);
  return h("section", { class: "chain", "data-testid": "chain-view" },
    itemHeader(item, null),
    h("p", {}, `认领此事项的乡镇街道（${item.claimedBy.totalCount}）：选择一个查看链条。`),
    h("ul", { class: "chips" }, claims.map((c) => h("li", {},
      h("a", { href: route.chain(item.key, c.town.key), "data-testid": "chain-town" }, c.town.name),
      ` ${shortLabel("ClaimMode", c.mode)}`))));
}

export async function render({ item: itemKey, town: townKey }) {
  if (!townKey) return pickTown(itemKey);
  const data = await gql(CHAINS, { item: itemKey, town: townKey });
  const item = data.powerItem;
  const chains = data.delegationChains;
  return h("section", { class: "chain", "data-testid": "chain-view" },
    itemHeader(item, data.region),
    chains.length
      ? chains.map((chain, index) => h("article", { class: "chain-card", "data-testid": "chain" },
        h("h2", {}, `链条 ${index + 1}`, chain.complete ? ""
          : h("span", { class: "badge warn", "data-testid": "chain-incomplete" }, "不完整：未到达执行机构")),
        h("div", { class: "diagram" }, diagram(chain, item)),
        hopTable(chain)))
      : h("p", { class: "notice", "data-testid": "no-chain" },
        `没有记载 ${item.name} 下放到 ${data.region.name} 的链条。`),
    h("p", {}, h("a", { href: route.chain(item.key) }, "其他认领此事项的乡镇街道")));
}
