// The whitespace map: a cell opened with htmx puts its editor below the grid and moves the focus to it;
// "Back to the map" (or Escape) closes it and returns the focus to the cell. Without JavaScript the
// cell links open the editor as a page of its own.
"use strict";
(function () {
  let opener = null;
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".ws-link");
    if (link) opener = link;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target.id !== "ws-editor") return;
    const title = document.getElementById("ws-editor-title");
    if (title) title.focus();
  });
  function close(event) {
    const editor = document.getElementById("ws-editor");
    if (!editor || !editor.firstElementChild) return;
    if (event) event.preventDefault();
    editor.replaceChildren();
    if (opener) opener.focus();
  }
  document.addEventListener("click", (event) => {
    if (event.target.closest("#ws-editor [data-ws-close]")) close(event);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && event.target.closest && event.target.closest("#ws-editor")) close(event);
  });
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-ws-print]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", () => window.print());
    });
  });
})();
