// Site-wide behaviour. No inline scripts: the Content-Security-Policy forbids them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Elements marked data-autosubmit submit their form on change (e.g. the language picker).
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });
});

// Grids of inputs (the rating grid): Up/Down and Enter move to the same column in the
// previous/next row, so a manager rates a whole column without reaching for the mouse.
document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.closest("[data-keyboard-grid]")) return;
  const step = { ArrowDown: 1, ArrowUp: -1, Enter: event.shiftKey ? -1 : 1 }[event.key];
  if (step === undefined) return;
  const cell = input.closest("td");
  const row = cell.parentElement;
  const rows = Array.from(row.parentElement.children);
  const target = rows[rows.indexOf(row) + step];
  const next = target && target.children[cell.cellIndex] && target.children[cell.cellIndex].querySelector("input");
  event.preventDefault();
  if (next) { next.focus(); next.select(); }
});
