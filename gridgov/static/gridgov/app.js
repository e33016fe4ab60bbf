// Small behaviours of the pages, kept out of the HTML so that the Content-Security-Policy
// can forbid inline script.
document.addEventListener("DOMContentLoaded", function () {
  // <a href="#" data-print>: prints the page (meeting agendas)
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      window.print();
    });
  });

  // a report form: only the chosen category's extra fields are shown and sent
  var select = document.querySelector("form[data-category-fields] select[name=category]");
  if (select) {
    var show = function () {
      document.querySelectorAll("fieldset.extra").forEach(function (fs) {
        var on = fs.dataset.category === select.value;
        fs.hidden = !on;
        fs.querySelectorAll("input,select").forEach(function (el) { el.disabled = !on; });
      });
    };
    select.addEventListener("change", show);
    show();
  }
});
