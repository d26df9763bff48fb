"use strict";
// AssetWidget: show the chosen file's thumbnail, and follow the choice as it changes
// (including a file just uploaded through the admin's "add" popup). The preview sits just
// before the <select>, not around it: the admin finds its add/change links as the
// select's next siblings.
(function () {
  function previewOf(select) {
    const preview = select.previousElementSibling;
    return preview && preview.classList.contains("directus-assets-choice-preview") ? preview : null;
  }
  function onChange(event) {
    const select = event.target;
    const preview = select.tagName === "SELECT" ? previewOf(select) : null;
    if (!preview) return;
    preview.hidden = !select.value;
    if (select.value) {
      preview.src = preview.dataset.previewTemplate.replace(preview.dataset.placeholder, select.value);
    } else {
      preview.removeAttribute("src");
    }
  }
  document.addEventListener("change", onChange);
  // The admin's popups announce a new choice with jQuery's trigger(), which native
  // listeners do not hear; the admin defines django.jQuery after this script may run.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", "select", onChange);
    }
  });
})();
