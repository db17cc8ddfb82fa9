// Progressive enhancement for /suggest/. The form works without this file (type a
// postcode; three rows for times); it adds:
// - a map where one tap or click places the point (no dragging: WCAG 2.5.7),
//   with a line saying whether a point is placed and a button to remove it,
// - one row for a time at first, and "Add another time" for the next.
// Its settings come from the page (json_script and data- attributes): no inline script.

function setUpMap() {
  const block = document.querySelector("[data-suggest-map-block]");
  const element = document.getElementById("suggest-map");
  const configElement = document.getElementById("suggest-map-config");
  if (!block || !element || !configElement || !window.L) return;
  const L = window.L;
  const config = JSON.parse(configElement.textContent);
  const latInput = document.getElementById(element.dataset.latInput);
  const lngInput = document.getElementById(element.dataset.lngInput);
  const status = document.getElementById("suggest-map-status");
  const clearButton = block.querySelector("[data-clear-point]");

  block.hidden = false;
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
  map.fitBounds(config.bounds);
  // The map takes keyboard focus (arrow keys pan it): name it for screen readers.
  element.setAttribute("role", "region");
  element.setAttribute("aria-labelledby", "suggest-map-label");
  let marker = null;

  function show(placed) {
    status.textContent = placed ? status.dataset.placedText : status.dataset.emptyText;
    clearButton.hidden = !placed;
  }

  function place(lat, lng) {
    if (marker) marker.setLatLng([lat, lng]);
    else {
      marker = L.marker([lat, lng], { keyboard: false, title: element.dataset.markerTitle }).addTo(map);
    }
    show(true);
  }

  const lat = parseFloat(latInput.value);
  const lng = parseFloat(lngInput.value);
  if (!Number.isNaN(lat) && !Number.isNaN(lng)) {
    place(lat, lng);
    map.setView([lat, lng], 16);
  } else {
    show(false);
  }

  map.on("click", (event) => {
    const { lat: clickedLat, lng: clickedLng } = event.latlng;
    latInput.value = clickedLat.toFixed(6);
    lngInput.value = clickedLng.toFixed(6);
    place(clickedLat, clickedLng);
  });

  clearButton.addEventListener("click", () => {
    latInput.value = "";
    lngInput.value = "";
    if (marker) {
      marker.remove();
      marker = null;
    }
    show(false);
    element.focus();
  });
}

function isBlank(row) {
  return [...row.querySelectorAll("input, select")].every((field) => {
    if (field.tagName === "SELECT") {
      const preset = field.querySelector("option[selected]") || field.options[0];
      return field.value === preset.value;
    }
    return field.value.trim() === "";
  });
}

function setUpSessionRows() {
  const rows = [...document.querySelectorAll("[data-session-row]")];
  const button = document.querySelector("[data-add-session]");
  if (!rows.length || !button) return;
  // Keep the first row and any row with something in it (or an error); hide the rest.
  rows.forEach((row, index) => {
    row.hidden = index > 0 && isBlank(row) && !row.querySelector(".field-error");
  });
  const hidden = () => rows.filter((row) => row.hidden);
  button.hidden = hidden().length === 0;
  button.addEventListener("click", () => {
    const next = hidden()[0];
    if (!next) return;
    next.hidden = false;
    next.querySelector("select, input").focus();
    button.hidden = hidden().length === 0;
  });
}

setUpMap();
setUpSessionRows();
