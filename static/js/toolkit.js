// Progressive enhancement only: the toolkit's printables print with the
// browser's own Print command; this shows a button that does the same.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print-button]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
