// A power list: who issued it, its counts by type as stated, its named items, and the way
// to its claim matrix over the region it was issued for.

import { DISAGREEMENTS, FACT, gql } from "../api.js";
import { disagreements, facts, h, label, nodeLink, provenance, route } from "../dom.js";

const LIST = `query List($key: String!) {
  powerList(key: $key) {
    __typename key title issuer docNumber date itemCount ${FACT}
    region { __typename key name level children { __typename key name level } }
    countsByType { powerType count }
    ${DISAGREEMENTS}
    items(first: 200) { totalCount edges { node { __typename key seq name powerType legalBasis synthetic } } }
  }
}`;

export async function render({ key }) {
  const { powerList: list } = await gql(LIST, { key });
  const items = list.items.edges.map((e) => e.node);
  // A province-wide list is drawn league by league; a county's list over the county.
  const regions = list.region?.level === "AUTONOMOUS_REGION" ? list.region.children : [list.region].filter(Boolean);
  return h("section", { class: "list", "data-testid": "list-view" },
    h("h1", {}, list.title, " ", provenance(list)),
    facts([
      ["发布", list.issuer], ["文号", list.docNumber], ["日期", list.date],
      ["事项数（文件所载）", list.itemCount], ["适用地区", list.region ? nodeLink(list.region) : null],
      ["按类型", list.countsByType.map((c) => `${label("PowerType", c.powerType)} ${c.count}`).join("；")],
    ]),
    disagreements(list.disagreements),
    regions.length ? [h("h2", {}, "认领热力图"), h("ul", { class: "chips" }, regions.map((r) => h("li", {},
      h("a", { href: route.matrix(list.key, r.key), "data-testid": "open-matrix", "data-list": list.key }, r.name))))] : null,
    h("h2", {}, `列名事项（${list.items.totalCount}）`),
    items.length
      ? h("table", { class: "items" },
        h("thead", {}, h("tr", {}, ["序号", "事项", "类型", "法律依据"].map((t) => h("th", {}, t)))),
        h("tbody", {}, items.map((item) => h("tr", {},
          h("td", { class: "num" }, item.seq ?? ""), h("td", {}, nodeLink(item)),
          h("td", {}, label("PowerType", item.powerType)), h("td", {}, item.legalBasis ?? "")))))
      : h("p", { class: "notice", "data-testid": "items-not-named" },
        `文件给出了事项数（${list.itemCount ?? "?"} 项）和分类，但没有列出具体事项名称。`),
    list.items.totalCount > items.length ? h("p", { class: "muted" }, `显示前 ${items.length} 项`) : null);
}
