// Progressive enhancement for the programme's forms (events, stories, connections,
// wishes). Every form works without this file; it adds:
// - focus on the error summary after a refused submission,
// - a map where one tap or click sets the event's latitude and longitude,
// - a filter-as-you-type box over long lists of asset checkboxes,
// - "Add another" buttons for the new-group and story rows,
// - theme suggestions for each comma-separated theme, not only the first.

import { setUpFormsets } from "../../assetmap/js/formsets.js";

function focusErrorSummary() {
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
}

function setUpMap() {
  const element = document.getElementById("event-map");
  const configElement = document.getElementById("event-map-config");
  if (!element || !configElement || !window.L) return;
  const config = JSON.parse(configElement.textContent);
  const latInput = document.getElementById(element.dataset.latInput);
  const lngInput = document.getElementById(element.dataset.lngInput);
  const L = window.L;

  element.hidden = false;
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  map.fitBounds(config.bounds);
  let marker = null;

  function place(lat, lng) {
    if (marker) marker.setLatLng([lat, lng]);
    else marker = L.marker([lat, lng], { keyboard: false, title: element.dataset.markerTitle }).addTo(map);
  }

  const lat = parseFloat(latInput.value);
  const lng = parseFloat(lngInput.value);
  if (!Number.isNaN(lat) && !Number.isNaN(lng)) {
    place(lat, lng);
    map.setView([lat, lng], 16);
  }
  // One click or tap places the point: no dragging needed (WCAG 2.5.7).
  map.on("click", (event) => {
    const { lat: clickedLat, lng: clickedLng } = event.latlng;
    latInput.value = clickedLat.toFixed(6);
    lngInput.value = clickedLng.toFixed(6);
    place(clickedLat, clickedLng);
  });
  // Typed coordinates move the marker too.
  for (const input of [latInput, lngInput]) {
    input.addEventListener("change", () => {
      const typedLat = parseFloat(latInput.value);
      const typedLng = parseFloat(lngInput.value);
      if (!Number.isNaN(typedLat) && !Number.isNaN(typedLng)) {
        place(typedLat, typedLng);
        map.panTo([typedLat, typedLng]);
      }
    });
  }
}

function setUpAssetFilters() {
  for (const picker of document.querySelectorAll("[data-asset-picker]")) {
    const box = picker.querySelector("[data-asset-filter]");
    const input = box.querySelector("input");
    const options = [...picker.querySelectorAll("input[type=checkbox]")].map((checkbox) => ({
      checkbox,
      row: checkbox.closest("div") || checkbox.parentElement,
      text: (checkbox.closest("label") || checkbox.parentElement).textContent.toLowerCase(),
    }));
    box.hidden = false;
    input.addEventListener("input", () => {
      const query = input.value.trim().toLowerCase();
      for (const { checkbox, row, text } of options) {
        // Ticked boxes stay visible so a choice never disappears from view.
        row.hidden = query !== "" && !text.includes(query) && !checkbox.checked;
      }
    });
  }
}

function setUpThemeSuggestions() {
  const input = document.querySelector("input[list=theme-suggestions]");
  const list = document.getElementById("theme-suggestions");
  if (!input || !list) return;
  const themes = [...list.options].map((option) => option.value);
  // A datalist suggests whole values, so offer "what is typed so far, <theme>".
  input.addEventListener("input", () => {
    const cut = input.value.lastIndexOf(",");
    const before = cut === -1 ? "" : `${input.value.slice(0, cut + 1).trim()} `;
    const typed = new Set(before.split(",").map((name) => name.trim().toLowerCase()));
    list.replaceChildren(
      ...themes
        .filter((theme) => !typed.has(theme.toLowerCase()))
        .map((theme) => new Option("", `${before}${theme}`)),
    );
  });
}

focusErrorSummary();
setUpThemeSuggestions();
setUpMap();
setUpAssetFilters();
setUpFormsets();
