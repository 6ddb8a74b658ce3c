// Draws every chart whose figure the page ships as JSON (json_script), no inline script needed.
"use strict";
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart-source]").forEach((el) => {
      const source = document.getElementById(el.dataset.chartSource);
      if (!source || el.dataset.drawn) return;
      const figure = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false });
    });
  }
  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.body && document.body.addEventListener("htmx:afterSwap", (event) => draw(event.target));
})();
