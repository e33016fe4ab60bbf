// Small behaviours of the pages, kept out of the HTML so that the Content-Security-Policy
// can forbid inline script. Every page works without this file; it only makes pages
// easier in the hand (docs/ui.md).
document.documentElement.classList.add("js");

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

  setUpMenu();
  setUpNavGroups();
  setUpConfirm();
  setUpPickers();
});

// ---- the phone menu: a real button that opens and closes the navigation ----------------
function setUpMenu() {
  var button = document.getElementById("menu-button");
  var nav = document.getElementById("site-nav");
  if (!button || !nav) return;
  var set = function (open) {
    nav.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  };
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    set(open);
    if (open) {
      var first = nav.querySelector("a");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
}

// ---- grouped navigation on wide screens: each group opens like a disclosure ------------
function setUpNavGroups() {
  var groups = Array.prototype.slice.call(document.querySelectorAll(".nav-group"));
  if (!groups.length) return;
  var menuButton = document.getElementById("menu-button");
  var phone = function () {
    return menuButton && window.getComputedStyle(menuButton).display !== "none";
  };
  var close = function (except) {
    groups.forEach(function (g) {
      if (g === except) return;
      g.classList.remove("open");
      var b = g.querySelector(".nav-group-label");
      if (b) b.setAttribute("aria-expanded", "false");
    });
  };
  groups.forEach(function (group) {
    var label = group.querySelector(".nav-group-label");
    if (!label) return;
    label.setAttribute("aria-expanded", "false");
    label.addEventListener("click", function () {
      if (phone()) return; // on a phone every group is listed open in the menu
      var open = !group.classList.contains("open");
      close(group);
      group.classList.toggle("open", open);
      label.setAttribute("aria-expanded", open ? "true" : "false");
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && group.classList.contains("open")) {
        close();
        label.focus();
        event.stopPropagation();
      }
    });
    group.addEventListener("focusout", function (event) {
      if (!group.contains(event.relatedTarget)) {
        group.classList.remove("open");
        label.setAttribute("aria-expanded", "false");
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".nav-group")) close();
  });
}

// ---- confirmation before an irreversible or money-moving step ---------------------------
// <button data-confirm="Reject this report? …" data-confirm-button="Reject">: the form is
// sent only after the person confirms in a <dialog>; Cancel (focused first) sends nothing.
// Without JavaScript the form is sent at once, as before.
function setUpConfirm() {
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var question = dialog.querySelector("[data-question]");
  var yes = dialog.querySelector("[data-yes]");
  var no = dialog.querySelector("[data-no]");
  var pending = null;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || form.querySelector("[data-confirm]");
    var asker = submitter && submitter.hasAttribute("data-confirm") ? submitter
      : (form.hasAttribute("data-confirm") ? form : null);
    if (!asker) return;
    if (form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    pending = { form: form, submitter: submitter };
    question.textContent = asker.getAttribute("data-confirm");
    yes.textContent = asker.getAttribute("data-confirm-button")
      || (submitter ? submitter.textContent.trim() : "") || yes.dataset.default;
    dialog.showModal();
    no.focus();
  }, true);

  no.addEventListener("click", function () { dialog.close("cancel"); });
  yes.addEventListener("click", function () { dialog.close("confirm"); });
  dialog.addEventListener("close", function () {
    var p = pending;
    pending = null;
    if (!p) return;
    if (dialog.returnValue === "confirm") {
      p.form.dataset.confirmed = "yes";
      if (p.form.requestSubmit) {
        p.form.requestSubmit(p.submitter && p.submitter.form === p.form ? p.submitter : undefined);
      } else {
        p.form.submit();
      }
    } else if (p.submitter) {
      p.submitter.focus();
    }
  });
}

// ---- pick one from a search (a merge's target): type, then choose; nothing preselected ---
// <div data-pick="/search/url"> holding an <input type=search> and a <ul class=pick-list>:
// the list is replaced by the server's answer (radio buttons) as the person types.
function setUpPickers() {
  document.querySelectorAll("[data-pick]").forEach(function (box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector(".pick-list");
    if (!input || !list) return;
    var timer = null;
    var asked = "";
    var search = function () {
      var q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (!q) { list.innerHTML = ""; return; }
      var url = box.getAttribute("data-pick") + "?q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { if (asked === q) list.innerHTML = html; })
        .catch(function () { /* the typed code still works without the list */ });
    };
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      // Enter searches at once instead of sending the form half-filled
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        search();
      }
    });
  });
}
