"use strict";
// The file admin's focal point picker: a click on the image sets focal_point_x/_y, in the
// original's pixels (as displayed, EXIF rotation applied), and moves the marker there.
(function () {
  function place(picker, x, y) {
    const marker = picker.querySelector(".directus-assets-focal-marker");
    const image = picker.querySelector("img");
    if (x === "" || y === "" || x === null || y === null) {
      marker.hidden = true;
      return;
    }
    marker.hidden = false;
    marker.style.left = (x / picker.dataset.width) * image.clientWidth + "px";
    marker.style.top = (y / picker.dataset.height) * image.clientHeight + "px";
  }
  function fields() {
    return [document.getElementById("id_focal_point_x"), document.getElementById("id_focal_point_y")];
  }
  function init(picker) {
    const image = picker.querySelector("img");
    const [xField, yField] = fields();
    const show = function () { place(picker, xField.value, yField.value); };
    image.addEventListener("click", function (event) {
      const box = image.getBoundingClientRect();
      const x = Math.round(((event.clientX - box.left) / box.width) * picker.dataset.width);
      const y = Math.round(((event.clientY - box.top) / box.height) * picker.dataset.height);
      xField.value = Math.min(Math.max(x, 0), picker.dataset.width - 1);
      yField.value = Math.min(Math.max(y, 0), picker.dataset.height - 1);
      show();
    });
    xField.addEventListener("input", show);
    yField.addEventListener("input", show);
    if (image.complete) show(); else image.addEventListener("load", show);
    picker.dataset.ready = "true"; // clicks count from now on (the browser test waits for it)
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".directus-assets-focal").forEach(init);
  });
})();
