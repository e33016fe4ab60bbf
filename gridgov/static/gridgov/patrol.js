// The patrol page: while it is open, the phone's location is taken every POST_EVERY ms
// (browser geolocation) and posted to the patrol's track at once. Points that could not be sent
// (no network) wait in localStorage and are sent again; the server drops a point it
// already has (the same time), so resending never duplicates.
(function () {
  "use strict";
  var POST_EVERY = 30000;
  var MAX_BATCH = 500;

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("patrol-tracker");
    if (!box) return;
    var status = document.getElementById("patrol-status");
    var count = document.getElementById("points-count");
    var key = "gridgov-patrol-" + box.dataset.patrol;
    var queue = [];
    try { queue = JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { queue = []; }
    var sent = 0;
    var sending = false;

    function save() {
      try { localStorage.setItem(key, JSON.stringify(queue)); } catch (e) { /* private mode */ }
    }
    function say(text) { if (status) status.textContent = text; }
    function report() {
      var text = box.dataset.msgOn + " " + box.dataset.msgSent + " " + sent;
      if (queue.length) text += " · " + box.dataset.msgWaiting + " " + queue.length;
      say(text);
    }

    function flush(then) {
      if (sending || !queue.length) {
        if (then) then();
        return;
      }
      sending = true;
      var batch = queue.slice(0, MAX_BATCH);
      fetch(box.dataset.pointsUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
        body: JSON.stringify({ points: batch })
      }).then(function (response) {
        if (response.ok) {
          return response.json().then(function (body) {
            queue = queue.slice(batch.length);
            sent += batch.length;
            save();
            if (count) count.textContent = String(body.points);
          });
        }
        if (response.status === 409 || response.status === 404) {
          // the patrol was ended (another tab) or is not ours: stop and reload the page
          queue = [];
          save();
          window.location.reload();
        } else if (response.status === 400) {
          queue = queue.slice(batch.length); // a point the server refuses is not resent
          save();
        }
      }).catch(function () { /* offline: keep the queue */ }).then(function () {
        sending = false;
        report();
        if (then) then();
      });
    }

    function take(position) {
      var c = position.coords;
      queue.push({
        lat: c.latitude,
        lon: c.longitude,
        at: new Date(position.timestamp || Date.now()).toISOString(),
        accuracy: c.accuracy
      });
      save();
      report();
      flush();
    }

    function failed(error) {
      if (error && error.code === 1) say(box.dataset.msgDenied);
    }

    if (!("geolocation" in navigator)) {
      say(box.dataset.msgNone);
      return;
    }
    var options = { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 };
    function sample() { navigator.geolocation.getCurrentPosition(take, failed, options); }
    sample();
    setInterval(sample, POST_EVERY);  // each point is sent when taken, the backlog with it
    window.addEventListener("online", function () { flush(); });
    // the points still waiting go before the patrol is ended (afterwards it takes none)
    var end = document.getElementById("end-patrol");
    if (end) {
      end.addEventListener("submit", function (event) {
        if (!queue.length || end.dataset.flushed) return;
        event.preventDefault();
        end.dataset.flushed = "1";
        flush(function () { end.submit(); });
      });
    }
  });
})();
