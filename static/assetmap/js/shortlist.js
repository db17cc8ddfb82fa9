// Print buttons: they need a script, so they stay hidden without one (the browser's
// own Print still works, with the same print stylesheet).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
