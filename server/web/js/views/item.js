// A power item: its list, type and legal basis, who held it, who exercises it, and the towns
// that claimed it, each a way into its delegation chain.

import { FACT, gql } from "../api.js";
import { facts, h, label, nodeLink, provenance, route } from "../dom.js";

const ITEM = `query Item($key: String!) {
  powerItem(key: $key) {
    __typename key seq name powerType legalBasis ${FACT}
    list { __typename key title }
    heldBy(first: 100) { totalCount edges { node { __typename key name } } }
    exercisedBy(first: 100) { totalCount edges { node { __typename key name } } }
    claimedBy(first: 200) {
      totalCount
      edges { node { mode date ${FACT} town { __typename key name } } }
    }
  }
}`;

function names(connection) {
  if (!connection.totalCount) return "无";
  const links = connection.edges.map(({ node }) => nodeLink(node));
  return [links.flatMap((link, i) => (i ? ["、", link] : [link])),
    connection.totalCount > links.length ? `（共 ${connection.totalCount} 个）` : ""];
}

export async function render({ key }) {
  const { powerItem: item } = await gql(ITEM, { key });
  const claims = item.claimedBy.edges.map((e) => e.node);
  return h("section", { class: "item", "data-testid": "item-view" },
    h("nav", { class: "crumbs" }, item.list ? [nodeLink(item.list), " › "] : null, `第 ${item.seq ?? "?"} 项`),
    h("h1", {}, item.name, " ", provenance(item)),
    facts([
      ["类型", label("PowerType", item.powerType)], ["法律依据", item.legalBasis ?? "未载"],
      ["原行使机构", names(item.heldBy)], ["现执行机构", names(item.exercisedBy)],
    ]),
    h("h2", {}, `认领的乡镇街道（${item.claimedBy.totalCount}）`),
    claims.length
      ? h("table", { class: "claims" },
        h("thead", {}, h("tr", {}, ["乡镇街道", "方式", "日期", "出处", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, claims.map((c) => h("tr", {},
          h("td", {}, nodeLink(c.town)), h("td", {}, label("ClaimMode", c.mode)), h("td", {}, c.date ?? ""),
          h("td", {}, provenance(c)),
          h("td", {}, h("a", { href: route.chain(item.key, c.town.key), "data-testid": "open-chain" }, "下放链条"))))))
      : h("p", { class: "muted" }, "没有记载认领此事项的乡镇街道。"));
}
