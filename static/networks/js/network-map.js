// The network page's map: boundary, GP practices and places from the map_data GeoJSON.
// Leaflet and Leaflet.markercluster (static/vendor/, loaded before this module as
// classic scripts) provide window.L.
// Popups are DOM nodes filled with textContent: names come from users, never HTML.

import { L, NamedIcon, baseMap, clusterGroup, el } from "../../assetmap/js/map-common.js";

function assetPopup(props, config) {
  const box = el("div", "popup");
  box.append(el("h3", "popup-title", props.name));
  const kind = config.kinds[props.kind] || props.kind;
  box.append(el("p", "popup-meta", props.category ? `${kind} · ${props.category}` : kind));
  if (!props.published) box.append(el("p", "badge", config.text.draft));
  const link = el("a", "", config.text.details);
  link.href = props.url;
  link.addEventListener("click", (event) => {
    const entry = document.getElementById(`asset-${props.slug}`);
    if (!entry) return;
    event.preventDefault();
    entry.scrollIntoView({ block: "start" });
    entry.focus({ preventScroll: true });
    history.replaceState(null, "", props.url);
  });
  const line = el("p");
  line.append(link);
  box.append(line);
  return box;
}

function assetMarker(feature, latlng, config) {
  const props = feature.properties;
  const icon = new NamedIcon({
    className: `marker marker-asset cat-${props.colour}`,
    iconSize: [28, 28],
    iconAnchor: [14, 14],
    popupAnchor: [0, -12],
    label: props.name,
    data: { slug: props.slug },
  });
  const marker = L.marker(latlng, { icon, keyboard: true, title: props.name });
  // Padding keeps an opened popup clear of the zoom buttons.
  marker.bindPopup(() => assetPopup(props, config), { autoPanPadding: [48, 48] });
  return marker;
}

// GP practices are listed under "GP practices"; on the map they are landmarks only,
// not controls, so they never crowd the places' touch targets.
function practiceMarker(feature, latlng) {
  const icon = L.divIcon({ className: "marker-practice", iconSize: [16, 16], iconAnchor: [8, 8] });
  return L.marker(latlng, { icon, interactive: false, keyboard: false });
}

async function init() {
  const container = document.querySelector("[data-map]");
  const configNode = document.getElementById("map-config");
  if (!container || !configNode || !L) return;
  const config = JSON.parse(configNode.textContent);

  const map = baseMap(container, config);

  const response = await fetch(config.mapDataUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();

  const boundary = L.geoJSON(
    data.features.filter((f) => f.properties.layer === "boundary"),
    { style: { className: "boundary", color: "#0b5394", weight: 3, fillOpacity: 0.06 } },
  ).addTo(map);
  const practices = data.features.filter((f) => f.properties.layer === "practice");
  L.geoJSON(practices, { pointToLayer: practiceMarker }).addTo(map);
  const clusters = clusterGroup(config);
  const places = data.features.filter((f) => f.properties.layer === "asset");
  clusters.addLayer(
    L.geoJSON(places, { pointToLayer: (feature, latlng) => assetMarker(feature, latlng, config) }),
  );
  map.addLayer(clusters);
  const bounds = boundary.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
  else map.setView([51.515, -0.035], 13);
  container.dataset.ready = "true";
}

init();
