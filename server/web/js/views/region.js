// A region: where it sits, what is under it, its bodies and figures, and the claim
// matrices that can be drawn for it (one per power list in force there).

import { DISAGREEMENTS, FACT, gql } from "../api.js";
import { disagreements, facts, h, label, nodeLink, provenance, route, shortLabel } from "../dom.js";

const REGION = `query Region($key: String!) {
  region(key: $key) {
    __typename key name level code division aliases ${FACT}
    ancestors { __typename key name level }
    children { __typename key name level synthetic }
    powerLists { __typename key title itemCount issuer docNumber ${FACT} region { key name } }
    statistics { key metricLabel before after value unit date note ${FACT} ${DISAGREEMENTS} }
    bodies(first: 100) {
      totalCount
      edges { node { __typename key name kind isEnforcementTeam staffQuota synthetic } }
    }
  }
}`;

const TOWN_LEVELS = new Set(["TOWNSHIP", "SUBDISTRICT"]);

/** A figure as the source gives it: before → after, or the single value, with its unit. */
function figure(stat) {
  const unit = stat.unit ?? "";
  if (stat.before !== null || stat.after !== null) {
    return `${stat.before ?? "?"} → ${stat.after ?? "?"} ${unit}`.trim();
  }
  return `${stat.value ?? "—"} ${unit}`.trim();
}

export async function render({ key }) {
  const { region } = await gql(REGION, { key });
  // The matrix of a town is drawn over its county, where its neighbours are.
  // The matrix of a town is drawn over its county, where its neighbours are; a whole
  // autonomous region is too large for one picture: pick a league or county instead.
  const matrixRegion = TOWN_LEVELS.has(region.level) ? region.ancestors[0] : region;
  const tooLarge = region.level === "AUTONOMOUS_REGION";
  return h("section", { class: "region", "data-testid": "region-view" },
    h("nav", { class: "crumbs" },
      [...region.ancestors].reverse().map((a) => [nodeLink(a), " › "]), region.name),
    h("h1", {}, region.name, " ", h("small", {}, shortLabel("RegionLevel", region.level)), " ",
      provenance(region)),
    facts([
      ["区划代码", region.code],
      ["类型", label("RegionDivision", region.division)],
      ["别名", region.aliases.join("、")],
    ]),
    h("h2", {}, "认领热力图"),
    tooLarge
      ? h("p", { class: "muted" }, "热力图按盟市或旗县区绘制：请在下级地区中选择。")
      : region.powerLists.length
      ? h("ul", { class: "lists" }, region.powerLists.map((list) => h("li", {},
        h("a", {
          href: route.matrix(list.key, matrixRegion.key),
          "data-testid": "open-matrix", "data-list": list.key,
        }, `${list.title}：${matrixRegion.name}各乡镇街道`),
        ` （${list.itemCount ?? "?"} 项，${list.region?.name ?? ""}）`, provenance(list))))
      : h("p", { class: "muted" }, "没有适用于此地区的赋权清单。"),
    region.children.length ? [
      h("h2", {}, `下级地区（${region.children.length}）`),
      h("ul", { class: "chips" }, region.children.map((c) => h("li", {}, nodeLink(c),
        c.synthetic ? h("span", { class: "badge synthetic small" }, "合成") : null))),
    ] : null,
    region.statistics.length ? [
      h("h2", {}, `统计（${region.statistics.length}）`),
      h("table", { class: "stats" },
        h("thead", {}, h("tr", {}, h("th", {}, "指标"), h("th", {}, "数字"), h("th", {}, "日期"),
          h("th", {}, "出处"))),
        h("tbody", {}, region.statistics.map((s) => h("tr", {},
          h("td", {}, s.metricLabel, s.note ? h("small", { class: "note" }, s.note) : null),
          h("td", { class: "num" }, figure(s),
            s.disagreements.length ? h("span", {
              class: "badge warn small", "data-testid": "disputed",
              title: "来源说法不一，见下方",
            }, "说法不一") : null),
          h("td", {}, s.date ?? ""),
          h("td", {}, provenance(s)))))),
      disagreements(region.statistics.flatMap((s) => s.disagreements)),
    ] : null,
    h("h2", {}, `机构（${region.bodies.totalCount}）`),
    region.bodies.totalCount
      ? h("ul", { class: "bodies" }, region.bodies.edges.map(({ node }) => h("li", {},
        nodeLink(node), " ", h("small", {}, shortLabel("BodyKind", node.kind)),
        node.synthetic ? h("span", { class: "badge synthetic small" }, "合成") : null)))
      : h("p", { class: "muted" }, "没有记载的机构。"),
    region.bodies.totalCount > region.bodies.edges.length
      ? h("p", { class: "muted" }, `只显示前 ${region.bodies.edges.length} 个；可用搜索查找其余机构。`)
      : null);
}
