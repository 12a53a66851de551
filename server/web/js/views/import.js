// Import a county's delegation list (赋权清单) or a claims table (认领) as published: pick the
// county from the region tree (type-ahead over the counties), drop the file (or choose it),
// read the preview — every problem and warning by row, what would be written, new or already
// in the graph — and confirm with an API key. The preview is importDelegationList /
// importClaimsTable with dryRun: true (open, writes nothing); confirming sends the same file
// with dryRun: false (needs the key), which writes everything or, on any error, nothing.

import { gqlUpload } from "../api.js";
import { h, label, route, shortLabel } from "../dom.js";
import { resultRow, searchAsYouType } from "../search.js";

const COUNT_FIELDS = "total new existing";
const RESULT = `applied kind file listKey canApply
  problems { file row location field message severity }
  warnings { file row location field message severity }
  counts { lists { ${COUNT_FIELDS} } items { ${COUNT_FIELDS} } holdings { ${COUNT_FIELDS} }
           delegations { ${COUNT_FIELDS} } claims { ${COUNT_FIELDS} }
           bodiesCreated { ${COUNT_FIELDS} } }
  items { row key seq name powerType mode holder { key name } towns { key name } new }
  claims { row town { key name } list item { key name } seq mode date new }`;

const IMPORT_LIST = `mutation ImportList($file: Upload!, $county: String!, $listId: String!,
    $title: String!, $dryRun: Boolean!) {
  importDelegationList(file: $file, county: $county, listId: $listId, title: $title,
                       dryRun: $dryRun) { ${RESULT} }
}`;

const IMPORT_CLAIMS = `mutation ImportClaims($file: Upload!, $dryRun: Boolean!) {
  importClaimsTable(file: $file, dryRun: $dryRun) { ${RESULT} }
}`;

/** The counts the preview shows, in this order: [field, label]. */
const COUNTS = [
  ["lists", "清单"], ["items", "事项"], ["holdings", "原实施主体 → 事项"],
  ["delegations", "下放（事项 × 乡镇）"], ["claims", "认领"], ["bodiesCreated", "新建的原实施主体"],
];

const KINDS = {
  list: { title: "导入赋权清单", mutation: IMPORT_LIST, field: "importDelegationList" },
  claims: { title: "导入认领表", mutation: IMPORT_CLAIMS, field: "importClaimsTable" },
};

/** The county picker: type-ahead over BANNER_COUNTY regions; a typed name or code that is
 * not picked is sent as typed (the service resolves it or says why not). */
function countyPicker() {
  let chosen = null;
  const input = h("input", {
    type: "search", autocomplete: "off", "data-testid": "import-county-search",
    placeholder: "旗县区名称，例如 海勃湾", "aria-label": "所属旗县区",
  });
  const options = h("ul", { class: "search-results", "data-testid": "import-county-options" });
  const shown = h("p", { class: "muted", "data-testid": "import-county" }, "尚未选择旗县区。");
  const choose = (node) => {
    chosen = node;
    input.value = node.name;
    options.replaceChildren();
    shown.dataset.key = node.key;
    shown.replaceChildren("已选择：", h("a", { href: route.region(node.key) }, node.name),
      h("small", {}, `（${node.parent?.name ?? ""} · ${node.key}）`));
  };
  input.addEventListener("input", () => {
    if (chosen && input.value.trim() !== chosen.name) {
      chosen = null;
      delete shown.dataset.key;
      shown.replaceChildren("尚未选择旗县区：将按输入的名称、代码或键查找。");
    }
  });
  searchAsYouType(input, {
    kinds: ["REGION"], level: "BANNER_COUNTY", first: 10,
    onResults(text, answer) {
      options.replaceChildren(...(answer?.edges ?? []).map(({ node }) => resultRow(node, text, {
        "data-testid": "import-county-option", tabindex: "0", onclick() { choose(node); },
      })));
    },
    onError(error) {
      options.replaceChildren(h("li", { class: "error-inline" }, `${error.code} ${error.message}`));
    },
  });
  return {
    element: h("div", { class: "county-picker" },
      h("label", {}, "所属旗县区", input), options, shown),
    value: () => chosen?.key ?? input.value.trim(),
    key: () => chosen?.key ?? null,
  };
}

/** A file input inside a drop zone: the chosen or dropped file. */
function fileDrop(onChange) {
  let file = null;
  const name = h("span", { "data-testid": "import-file-name" }, "未选择文件");
  const input = h("input", {
    type: "file", accept: ".csv,.xlsx,.xls", "data-testid": "import-file",
    "aria-label": "选择文件",
  });
  const set = (chosen) => {
    file = chosen ?? null;
    name.textContent = file ? `${file.name}（${Math.ceil(file.size / 1024)} KB）` : "未选择文件";
    onChange();
  };
  input.addEventListener("change", () => set(input.files[0]));
  const zone = h("div", { class: "drop", "data-testid": "import-drop" },
    h("p", {}, "把 CSV 或 XLSX 文件拖到这里，或 ", input), name);
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    set(event.dataTransfer.files[0]);
  });
  return { element: zone, file: () => file };
}

