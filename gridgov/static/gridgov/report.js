// The report flow's first step (matters/report.html): "use my location" fills the point
// from the phone's position, says which grid it is in and, when it is one of the
// reporter's grids, goes on to the next step; a tap on the map (map.js writes the point
// and fires "change") is named the same way. Without JavaScript the step is a plain form
// with the reporter's own places.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-locate-url]");
  if (!form) return;
  var lat = form.querySelector("#id_lat");
  var lon = form.querySelector("#id_lon");
  var place = form.querySelector("#id_place");
  var box = form.querySelector("[data-locate]");
  var button = form.querySelector("[data-locate-button]");
  var status = form.querySelector("[data-locate-status]");

  function say(text, tone) {
    status.textContent = text || "";
    status.className = "locate-status" + (tone ? " " + tone : "");
  }

  function chooseGrid(code) {
    // the list follows the point, unless a building or compound of that grid is chosen
    if (!place || place.value.indexOf(code) === 0) return;
    if (place.querySelector('option[value="' + code + '"]')) place.value = code;
  }

  function where(then) {
    var url = form.dataset.locateUrl + "?lat=" + encodeURIComponent(lat.value) +
      "&lon=" + encodeURIComponent(lon.value);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        say(data.message || data.detail, data.in_scope ? "ok" : "field-error");
        if (data.in_scope) {
          chooseGrid(data.grid.code);
          if (then) then();
        } else {
          // a point that cannot be used is dropped: "continue" then takes the list's place
          lat.value = "";
          lon.value = "";
        }
      })
      .catch(function () { say(form.dataset.noLocation, "field-error"); });
  }

  if (navigator.geolocation && box && button) {
    box.hidden = false;
    button.addEventListener("click", function () {
      say(form.dataset.locating);
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          lat.value = position.coords.latitude.toFixed(6);
          lon.value = position.coords.longitude.toFixed(6);
          where(function () {
            if (form.requestSubmit) form.requestSubmit(); else form.submit();
          });
          button.disabled = false;
        },
        function () {
          say(form.dataset.noLocation, "field-error");
          button.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  // a tap on the map
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      if (lat.value && lon.value) where(null);
    });
  });

  // choosing from the list means the list, not an earlier point
  if (place) {
    place.addEventListener("change", function () {
      lat.value = "";
      lon.value = "";
      say("");
      var point = form.querySelector("[data-point]");
      if (point) point.hidden = true;
    });
  }
});
