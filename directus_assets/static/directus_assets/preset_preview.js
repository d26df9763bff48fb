"use strict";
// The preset admin's live preview: as the form changes, the chosen file is rendered with
// the values on screen (through the admin's preview view, which stores nothing).
(function () {
  const FIELDS = ["fit", "width", "height", "quality", "without_enlargement", "format", "transforms"];
  function query(preview) {
    const params = new URLSearchParams({ file: preview.querySelector("select").value });
    for (const name of FIELDS) {
      const field = document.getElementById("id_" + name);
      if (!field) continue;
      params.set(name, field.type === "checkbox" ? (field.checked ? "true" : "") : field.value);
    }
    return params.toString();
  }
  function refresh(preview) {
    const image = preview.querySelector("img");
    const error = preview.querySelector(".error");
    const url = preview.dataset.url + "?" + query(preview);
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.ok) {
        response.blob().then(function (blob) {
          error.textContent = "";
          image.hidden = false;
          image.src = URL.createObjectURL(blob);
        });
      } else {
        response.json().then(function (body) {
          error.textContent = body.errors[0].message;
          image.hidden = true;
        });
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    const preview = document.querySelector(".directus-assets-preset-preview");
    if (!preview) return;
    let timer = null;
    const later = function () { clearTimeout(timer); timer = setTimeout(function () { refresh(preview); }, 250); };
    preview.closest("form").addEventListener("input", later);
    preview.closest("form").addEventListener("change", later);
    refresh(preview);
  });
})();