/** One row's content: the item or claim the row becomes. */
function rowContent(record) {
  if (record.seq !== undefined && record.towns) {
    return [
      h("strong", {}, `${record.seq}. ${record.name}`),
      h("small", { class: "note" },
        [shortLabel("PowerType", record.powerType) || "类型未载",
          record.holder ? `原实施主体 ${record.holder.name ?? record.holder.key}` : null,
          record.towns.length ? `下放至 ${record.towns.map((t) => t.name ?? t.key).join("、")}` : "未列乡镇",
          record.mode ? label("ClaimMode", record.mode) : null].filter(Boolean).join(" · ")),
    ];
  }
  return [
    h("strong", {}, `${record.town.name ?? record.town.key}：${label("ClaimMode", record.mode)}`),
    h("small", { class: "note" },
      `${record.seq ?? "?"}. ${record.item.name ?? record.item.key}（${record.list}）`,
      record.date ? ` · ${record.date}` : ""),
  ];
}

function problemText(p) {
  return [h("code", {}, p.field || "文件"), " ", p.message,
    p.file && !p.location ? h("small", {}, `（${p.file}）`) : null];
}

/** The preview: what the file gives, row by row, with each row's problems beside it. */
function preview(result) {
  const rows = new Map();
  const at = (row) => {
    if (!rows.has(row)) rows.set(row, { records: [], problems: [] });
    return rows.get(row);
  };
  for (const record of [...result.items, ...result.claims]) at(record.row ?? 0).records.push(record);
  for (const p of [...result.problems, ...result.warnings]) {
    if (p.row !== null) at(p.row).problems.push(p);
  }
  const fileLevel = [...result.problems, ...result.warnings].filter((p) => p.row === null);
  const errors = result.problems.length;
  return h("div", { class: "import-result", "data-testid": "import-preview" },
    h("p", {
      class: result.canApply ? "ok" : "error", "data-testid": "import-status",
      "data-can-apply": String(result.canApply), "data-applied": String(result.applied),
    },
    result.applied ? `已导入 ${result.file}。`
      : result.canApply ? `${result.file} 可以导入（预览，尚未写入）。`
        : `${result.file} 有 ${errors} 个问题，不能导入：改正后重新选择文件。`,
    result.warnings.length ? ` 另有 ${result.warnings.length} 条提示（不影响导入）。` : ""),
    fileLevel.length ? h("ul", { class: "file-problems", "data-testid": "import-file-problems" },
      fileLevel.map((p) => h("li", { class: p.severity.toLowerCase() }, problemText(p)))) : null,
    h("table", { class: "counts", "data-testid": "import-counts" },
      h("tr", {}, h("th", {}, "写入"), h("th", {}, "文件中"), h("th", {}, "新增"), h("th", {}, "已有（原位更新）")),
      COUNTS.filter(([field]) => result.counts[field].total).map(([field, text]) => {
        const c = result.counts[field];
        return h("tr", { "data-testid": "import-count", "data-kind": field },
          h("td", {}, text), h("td", { class: "num" }, c.total), h("td", { class: "num" }, c.new),
          h("td", { class: "num" }, c.existing));
      })),
    rows.size ? h("table", { class: "rows", "data-testid": "import-rows" },
      h("tr", {}, h("th", {}, "行"), h("th", {}, "内容"), h("th", {}, "问题与提示")),
      [...rows.entries()].sort(([a], [b]) => a - b).map(([row, { records, problems }]) => {
        const state = problems.some((p) => p.severity === "ERROR") ? "error"
          : problems.length ? "warning" : "ok";
        return h("tr", { class: state, "data-testid": "import-row", "data-row": row, "data-state": state },
          h("td", { class: "num" }, row || "—"),
          h("td", {}, records.map((r) => h("div", {}, rowContent(r),
            r.new ? h("span", { class: "badge small" }, "新") : h("span", { class: "badge small" }, "已有")))),
          h("td", {}, problems.map((p) => h("div", { class: p.severity.toLowerCase(), "data-testid": "import-problem" },
            problemText(p)))));
      })) : null);
}

/** Where to look at what an applied import wrote. */
function appliedLinks(result, countyKey) {
  const lists = result.listKey ? [result.listKey] : [...new Set(result.claims.map((c) => c.list))];
  return h("p", { "data-testid": "import-applied" }, "查看：", lists.map((key, i) => [
    i ? "、" : "",
    result.listKey && countyKey
      ? h("a", { href: route.matrix(key, countyKey), "data-testid": "import-matrix-link" }, `${key} 的认领热力图`)
      : h("a", { href: route.list(key), "data-testid": "import-list-link" }, `清单 ${key}`),
  ]));
}

