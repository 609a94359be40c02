/* Page API for the Medway map (window.medway), over the layers folium drew.
 * Python drives it with runJavaScript; clicks go back through QWebChannel when the page runs
 * inside the app (the standalone HTML export has no channel and simply skips that part).
 * Every user string is written with textContent, never as HTML. */
(function () {
  "use strict";
  var cfg = medwayConfig;
  var map = window[cfg.map];
  var layers = {};       // name -> L.GeoJSON
  var index = {};        // name -> {id -> leaflet layer}
  var overlays = {};     // name -> L.GeoJSON added later (groups, catchments, ...)
  var hidden = {};
  var selected = null;   // {layer, id}
  var bridge = null;
  var labels = L.layerGroup();

  function tipNode(rows) {
    var table = document.createElement("table");
    table.className = "medway-tip";
    (rows || []).forEach(function (r) {
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      var td = document.createElement("td");
      th.textContent = r[0];
      td.textContent = r[1];
      tr.appendChild(th); tr.appendChild(td); table.appendChild(tr);
    });
    return table;
  }

  function wire(name, leafletLayer) {
    var p = leafletLayer.feature.properties;
    index[name][p.id] = leafletLayer;
    leafletLayer.bindTooltip(function () { return tipNode(leafletLayer.feature.properties.tip); },
                             {sticky: name === "localities", direction: "top"});
    leafletLayer.on("click", function (e) {
      if (e.originalEvent) { L.DomEvent.stopPropagation(e); }
      medway.select(name, p.id);
      if (bridge) { bridge.featureClicked(name, String(p.id)); }
    });
  }

  function addLabels() {
    labels.clearLayers();
    layers.localities.eachLayer(function (l) {
      var p = l.feature.properties;
      var t = L.tooltip({permanent: true, direction: "center", className: "medway-label",
                         interactive: false});
      t.setLatLng(p.label);
      t.setContent(document.createTextNode(p.name));
      labels.addLayer(t);
    });
  }

  Object.keys(cfg.layers).forEach(function (name) {
    layers[name] = window[cfg.layers[name]];
    index[name] = {};
    layers[name].eachLayer(function (l) { wire(name, l); });
  });
  addLabels();
  labels.addTo(map);

  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "medway-legend");
    div.innerHTML = cfg.legend;   // built and escaped in Python (geo/webmap.py)
    return div;
  };
  legend.addTo(map);
  if (cfg.sample) {
    var badge = L.control({position: "topright"});
    badge.onAdd = function () {
      var div = L.DomUtil.create("div", "medway-badge");
      div.textContent = "Illustrative sample data — not real practices or figures";
      return div;
    };
    badge.addTo(map);
  }

  function styleOf(layer) { return layer.feature.properties.style; }

  var medway = {
    map: map,
    layers: layers,
    counts: function () {
      var out = {};
      Object.keys(index).forEach(function (n) { out[n] = Object.keys(index[n]).length; });
      Object.keys(overlays).forEach(function (n) { out[n] = overlays[n].getLayers().length; });
      out.labels = labels.getLayers().length;
      return out;
    },
    visibleCounts: function () {
      var out = {};
      Object.keys(layers).forEach(function (n) {
        var c = 0;
        if (map.hasLayer(layers[n])) { layers[n].eachLayer(function () { c++; }); }
        out[n] = c;
      });
      return out;
    },
    setVisible: function (name, on) {
      var lyr = layers[name] || overlays[name];
      hidden[name] = !on;          // remembered for overlays drawn later
      if (!lyr) { return false; }
      if (on && !map.hasLayer(lyr)) { map.addLayer(lyr); }
      if (!on && map.hasLayer(lyr)) { map.removeLayer(lyr); }
      if (name === "localities") {
        if (on) { labels.addTo(map); } else { map.removeLayer(labels); }
      }
      medway.raise();
      return map.hasLayer(lyr);
    },
    isVisible: function (name) {
      var lyr = layers[name] || overlays[name];
      return !!lyr && map.hasLayer(lyr);
    },
    raise: function () {
      ["housing", "practices", "hubs"].forEach(function (n) {
        if (map.hasLayer(layers[n])) { layers[n].bringToFront(); }
      });
    },
    select: function (name, id) {
      medway.clearSelection();
      var l = index[name] && index[name][id];
      if (!l) { return false; }
      selected = {layer: name, id: id};
      var hl = {color: "#ffd600", weight: 5, opacity: 1};
      if (l.setStyle) { l.setStyle(hl); }
      if (l.bringToFront) { l.bringToFront(); }
      return true;
    },
    selectAndShow: function (name, id) {
      var ok = medway.select(name, id);
      var l = ok && index[name][id];
      if (l && l.getLatLng && !map.getBounds().contains(l.getLatLng())) {
        map.panTo(l.getLatLng());
      }
      return ok;
    },
    clearSelection: function () {
      if (selected) {
        var l = index[selected.layer][selected.id];
        if (l && l.setStyle) { l.setStyle(styleOf(l)); }
      }
      selected = null;
    },
    selected: function () { return selected; },
    styleOf: function (name, id) {
      var l = index[name] && index[name][id];
      return l ? l.options : null;
    },
    /* Replace the per-feature styles of a layer: {id: styleObject}. No page reload. */
    restyle: function (name, styles) {
      Object.keys(styles).forEach(function (id) {
        var l = index[name][id];
        if (!l) { return; }
        l.feature.properties.style = Object.assign({}, styleOf(l), styles[id]);
        l.setStyle(l.feature.properties.style);
      });
      if (selected && selected.layer === name) { medway.select(name, selected.id); }
      return true;
    },
    /* Update tooltip rows of features: {id: [[label, value], ...]}. */
    retip: function (name, tips) {
      Object.keys(tips).forEach(function (id) {
        var l = index[name][id];
        if (l) { l.feature.properties.tip = tips[id]; }
      });
      return true;
    },
    /* Replace a whole base layer's data (e.g. hubs moved or added). */
    replaceLayer: function (name, geojson) {
      var lyr = layers[name];
      var sel = selected;
      lyr.clearLayers();
      index[name] = {};
      lyr.addData(geojson);
      lyr.eachLayer(function (l) {
        wire(name, l);
        if (medway._wireEditing) { medway._wireEditing(name, l); }
        l.setStyle && l.setStyle(styleOf(l));
      });
      if (name === "localities") { addLabels(); }
      if (sel && sel.layer === name) { medway.select(name, sel.id); }
      medway.raise();
      return Object.keys(index[name]).length;
    },
    /* Extra layers drawn over the base map: group hulls, catchments, choropleths. */
    setOverlay: function (name, geojson, interactive) {
      medway.removeOverlay(name);
      var o = L.geoJSON(geojson, {
        style: function (f) { return f.properties.style || {}; },
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties.style || {}); },
        interactive: interactive !== false,
        onEachFeature: function (f, l) {
          if (f.properties.label) {  /* a group's name and size, always shown */
            l.bindTooltip(document.createTextNode(f.properties.label),
                          {permanent: true, direction: "center", interactive: false,
                           className: "medway-label medway-group-label"});
            return;
          }
          if (f.properties.tip) { l.bindTooltip(function () { return tipNode(f.properties.tip); }, {sticky: true}); }
          l.on("click", function () {
            if (bridge && f.properties.id !== undefined) { bridge.featureClicked(name, String(f.properties.id)); }
          });
        }
      });
      overlays[name] = o;
      if (!hidden[name]) { o.addTo(map); if (o.bringToBack) { o.bringToBack(); } }
      var base = layers.localities;
      if (base && map.hasLayer(base)) { base.bringToBack(); }
      medway.raise();
      return o.getLayers().length;
    },
    removeOverlay: function (name) {
      if (overlays[name]) { map.removeLayer(overlays[name]); delete overlays[name]; }
      return true;
    },
    zoom: function (delta) { map.setZoom(map.getZoom() + delta); return map.getZoom(); },
    fit: function () { map.fitBounds(layers.localities.getBounds(), {padding: [10, 10]}); return true; },
    /* For tests and keyboard users: act as if the feature was clicked. */
    click: function (name, id) {
      var l = index[name] && index[name][id];
      if (!l) { return false; }
      l.fire("click", {latlng: l.getLatLng ? l.getLatLng() : l.getBounds().getCenter()});
      return true;
    }
  };

  map.on("click", function (e) {
    if (bridge) { bridge.mapClicked(e.latlng.lat, e.latlng.lng); }
  });

  /* Dragging points of one layer (hubs) while editing: circle markers are not draggable
   * in Leaflet, so pan is paused during a drag and positions stream to Python. */
  var dragLayer = null, dragging = null, lastSent = 0;
  medway.setDraggable = function (name) { dragLayer = name || null; return true; };
  function startDrag(name, id, e) {
    if (name !== dragLayer) { return; }
    dragging = {name: name, id: id};
    map.dragging.disable();
    L.DomEvent.stop(e);
  }
  map.on("mousemove", function (e) {
    if (!dragging) { return; }
    var l = index[dragging.name][dragging.id];
    l.setLatLng(e.latlng);
    var now = Date.now();
    if (bridge && now - lastSent > 60) {
      lastSent = now;
      bridge.featureDragged(dragging.name, String(dragging.id), e.latlng.lat, e.latlng.lng, false);
    }
  });
  map.on("mouseup", function (e) {
    if (!dragging) { return; }
    var d = dragging; dragging = null;
    map.dragging.enable();
    var ll = index[d.name][d.id].getLatLng();
    if (bridge) { bridge.featureDragged(d.name, String(d.id), ll.lat, ll.lng, true); }
  });
  medway.moveFeature = function (name, id, lat, lng) {
    var l = index[name] && index[name][id];
    if (!l || !l.setLatLng) { return false; }
    l.setLatLng([lat, lng]);
    return true;
  };
  function wireEditing(name, l) {
    var id = l.feature.properties.id;
    l.on("mousedown", function (e) { startDrag(name, id, e); });
    l.on("contextmenu", function (e) {
      L.DomEvent.stop(e);
      if (bridge) { bridge.featureContextMenu(name, String(id)); }
    });
  }
  Object.keys(layers).forEach(function (n) {
    layers[n].eachLayer(function (l) { wireEditing(n, l); });
  });
  medway._wireEditing = wireEditing;

  /* ---- Map context: roads, rivers, railways and place names (geo/roads_map.py) ----
   * Its own pane under the planning layers (overlays are at z-index 400), drawn on one
   * canvas, never clickable; the level of detail follows the zoom. Shown and hidden as the
   * "context" layer through setVisible like any overlay. */
  (function contextLayer() {
    var ctx = cfg.context;
    if (!ctx) { return; }
    var pane = map.createPane("medwayContext");
    pane.style.zIndex = 250;
    pane.style.pointerEvents = "none";
    var renderer = L.canvas({pane: "medwayContext", padding: 0.3});
    var group = L.layerGroup();
    var built = {};
    var current = -1;
    function levelFor(zoom) {
      var k = 0;
      ctx.levels.forEach(function (lv, i) { if (zoom >= lv.minZoom) { k = i; } });
      return k;
    }
    function placeLabel(p) {
      var span = document.createElement("span");
      span.textContent = p[2];
      var icon = L.divIcon({className: "medway-place medway-place-" + p[3], html: span,
                            iconSize: null});
      return L.marker([p[0], p[1]], {icon: icon, interactive: false, keyboard: false,
                                     pane: "medwayContext"});
    }
    function build(i) {
      if (!built[i]) {
        var lv = ctx.levels[i];
        var lines = L.geoJSON(lv.lines, {
          pane: "medwayContext", renderer: renderer, interactive: false,
          style: function (f) { return ctx.styles[f.properties.kind] || {}; }
        });
        built[i] = L.layerGroup([lines, L.layerGroup(lv.places.map(placeLabel))]);
      }
      return built[i];
    }
    function show(force) {
      var i = levelFor(map.getZoom());
      if (i === current && !force) { return; }
      group.clearLayers();
      group.addLayer(build(i));
      current = i;
    }
    map.on("zoomend", function () { show(false); });
    show(true);
    overlays.context = group;
    if (!hidden.context) { group.addTo(map); }
    medway.contextLevel = function () { return current; };
    medway.contextCounts = function () {
      var lv = ctx.levels[Math.max(current, 0)];
      return {level: current, lines: lv.lines.features.length, places: lv.places.length,
              shown: map.hasLayer(group)};
    };
    /* Milliseconds to rebuild and repaint the context at the current view (benchmark). */
    medway.contextRedrawMs = function () {
      var t0 = performance.now();
      built = {};
      show(true);
      if (renderer._redraw) { renderer._redraw(); }
      return performance.now() - t0;
    };
  })();

  window.medway = medway;
  if (typeof QWebChannel !== "undefined" && typeof qt !== "undefined") {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      medway.bridge = bridge;
      bridge.pageReady(JSON.stringify(medway.counts()));
    });
  }
})();
