// 指挥大屏：各面板读 /api/screen，中间的一张图读 /api/map/layers；随控制台的实时推送（/console/events）在事故、
// 报告时限、预警、报警或隐患变化时重读，报告时限每秒倒计时，整屏每分钟重读一次（统计图与时限）。
(function () {
  "use strict";
  const M = window.YingjiMap;
  const esc = M.esc;
  const $ = (id) => document.getElementById(id);
  const charts = {};
  let drawn = null;
  let loading = null;
  let again = false;

  const local = (iso) => {
    const d = new Date(iso);
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  };
  const minutes = (ms) => {
    const m = Math.floor(Math.abs(ms) / 60000);
    return m >= 60 ? Math.floor(m / 60) + " 小时 " + (m % 60) + " 分" : m + " 分";
  };

  function tick() {
    const now = Date.now();
    $("screen-clock").textContent = new Date(now).toLocaleString("zh-CN", { hour12: false });
    document.querySelectorAll("[data-due]").forEach((node) => {
      const left = new Date(node.dataset.due).getTime() - now;
      node.textContent = (left < 0 ? "已超时 " : "剩 ") + minutes(left);
      node.classList.toggle("late", left < 0);
    });
  }

  function incidents(data) {
    $("incidents-total").textContent = data.incidents_total ? data.incidents_total + " 起" : "";
    $("screen-incidents").innerHTML = data.incidents.length ? data.incidents.map((row) => {
      const i = row.incident;
      const clock = row.next_clock;
      return '<li data-incident="' + i.id + '"><span class="grade grade-' + (row.grade || "none") + '">' + esc(row.grade_label.replace("事故", "")) +
        '</span><a href="' + esc(row.url) + '">' + esc(i.title) + "</a>" +
        "<small>" + esc(i.division_name + " · " + i.status_label + (row.provisional ? " · 等级暂定（伤亡人数尚不详）" : "")) + "</small>" +
        (clock ? '<small><span class="due" data-due="' + esc(clock.due_at) + '"></span>' + esc(clock.kind_label) + " → " + esc(clock.to_body) + "</small>" : "<small>无待报时限</small>") +
        "</li>";
    }).join("") : '<li class="empty-note">当前没有处置中的事故</li>';
  }

  function warnings(data) {
    $("warnings-total").textContent = data.warnings.length ? data.warnings.length + " 条" : "";
    $("screen-warnings").innerHTML = data.warnings.length ? data.warnings.slice(0, 4).map((w) =>
      '<li><span class="warn" style="background:' + M.WARNING[w.level] + '"></span><a href="/console/warnings/' + w.id + '">' + esc(w.title) + "</a>" +
      "<small>" + esc(w.colour + "预警 · " + w.areas.map((a) => a.name).join("、") + (w.expires_at ? " · 至 " + local(w.expires_at) : "")) + "</small></li>"
    ).join("") : '<li class="empty-note">当前没有生效中的预警</li>';
  }

  function duty(data) {
    const time = (iso) => { const d = new Date(iso); return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0"); };
    $("screen-duty").innerHTML = data.duty.length ? '<ul class="rows">' + data.duty.map((s) =>
      "<li>" + (s.on_now ? '<span class="grade grade-4">在岗</span>' : '<span class="grade grade-none">今日</span>') + esc(s.body_name) +
      "<small>值班员 " + esc(s.officer_name) + " · 带班领导 " + esc(s.leader_name) + (s.leader_phone ? " " + esc(s.leader_phone) : "") +
      " · " + time(s.starts_at) + "–" + time(s.ends_at) + "</small></li>").join("") + "</ul>" : '<p class="empty-note">今日未排班</p>';
  }

  function figures(id, list) {
    $(id).innerHTML = list.map(([value, label, tone]) => '<div class="' + (value ? tone : "calm") + '"><b>' + value + "</b><span>" + esc(label) + "</span></div>").join("");
  }

  function alarms(data) {
    const tone = { critical: "hot", alarm: "warm", fault: "calm" };
    figures("alarm-counts", data.alarms_by_severity.map((s) => [s.count, s.label, tone[s.severity]]));
    $("screen-alarms").innerHTML = data.alarms_latest.length ? data.alarms_latest.slice(0, 4).map((a) =>
      '<li><span class="grade grade-' + (a.severity === "critical" ? 2 : a.severity === "alarm" ? 3 : "none") + '">' + esc(a.severity_label) + '</span><a href="/console/alarms?site=' + esc(a.site) + '">' +
      esc(a.site_name) + "</a><small>" + esc(a.point_name + " · " + a.level_name + " · " + a.duration_label) + "</small></li>"
    ).join("") : '<li class="empty-note">没有未处理的报警</li>';
  }

  function hazards(data) {
    const h = data.hazards;
    figures("hazard-counts", [[h.open, "未销号", "warm"], [h.major_open, "重大隐患", "hot"], [h.overdue, "逾期未整改", "hot"]]);
    $("screen-hazards").innerHTML = h.overdue_items.length ? h.overdue_items.slice(0, 4).map((x) =>
      '<li><span class="grade grade-' + (x.grade === "major" ? 2 : 3) + '">' + esc(x.grade_label) + '</span><a href="/console/hazards">' + esc(x.enterprise || x.division_name) + "</a>" +
      "<small>" + esc(x.place + " · " + x.category + " · 期限 " + (x.deadline || "—") + " · " + x.state_label) + "</small></li>"
    ).join("") : '<li class="empty-note">没有逾期未整改的隐患</li>';
  }

  function readiness(data) {
    $("screen-readiness").innerHTML = data.readiness.map((r) =>
      "<tr><td>" + esc(r.label) + '</td><td class="num">' + r.count + "</td><td>" + esc(r.count_unit) + '</td><td class="num">' + (r.figure == null ? "" : r.figure.toLocaleString("zh-CN")) + "</td><td>" + esc(r.figure_label) + "</td></tr>"
    ).join("");
  }

  function chart(id, spec, type) {
    if (!window.echarts) { return; }
    const node = $(id);
    const instance = charts[id] || (charts[id] = window.echarts.init(node, "dark", { renderer: "canvas" }));
    const size = Math.max(12, Math.round(parseFloat(getComputedStyle(document.body).fontSize) * 0.75));
    const palette = type === "grade" ? ["#6a1b9a", "#c62828", "#ef6c00", "#f9a825", "#78909c"] : ["#ff7043", "#66bb6a"];
    instance.setOption({
      backgroundColor: "transparent",
      animation: false,
      textStyle: { fontSize: size },
      grid: { left: 8, right: type === "grade" ? size * 2.5 : 8, top: spec.series.length > 1 ? size * 2.2 : size, bottom: 4, containLabel: true },
      legend: spec.series.length > 1 ? { top: 0, textStyle: { fontSize: size } } : undefined,
      tooltip: { trigger: "axis" },
      [type === "grade" ? "yAxis" : "xAxis"]: { type: "category", data: spec.labels, inverse: type === "grade", axisLabel: { fontSize: size, interval: type === "hour" ? 5 : type === "week" ? 1 : 0 } },
      [type === "grade" ? "xAxis" : "yAxis"]: { type: "value", minInterval: 1, axisLabel: { fontSize: size }, splitLine: { lineStyle: { color: "rgba(255,255,255,.1)" } } },
      series: spec.series.map((s, n) => ({
        name: s.name, type: type === "hour" ? "line" : "bar", data: type === "grade" ? s.values.map((v, k) => ({ value: v, itemStyle: { color: palette[k] } })) : s.values,
        smooth: true, areaStyle: type === "hour" ? { opacity: 0.25 } : undefined, itemStyle: type === "grade" ? undefined : { color: palette[n] },
        label: { show: type === "grade", position: "right", fontSize: size, color: "#fff" },
      })),
    }, true);
  }

  function legend(map) {
    $("map-legend").innerHTML = map.layers.filter((l) => l.features.length && ["alarms", "incidents", "ponds", "mines", "hazard_sources", "teams"].includes(l.key)).map((l) =>
      "<span>" + esc(l.label) + "：" + l.legend.map((e) => M.swatch(l.key, e.category) + esc(e.label) + " " + e.count).join(" ") + "</span>"
    ).join("") + (map.warnings.length ? "<span>着色区域：生效中的预警（按预警颜色）</span>" : "");
  }

  async function load() {
    if (loading) { again = true; return loading; }
    loading = (async () => {
      try {
        const [data, map] = await Promise.all([M.json("/api/screen"), M.json("/api/map/layers")]);
        incidents(data); warnings(data); duty(data); alarms(data); hazards(data); readiness(data);
        $("c1-title").textContent = data.alarms_per_hour.title;
        $("c2-title").textContent = data.incidents_by_grade.title;
        $("c3-title").textContent = data.hazards_per_week.title;
        chart("chart-alarms", data.alarms_per_hour, "hour");
        chart("chart-incidents", data.incidents_by_grade, "grade");
        chart("chart-hazards", data.hazards_per_week, "week");
        const critical = (data.alarms_by_severity.find((s) => s.severity === "critical") || { count: 0 }).count;
        $("screen-summary").textContent = "处置中事故 " + data.incidents_total + " 起 · 生效预警 " + data.warnings.length + " 条 · 紧急报警 " + critical +
          " 条 · 逾期隐患 " + data.hazards.overdue + " 项";
        if (drawn) {
          M.update(drawn, map);  // the view stays where it is
        } else {
          drawn = await M.draw($("map"), map, { big: true, visible: { experts: false, depots: false, shelters: false } });
        }
        legend(map);
        tick();
        document.body.dataset.ready = "true";
        document.body.dataset.loads = String(Number(document.body.dataset.loads || 0) + 1);
      } catch (err) {
        $("screen-summary").textContent = "读取失败：" + err.message;
      }
    })();
    await loading;
    loading = null;
    if (again) { again = false; load(); }
  }

  function live() {
    const status = $("live-status");
    const source = new EventSource("/console/events");
    let seen = null;
    const KEYS = ["incidents", "clocks_overdue", "warnings", "warnings_stamp", "alarms_stamp", "hazards_open", "hazards_overdue", "hazards_major_open"];
    source.addEventListener("open", () => { status.textContent = "实时"; status.classList.add("on"); });
    source.addEventListener("error", () => { status.textContent = "重连中"; status.classList.remove("on"); });
    source.addEventListener("logout", () => { source.close(); window.location.assign("/login?next=/console/screen"); });
    source.addEventListener("summary", (event) => {
      const data = JSON.parse(event.data);
      const now = KEYS.map((k) => String(data[k])).join("|");
      if (seen !== null && now !== seen) { load(); }
      seen = now;
      document.documentElement.dataset.liveAt = data.as_of;
    });
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  load().then(live);
  setInterval(tick, 1000);
  setInterval(load, 60000);
})();
