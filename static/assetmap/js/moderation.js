// The moderation pages work without this file. It draws the small map showing where
// a suggested group is (the address is written beside it) and moves focus to the
// error summary after a refused decision.

const summary = document.querySelector("[data-error-summary]");
if (summary) summary.focus();

const element = document.getElementById("suggestion-map");
const configElement = document.getElementById("suggestion-map-config");
if (element && configElement && window.L) {
  const config = JSON.parse(configElement.textContent);
  if (config.point) {
    const L = window.L;
    element.hidden = false;
    const map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    map.setView(config.point, 16);
    L.marker(config.point, { keyboard: false, title: element.dataset.markerTitle }).addTo(map);
  }
}
