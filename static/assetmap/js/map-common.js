// Shared by every map page: DOM helpers, named icons, the tile layer and clusters.
// Leaflet (static/vendor/, loaded before the modules as a classic script) is window.L.
// Names come from users: text goes in with textContent, never as HTML.

export const L = window.L;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function readConfig(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

export function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
}

// A div icon whose element carries an accessible name (Leaflet sets only `title`).
export const NamedIcon = L
  ? L.DivIcon.extend({
      createIcon(oldIcon) {
        const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
        if (this.options.label) div.setAttribute("aria-label", this.options.label);
        for (const [key, value] of Object.entries(this.options.data || {})) {
          div.dataset[key] = value;
        }
        return div;
      },
    })
  : null;

export function baseMap(container, config, options = {}) {
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", config.text.mapLabel);
  const map = L.map(container, { scrollWheelZoom: false, ...options });
  L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
  return map;
}

// Places nearer than a marker's width are clustered: overlapping targets cannot be
// hit (WCAG 2.5.8). A cluster is a button saying how many places it holds; Enter zooms
// in, and the focus then goes to the first of its places rather than back to the map.
export function clusterGroup(config) {
  const clusters = L.markerClusterGroup({
    maxClusterRadius: 48,
    showCoverageOnHover: false,
    iconCreateFunction: (cluster) => {
      const count = cluster.getChildCount();
      return new NamedIcon({
        className: "marker-cluster",
        html: el("span", "", String(count)),
        iconSize: [40, 40],
        label: format(config.text.cluster, { count }),
      });
    },
  });
  clusters.on("clusterkeypress", (event) => {
    if (event.originalEvent.key !== "Enter") return;
    const first = event.layer.getAllChildMarkers()[0];
    clusters.once("animationend", () => clusters.getVisibleParent(first)?.getElement()?.focus());
  });
  return clusters;
}
