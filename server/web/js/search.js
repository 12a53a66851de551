// Search as you type, across regions (by name or official code), bodies (signboards and
// aliases included), teams, power items, lists, cited documents, reform events and statistics
// (by label or metric), in simplified or traditional characters. Shared by the sidebar and the what-if body picker.

import { gql } from "./api.js";
import { h, routeOf, shortLabel } from "./dom.js";

const SEARCH = `query Search($text: String!, $kinds: [SearchKind!], $level: RegionLevel,
    $first: Int!) {
  search(text: $text, kinds: $kinds, level: $level, first: $first) {
    totalCount
    edges { node {
      __typename
      ... on Region { key name level code synthetic parent { name } }
      ... on Body { key name kind signboards aliases synthetic region { name } }
      ... on PowerItem { key name powerType synthetic list { title } }
      ... on PowerList { key title synthetic }
      ... on Document { key title docNumber synthetic }
      ... on ReformEvent { key title date synthetic }
      ... on Statistic { key metricLabel metric synthetic region { key name } }
    } }
  }
}`;

/** Wait this long after the last keystroke before asking the service. */
const DEBOUNCE_MS = 250;

/**
 * Call `onResults(text, answer)` with the search answer for what is typed into `input`,
 * debounced; an answer to an older text is dropped. Empty text gives `answer` null.
 */
export function searchAsYouType(input, { kinds = null, level = null, first = 20, onResults, onError }) {
  let timer = null;
  let latest = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      latest = text;
      if (!text) {
        onResults(text, null);
        return;
      }
      try {
        const data = await gql(SEARCH, { text, kinds, level, first });
        if (text === latest) onResults(text, data.search);
      } catch (error) {
        if (text === latest) onError(error);
      }
    }, DEBOUNCE_MS);
  });
}

/** What a result is, in a few words: level or kind, and where it is. */
export function describe(node, text) {
  const parts = [];
  switch (node.__typename) {
    case "Region":
      parts.push(shortLabel("RegionLevel", node.level), node.code, node.parent?.name);
      break;
    case "Body": {
      parts.push(shortLabel("BodyKind", node.kind), node.region?.name);
      const alias = [...node.signboards, ...node.aliases].find((name) => name.includes(text));
      if (alias && !node.name.includes(text)) parts.push(`挂牌：${alias}`);
      break;
    }
    case "PowerItem":
      parts.push(shortLabel("PowerType", node.powerType), node.list?.title);
      break;
    case "PowerList":
      parts.push("清单");
      break;
    case "Document":
      parts.push("文件", node.docNumber);
      break;
    case "ReformEvent":
      parts.push("改革事件", node.date);
      break;
    case "Statistic":
      parts.push("统计", node.metric, node.region?.name);
      break;
    default:
      break;
  }
  return parts.filter(Boolean).join(" · ");
}

/** One result row: name (a link when `href` is given), what it is, and a synthetic mark. */
export function resultRow(node, text, attrs, href = null) {
  const name = node.name ?? node.title ?? node.metricLabel;
  return h("li", { "data-key": node.key, "data-type": node.__typename, ...attrs },
    href ? h("a", { href, class: "name" }, name) : h("span", { class: "name" }, name),
    node.synthetic ? h("span", { class: "badge synthetic small" }, "合成") : null,
    h("small", {}, describe(node, text)));
}

/** The sidebar search box: results link to each node's view. */
export function startSearch(input, results, status) {
  searchAsYouType(input, {
    onResults(text, answer) {
      if (!answer) {
        results.replaceChildren();
        status.textContent = "";
        return;
      }
      status.textContent = answer.totalCount
        ? `找到 ${answer.totalCount} 个${answer.totalCount > answer.edges.length ? `，显示前 ${answer.edges.length} 个` : ""}`
        : `没有名称含“${text}”的条目`;
      results.replaceChildren(...answer.edges.map(({ node }) => {
        const href = routeOf(node);
        // the whole row is the target, not only the name's link
        return resultRow(node, text, {
          "data-testid": "search-result",
          onclick() { if (href) window.location.hash = href; },
        }, href);
      }));
    },
    onError(error) {
      status.textContent = `搜索失败：${error.code} ${error.message}`;
    },
  });
}
