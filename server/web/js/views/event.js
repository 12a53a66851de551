// A reform event: its card, the events it follows, and the impact report when it merged
// named bodies.

import { gql } from "../api.js";
import { h, nodeLink } from "../dom.js";
import { EVENT_FIELDS, eventCard } from "./body.js";

const EVENT = `query Event($key: String!) {
  reformEvent(key: $key) { ${EVENT_FIELDS} follows { ${EVENT_FIELDS} } }
}`;

export async function render({ key }) {
  const { reformEvent: event } = await gql(EVENT, { key });
  return h("section", { class: "event-view", "data-testid": "event-view" },
    h("nav", { class: "crumbs" }, event.region ? [nodeLink(event.region), " › "] : null, "改革事件"),
    h("h1", {}, event.title),
    h("div", { class: "lineage" }, event.follows.map((e) => eventCard(e)), eventCard(event)),
    event.follows.length
      ? h("p", { class: "muted" }, "上面的事件在此之前：其产出（只记载了数量）进入了本事件。")
      : null);
}
