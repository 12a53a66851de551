// The start page: what the explorer shows, and a way into each view on the documented data.

import { h, route } from "../dom.js";

export async function render() {
  const start = (href, title, text) =>
    h("li", {}, h("a", { href }, title), h("p", {}, text));
  return h("section", { class: "home", "data-testid": "home-view" },
    h("h1", {}, "内蒙古机构改革知识图谱"),
    h("p", { class: "lead" },
      "五份公开文件记载的地区、机构、综合行政执法队伍、权力事项和改革事件；每个事实都附原文出处。",
      "合成数据（用于演示和压力测试）处处标为", h("span", { class: "badge synthetic" }, "合成 synthetic"), "。"),
    h("ul", { class: "starts" },
      start(route.matrix("powerlist:nmg:township-powers", "region:haibowan"),
        "认领热力图：海勃湾区",
        "各镇、街道认领了赋予苏木乡镇的 99 项权力中的多少项，对照 70% 的要求。文件只给出数量，没有列出具体事项。"),
      start(route.region("region:haibowan:qianlishan"), "地区：千里山镇",
        "上级地区、统计数字、机构，以及适用的赋权清单。"),
      start(route.body("body:haibowan:urban-enforcement"), "合并沿革：城市管理综合行政执法大队",
        "20 支队伍整合为 7 支，再调整为 6 支：按时间顺序的改革事件。"),
      start(route.whatif(
        ["body:haibowan:health-enforcement", "body:haibowan:emergency-enforcement"],
        { newName: "海勃湾区卫生应急综合行政执法大队" }),
      "合并推演", "假如两个机构合并：哪些权力转移、哪些下放链条改道、编制和冲突。")),
    h("p", { class: "hint" },
      "左侧可按名称搜索（含挂牌名称），或在地区树中选择盟市、旗县、乡镇。",
      "本页只使用公开的 GraphQL 接口（/graphql），可作为自建前端的参考。"));
}
