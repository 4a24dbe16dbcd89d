// 督办：指标年度数据折线与目标线（ECharts，本站 /vendor 提供；只有页面上有指标图时才加载）；
// 消防救援人员优待资格核对（form[data-benefits]：提交到核对接口，逐项显示是否享受及原文依据；文字一律以 textContent 写入）。
(function () {
  "use strict";

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  const MARKS = { eligible: "✔", conditional: "◐", not_eligible: "✘", not_covered: "✘", unstated: "？" };

  function shown(target, data) {
    target.replaceChildren();
    const ok = data.coverage === "eligible";
    target.appendChild(el("p", data.reason, ok ? "eligible" : "late"));
    const table = el("table", null, "compact benefits");
    const head = el("tr");
    ["措施", "优待", "享受者", "结果", "说明", "原文"].forEach((h) => { head.appendChild(el("th", h)); });
    table.appendChild(head);
    (data.findings || []).forEach((f) => {
      const tr = el("tr", null, f.outcome === "eligible" ? "" : (f.outcome === "conditional" ? "" : "muted"));
      tr.appendChild(el("td", f.measure_title));
      tr.appendChild(el("td", f.label));
      tr.appendChild(el("td", f.beneficiary_label));
      tr.appendChild(el("td", (MARKS[f.outcome] || "") + " " + f.outcome_label));
      tr.appendChild(el("td", f.detail || ""));
      const cite = el("td", null, "hint");
      (f.basis || []).forEach((b, i) => {
        const span = el("span", (i ? "；" : "") + "“" + b.quote + "”");
        span.title = "原文 " + b.seed;
        cite.appendChild(span);
      });
      tr.appendChild(cite);
      table.appendChild(tr);
    });
    target.appendChild(table);
    const basis = data.subjects_basis;
    const note = el("p", "优待对象：“" + basis.quote + "”", "hint");
    note.title = "原文 " + basis.seed;
    target.appendChild(note);
    target.hidden = false;
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form[data-benefits]");
    if (!form) { return; }
    event.preventDefault();
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    if (error) { error.textContent = ""; }
    if (button) { button.disabled = true; }
    try {
      const data = await window.yingji.request("POST", form.dataset.benefits, window.yingji.serialise(form));
      shown(form.querySelector("[data-result]"), data);
    } catch (err) {
      if (error) { error.textContent = err.message; }
    } finally {
      if (button) { button.disabled = false; }
    }
  });
})();

(function () {
  "use strict";

  function draw(node) {
    const kpi = JSON.parse(node.dataset.kpi);
    const years = Object.keys(kpi.values).map(Number);
    if (!years.length && kpi.baseline_value === null) {  // nothing to draw yet: say so in one line
      node.textContent = "尚无年度数据" + (kpi.goal === null ? "" : "（目标 " + kpi.goal + kpi.unit + "）");
      node.classList.add("nodata");
      node.dataset.drawn = "1";
      return;
    }
    const first = Math.min(kpi.baseline_year || Infinity, ...years, kpi.target_year);
    const axis = [];
    for (let y = first; y <= kpi.target_year; y += 1) { axis.push(String(y)); }
    const points = axis.map((y) => (kpi.values[y] === undefined ? null : kpi.values[y]));
    if (kpi.baseline_year && kpi.baseline_value !== null && points[0] === null) { points[0] = kpi.baseline_value; }
    const chart = window.echarts.init(node, null, { renderer: "svg" });
    const lines = kpi.goal === null ? [] : [{ yAxis: kpi.goal, name: "目标", label: { formatter: "目标 " + kpi.goal + kpi.unit } }];
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 70, top: 24, bottom: 28 },
      tooltip: { trigger: "axis", valueFormatter: (v) => (v === null ? "—" : v + kpi.unit) },
      xAxis: { type: "category", data: axis },
      yAxis: {  // the target line is always inside the axis
        type: "value",
        name: kpi.unit,
        min: (v) => Math.floor(Math.min(v.min, kpi.goal === null ? v.min : kpi.goal) * 0.95),
        max: (v) => Math.ceil(Math.max(v.max, kpi.goal === null ? v.max : kpi.goal) * 1.05),
      },
      series: [{
        name: kpi.name,
        type: "line",
        connectNulls: true,
        data: points,
        label: { show: true, formatter: (p) => (p.value === null ? "" : p.value) },
        markLine: { symbol: "none", lineStyle: { type: "dashed", color: "#c62828", width: 2 }, data: lines },
      }],
    });
    node.dataset.drawn = "1";
    window.addEventListener("resize", () => chart.resize());
  }

  const charts = document.querySelectorAll("[data-kpi]");
  if (!charts.length) { return; }
  const script = document.createElement("script");
  script.src = "/vendor/echarts.min.js";
  script.onload = () => charts.forEach(draw);
  document.head.appendChild(script);
})();
