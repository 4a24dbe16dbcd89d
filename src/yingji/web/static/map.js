// 一张图：辖区旗县区边界（离线 GeoJSON）与各图层；无在线底图（部署网络封闭）。
(async function () {
  "use strict";
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.5 });
  const data = await (await fetch("/console/map-data", { credentials: "same-origin" })).json();
  const warned = new Map();
  const byArea = new Map();
  data.warnings.forEach((w) => w.division_codes.forEach((code) => {
    const county = code.slice(0, 6);
    warned.set(county, Math.min(warned.get(county) || 9, w.level));
    byArea.set(county, (byArea.get(county) || []).concat([w]));
  }));
  const clean = (text) => String(text).replace(/[<>&"]/g, "");
  const colours = { 1: "#c62828", 2: "#ef6c00", 3: "#fdd835", 4: "#1e88e5" };
  const bounds = L.latLngBounds([]);
  for (const city of data.cities) {
    const shape = await (await fetch("/vendor/geo/" + city + ".geojson")).json();
    const layer = L.geoJSON(shape, {
      style: (feature) => {
        const code = data.division_names[feature.properties.name];
        const level = code && warned.get(code);
        return { color: "#0f3057", weight: 1, fillColor: level ? colours[level] : "#ffffff", fillOpacity: level ? 0.45 : 0.6 };
      },
      onEachFeature: (feature, layer) => {
        layer.bindTooltip(feature.properties.name, { sticky: true });
        const list = byArea.get(data.division_names[feature.properties.name]) || [];
        if (list.length) {
          layer.bindPopup(list.map((w) => '<a href="/console/warnings/' + w.id + '">' + clean(w.title) + "</a>").join("<br>"));
        }
      },
    }).addTo(map);
    bounds.extend(layer.getBounds());
  }
  const styles = {
    mines: ["#5d4037", "/console/records/mines/"], ponds: ["#00838f", "/console/records/tailings_ponds/"],
    teams: ["#2e7d32", "/console/records/rescue_teams/"], depots: ["#6a1b9a", "/console/records/depots/"],
    shelters: ["#1565c0", "/console/records/shelters/"], incidents: ["#c62828", "/console/incidents/"],
    alarms: ["#ff1744", "/console/alarms?site=mine:"],
  };
  const overlays = {};
  for (const [key, layer] of Object.entries(data.layers)) {
    const [colour, link] = styles[key] || ["#333", ""];
    const group = L.layerGroup(layer.points.map((p) => {
      const marker = L.circleMarker([p.lat, p.lon], {
        radius: key === "alarms" ? 9 : 5, color: colour, fillColor: colour, fillOpacity: 0.85, weight: 1,
      });
      const label = p.name + (p.count ? "（报警 " + p.count + "）" : "");
      marker.bindPopup('<a href="' + link + p.id + '">' + clean(label) + "</a>");
      bounds.extend(marker.getLatLng());
      return marker;
    }));
    group.addTo(map);
    overlays[layer.label + "（" + layer.points.length + "）"] = group;
  }
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.05)); } else { map.setView([40.8, 111.7], 6); }
  document.getElementById("map").dataset.ready = "true";
})();
