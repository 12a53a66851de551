// What if these bodies merged? Pick the bodies and a target (an existing body, or a new
// name) and read the impact report: powers that move, delegations re-routed, superiors that
// change, regions touched, staff quota, conflicts. The query never writes.

import { FACT, gql } from "../api.js";
import { h, nodeLink, provenance, route, shortLabel } from "../dom.js";
import { resultRow, searchAsYouType } from "../search.js";

const BODY = `query Body($key: String!) { body(key: $key) { __typename key name kind synthetic } }`;

const IMPACT = `query Impact($bodies: [String!]!, $target: String, $newName: String) {
  mergerImpact(bodies: $bodies, target: $target, newName: $newName) {
    targetName recordedEvent
    target { __typename key name }
    bodies { __typename key name kind staffQuota ${FACT} region { __typename key name } }
    powers { __typename key name powerType ${FACT} }
    overlaps { item { __typename key name } heldBy }
    reroutedDelegations { fromBody to item list mode }
    superiorChanges { body { __typename key name } oldSuperior newSuperior }
    regionsTouched { __typename key name }
    staffQuotaBefore staffQuotaAfter
    conflicts { code message bodies }
  }
}`;

/** A section of the report: a heading with a count and a list (or "none"). */
function part(title, testid, rows) {
  return h("section", { class: "part" }, h("h3", {}, `${title}（${rows.length}）`),
    rows.length ? h("ul", { "data-testid": testid }, rows.map((row) => h("li", {}, row)))
      : h("p", { class: "muted", "data-testid": testid }, "无"));
}

function report(impact) {
  const names = new Map(impact.bodies.map((b) => [b.key, b.name]));
  const nameOf = (key) => names.get(key) ?? key;
  return h("div", { class: "impact", "data-testid": "impact-report" },
    h("h2", {}, `合并为：${impact.targetName}`, impact.target ? [" ", nodeLink(impact.target)] : " （新机构）"),
    impact.conflicts.length
      ? h("ul", { class: "conflicts" }, impact.conflicts.map((c) => h("li", {
        class: "conflict", "data-testid": "impact-conflict", "data-code": c.code,
      }, h("strong", {}, shortLabel("ConflictCode", c.code)), " ", h("code", {}, c.code), " ", c.message, c.bodies.length ? `（${c.bodies.map(nameOf).join("、")}）` : "")))
      : h("p", { class: "ok", "data-testid": "impact-no-conflict" }, "没有发现冲突。"),
    h("p", { class: "staff", "data-testid": "impact-staff" },
      "编制：", impact.bodies.map((b, i) => `${b.name} ${impact.staffQuotaBefore[i] ?? "未载"}`).join(" + "),
      ` → 合计 ${impact.staffQuotaAfter ?? "未知"}`),
    h("div", { class: "columns" },
      part("合并的机构", "impact-bodies", impact.bodies.map((b) => [nodeLink(b),
        ` 编制 ${b.staffQuota ?? "未载"} `, provenance(b)])),
      part("转移的权力", "impact-powers", impact.powers.map((p) => [nodeLink(p), " ",
        h("small", {}, shortLabel("PowerType", p.powerType)), " ", provenance(p)])),
      part("重叠的权力", "impact-overlaps", impact.overlaps.map((o) => [nodeLink(o.item), "：",
        o.heldBy.map(nameOf).join("、")])),
      part("改道的下放链条", "impact-rerouted", impact.reroutedDelegations.map((d) => [
        `${nameOf(d.fromBody)} → ${d.to}`, d.item ? ` · ${d.item}` : "", d.mode ? ` · ${shortLabel("ClaimMode", d.mode)}` : ""])),
      part("上级改变的机构", "impact-superiors", impact.superiorChanges.map((c) => [nodeLink(c.body),
        `：${nameOf(c.oldSuperior)} → ${c.newSuperior ? nameOf(c.newSuperior) : impact.targetName}`])),
      part("涉及的地区", "impact-regions", impact.regionsTouched.map((r) => nodeLink(r)))));
}

