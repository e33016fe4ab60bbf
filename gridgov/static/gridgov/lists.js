// A list's filter box folds away on a phone, so that the list itself comes first; it stays
// open on a laptop, without script, and when a filter has an error (no data-fold then).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 600px)").matches) {
    return;
  }
  document.querySelectorAll("details.filters[data-fold]").forEach(function (box) {
    box.open = false;
  });
});