export async function render(params) {
  const kind = params.kind === "claims" ? "claims" : "list";
  const spec = KINDS[kind];
  const county = kind === "list" ? countyPicker() : null;
  const listId = h("input", {
    type: "text", "data-testid": "import-list-id", placeholder: "例如 list:haibowan:2020",
    "aria-label": "清单键",
  });
  const title = h("input", {
    type: "text", "data-testid": "import-title", placeholder: "清单标题，例如 海勃湾区赋予镇（街道）行政权力事项清单",
    "aria-label": "清单标题",
  });
  const key = h("input", {
    type: "password", autocomplete: "off", "data-testid": "import-key",
    placeholder: "API 密钥（确认导入时需要）", "aria-label": "API 密钥",
  });
  const output = h("div", { class: "import-output", "aria-live": "polite" });
  const previewButton = h("button", { type: "submit", "data-testid": "import-preview-run" }, "预览（不写入）");
  const confirm = h("button", { type: "button", "data-testid": "import-confirm", disabled: true }, "确认导入");
  let checked = null; // the file and arguments the last preview was for

  const drop = fileDrop(() => {
    checked = null;
    confirm.disabled = true;
  });

  const variables = () => (kind === "list"
    ? { county: county.value(), listId: listId.value.trim(), title: title.value.trim() }
    : {});

  const missing = () => {
    if (!drop.file()) return "请先选择或拖入文件。";
    if (kind === "list") {
      const v = variables();
      if (!v.county) return "请选择所属旗县区。";
      if (!v.listId || !v.title) return "请填写清单键和清单标题。";
    }
    return null;
  };

  const run = async (dryRun) => {
    const reason = missing();
    if (reason) {
      output.replaceChildren(h("p", { class: "error", role: "alert", "data-testid": "import-missing" }, reason));
      return;
    }
    const file = drop.file();
    const args = { ...variables(), dryRun };
    previewButton.disabled = true;
    confirm.disabled = true;
    document.body.dataset.state = "loading";
    try {
      const data = await gqlUpload(spec.mutation, args, file, { token: dryRun ? "" : key.value.trim() });
      const result = data[spec.field];
      output.replaceChildren(preview(result));
      if (result.applied) output.append(appliedLinks(result, county?.key()));
      checked = result.canApply && !result.applied ? { file, args } : null;
      confirmBar.hidden = result.applied;
      output.scrollIntoView({ block: "start" });
    } catch (error) {
      const shown = h("p", { class: "error", "data-testid": "error", role: "alert" },
        h("code", { "data-testid": "error-code" }, error.code), " ", error.message);
      if (dryRun) {
        output.replaceChildren(shown);
      } else { // a refused key: the preview still stands, confirm again with another key
        output.prepend(shown);
        checked = { file, args: { ...args, dryRun: true } };
      }
    } finally {
      previewButton.disabled = false;
      confirm.disabled = checked === null;
      document.body.dataset.state = "ready";
    }
  };

  confirm.addEventListener("click", () => {
    // the file and arguments must still be the ones previewed
    const same = checked && checked.file === drop.file() &&
      JSON.stringify({ ...variables(), dryRun: true }) === JSON.stringify(checked.args);
    if (!same) {
      output.prepend(h("p", { class: "error", role: "alert" }, "文件或参数已改动：请先重新预览。"));
      confirm.disabled = true;
      return;
    }
    run(false);
  });

  const form = h("form", {
    class: "import-form", "data-testid": "import-form",
    onsubmit(event) { event.preventDefault(); run(true); },
  },
  kind === "list" ? [county.element,
    h("div", { class: "target-row" }, h("label", {}, "清单键", listId), h("label", {}, "清单标题", title))] : null,
  drop.element,
  h("div", { class: "actions" }, previewButton,
    h("span", { class: "muted" }, "预览不写入图谱，也不需要密钥。")));
  const confirmBar = h("div", { class: "actions confirm-bar", hidden: true },
    key, confirm,
    h("span", { class: "muted" },
      "确认导入需要 API 密钥：文件有任何问题时什么也不写入，没有问题时整份文件一次写入。"));

  return h("section", { class: "import", "data-testid": "import-view", "data-kind": kind },
    h("nav", { class: "tabs" },
      h("a", { href: "#/import", "data-testid": "import-kind-list", class: kind === "list" ? "current" : null }, KINDS.list.title),
      h("a", { href: "#/import?kind=claims", "data-testid": "import-kind-claims", class: kind === "claims" ? "current" : null }, KINDS.claims.title)),
    h("h1", {}, spec.title),
    kind === "list"
      ? h("p", {}, "旗县区公布的赋权清单（CSV 或 XLSX），列名如 序号、赋权事项、权力类型、法律法规依据、责任主体、原实施主体、乡镇/街道。",
        "每行成为清单的一个事项、一条原实施主体和每个乡镇一条下放。")
      : h("p", {}, "乡镇（街道）认领的事项，每行一条：乡镇/街道、清单、事项（序号、名称或键）、认领方式（确认/交办）、日期。",
        "清单可以是刚导入的赋权清单。"),
    form, output, confirmBar);
}
