// 事故指挥室的示意图：事发地所在旗县区边界（离线 GeoJSON）、事发位置、建议调派的资源及车程。
(async function () {
  "use strict";
  const box = document.getElementById("site-map");
  if (!box || typeof L === "undefined") { return; }
  const site = JSON.parse(box.dataset.site);
  const resources = JSON.parse(box.dataset.resources || "[]");
  const map = L.map(box, { zoomSnap: 0.25, attributionControl: false, scrollWheelZoom: false });
  const colours = { rescue_team: "#2e7d32", expert: "#6d4c41", depot: "#6a1b9a", shelter: "#1565c0", transport: "#455a64" };
  const here = L.latLng(site.lat, site.lon);
  const bounds = L.latLngBounds([here]);
  map.setView(here, 11);  // a view before any layer: Leaflet's renderer needs one to draw polygons
  try {
    const shape = await (await fetch("/vendor/geo/" + box.dataset.city + ".geojson")).json();
    L.geoJSON(shape, {
      filter: (feature) => feature.properties.name === box.dataset.county,
      style: { color: "#0f3057", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0.7 },
    }).addTo(map);
  } catch (error) { /* 无边界数据时仍显示位置 */ }
  resources.forEach((r) => {
    const at = L.latLng(r.lat, r.lon);
    bounds.extend(at);
    L.polyline([here, at], { color: colours[r.kind] || "#455a64", weight: 1, dashArray: "4 4" }).addTo(map);
    L.circleMarker(at, { radius: 6, color: colours[r.kind] || "#455a64", fillOpacity: 0.9 })
      .bindTooltip(r.name + "（" + r.label + "，约 " + r.minutes + " 分钟）").addTo(map);
  });
  L.circleMarker(here, { radius: 9, color: "#b71c1c", fillColor: "#e53935", fillOpacity: 1, weight: 3 })
    .bindTooltip("事发位置：" + site.name, { permanent: true, direction: "right", offset: [10, 0] }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  map.fitBounds(bounds, { maxZoom: 12, padding: [40, 40] });
})();
