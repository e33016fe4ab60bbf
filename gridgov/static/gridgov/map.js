// The map component. Markup only, no inline script:
//   <div class="map" data-layers='[{"url": "…geojson", "kind": "grids", "name": "网格"}]'
//        data-focus="<grid code>" data-pick-lat="#id_lat" data-pick-lon="#id_lon"
//        data-locate="off" (optional: no "use my location" button of the map's own)></div>
// Every .map gets a Leaflet map (vendor/leaflet, fetched only on pages that hold one) that
// draws its GeoJSON layers — grids as polygons shaded by tone, buildings, signs and matters
// as circle markers, patrols as lines — with a legend below that switches layers, a
// "use my location" button, and fits to the focus grid or to everything drawn. A tap on a
// feature opens properties.url; with data-pick-* a tap instead places a marker and writes
// its latitude and longitude into those inputs (firing "change"). Tiles only when the
// deployment set GRIDGOV_MAP_TILES; otherwise a plain background and our own geometry.
(function () {
  "use strict";

  if (window.gridgovMaps) return; // loaded twice: base.html already brings it
  window.gridgovMaps = true;
  var script = document.querySelector("script[data-map-config]");
  var config = JSON.parse((script && script.dataset.mapConfig) || "{}");
  var words = config.words || {};
  var loading = null;

  function say(key, values) {
    var text = words[key] || key;
    Object.keys(values || {}).forEach(function (k) {
      text = text.replace("%(" + k + ")s", values[k]);
    });
    return text;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Leaflet's script and stylesheet, once per page, only when a map is there
  function withLeaflet(done) {
    if (window.L) return done();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = config.leafletCss;
        document.head.appendChild(css);
        var js = document.createElement("script");
        js.src = config.leaflet;
        js.onload = resolve;
        js.onerror = reject;
        document.head.appendChild(js);
      });
    }
    loading.then(done);
  }

  var KINDS = {
    grids: { order: 0 },
    patrols: { order: 1 },
    buildings: { order: 2, radius: 5 },
    signs: { order: 3, radius: 6 },
    matters: { order: 4, radius: 7 },
  };

  function tone(feature) {
    var t = (feature.properties || {}).tone || "";
    return t === "warn" || t === "danger" ? t : "none";
  }

  function selector(value) {
    return value ? document.querySelector(value) : null;
  }

  function setup(box) {
    if (box.dataset.mapReady) return;
    box.dataset.mapReady = "1";
    var L = window.L;
    var layersDef = [];
    try {
      layersDef = JSON.parse(box.dataset.layers || "[]");
    } catch (e) {
      layersDef = [];
    }
    var focus = box.dataset.focus || "";
    var latInput = selector(box.dataset.pickLat);
    var lonInput = selector(box.dataset.pickLon);
    var picking = !!(latInput && lonInput);
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", say("map"));
    box.classList.add("map-ready");
    if (picking) box.classList.add("map-picking");

    var map = L.map(box, {
      zoomSnap: 0.25,
      maxZoom: config.maxZoom || 18,
      scrollWheelZoom: false, // the page scrolls past the map until the map is used
      attributionControl: !!(config.tiles && config.tiles.length),
    });
    map.on("click focus", function () { map.scrollWheelZoom.enable(); });
    map.on("mouseout blur", function () { map.scrollWheelZoom.disable(); });
    (config.tiles || []).forEach(function (template) {
      L.tileLayer(template, {
        subdomains: config.subdomains || "abc",
        maxZoom: config.maxZoom || 18,
        attribution: config.attribution || "",
      }).addTo(map);
    });

    // below the map: what the user is told, then the legend that switches layers
    var status = el("p", "map-status");
    status.setAttribute("aria-live", "polite");
    var legend = el("ul", "map-legend");
    var tools = el("div", "map-tools");
    tools.appendChild(status);
    box.insertAdjacentElement("afterend", legend);
    box.insertAdjacentElement("afterend", tools);
    if (picking) status.textContent = say("pickHint");

    // the point being picked
    var pickMarker = null;
    function showPick(lat, lon) {
      var at = [lat, lon];
      if (!pickMarker) {
        pickMarker = L.circleMarker(at, { radius: 9, className: "map-pick", interactive: false });
        pickMarker.addTo(map);
      } else {
        pickMarker.setLatLng(at);
      }
    }
    function pick(latlng) {
      var lat = latlng.lat.toFixed(6);
      var lon = L.Util.wrapNum(latlng.lng, [-180, 180], true).toFixed(6);
      showPick(+lat, +lon);
      latInput.value = lat;
      lonInput.value = lon;
      [latInput, lonInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      status.textContent = say("picked", { lat: lat, lon: lon });
    }
    function typedPoint() {
      var lat = parseFloat(latInput.value), lon = parseFloat(lonInput.value);
      if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
      return [lat, lon];
    }
    if (picking) {
      map.on("click", function (e) { pick(e.latlng); });
      // a point typed (or kept after an error) shows on the map too
      [latInput, lonInput].forEach(function (input) {
        input.addEventListener("input", function () {
          var at = typedPoint();
          if (at) showPick(at[0], at[1]);
        });
      });
    }

    // "use my location": a button under the map, where it covers nothing and a thumb finds it
    // (data-locate="off": the page has its own, like the report form's big button)
    if (box.dataset.locate !== "off") {
      var locateButton = el("button", "secondary map-locate", say("locate"));
      locateButton.type = "button";
      locateButton.addEventListener("click", locate);
      tools.insertBefore(locateButton, status);
    }
    var here = null;
    function locate() {
      if (!navigator.geolocation) {
        status.textContent = say("noLocation", { reason: say("unsupported") });
        return;
      }
      status.textContent = say("locating");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var c = position.coords;
          var at = L.latLng(c.latitude, c.longitude);
          if (here) here.remove();
          here = L.layerGroup([
            L.circle(at, { radius: c.accuracy || 0, className: "map-here-accuracy", interactive: false }),
            L.circleMarker(at, { radius: 6, className: "map-here", interactive: false }),
          ]).addTo(map);
          map.setView(at, Math.max(map.getZoom() || 0, 17));
          status.textContent = say("located", { metres: Math.round(c.accuracy || 0) });
          if (picking) pick(at);
        },
        function (error) {
          var reason = error.code === 1 ? say("denied") : say("notFound");
          status.textContent = say("noLocation", { reason: reason });
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    }

    function open(feature) {
      var p = feature.properties || {};
      if (!p.url || (focus && p.code === focus)) return;
      window.location.assign(p.url);
    }

    function tooltip(kind, feature) {
      var p = feature.properties || {};
      var text = p.name || p.code || "";
      if (kind === "grids" && typeof p.open === "number") {
        text += " · " + (p.open ? p.open + " " + say("open") : say("noMatters"));
        if (p.overdue) text += " · " + p.overdue + " " + say("overdue");
      }
      return text;
    }

    function geoLayer(def, data) {
      var kind = KINDS[def.kind] ? def.kind : "matters";
      return L.geoJSON(data, {
        style: function (feature) {
          var classes = "map-feature map-" + kind + " tone-" + tone(feature);
          if (kind === "grids" && focus) {
            classes += (feature.properties || {}).code === focus ? " map-focus" : " map-beside";
          }
          return { className: classes };
        },
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            radius: KINDS[kind].radius || 6,
            className: "map-feature map-" + kind + " tone-" + tone(feature),
          });
        },
        onEachFeature: function (feature, layer) {
          var text = tooltip(kind, feature);
          // as text, never as HTML: names come from people's typing
          if (text) layer.bindTooltip(el("span", "", text), { sticky: kind === "grids" || kind === "patrols" });
          if (kind === "grids" && feature.properties && feature.properties.name) {
            labels.push({ layer: layer, text: feature.properties.name });
          }
          layer.on("click", function (e) {
            if (picking) return; // the map's own click picks the point
            L.DomEvent.stopPropagation(e);
            open(feature);
          });
          // the feature's own SVG element, for tests and assistive technology
          layer.on("add", function () {
            var node = layer.getElement && layer.getElement();
            var p = feature.properties || {};
            if (node) {
              if (p.code) node.setAttribute("data-code", p.code);
              node.setAttribute("data-kind", kind);
              if (text) node.setAttribute("aria-label", text);
            }
          });
        },
      });
    }

    function legendItem(def, index, overlay) {
      var kind = KINDS[def.kind] ? def.kind : "matters";
      var item = el("li", "map-legend-" + kind);
      var label = el("label", "check");
      var check = el("input");
      check.type = "checkbox";
      check.checked = def.on !== false;
      check.addEventListener("change", function () {
        if (check.checked) overlay.addTo(map);
        else overlay.remove();
      });
      label.appendChild(check);
      label.appendChild(el("span", "map-swatch map-" + kind));
      label.appendChild(el("span", "", def.name || def.kind));
      var count = el("span", "muted map-count");
      label.appendChild(count);
      item.appendChild(label);
      if (kind === "grids") {
        var key = el("span", "map-key");
        key.hidden = true; // until the grids come with matter counts
        [["danger", say("overdue")], ["warn", say("open")], ["none", say("noMatters")]].forEach(
          function (pair) {
            var part = el("span", "map-key-part");
            part.appendChild(el("span", "map-swatch map-grids tone-" + pair[0]));
            part.appendChild(document.createTextNode(pair[1]));
            key.appendChild(part);
          }
        );
        item.appendChild(key);
      }
      return { item: item, count: count, key: key };
    }

    // load every layer, draw them in their kind's order, then fit
    var slots = layersDef.map(function (def, i) {
      return { def: def, order: (KINDS[def.kind] || KINDS.matters).order * 100 + i };
    });
    slots.sort(function (a, b) { return a.order - b.order; });
    var panes = {};
    var drawn = L.featureGroup();
    var focusBounds = null;
    var labels = []; // grid names, written on the grids where they fit at the current zoom
    var features = 0;
    var gridCount = 0;
    var pending = slots.length;
    slots.forEach(function (slot, i) {
      var overlay = L.featureGroup();
      var entry = legendItem(slot.def, i, overlay);
      legend.appendChild(entry.item);
      panes[i] = overlay;
      fetch(slot.def.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          var before = labels.length;
          var layer = geoLayer(slot.def, data);
          for (var k = before; k < labels.length; k++) labels[k].pane = i;
          overlay.addLayer(layer);
          drawn.addLayer(layer);
          var n = (data.features || []).length;
          features += n;
          entry.count.textContent = " (" + n + ")";
          if (data.unplaced) {
            entry.item.appendChild(el("span", "muted map-unplaced", say("unplaced", { count: data.unplaced })));
          }
          if (slot.def.kind === "grids") gridCount += n;
          if (entry.key && (data.features || []).some(function (f) {
            return typeof (f.properties || {}).open === "number";
          })) entry.key.hidden = false;
          if (focus && slot.def.kind === "grids") {
            layer.eachLayer(function (l) {
              if ((l.feature.properties || {}).code === focus) focusBounds = l.getBounds();
            });
          }
        })
        .catch(function () {
          entry.item.appendChild(el("span", "error map-failed", say("failed")));
        })
        .finally(function () {
          pending -= 1;
          if (pending === 0) finish();
        });
    });
    if (!slots.length) finish();

    function placeLabels() {
      labels.forEach(function (label) {
        var b = label.layer.getBounds();
        var width = map.latLngToContainerPoint(b.getNorthEast()).x - map.latLngToContainerPoint(b.getSouthWest()).x;
        var fits = width > label.text.length * 12 + 6; // 0.75rem characters, a little air
        if (fits && !label.group.hasLayer(label.marker)) label.group.addLayer(label.marker);
        if (!fits && label.group.hasLayer(label.marker)) label.group.removeLayer(label.marker);
      });
    }

    function finish() {
      // draw in order (grids underneath, matters on top), each layer's checkbox deciding
      slots.forEach(function (slot, i) {
        if (slot.def.on !== false) panes[i].addTo(map);
      });
      var typed = picking ? typedPoint() : null;
      if (typed) showPick(typed[0], typed[1]);
      // the focus grid with a margin in which its neighbours show, else everything drawn
      var bounds = focusBounds ? focusBounds.pad(gridCount > 1 ? 0.35 : 0.05)
        : drawn.getLayers().length ? drawn.getBounds() : null;
      if (bounds && bounds.isValid()) {
        map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
      } else if (typed) {
        map.setView(typed, 16);
      } else {
        map.setView([35, 105], 4); // nothing to show yet: China
      }
      labels.forEach(function (label) {
        label.marker = L.marker(label.layer.getBounds().getCenter(), {
          icon: L.divIcon({ className: "map-label", html: el("span", "", label.text), iconSize: null }),
          interactive: false,
          keyboard: false,
        });
        label.group = panes[label.pane];
      });
      placeLabels();
      map.on("zoomend", placeLabels);
      box.dataset.mapDrawn = String(features);
      box.dispatchEvent(new CustomEvent("map:drawn", { bubbles: true }));
    }
  }

  function init(root) {
    var boxes = (root || document).querySelectorAll(".map");
    if (!boxes.length) return;
    withLeaflet(function () { boxes.forEach(setup); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
