// The network page's map: boundary, GP practices and places from the map_data GeoJSON.
// Leaflet and Leaflet.markercluster (static/vendor/, loaded before this module as
// classic scripts) provide window.L.
// Popups are DOM nodes filled with textContent: names come from users, never HTML.

const L = window.L;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

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

// A div icon whose element carries an accessible name (Leaflet sets only `title`).
const NamedIcon = L.DivIcon.extend({
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    if (this.options.label) div.setAttribute("aria-label", this.options.label);
    for (const [key, value] of Object.entries(this.options.data || {})) div.dataset[key] = value;
    return div;
  },
});

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

  const response = await fetch(config.mapDataUrl, { credentials: "same-origin" });
  if (!response.ok) return;
  const data = await response.json();

  const boundary = L.geoJSON(
    data.features.filter((f) => f.properties.layer === "boundary"),
    { style: { className: "boundary", color: "#0b5394", weight: 3, fillOpacity: 0.06 } },
  ).addTo(map);
  const practices = data.features.filter((f) => f.properties.layer === "practice");
  L.geoJSON(practices, { pointToLayer: practiceMarker }).addTo(map);
  // Places nearer than a marker's width are clustered: overlapping targets cannot be
  // hit (WCAG 2.5.8). A cluster says how many places it holds; Enter zooms in.
  const clusters = L.markerClusterGroup({
    maxClusterRadius: 48,
    showCoverageOnHover: false,
    iconCreateFunction: clusterIcon(config),
  });
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
