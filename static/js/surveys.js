// Print buttons of the survey pages (the CSP forbids inline handlers).
"use strict";
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
