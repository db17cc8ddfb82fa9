// Shared by the residents' maps: DOM helpers, named icons and the tile layer.
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
