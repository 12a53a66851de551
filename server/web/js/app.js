// The explorer's shell: a hash router that renders one view into <main>, and the sidebar
// (search as you type, region tree). Each view is a module exporting `render(params)` that
// resolves to a DOM node; the shell marks <body data-view data-state> so that people (and
// the browser tests) can tell when a view is ready.

import { ApiError, gql } from "./api.js";
import { h, setEnumWords } from "./dom.js";
import { startRegionTree } from "./tree.js";
import { startSearch } from "./search.js";
import * as home from "./views/home.js";
import * as region from "./views/region.js";
import * as matrix from "./views/matrix.js";
import * as item from "./views/item.js";
import * as list from "./views/list.js";
import * as chain from "./views/chain.js";
import * as body from "./views/body.js";
import * as event from "./views/event.js";
import * as whatif from "./views/whatif.js";
import * as importer from "./views/import.js";

/** Views by the first segment of the hash path; `key` views take the rest as a key. */
const VIEWS = {
  "": { view: "home", module: home },
  region: { view: "region", module: region, key: true },
  matrix: { view: "matrix", module: matrix },
  item: { view: "item", module: item, key: true },
  list: { view: "list", module: list, key: true },
  chain: { view: "chain", module: chain },
  body: { view: "body", module: body, key: true },
  event: { view: "event", module: event, key: true },
  whatif: { view: "whatif", module: whatif },
  import: { view: "import", module: importer },
};

/** Split "#/body/<key>?a=b" into the view entry and its parameters. */
function parseHash(hash) {
  const text = hash.replace(/^#\/?/, "");
  const [path, query = ""] = text.split("?", 2);
  const [head, ...rest] = path.split("/");
  const entry = VIEWS[head];
  const params = Object.fromEntries(new URLSearchParams(query));
  if (entry?.key) params.key = decodeURIComponent(rest.join("/"));
  return { entry, params };
}

let renderCount = 0;

/** Render the view the hash names; a newer navigation wins over a slower older one. */
async function renderRoute() {
  const ticket = ++renderCount;
  const main = document.getElementById("view");
  const { entry, params } = parseHash(window.location.hash);
  document.body.dataset.view = entry?.view ?? "unknown";
  document.body.dataset.state = "loading";
  main.setAttribute("aria-busy", "true");
  let content;
  let state = "ready";
  try {
    if (!entry) throw new ApiError("NOT_FOUND", `没有这个页面：${window.location.hash}`);
    if (entry.key && !params.key) throw new ApiError("BAD_INPUT", "地址缺少键（key）。");
    content = await entry.module.render(params);
  } catch (error) {
    state = "error";
    content = errorPanel(error);
    if (!(error instanceof ApiError)) console.warn(error);
  }
  if (ticket !== renderCount) return;
  main.replaceChildren(content);
  main.removeAttribute("aria-busy");
  document.body.dataset.state = state;
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/** The visible form of an error: its stable code and the service's message. */
function errorPanel(error) {
  const code = error instanceof ApiError ? error.code : "CLIENT_ERROR";
  return h("section", { class: "error", "data-testid": "error", role: "alert" },
    h("h1", {}, "出错了"),
    h("p", {}, h("code", { "data-testid": "error-code" }, code), " ", error.message),
    h("p", {}, h("a", { href: "#/" }, "回到首页")));
}

/** The Chinese words of every enum value, from the API's own schema (each value's
 * description): the page keeps no copy of the vocabulary. */
const VOCABULARY = `query Vocabulary {
  __schema { types { name kind enumValues { name description } } }
}`;

/** Read the words once; without them (the service unreachable) values show as they are. */
async function loadVocabulary() {
  try {
    setEnumWords((await gql(VOCABULARY)).__schema.types);
  } catch (error) {
    console.warn("enum words unavailable:", error.message);
  }
}

loadVocabulary().then(() => {
  window.addEventListener("hashchange", renderRoute);
  startSearch(document.querySelector("[data-testid=search-input]"),
    document.querySelector("[data-testid=search-results]"),
    document.querySelector("[data-testid=search-status]"));
  startRegionTree(document.querySelector("[data-testid=region-tree]"));
  renderRoute();
});
