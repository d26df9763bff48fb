"use strict";
// AssetWidget: show the chosen file's thumbnail, and follow the choice as it changes
// (including a file just uploaded through the admin's "add" popup).
(function () {
  function update(choice) {
    const select = choice.querySelector("select");
    const preview = choice.querySelector(".directus-assets-choice-preview");
    const chosen = select.value;
    preview.hidden = !chosen;
    if (chosen) {
      preview.src = choice.dataset.previewTemplate.replace(choice.dataset.placeholder, chosen);
    } else {
      preview.removeAttribute("src");
    }
  }
  function onChange(event) {
    const choice = event.target.closest(".directus-assets-choice");
    if (choice) update(choice);
  }
  document.addEventListener("change", onChange);
  // The admin's popups announce a new choice with jQuery's trigger(), which native
  // listeners do not hear.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("change", ".directus-assets-choice select", onChange);
  }
})();
