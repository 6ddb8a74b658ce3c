// Draws every chart whose figure the page ships as JSON (json_script), no inline script needed.
// A chart with data-point-url opens the account behind a clicked point ("__id__" replaced by its customdata).
"use strict";
(function () {
  // A chart that arrives later (an htmx card) may bring the address of plotly.js, loaded once on demand.
  let loading = null;
  function withPlotly(el, then) {
    if (window.Plotly || !el.dataset.plotlySrc) return then();
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = el.dataset.plotlySrc;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    loading.then(then);
  }
  function draw(root) {
    root.querySelectorAll("[data-chart-source]").forEach((el) => withPlotly(el, () => {
      const source = document.getElementById(el.dataset.chartSource);
      if (!source || el.dataset.drawn) return;
      const figure = JSON.parse(source.textContent);
      el.dataset.drawn = "1";
      fitWidth(el, figure.data, figure.layout || (figure.layout = {}));
      window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false }).then(() => {
        el.dataset.rendered = "1";
        if (!el.dataset.pointUrl) return;
        el.on("plotly_click", (event) => {
          const id = event.points && event.points[0] && event.points[0].customdata;
          if (id === undefined || id === null) return;
          window.location.href = el.dataset.pointUrl.replace("__id__", encodeURIComponent(id));
        });
      });
    }));
  }
  // On a phone the axis labels and notes must not be cut at the chart's edge: axes make room for
  // their labels, and long notes wrap onto several lines.
  function wrap(text) {
    if (typeof text !== "string" || text.length <= 24 || text.includes("<br>")) return text;
    const lines = [];
    let line = "";
    text.split(" ").forEach((word) => {
      if (line && (line + " " + word).length > 24) { lines.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    lines.push(line);
    return lines.join("<br>");
  }
  function fitWidth(el, data, layout) {
    ["xaxis", "yaxis"].forEach((axis) => {
      layout[axis] = Object.assign({ automargin: true }, layout[axis] || {});
    });
    if (el.clientWidth >= 576) return;
    (layout.annotations || []).forEach((note) => { note.text = wrap(note.text); });
    (data || []).forEach((trace) => {
      if (trace.mode && trace.mode.includes("text") && Array.isArray(trace.text)) trace.text = trace.text.map(wrap);
    });
  }
  function bindPrint(root) {
    root.querySelectorAll("[data-print]").forEach((button) => {
      button.addEventListener("click", () => window.print());
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    draw(document);
    bindPrint(document);
  });
  document.body && document.body.addEventListener("htmx:afterSwap", (event) => draw(event.target));
})();
