// The account page: its cards arrive one by one (htmx, hx-trigger="load"). Mark each as loaded, and keep
// a #fragment the page was opened on (a card's section, e.g. #reviews from a reminder e-mail) in view
// while the cards above it arrive, until the reader scrolls or follows the menu.
"use strict";
(function () {
  let settled = false;
  const stop = () => { settled = true; };
  window.addEventListener("wheel", stop, { passive: true, once: true });
  window.addEventListener("touchmove", stop, { passive: true, once: true });
  window.addEventListener("keydown", stop, { once: true });
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest(".kam-section-nav")) stop();
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const slot = event.target;
    if (!slot.classList || !slot.classList.contains("kam-card-slot")) return;
    slot.removeAttribute("aria-busy");
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (settled || !id) return;
    const target = document.getElementById(id);
    if (target) target.scrollIntoView();
  });
})();
