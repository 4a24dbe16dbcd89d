// 一张图的绘制（一张图页面与指挥大屏共用）：离线旗县区边界、本辖区突出显示并适配视野、预警区域着色并标注文字、
// 各图层的点位（颜色表示分类，弹窗以文字说明并链接到记录页面）。可选的瓦片底图只来自 YINGJI_MAP_TILES 配置的服务器。
(function () {
  "use strict";
  const WARNING = { 1: "#d32f2f", 2: "#f57c00", 3: "#fbc02d", 4: "#1e88e5" };
  const WARNING_WORDS = { 1: "红色", 2: "橙色", 3: "黄色", 4: "蓝色" };
  // 图层 → 分类 → 颜色（图例与点位同用这一张表）
  const COLOURS = {
    alarms: { critical: "#b71c1c", alarm: "#e65100", fault: "#6d4c41" },
    incidents: { "1": "#4a148c", "2": "#b71c1c", "3": "#e65100", "4": "#f9a825", unassessed: "#546e7a" },
    mines: { producing: "#2e7d32", construction: "#0277bd", suspended: "#8d6e63", closed: "#9e9e9e" },
    ponds: { red: "#d32f2f", orange: "#f57c00", yellow: "#fbc02d", blue: "#1e88e5", none: "#00897b" },
    hazard_sources: { "1": "#880e4f", "2": "#c2185b", "3": "#ec407a", "4": "#f48fb1" },
    goafs: { red: "#d32f2f", orange: "#f57c00", yellow: "#fbc02d", blue: "#1e88e5" },
    teams: { mine_rescue: "#1b5e20", fire: "#c62828", hazmat: "#6a1b9a", medical: "#00838f", engineering: "#5d4037", social: "#558b2f", other: "#616161" },
    depots: { national: "#283593", regional: "#3949ab", city: "#5c6bc0", county: "#7986cb", enterprise: "#9fa8da" },
    shelters: { outdoor: "#0d47a1", indoor: "#1976d2" },
    experts: { expert: "#37474f" },
  };
  const SHAPES = { alarms: "警", incidents: "事", ponds: "库", hazard_sources: "危", goafs: "空", depots: "储", shelters: "避", teams: "队", mines: "矿", experts: "专" };
  const esc = (text) => String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const colour = (layer, category) => (COLOURS[layer] || {})[category] || "#455a64";

  async function json(url) {
    const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!answer.ok) {
      let message = "读取失败（" + answer.status + "）";
      try { message = (await answer.json()).error.message || message; } catch (e) { /* keep the status */ }
      throw new Error(message);
    }
    return answer.json();
  }

  function popup(layer, f) {
    return '<div class="map-popup"><b>' + esc(f.name) + "</b><br>" + esc(f.category_label) + " · " + esc(f.division_name) +
      "<br>" + esc(f.detail) + '<br><a href="' + esc(f.url) + '">打开记录 ›</a>' +
      (layer === "incidents" ? '<br><button type="button" data-radius-incident="' + f.id + '">查询此事故周边资源</button>' : "") +
      "</div>";
  }

  function marker(layer, f, big) {
    const fill = colour(layer, f.category);
    if (layer === "alarms" || layer === "incidents") {
      const icon = L.divIcon({
        className: "pin pin-" + layer + " pin-" + esc(f.category),
        html: '<span style="background:' + fill + '">' + SHAPES[layer] + " " + esc(f.category_label.replace(/（.*）/, "")) + "</span>",
        iconSize: null,
      });
      return L.marker([f.lat, f.lon], { icon: icon, title: f.name, keyboard: true, riseOnHover: true, zIndexOffset: layer === "alarms" ? 1000 : 800 });
    }
    const size = big ? 9 : 7;
    return L.circleMarker([f.lat, f.lon], {
      radius: layer === "ponds" && f.category !== "none" ? size + 4 : size,
      color: "#ffffff", weight: 2, fillColor: fill, fillOpacity: 0.95, bubblingMouseEvents: false,
    });
  }

  function warnedCounties(data) {
    const warned = new Map();  // county code → [warning read]
    data.warnings.forEach((area) => area.counties.forEach((code) => {
      warned.set(code, (warned.get(code) || []).concat([area.warning]));
    }));
    (data.external || []).forEach((area) => area.counties.forEach((code) => {  // 外部预警：有级别的才着色
      const w = area.warning;
      if (w.level) { warned.set(code, (warned.get(code) || []).concat([{ level: w.level, title: "外部：" + (w.headline || w.event) }])); }
    }));
    return warned;
  }

  // The counties' fill, tooltips and name labels from the warnings in force (again on every update).
  function paintCounties(state, data) {
    const warned = warnedCounties(data);
    const { focus, byName, options } = state;
    state.labels.clearLayers();
    state.shapes.forEach((shape) => shape.eachLayer((path) => {
      const feature = path.feature;
      const county = byName.get(feature.properties.name);
      const inside = Boolean(county) && (focus.size === 0 || focus.has(county.code));
      const list = county ? warned.get(county.code) || [] : [];
      const worst = list.reduce((low, w) => Math.min(low, w.level), 9);
      path.setStyle({
        color: inside && focus.size ? "#0d2c54" : "#607d8b",
        weight: inside && focus.size ? 3.5 : 1,
        fillColor: worst < 9 ? WARNING[worst] : (inside ? (options.big ? "#1c3a5e" : "#ffffff") : (options.big ? "#10243d" : "#cfd8dc")),
        fillOpacity: worst < 9 ? (inside || !focus.size ? 0.5 : 0.22) : (inside ? 0.7 : 0.5),  // outside the jurisdiction paler
      });
      const words = list.map((w) => w.title).join("；");
      path.unbindTooltip().bindTooltip(feature.properties.name + (words ? "：" + words : ""), { sticky: true });
      const cp = feature.properties.cp;
      if (cp) {
        const colours = list.map((w) => WARNING_WORDS[w.level] + "预警").filter((v, i, a) => a.indexOf(v) === i);
        const warnText = colours.length ? "<small>" + esc(colours.join(" ")) + "</small>" : "";
        L.marker([cp[1], cp[0]], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "county-label" + (inside && focus.size ? " own" : ""), html: "<span>" + esc(feature.properties.name) + warnText + "</span>", iconSize: null }),
        }).addTo(state.labels);
      }
    }));
    state.element.dataset.shaded = Array.from(warned.keys()).join(",");
  }

  // Whether a layer (or one group of it) is switched on: what the officer chose, else the page's default.
  function shown(state, layer, group) {
    const chosen = state.switches[layer + "/" + group];
    if (chosen !== undefined) { return chosen; }
    const whole = state.switches[layer];
    if (whole !== undefined) { return whole; }
    return state.options.visible ? state.options.visible[layer] !== false : layer !== "experts";
  }

  // The point layers, replacing those drawn before (the view and the switches stay as they are).
  function placePoints(state, data) {
    Object.values(state.groups).forEach((byGroup) => Object.values(byGroup).forEach((g) => state.map.removeLayer(g)));
    state.groups = {};
    data.layers.forEach((layer) => {
      const byGroup = state.groups[layer.key] = {};
      layer.features.forEach((f) => {
        const key = f.group || "_";
        if (!byGroup[key]) { byGroup[key] = L.layerGroup(); }
        const m = marker(layer.key, f, state.options.big);
        m.bindPopup(popup(layer.key, f));
        m.bindTooltip(f.name, { direction: "top" });
        m.addTo(byGroup[key]);
      });
      Object.entries(byGroup).forEach(([key, g]) => { if (shown(state, layer.key, key)) { g.addTo(state.map); } });
    });
  }

  // Switch a layer, or one group of it, on or off (and remember it across updates).
  function toggle(state, layer, group, on) {
    const byGroup = state.groups[layer] || {};
    if (group) {
      state.switches[layer + "/" + group] = on;
    } else {
      state.switches[layer] = on;
      Object.keys(state.switches).filter((k) => k.startsWith(layer + "/")).forEach((k) => { delete state.switches[k]; });
    }
    (group ? [group] : Object.keys(byGroup)).forEach((key) => {
      const g = byGroup[key];
      if (!g) { return; }
      if (on) { g.addTo(state.map); } else { state.map.removeLayer(g); }
    });
  }

  // data: GET /api/map/layers. options: { big: bool, visible: {layerKey: bool} }
  async function draw(element, data, options) {
    options = options || {};
    const map = L.map(element, { preferCanvas: true, zoomSnap: 0.25, attributionControl: Boolean(element.dataset.tiles) });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: "底图：本单位瓦片服务" }).addTo(map);
    }
    const state = {
      map: map, element: element, options: options, shapes: [], groups: {}, switches: {},
      byName: new Map(data.counties.map((c) => [c.name, c])), focus: new Set(data.focus), labels: L.layerGroup().addTo(map),
    };
    const all = L.latLngBounds([]);
    const fit = L.latLngBounds([]);
    const files = await Promise.all(data.cities.map((city) => json("/vendor/geo/" + city + ".geojson").catch(() => null)));
    files.forEach((file) => {
      if (!file) { return; }
      const shape = L.geoJSON(file).addTo(map);
      shape.eachLayer((path) => {
        const county = state.byName.get(path.feature.properties.name);
        if (county && (state.focus.size === 0 || state.focus.has(county.code))) { fit.extend(path.getBounds()); }
      });
      state.shapes.push(shape);
      all.extend(shape.getBounds());
    });
    paintCounties(state, data);
    placePoints(state, data);
    if (!fit.isValid() && data.cities.length === 0) {
      Object.values(state.groups).forEach((byGroup) => Object.values(byGroup).forEach((g) => g.eachLayer((m) => fit.extend(m.getLatLng()))));
    }
    const target = fit.isValid() ? fit : (all.isValid() ? all : null);
    if (target) { map.fitBounds(target.pad(0.04)); } else { map.setView([40.8, 111.7], 6); }
    // what was drawn, in words a test (or a screen reader's summary) can read: the fitted view, the highlighted
    // jurisdiction and (paintCounties) the counties shaded by a warning in force
    const view = map.getBounds();
    element.dataset.view = [view.getWest(), view.getSouth(), view.getEast(), view.getNorth()].map((v) => v.toFixed(3)).join(",");
    element.dataset.focus = data.focus.join(",");
    window.YingjiMap.current = state;
    return state;
  }

  // A live update: new warnings and points on the map already drawn.
  function update(state, data) {
    paintCounties(state, data);
    placePoints(state, data);
  }

  function legendSwatch(layer, category) {
    return '<span class="swatch" style="background:' + colour(layer, category) + '">' + (SHAPES[layer] || "") + "</span>";
  }

  window.YingjiMap = { draw: draw, update: update, toggle: toggle, shown: shown, json: json, esc: esc, colour: colour, swatch: legendSwatch, WARNING: WARNING, WARNING_WORDS: WARNING_WORDS };
})();
