// 一张图页面：图层开关与图例（文字 + 颜色 + 数量）、生效中的预警、周边资源查询（点选位置或事故，半径内的队伍、
// 储备库、避难场所及容纳人数、运输保障，附直线距离与估算车程）。数据来自 /api/map/layers 与 /api/map/radius。
(async function () {
  "use strict";
  const M = window.YingjiMap;
  const element = document.getElementById("map");
  const status = document.getElementById("map-status");
  const RECORD = { rescue_team: "rescue_teams", depot: "depots", shelter: "shelters", transport: "transport", expert: "experts" };
  let data;
  try {
    data = await M.json("/api/map/layers");
  } catch (err) {
    status.textContent = err.message;
    return;
  }
  const drawn = await M.draw(element, data, {});
  const map = drawn.map;
  const panel = document.getElementById("layer-panel");

  function describe(data) {
    document.getElementById("map-scope").textContent = "一张图 · " + data.scope_name;
    const placed = data.layers.reduce((n, l) => n + l.features.length, 0);
    status.textContent = "本辖区 " + placed + " 处点位；点击点位查看详情，点击地图空白处作为周边查询的中心。";
    // 生效中的预警
    const external = data.external || [];
    document.getElementById("warning-areas").hidden = !data.warnings.length && !external.length;
    document.getElementById("warning-list").innerHTML = data.warnings.map((area) => {
      const w = area.warning;
      const names = data.counties.filter((c) => area.counties.includes(c.code)).map((c) => c.name);
      return '<li><span class="swatch" style="background:' + M.WARNING[w.level] + '"></span><a href="/console/warnings/' + w.id + '">' +
        M.esc(w.title) + "</a><br><small>" + M.esc(w.colour + "预警") + " · 覆盖 " + M.esc(names.join("、") || "—") + "</small></li>";
    }).join("") + external.map((area) => {  // 其他部门的预警：发布单位、级别和范围，以文字标明“外部”
      const w = area.warning;
      const where = w.division_names.join("、") || w.areas.map((a) => a.description).join("；") || "—";
      return '<li class="external"><span class="swatch" style="background:' + (M.WARNING[w.level] || "#9e9e9e") + '"></span>' +
        '<a href="/console/warnings/external/' + w.id + '">外部：' + M.esc(w.headline || w.event || "") + "</a><br><small>" +
        M.esc(w.sender_name + " · " + (w.level_label || w.severity_label || "未标级别") + " · " + where) + "</small></li>";
    }).join("");
    drawCircles(external);
    // 图层与图例（开关保持官员的选择）
    panel.innerHTML = data.layers.map((layer) => {
      const on = M.shown(drawn, layer.key, "_") || layer.groups.some((g) => M.shown(drawn, layer.key, g.category));
      const legend = layer.legend.map((e) => "<li>" + M.swatch(layer.key, e.category) + M.esc(e.label) + "（" + e.count + "）</li>").join("");
      const groups = layer.groups.map((g) =>
        '<label class="sub"><input type="checkbox" data-layer="' + layer.key + '" data-group="' + M.esc(g.category) + '"' +
        (M.shown(drawn, layer.key, g.category) ? " checked" : "") + "> " + M.esc(g.label) + "（" + g.count + "）</label>").join("");
      return '<fieldset class="layer' + (layer.features.length ? "" : " none") + '" data-key="' + layer.key + '"><legend><label><input type="checkbox" data-layer="' +
        layer.key + '"' + (on ? " checked" : "") + "> " + M.esc(layer.label) + "（" + layer.features.length + "）</label></legend>" + groups +
        (legend ? '<ul class="legend">' + legend + "</ul>" : "") + "</fieldset>";
    }).join("");
  }
  // 外部预警的圆形范围（如地震的震中半径），按原样画出
  const circles = L.layerGroup().addTo(map);
  function drawCircles(external) {
    circles.clearLayers();
    external.forEach((area) => area.warning.areas.forEach((a) => a.circles.forEach((c) => {
      L.circle([c[1], c[0]], { radius: c[2] * 1000, color: M.WARNING[area.warning.level] || "#616161", weight: 2, fillOpacity: 0.08 })
        .bindTooltip("外部预警：" + (area.warning.headline || area.warning.event) + "（" + a.description + "）").addTo(circles);
    })));
  }
  describe(data);
  panel.addEventListener("change", (event) => {
    const box = event.target;
    if (!box.dataset.layer) { return; }
    M.toggle(drawn, box.dataset.layer, box.dataset.group || null, box.checked);
    if (!box.dataset.group) {
      panel.querySelectorAll('input[data-layer="' + box.dataset.layer + '"][data-group]').forEach((sub) => { sub.checked = box.checked; });
    }
  });

  // 实时：控制台的推送（console.js 转发）显示事故、预警或报警有变化时，重读图层并重画点位与预警区域
  const LIVE = ["incidents", "warnings", "warnings_stamp", "alarms_stamp"];
  let seen = null;
  let reading = false;
  document.addEventListener("yingji:summary", async (event) => {
    const now = LIVE.map((k) => String(event.detail[k])).join("|");
    if (seen === null || now === seen || reading) { seen = seen === null ? now : seen; return; }
    reading = true;
    try {
      const fresh = await M.json("/api/map/layers");
      seen = now;
      M.update(drawn, fresh);
      describe(fresh);
      element.dataset.updates = String(Number(element.dataset.updates || 0) + 1);
    } catch (err) {
      status.textContent = err.message;
    } finally {
      reading = false;
    }
  });

  // 周边资源查询
  const form = document.getElementById("radius-form");
  const result = document.getElementById("radius-result");
  const centreText = document.getElementById("radius-centre");
  const incidents = (data.layers.find((l) => l.key === "incidents") || { features: [] }).features;
  form.incident_id.insertAdjacentHTML("beforeend", incidents.map((f) => '<option value="' + f.id + '">' + M.esc(f.name) + "</option>").join(""));
  let centre = null;
  let drawnRadius = L.layerGroup().addTo(map);

  async function query() {
    const km = Number(form.km.value);
    const incident = form.incident_id.value;
    if (!incident && !centre) { centreText.textContent = "请先在地图上点击一处，或选择一起事故。"; return; }
    const params = new URLSearchParams({ km: String(km) });
    if (incident) { params.set("incident_id", incident); } else { params.set("lon", centre.lng.toFixed(5)); params.set("lat", centre.lat.toFixed(5)); }
    result.textContent = "查询中…";
    let answer;
    try {
      answer = await M.json("/api/map/radius?" + params.toString());
    } catch (err) {
      result.textContent = err.message;
      return;
    }
    drawnRadius.clearLayers();
    L.circle([answer.lat, answer.lon], { radius: answer.radius_km * 1000, color: "#0d47a1", weight: 2, fillOpacity: 0.06, interactive: false }).addTo(drawnRadius);
    L.circleMarker([answer.lat, answer.lon], { radius: 6, color: "#0d47a1", fillColor: "#ffffff", fillOpacity: 1, interactive: false }).addTo(drawnRadius);
    answer.items.forEach((h) => {
      L.polyline([[answer.lat, answer.lon], [h.lat, h.lon]], { color: "#0d47a1", weight: 1, opacity: 0.5, dashArray: "4 4", interactive: false }).addTo(drawnRadius);
    });
    const counts = answer.by_kind.map((k) => k.label + " " + k.count).join("，");
    const rows = answer.items.map((h) => {
      const extra = h.detail.capacity != null ? "可容纳 " + h.detail.capacity + " 人" : (h.detail.headcount ? h.detail.headcount + " 人" : (h.detail.quantity ? h.detail.quantity + " 台（辆）" : ""));
      return '<tr data-kind="' + h.kind + '"><td><a href="/console/records/' + RECORD[h.kind] + "/" + h.id + '">' + M.esc(h.name) + "</a><br><small>" +
        M.esc(h.kind_label + " · " + h.subtype_label + (extra ? " · " + extra : "")) + '</small></td><td class="num">' + h.distance_km.toFixed(1) +
        ' 公里</td><td class="num">约 ' + h.travel_minutes + " 分钟</td></tr>";
    }).join("");
    result.innerHTML = "<p><b>" + M.esc(answer.centre_name) + "</b> 周边 " + answer.radius_km + " 公里内共 " + answer.total + " 处：" + M.esc(counts) +
      "；避难场所可容纳 " + answer.shelter_capacity + " 人。</p>" +
      (rows ? '<table class="radius-table"><tr><th>资源</th><th>直线距离</th><th>估算车程</th></tr>' + rows + "</table>" : "<p>范围内没有登记的资源。</p>") +
      '<p class="muted">' + M.esc(answer.travel_note) + "</p>";
    const reach = L.latLng(answer.lat, answer.lon).toBounds(answer.radius_km * 2000);
    if (!map.getBounds().contains(reach)) { map.fitBounds(reach.pad(0.05)); }
    result.scrollIntoView({ block: "nearest" });
    element.dataset.radius = String(answer.total);
  }

  map.on("click", (event) => {
    centre = event.latlng;
    form.incident_id.value = "";
    centreText.textContent = "中心：东经 " + centre.lng.toFixed(4) + "，北纬 " + centre.lat.toFixed(4);
    query();
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); query(); });
  map.on("popupopen", (event) => {  // a popup keeps its clicks from the map: its button is wired when it opens
    const button = event.popup.getElement().querySelector("button[data-radius-incident]");
    if (!button) { return; }
    button.addEventListener("click", () => {
      form.incident_id.value = button.dataset.radiusIncident;
      map.closePopup();
      query();
    });
  });
  element.dataset.ready = "true";
})();
