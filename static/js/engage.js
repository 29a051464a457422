// Progressive enhancement only: every page works without this file.

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // After a form comes back with errors, move focus to the summary so keyboard
  // and screen reader users start from the list of what to fix.
  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }

  // The phones' "Menu" link (which opens the menu by :target without JavaScript) becomes a
  // button that opens and closes it in place and says whether it is open.
  const link = document.querySelector("a.menu-button");
  const menu = document.getElementById("site-menu");
  if (link && menu) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", "site-menu");
    button.setAttribute("aria-expanded", "false");
    link.replaceWith(button);
    button.addEventListener("click", () => {
      const open = menu.classList.toggle("is-open");
      button.setAttribute("aria-expanded", String(open));
    });
  }

  // "Tools" closes with Escape, or when someone clicks elsewhere.
  const tools = document.querySelector(".nav-tools");
  if (tools) {
    document.addEventListener("click", (event) => {
      if (tools.open && !tools.contains(event.target)) {
        tools.open = false;
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && tools.open) {
        tools.open = false;
        tools.querySelector("summary").focus();
      }
    });
  }
});
