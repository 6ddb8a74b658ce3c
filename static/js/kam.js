// Site-wide behaviour. No inline scripts: the Content-Security-Policy forbids them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Elements marked data-autosubmit submit their form on change (e.g. the language picker).
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });
});
