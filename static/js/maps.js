// Decision-maker map: move focus to what an htmx swap brought (the editor or the confirmation), print button.
"use strict";
(function () {
  function focusIn(root) {
    const target = root && root.querySelector("[data-autofocus]");
    if (target) target.focus();
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
    const body = document.getElementById("map-body");
    if (body && body.querySelector(".map-editor")) focusIn(body);
  });
  document.body.addEventListener("htmx:afterSwap", (event) => focusIn(event.target));
})();
