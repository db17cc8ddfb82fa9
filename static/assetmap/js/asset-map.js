// An asset's page: a small map of where it is, and a button that copies the page's
// link. Without this script the page shows the address, the directions link and the
// link to copy by hand.

import { L, NamedIcon, baseMap, readConfig } from "./map-common.js";

function showMap() {
  const container = document.querySelector("[data-asset-map]");
  const config = readConfig("asset-map-config");
  if (!container || !config || !L) return;
  const map = baseMap(container, config);
  const here = [config.lat, config.lng];
  map.setView(here, 16);
  // The place itself is named by the page: on the map it is a landmark, not a control.
  const icon = new NamedIcon({
    className: "marker marker-here",
    iconSize: [28, 28],
    iconAnchor: [14, 14],
  });
  L.marker(here, { icon, interactive: false, keyboard: false, title: config.name }).addTo(map);
  container.dataset.ready = "true";
}

function enableCopy() {
  const box = document.querySelector("[data-share]");
  const status = document.querySelector("[data-share-status]");
  if (!box || !status || !navigator.clipboard) return;
  const input = box.querySelector("input");
  const button = box.querySelector("[data-copy]");
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = status.dataset.copied;
    } catch {
      input.select();
      status.textContent = status.dataset.failed;
    }
  });
}

showMap();
enableCopy();
