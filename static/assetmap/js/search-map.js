// The search page's map: the results from the API's map layer, fetched with the same
// query as the list (config.mapDataUrl). The list beside it is the accessible
// equivalent and holds the same places. Leaflet and Leaflet.markercluster
// (static/vendor/, loaded before this module as classic scripts) provide window.L.
// Popups are DOM nodes filled with textContent: names come from users, never HTML.

const L = window.L;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

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

// A div icon whose element carries an accessible name (Leaflet sets only `title`).
const NamedIcon = L.DivIcon.extend({
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    if (this.options.label) div.setAttribute("aria-label", this.options.label);
    for (const [key, value] of Object.entries(this.options.data || {})) div.dataset[key] = value;
    return div;
  },
});

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

function clusterIcon(config) {
  return (cluster) => {
    const count = cluster.getChildCount();
    const label = config.text.cluster.replace("%(count)s", count);
    const html = document.createElement("span");
    html.textContent = String(count);
    return new NamedIcon({ className: "marker-cluster", html, iconSize: [40, 40], label });
  };
}

async function init() {
  const container = document.querySelector("[data-map]");
  const configNode = document.getElementById("map-config");
  if (!container || !configNode || !L) return;
  const config = JSON.parse(configNode.textContent);

  container.setAttribute("role", "region");
  container.setAttribute("aria-label", config.text.mapLabel);
  const map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
  map.setView([51.515, -0.035], 13);

  const response = await fetch(config.mapDataUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/geo+json" },
  });
  if (!response.ok) return;
  const data = await response.json();

  // Places nearer than a marker's width are clustered: overlapping targets cannot be
  // hit (WCAG 2.5.8). A cluster says how many places it holds; Enter zooms in.
  const clusters = L.markerClusterGroup({
    maxClusterRadius: 48,
    showCoverageOnHover: false,
    iconCreateFunction: clusterIcon(config),
  });
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
