// Progressive enhancement for the listing form. The form works without this file;
// it adds:
// - focus on the error summary (or the duplicate warning) after a refused submission,
// - a map where one tap or click sets the latitude and longitude (no dragging),
// - hiding the map for online-only groups,
// - "Add another session" instead of spare empty rows (formsets.js).

import { setUpFormsets } from "./formsets.js";

function focusProblem() {
  const problem = document.querySelector("[data-error-summary], [data-duplicate-warning]");
  if (problem) problem.focus();
}

function setUpMap() {
  const element = document.getElementById("asset-map");
  const configElement = document.getElementById("asset-map-config");
  if (!element || !configElement || !window.L) return;
  const config = JSON.parse(configElement.textContent);
  const latInput = document.getElementById(element.dataset.latInput);
  const lngInput = document.getElementById(element.dataset.lngInput);
  const clearButton = document.querySelector("[data-clear-point]");
  const L = window.L;

  element.hidden = false;
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  map.fitBounds(config.bounds);
  let marker = null;

  function place(lat, lng) {
    if (marker) marker.setLatLng([lat, lng]);
    else marker = L.marker([lat, lng], { keyboard: false, title: config.markerTitle }).addTo(map);
    clearButton.hidden = false;
  }

  function typedPoint() {
    const lat = parseFloat(latInput.value);
    const lng = parseFloat(lngInput.value);
    return Number.isNaN(lat) || Number.isNaN(lng) ? null : [lat, lng];
  }

  const start = typedPoint();
  if (start) {
    place(...start);
    map.setView(start, 16);
  }
  // One click or tap places the point: no dragging needed (WCAG 2.5.7).
  map.on("click", (event) => {
    const { lat, lng } = event.latlng;
    latInput.value = lat.toFixed(6);
    lngInput.value = lng.toFixed(6);
    place(lat, lng);
  });
  for (const input of [latInput, lngInput]) {
    input.addEventListener("change", () => {
      const point = typedPoint();
      if (point) {
        place(...point);
        map.panTo(point);
      }
    });
  }
  clearButton.addEventListener("click", () => {
    latInput.value = "";
    lngInput.value = "";
    if (marker) marker.remove();
    marker = null;
    clearButton.hidden = true;
    latInput.focus();
  });

  // An online-only group has no place: hide the map while the box is ticked.
  const onlineOnly = document.querySelector("input[name=online_only]");
  const placePoint = document.querySelector("[data-place-point]");
  if (onlineOnly && placePoint) {
    const follow = () => {
      placePoint.hidden = onlineOnly.checked;
      if (!onlineOnly.checked) map.invalidateSize();
    };
    onlineOnly.addEventListener("change", follow);
    follow();
  }
}

focusProblem();
setUpMap();
setUpFormsets();