export async function render(params) {
  const chosen = new Map();
  const chips = h("ul", { class: "chips", "data-testid": "whatif-bodies" });
  const options = h("ul", { class: "search-results", "data-testid": "whatif-body-options" });
  const picker = h("input", {
    type: "search", autocomplete: "off", "data-testid": "whatif-body-search",
    placeholder: "按名称查找机构或执法队伍", "aria-label": "查找要合并的机构",
  });
  const newName = h("input", {
    type: "text", "data-testid": "whatif-new-name", value: params.newName ?? "",
    placeholder: "新机构名称", "aria-label": "新机构名称",
  });
  const target = h("input", {
    type: "text", "data-testid": "whatif-target", value: params.target ?? "",
    placeholder: "或已有机构的键，如 body:…", "aria-label": "并入的已有机构（键）",
  });
  const output = h("div", { class: "impact-output", "aria-live": "polite" });

  const drawChips = () => chips.replaceChildren(...[...chosen.values()].map((body) =>
    h("li", { "data-testid": "whatif-body", "data-key": body.key }, nodeLink(body),
      body.synthetic ? h("span", { class: "badge synthetic small" }, "合成") : null,
      h("button", {
        type: "button", class: "remove", "aria-label": `移除 ${body.name}`,
        onclick() { chosen.delete(body.key); drawChips(); },
      }, "×"))));

  searchAsYouType(picker, {
    kinds: ["BODY", "ENFORCEMENT_TEAM"], first: 10,
    onResults(text, answer) {
      options.replaceChildren(...(answer?.edges ?? []).map(({ node }) => resultRow(node, text, {
        "data-testid": "whatif-body-option", tabindex: "0",
        onclick() { chosen.set(node.key, node); drawChips(); options.replaceChildren(); picker.value = ""; },
      })));
    },
    onError(error) { options.replaceChildren(h("li", { class: "error-inline" }, `${error.code} ${error.message}`)); },
  });

  const keys = (params.bodies ?? "").split(",").filter(Boolean);
  if (keys.length) {
    const answers = await Promise.all(keys.map((key) => gql(BODY, { key })));
    for (const { body } of answers) chosen.set(body.key, body);
    drawChips();
  }

  const form = h("form", {
    class: "whatif-form", "data-testid": "whatif-form",
    async onsubmit(event) {
      event.preventDefault();
      const variables = {
        bodies: [...chosen.keys()], target: target.value.trim() || null,
        newName: newName.value.trim() || null,
      };
      const run = form.querySelector("[data-testid=whatif-run]");
      run.disabled = true;
      document.body.dataset.state = "loading";
      try {
        const { mergerImpact } = await gql(IMPACT, variables);
        output.replaceChildren(report(mergerImpact));
        history.replaceState(null, "", route.whatif(variables.bodies, {
          ...(variables.target ? { target: variables.target } : {}),
          ...(variables.newName ? { newName: variables.newName } : {}),
        }));
        document.body.dataset.state = "ready";
      } catch (error) {
        output.replaceChildren(h("p", { class: "error", "data-testid": "error", role: "alert" },
          h("code", { "data-testid": "error-code" }, error.code), " ", error.message));
        document.body.dataset.state = "ready";
      } finally {
        run.disabled = false;
      }
    },
  },
  h("label", {}, "要合并的机构", picker), options, chips,
  h("div", { class: "target-row" }, h("label", {}, "并入新机构", newName), h("label", {}, "或并入已有机构", target)),
  h("button", { type: "submit", "data-testid": "whatif-run" }, "推演影响"),
  h("p", { class: "muted" }, "只读推演：不会写入图谱。正式合并需要 API 密钥（applyMerger）。"));

  return h("section", { class: "whatif", "data-testid": "whatif-view" },
    h("h1", {}, "合并推演"),
    h("p", {}, "选择两个或更多机构，以及合并后的机构（新名称或已有机构），查看合并的影响：",
      "权力转移与重叠、下放链条改道、上级改变、编制合计和冲突。"),
    form, output);
}
