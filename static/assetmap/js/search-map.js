// The search page's map: the results from the API's map layer, fetched with the same
// query as the list (config.mapDataUrl). The list beside it is the accessible
// equivalent and holds the same places. Leaflet and Leaflet.markercluster
// (static/vendor/, loaded before this module as classic scripts) provide window.L.
// Popups are DOM nodes filled with textContent: names come from users, never HTML.

import { L, NamedIcon, baseMap, clusterGroup, el } from "./map-common.js";

function resultPopup(props, config) {
  const box = el("div", "popup");
  box.append(el("h3", "popup-title", props.name));
  box.append(el("p", "popup-meta", config.kinds[props.kind] || props.kind));
  const link = el("a", "", config.text.details);
  link.href = `#result-${props.slug}`;
  link.addEventListener("click", (event) => {
    const entry = document.getElementById(`result-${props.slug}`);
    if (!entry) return;
    event.preventDefault();
    entry.scrollIntoView({ block: "start" });
    entry.focus({ preventScroll: true });
  });
  const line = el("p");
  line.append(link);
  box.append(line);
  return box;
}

function resultMarker(feature, latlng, config) {
  const props = feature.properties;
  const icon = new NamedIcon({
    className: "marker marker-asset",
    iconSize: [28, 28],
    iconAnchor: [14, 14],
    popupAnchor: [0, -12],
    label: props.name,
    data: { slug: props.slug },
  });
  const marker = L.marker(latlng, { icon, keyboard: true, title: props.name });
  marker.bindPopup(() => resultPopup(props, config), { autoPanPadding: [48, 48] });
  return marker;
}

async function init() {
  const container = document.querySelector("[data-map]");
  const configNode = document.getElementById("map-config");
  if (!container || !configNode || !L) return;
  const config = JSON.parse(configNode.textContent);

  const map = baseMap(container, config);
  map.setView([51.515, -0.035], 13);

  const response = await fetch(config.mapDataUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/geo+json" },
  });
  if (!response.ok) return;
  const data = await response.json();

  const clusters = clusterGroup(config);
  const layer = L.geoJSON(data.features, {
    pointToLayer: (feature, latlng) => resultMarker(feature, latlng, config),
  });
  clusters.addLayer(layer);
  map.addLayer(clusters);
  const bounds = layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  container.dataset.ready = "true";
}

init();
