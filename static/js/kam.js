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

// A table too wide for the screen scrolls inside its card (.table-responsive). Keyboard users
// must be able to reach and scroll it, so a region that does scroll becomes a named focus stop.
(function () {
  function markScrollRegions(root) {
    root.querySelectorAll(".table-responsive, .chart-table").forEach((region) => {
      const scrolls = region.scrollWidth > region.clientWidth ||
        (getComputedStyle(region).overflowY !== "hidden" && region.scrollHeight > region.clientHeight);
      if (scrolls && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
        region.setAttribute("role", "region");
        const caption = region.querySelector("caption");
        const name = (caption && caption.textContent.trim()) || region.dataset.regionLabel;
        if (name) region.setAttribute("aria-label", name);
      }
    });
  }
  let pending = null;
  document.addEventListener("DOMContentLoaded", () => markScrollRegions(document));
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => markScrollRegions(document), 200);
  });
  // A card swapped in by htmx: marked as soon as it is in the page, and again once settled.
  document.addEventListener("htmx:afterSwap", (event) => markScrollRegions(event.target.parentElement || document));
  document.addEventListener("htmx:afterSettle", (event) => markScrollRegions(event.target.parentElement || document));
  document.addEventListener("toggle", (event) => markScrollRegions(event.target), true);
})();

// Progressive disclosure: an element with data-show-when="<control id>" and data-show-values="a b"
// is shown only while that control's value is one of the values (without JavaScript all stay visible).
(function () {
  function bind(root) {
    root.querySelectorAll("[data-show-when]").forEach((el) => {
      const control = document.getElementById(el.dataset.showWhen);
      if (!control) return;
      const update = () => { el.hidden = !el.dataset.showValues.split(" ").includes(control.value); };
      update();
      control.addEventListener("change", update);
    });
  }
  document.addEventListener("DOMContentLoaded", () => bind(document));
  document.addEventListener("htmx:afterSettle", (event) => bind(event.target));
})();

// A filterable list of ticked boxes (the campaign's account picker): a search box with
// data-filter-list="<list id>" hides the entries whose data-filter-text lacks what was typed;
// "only the ticked ones" narrows to the chosen entries; a status line counts both.
(function () {
  function bind(root) {
    root.querySelectorAll("[data-filter-list]").forEach((input) => {
      const list = document.getElementById(input.dataset.filterList);
      if (!list || input.dataset.bound) return;
      input.dataset.bound = "1";
      const controls = input.closest("[data-filter-controls]");
      const chosenOnly = controls && controls.querySelector("[data-filter-chosen]");
      const status = document.querySelector(`[data-filter-status="${list.id}"]`);
      const entries = Array.from(list.querySelectorAll("[data-filter-text]"));
      const update = () => {
        const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        let shown = 0;
        let ticked = 0;
        entries.forEach((entry) => {
          const box = entry.querySelector("input[type=checkbox]");
          if (box && box.checked) ticked += 1;
          const match = words.every((word) => entry.dataset.filterText.includes(word));
          const visible = match && (!chosenOnly || !chosenOnly.checked || (box && box.checked));
          entry.hidden = !visible;
          if (visible) shown += 1;
        });
        if (status && status.dataset.template) {
          status.textContent = status.dataset.template
            .replace("__ticked__", ticked).replace("__shown__", shown).replace("__total__", entries.length);
        }
      };
      if (controls) controls.hidden = false;
      input.addEventListener("input", update);
      if (chosenOnly) chosenOnly.addEventListener("change", update);
      list.addEventListener("change", update);
      // Enter in the filter must not submit the whole form.
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
      update();
    });
  }
  document.addEventListener("DOMContentLoaded", () => bind(document));
  document.addEventListener("htmx:afterSettle", (event) => bind(event.target));
})();
