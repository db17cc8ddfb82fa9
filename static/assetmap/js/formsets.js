// "Add another" for Django formsets marked up with data-formset (the prefix),
// data-formset-rows, data-formset-row, data-formset-template (the empty form) and
// data-formset-add (a hidden button). Without JavaScript the page has spare empty
// rows; with it, empty spare rows go and the button adds one at a time.

function isBlank(row) {
  const fields = row.querySelectorAll("input:not([type=hidden]), textarea, select");
  return [...fields].every((field) => {
    if (field.type === "checkbox" || field.type === "radio") return field.checked === field.defaultChecked;
    if (field.tagName === "SELECT") {
      const chosen = field.querySelector("option[selected]") || field.options[0];
      return field.value === (chosen ? chosen.value : "");
    }
    return field.value.trim() === "";
  });
}

export function setUpFormsets() {
  for (const formset of document.querySelectorAll("[data-formset]")) {
    const prefix = formset.dataset.formset;
    const total = formset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const initial = parseInt(formset.querySelector(`input[name="${prefix}-INITIAL_FORMS"]`).value, 10);
    const rows = formset.querySelector("[data-formset-rows]");
    const template = formset.querySelector("[data-formset-template]");
    const button = formset.querySelector("[data-formset-add]");

    // Without JavaScript there are spare empty rows; with it, keep one and offer a button.
    const children = [...rows.querySelectorAll(":scope > [data-formset-row]")];
    while (children.length > Math.max(initial, 1)) {
      const last = children[children.length - 1];
      if (!isBlank(last) || last.querySelector(".field-error")) break;
      last.remove();
      children.pop();
    }
    total.value = children.length;

    button.hidden = false;
    button.addEventListener("click", () => {
      const index = parseInt(total.value, 10);
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__prefix__", String(index)));
      total.value = index + 1;
      const added = rows.lastElementChild;
      const legend = added.querySelector("legend");
      if (legend) legend.textContent = `${legend.textContent.trim()} ${index + 1}`;
      const first = added.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
    });
  }
}
