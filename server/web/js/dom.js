// Small DOM helpers shared by the views. Text always goes in through textContent (never
// innerHTML), so names and quotes from the graph cannot inject markup.

/** Create an element: h("a", {href: "#/", "data-testid": "x"}, "text", child, ...). */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Append children (strings, numbers, nodes, nested arrays; null is skipped). */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Element in the SVG namespace, attributes as given. */
export function svg(tag, attrs = {}, ...children) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Hash routes of the views; keys are URL-encoded. */
export const route = {
  region: (key) => `#/region/${encodeURIComponent(key)}`,
  body: (key) => `#/body/${encodeURIComponent(key)}`,
  item: (key) => `#/item/${encodeURIComponent(key)}`,
  list: (key) => `#/list/${encodeURIComponent(key)}`,
  event: (key) => `#/event/${encodeURIComponent(key)}`,
  matrix: (list, region, target) =>
    `#/matrix?${new URLSearchParams({ list, region, ...(target ? { target } : {}) })}`,
  chain: (item, town) =>
    `#/chain?${new URLSearchParams(town ? { item, town } : { item })}`,
  whatif: (bodies = [], extra = {}) =>
    `#/whatif?${new URLSearchParams({ bodies: bodies.join(","), ...extra })}`,
};

/** The route of a node by its GraphQL type, or null for types without a view. */
export function routeOf(node) {
  switch (node.__typename) {
    case "Region": return route.region(node.key);
    case "Body": return route.body(node.key);
    case "PowerItem": return route.item(node.key);
    case "PowerList": return route.list(node.key);
    case "ReformEvent": return route.event(node.key);
    // a statistic is shown with its region's figures
    case "Statistic": return node.region ? route.region(node.region.key) : null;
    default: return null;
  }
}

/** A link to a node's view, showing its name (or title). */
export function nodeLink(node, attrs = {}) {
  const label = node.name ?? node.title ?? node.key;
  const href = routeOf(node);
  return href ? h("a", { href, ...attrs }, label) : h("span", attrs, label);
}

/**
 * Where a fact comes from, always on screen: a synthetic badge for made-up data, or a
 * disclosure with each source file and the exact quote.
 */
export function provenance(fact, { compact = false } = {}) {
  if (fact.synthetic) {
    return h("span", {
      class: `badge synthetic${compact ? " small" : ""}`, "data-testid": "synthetic-badge",
      title: "合成数据：由生成器构造，不是文件记载的事实",
    }, compact ? "合成" : "合成 synthetic");
  }
  const sources = fact.provenance ?? [];
  if (!sources.length) return h("span", { class: "badge unsourced" }, "无出处");
  return h("details", { class: "provenance", "data-testid": "provenance" },
    h("summary", { title: "查看原文出处" }, `出处 ${sources.length}`),
    h("ul", {}, sources.map((p) => h("li", {}, sourceLine(p),
      h("q", { "data-testid": "provenance-quote" }, p.quote)))));
}

/** A cited source: the document's title, issuer and date when the graph has it, and its file. */
function sourceLine({ source, document }) {
  const about = document ? [document.issuer, document.date].filter(Boolean).join("，") : "";
  return h("span", { class: "source", "data-testid": "provenance-source" },
    document ? h("cite", { "data-testid": "source-title" }, document.title) : null,
    about ? h("small", {}, `（${about}）`) : null,
    h("span", { class: "file" }, source));
}

/**
 * Where sources state different things about the facts shown (`disagreements` of the API):
 * what differs, then each source's words. Nothing when they agree.
 */
export function disagreements(list) {
  const unique = [...new Map(list.map((d) => [d.key, d])).values()];
  if (!unique.length) return null;
  return h("section", { class: "disagreements", "data-testid": "disagreements" },
    h("h2", {}, `说法不一（${unique.length}）`),
    h("ul", {}, unique.map((d) => h("li", { "data-testid": "disagreement", "data-key": d.key },
      h("p", { class: "note" }, d.note),
      h("ul", {}, d.statements.map((s) => h("li", { "data-testid": "disagreement-statement" },
        sourceLine(s), h("q", {}, s.quote))))))));
}

/** A definition list from [label, value] pairs, skipping empty values. */
export function facts(pairs) {
  return h("dl", { class: "facts" }, pairs
    .filter(([, value]) => value !== null && value !== undefined && value !== "" &&
      !(Array.isArray(value) && !value.length))
    .map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

/**
 * The Chinese words of each GraphQL enum's values, by enum name: the service's own, read once
 * from its schema (each enum value's description is its words, then " — " and a note).
 */
const WORDS = new Map();

/** Keep the enum words of an introspection answer (`__schema { types { … enumValues } }`). */
export function setEnumWords(types) {
  WORDS.clear();
  for (const type of types) {
    if (type.kind !== "ENUM" || type.name.startsWith("__")) continue;
    WORDS.set(type.name, new Map(type.enumValues.map((v) =>
      [v.name, (v.description ?? "").split(" — ")[0]])));
  }
}

/** "中文（VALUE）" for a value of the GraphQL enum `enumName`; the value alone where the
 * schema gives no words; empty for null. */
export function label(enumName, value) {
  if (value === null || value === undefined) return "";
  const text = WORDS.get(enumName)?.get(value);
  return text ? `${text}（${value}）` : value;
}

/** The bare Chinese words of a value of `enumName` (or the value). */
export function shortLabel(enumName, value) {
  return WORDS.get(enumName)?.get(value) || (value ?? "");
}

/** A percentage with one decimal, or "—". */
export function percent(rate) {
  return rate === null || rate === undefined ? "—" : `${(rate * 100).toFixed(1)}%`;
}
