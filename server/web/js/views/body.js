// A body: what it is, whom it answers to, what it holds and exercises, and its lineage as
// a timeline of reform events, oldest first, from what it came from to what it became.

import { FACT, gql } from "../api.js";
import { facts, h, label, nodeLink, provenance, route, shortLabel } from "../dom.js";

export const EVENT_FIELDS = `__typename key kind date title inputCount outputCount staffMoved note ${FACT}
  inputs { __typename key name synthetic } outputs { __typename key name synthetic }
  region { __typename key name }`;

const BODY = `query Body($key: String!) {
  body(key: $key) {
    __typename key name kind domain rank staffQuota leadershipPosts signboards aliases
    verticallyManaged validFrom validTo note isEnforcementTeam ${FACT}
    region { __typename key name }
    superior { __typename key name }
    subordinates(first: 50) { totalCount edges { node { __typename key name kind } } }
    holds(first: 50) { totalCount edges { node { __typename key name powerType } } }
    exercises(first: 50) { totalCount edges { node { __typename key name powerType } } }
  }
  lineage(body: $key) {
    predecessors { depth event { ${EVENT_FIELDS} } }
    successors { depth event { ${EVENT_FIELDS} } }
  }
}`;

/** One event of a lineage: when, what kind, what went in and what came out, the sources. */
export function eventCard(event, attrs = {}) {
  // Named bodies as links, and how many more the source counts without naming them.
  const named = (bodies, count) => {
    if (!bodies.length) return `${count ?? "?"} 个（未列名）`;
    const links = bodies.map((b) => nodeLink(b));
    const unnamed = count !== null && count > bodies.length ? count - bodies.length : 0;
    return [links.flatMap((link, i) => (i ? ["、", link] : [link])),
      unnamed ? h("span", { class: "muted" }, `，另 ${unnamed} 个未列名`) : null];
  };
  return h("article", { class: "event", "data-key": event.key, ...attrs },
    h("div", { class: "when" }, event.date ?? "日期未载"),
    h("div", { class: "what" },
      h("h3", {}, h("a", { href: route.event(event.key) }, event.title), " ",
        h("small", {}, shortLabel("EventKind", event.kind)), " ", provenance(event)),
      h("p", {}, named(event.inputs, event.inputCount), " → ", named(event.outputs, event.outputCount)),
      event.staffMoved !== null ? h("p", {}, `划转编制 ${event.staffMoved} 名`) : null,
      event.note ? h("p", { class: "note" }, event.note) : null));
}

/** A linked list of a connection's nodes, with a note when only a page is shown. */
function connectionList(connection, describe) {
  if (!connection.totalCount) return h("p", { class: "muted" }, "无");
  return [
    h("ul", {}, connection.edges.map(({ node }) => h("li", {}, nodeLink(node), " ", h("small", {}, describe(node))))),
    connection.totalCount > connection.edges.length
      ? h("p", { class: "muted" }, `共 ${connection.totalCount} 项，显示前 ${connection.edges.length} 项`) : null,
  ];
}

export async function render({ key }) {
  const { body, lineage } = await gql(BODY, { key });
  // Oldest first: the furthest predecessor, …, the nearest; then successors, nearest first.
  const before = [...lineage.predecessors].sort((a, b) =>
    b.depth - a.depth || (a.event.date ?? "").localeCompare(b.event.date ?? ""));
  const after = [...lineage.successors].sort((a, b) =>
    a.depth - b.depth || (a.event.date ?? "").localeCompare(b.event.date ?? ""));
  return h("section", { class: "body", "data-testid": "body-view" },
    h("nav", { class: "crumbs" }, body.region ? [nodeLink(body.region), " › "] : null, body.name),
    h("h1", {}, body.name, " ", h("small", {}, shortLabel("BodyKind", body.kind)), " ", provenance(body)),
    facts([
      ["类别", label("BodyKind", body.kind)], ["领域", body.domain], ["级别", body.rank],
      ["编制", body.staffQuota], ["领导职数", body.leadershipPosts],
      ["挂牌", body.signboards.join("、")], ["别名", body.aliases.join("、")],
      ["垂直管理", body.verticallyManaged ? "是" : null],
      ["存续", body.validFrom || body.validTo ? `${body.validFrom ?? "?"} — ${body.validTo ?? "今"}` : null],
      ["上级", body.superior ? nodeLink(body.superior) : null],
      ["备注", body.note],
    ]),
    h("p", {}, h("a", { href: route.whatif([body.key]), "data-testid": "open-whatif", class: "button" },
      "推演：把它与其他机构合并")),
    h("h2", {}, "沿革"),
    h("div", { class: "lineage", "data-testid": "lineage" },
      before.length || after.length ? [
        before.map(({ event }) => eventCard(event, { "data-testid": "lineage-event", "data-direction": "predecessor" })),
        h("article", { class: "event self" }, h("div", { class: "when" }, "本机构"),
          h("div", { class: "what" }, h("h3", {}, body.name))),
        after.map(({ event }) => eventCard(event, { "data-testid": "lineage-event", "data-direction": "successor" })),
      ] : h("p", { class: "muted" }, "没有记载与此机构有关的改革事件。")),
    h("div", { class: "columns" },
      h("div", {}, h("h2", {}, `下级（${body.subordinates.totalCount}）`),
        connectionList(body.subordinates, (n) => shortLabel("BodyKind", n.kind))),
      h("div", {}, h("h2", {}, `原行使的权力（${body.holds.totalCount}）`),
        connectionList(body.holds, (n) => shortLabel("PowerType", n.powerType))),
      h("div", {}, h("h2", {}, `现行使的权力（${body.exercises.totalCount}）`),
        connectionList(body.exercises, (n) => shortLabel("PowerType", n.powerType)))));
}
