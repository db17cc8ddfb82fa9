// The neighbourhood map at /: the places the filters found (the API's map layer, asked
// with the page's own query), clustered, over the GP networks' boundaries. The list
// beside or below the map holds the same places and works without this script.

import { L, NamedIcon, baseMap, clusterGroup, el, format, readConfig } from "./map-common.js";

function popupContent(props, details, config) {
  const box = el("div", "popup");
  box.append(el("h3", "popup-title", props.name));
  const kind = config.kinds[props.kind] || props.kind;
  box.append(el("p", "popup-meta", details.category ? `${kind} · ${details.category}` : kind));
  if (details.openNow) box.append(el("p", "popup-when popup-open", config.text.openNow));
  else if (details.next) box.append(el("p", "popup-when", format(config.text.next, { when: details.next })));
  const link = el("a", "popup-link", format(config.text.details, { name: props.name }));
  link.href = props.url;
  const line = el("p");
  line.append(link);
  box.append(line);
  return box;
}

function placeMarker(feature, latlng, popups, config) {
  const props = feature.properties;
  const icon = new NamedIcon({
    className: "marker marker-asset",
    iconSize: [28, 28],
    iconAnchor: [14, 14],
    popupAnchor: [0, -12],
    label: props.name,
  });
  const marker = L.marker(latlng, { icon, keyboard: true, title: props.name });
  // Opened from the keyboard, the popup takes the focus (its link is next), and gives
  // it back to the marker when it closes. Listening before bindPopup, which opens the
  // popup on the same keypress.
  marker.on("keypress", (event) => {
    if (event.originalEvent.key === "Enter") marker.openedByKeyboard = true;
  });
  marker.bindPopup(() => popupContent(props, popups[feature.id] || {}, config), {
    autoPanPadding: [48, 48],
  });
  marker.on("popupopen", (event) => {
    if (!marker.openedByKeyboard) return;
    marker.openedByKeyboard = false;
    event.popup.getElement()?.querySelector(".popup-link")?.focus();
  });
  marker.on("popupclose", (event) => {
    // Only when the focus was in the popup: a click elsewhere keeps its own focus.
    const active = document.activeElement;
    const hadFocus = active === document.body || event.popup.getElement()?.contains(active);
    if (hadFocus) marker.getElement()?.focus();
  });
  return marker;
}

async function fetchJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

async function showBoundaries(map, config) {
  try {
    const data = await fetchJSON(config.networksUrl);
    const layer = L.geoJSON(data, {
      interactive: false,
      style: { className: "boundary", color: "#0b5394", weight: 2, fillOpacity: 0.04 },
    });
    layer.addTo(map).bringToBack();
    return layer;
  } catch {
    return null; // The boundaries are context only: the places still show.
  }
}

async function init() {
  const container = document.querySelector("[data-map]");
  const config = readConfig("map-config");
  const popups = readConfig("map-popups") || {};
  const status = document.querySelector("[data-map-status]");
  if (!container || !config || !L) return;
  const say = (text) => {
    if (status) status.textContent = text;
  };
  say(config.text.loading);

  const map = baseMap(container, config);
  map.setView([51.515, -0.035], 13);
  const boundaries = showBoundaries(map, config);

  let features = [];
  if (config.markersUrl) {
    try {
      features = (await fetchJSON(config.markersUrl)).features;
    } catch {
      say(config.text.failed);
      container.dataset.ready = "true";
      return;
    }
  }
  const clusters = clusterGroup(config);
  const places = L.geoJSON(features, {
    pointToLayer: (feature, latlng) => placeMarker(feature, latlng, popups, config),
  });
  clusters.addLayer(places);

  // The view first, then the clusters, made once for that zoom.
  if (config.near) {
    const area = L.circle(config.near, {
      radius: config.radius,
      interactive: false,
      className: "search-area",
      color: "#1b1b1b",
      weight: 2,
      dashArray: "6 4",
      fill: false,
    }).addTo(map);
    map.fitBounds(area.getBounds(), { padding: [8, 8], animate: false });
  } else if (features.length) {
    // Kept clear of the zoom buttons (top left) and the attribution (bottom right).
    map.fitBounds(places.getBounds(), {
      paddingTopLeft: [64, 32],
      paddingBottomRight: [32, 32],
      maxZoom: 16,
      animate: false,
    });
  } else {
    const layer = await boundaries;
    if (layer && layer.getBounds().isValid()) map.fitBounds(layer.getBounds(), { animate: false });
  }
  map.addLayer(clusters);

  if (!config.markersUrl) say("");
  else if (!features.length) say(config.text.none);
  else if (features.length === 1) say(config.text.shownOne);
  else say(format(config.text.shown, { count: features.length }));
  await boundaries;
  container.dataset.ready = "true";
}

// A shareable address: blank fields (and a distance with no postcode) are left out.
function tidyFilterForm() {
  const form = document.querySelector("[data-filters]");
  if (!form) return;
  form.addEventListener("submit", () => {
    const postcode = form.elements.postcode;
    for (const field of form.elements) {
      if (!field.name || field.disabled) continue;
      const blank = field.type !== "checkbox" && field.value.trim() === "";
      const lonelyRadius = field.name === "radius_m" && postcode && !postcode.value.trim();
      if (blank || lonelyRadius) field.disabled = true;
    }
    // Re-enabled after the browser has read the form, for when the page comes back
    // from the history cache.
    setTimeout(() => {
      for (const field of form.elements) field.disabled = false;
    });
  });
}

tidyFilterForm();
// After a submit with a mistake, the error summary is the first thing read.
document.querySelector("[data-error-summary]")?.focus();
init();
