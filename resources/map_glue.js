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
  var editing = false;   // "Edit hubs on the map": a click on land adds a hub
  var POINT_LAYERS = {practices: true, housing: true, hubs: true};

  /* Panes, bottom to top: wards < areas (localities, polygon overlays) <
   * labels < Leaflet's overlayPane (lines and point symbols, z 400). Labels therefore
   * never cover a practice, hub, housing or suggested-site symbol. */
  [["medwayWards", 330], ["medwayAreas", 350], ["medwayLabels", 380]].forEach(function (p) {
    var pane = map.createPane(p[0]);
    pane.style.zIndex = p[1];
    if (p[0] === "medwayLabels") { pane.style.pointerEvents = "none"; }
  });

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
      if (editing && name !== "hubs") { landClick(e); return; }
      medway.select(name, p.id);
      if (bridge) { bridge.featureClicked(name, String(p.id)); }
    });
  }

  function addLabels() {
    labels.clearLayers();
    layers.localities.eachLayer(function (l) {
      var p = l.feature.properties;
      var t = L.tooltip({permanent: true, direction: "center", className: "medway-label",
                         interactive: false, pane: "medwayLabels"});
      t.setLatLng(p.label);
      t.setContent(document.createTextNode(p.name));
      labels.addLayer(t);
    });
  }

  function styleFn(f) { return f.properties.style || {}; }
  function inPane(name, pane) {
    /* Re-create a folium layer in one of our panes (folium has no per-layer pane option). */
    var src = window[cfg.layers[name]];
    var gj = src.toGeoJSON();
    map.removeLayer(src);
    return L.geoJSON(gj, {pane: pane, style: styleFn}).addTo(map);
  }
  Object.keys(cfg.layers).forEach(function (name) {
    layers[name] = name === "localities" ? inPane(name, "medwayAreas") : window[cfg.layers[name]];
    index[name] = {};
    layers[name].eachLayer(function (l) { wire(name, l); });
  });
  addLabels();
  labels.addTo(map);
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
      Object.keys(overlays).forEach(function (n) {
        out[n] = overlays[n].getLayers().filter(function (l) { return !!l.feature; }).length;
      });
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
      if (medway.setLegend) { drawLegend(); medway.placeLegend(); }
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
    /* Polygons go under the labels (areas pane), points above them. A feature's
     * ``label`` ([lat, lng, text]) is written on the map; ``legend`` is the layer's
     * legend section. ``visible`` is the layer's tick box. */
    setOverlay: function (name, geojson, interactive, visible, legendSection) {
      medway.removeOverlay(name);
      if (visible !== undefined && visible !== null) { hidden[name] = !visible; }
      var names = L.layerGroup();
      var o = L.geoJSON(geojson, {
        style: function (f) { return f.properties.style || {}; },
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties.style || {}); },
        interactive: interactive !== false,
        onEachFeature: function (f, l) {
          if (f.geometry && f.geometry.type.indexOf("Polygon") >= 0) { l.options.pane = "medwayAreas"; }
          if (typeof f.properties.label === "string") {  /* a group's name and size, always shown */
            l.bindTooltip(document.createTextNode(f.properties.label),
                          {permanent: true, direction: "center", interactive: false,
                           className: "medway-label medway-group-label"});
            return;
          }
          if (f.properties.tip) { l.bindTooltip(function () { return tipNode(f.properties.tip); }, {sticky: true}); }
          if (Array.isArray(f.properties.label)) {   /* [lat, lng, text], e.g. catchments */
            var t = L.tooltip({permanent: true, direction: "center", interactive: false,
                               className: "medway-overlay-label", pane: "medwayLabels"});
            t.setLatLng([f.properties.label[0], f.properties.label[1]]);
            t.setContent(document.createTextNode(f.properties.label[2]));
            names.addLayer(t);
          }
          l.on("click", function (e) {
            if (e.originalEvent) { L.DomEvent.stopPropagation(e); }
            if (editing) { landClick(e); return; }
            if (bridge && f.properties.id !== undefined) { bridge.featureClicked(name, String(f.properties.id)); }
          });
        }
      });
      o.addLayer(names);
      overlays[name] = o;
      if (legendSection) { sections[name] = legendSection; }
      if (!hidden[name]) { o.addTo(map); }
      medway.raise();
      if (medway.setLegend) { drawLegend(); }
      return o.getLayers().length - 1;
    },
    overlayLabels: function (name) {
      var out = [];
      if (!overlays[name]) { return out; }
      overlays[name].eachLayer(function (l) {
        if (l.eachLayer && !l.feature) {
          l.eachLayer(function (t) { if (map.hasLayer(t)) { out.push(t.getElement().textContent); } });
        }
      });
      return out;
    },
    removeOverlay: function (name) {
      if (overlays[name]) { map.removeLayer(overlays[name]); delete overlays[name]; }
      if (medway.setLegend) { drawLegend(); }
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

  map.on("click", function (e) { landClick(e); });
  // Right-click on the map: the window's menu for that place ("New application here…").
  map.on("contextmenu", function (e) {
    if (bridge && bridge.mapContextMenu) { bridge.mapContextMenu(e.latlng.lat, e.latlng.lng); }
  });

  /* Dragging points of one layer (hubs) while editing: circle markers are not draggable
   * in Leaflet, so pan is paused during a drag and positions stream to Python. */
  var dragLayer = null, dragging = null, lastSent = 0;
  medway.setDraggable = function (name) { dragLayer = name || null; editing = !!name; return true; };
  function startDrag(name, id, e) {
    if (name !== dragLayer) { return; }
    dragging = {name: name, id: id, from: e.containerPoint, moved: false};
    map.dragging.disable();
    L.DomEvent.stop(e);
  }
  map.on("mousemove", function (e) {
    if (!dragging) { return; }
    /* A click on a hub (the mouse still within 4 px) is not a move: nothing is sent. */
    if (!dragging.moved && dragging.from && e.containerPoint.distanceTo(dragging.from) < 4) {
      return;
    }
    dragging.moved = true;
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
    if (!d.moved) { return; }
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
      // an area (locality, catchment…) is also a place: the window's menu for it
      if (bridge && bridge.mapContextMenu && !l.getLatLng) {
        bridge.mapContextMenu(e.latlng.lat, e.latlng.lng);
      }
    });
  }
  Object.keys(layers).forEach(function (n) {
    layers[n].eachLayer(function (l) { wireEditing(n, l); });
  });
  medway._wireEditing = wireEditing;

  /* ---- Map context: roads, rivers, railways and place names (rendering/roads_map.py) ----
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

  /* ---------------------------------------------------------- edit mode */
  function landClick(e) {
    if (bridge) { bridge.mapClicked(e.latlng.lat, e.latlng.lng); }
  }
  medway.setEditing = function (on) { editing = !!on; return editing; };
  medway.isEditing = function () { return editing; };

  /* ---------------------------------------------------------- wards (orientation) */
  var wards = null, wardLabels = L.layerGroup();
  index.wards = {};
  if (cfg.wards && cfg.wards.features.length) {
    wards = L.geoJSON(cfg.wards, {pane: "medwayWards", style: styleFn, interactive: false});
    wards.eachLayer(function (l) {
      var p = l.feature.properties;
      index.wards[p.id] = l;
      var t = L.tooltip({permanent: true, direction: "center", className: "medway-ward-label",
                         interactive: false, pane: "medwayLabels"});
      t.setLatLng(p.label);
      t.setContent(document.createTextNode(p.name));
      wardLabels.addLayer(t);
    });
    overlays.wards = wards;
    if (!hidden.wards) { wards.addTo(map); }
    var showWardNames = function () {
      var on = map.hasLayer(wards) && map.getZoom() >= cfg.wardLabelZoom;
      if (on && !map.hasLayer(wardLabels)) { wardLabels.addTo(map); }
      if (!on && map.hasLayer(wardLabels)) { map.removeLayer(wardLabels); }
    };
    map.on("zoomend layeradd layerremove", showWardNames);
    showWardNames();
  }

  /* ---------------------------------------------------------- legend */
  // One section per layer; a section shows only while its layer is on the map.
  var sections = {};
  cfg.legend.forEach(function (s) { sections[s.layer] = s; });
  if (cfg.contextLegend) { sections.context = cfg.contextLegend; }
  var legendBox = null, legendBody = null, collapsed = false;
  function swatch(spec) {
    var el = document.createElement("span");
    el.className = "medway-swatch medway-swatch-" + (spec.shape || "circle");
    var size = spec.size || 12;
    el.style.width = (spec.shape === "line" ? 18 : size) + "px";
    el.style.height = (spec.shape === "line" ? 0 : size) + "px";
    el.style.background = spec.shape === "line" ? "transparent" : (spec.fill || "transparent");
    var border = (spec.width || 2) + "px " + (spec.dash ? "dashed " : "solid ") +
                 (spec.stroke || "#424242");
    if (spec.shape === "line") { el.style.borderTop = border; } else { el.style.border = border; }
    return el;
  }
  function drawLegend() {
    if (!legendBody) { return; }
    while (legendBody.firstChild) { legendBody.removeChild(legendBody.firstChild); }
    cfg.legendOrder.concat(Object.keys(sections).filter(function (n) {
      return cfg.legendOrder.indexOf(n) < 0;
    })).forEach(function (name) {
      var s = sections[name];
      if (!s || !medway.isVisible(name)) { return; }
      var h = document.createElement("div");
      h.className = "medway-legend-title";
      h.textContent = s.title;
      legendBody.appendChild(h);
      s.rows.forEach(function (r) {
        var row = document.createElement("div");
        row.appendChild(swatch(r[0]));
        row.appendChild(document.createTextNode(r[1]));
        legendBody.appendChild(row);
      });
    });
  }
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    if (legendBox) { return legendBox; }   // moved between corners: the same box
    var div = L.DomUtil.create("div", "medway-legend");
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    var head = document.createElement("button");
    head.className = "medway-legend-head";
    head.title = "Show or hide the legend";
    head.addEventListener("click", function (e) {
      L.DomEvent.stop(e);
      medway.setLegendCollapsed(!collapsed);
    });
    div.appendChild(head);
    if (cfg.sample) {
      var note = document.createElement("div");
      note.className = "medway-sample";
      note.textContent = "Illustrative sample data — not real";
      div.appendChild(note);
    }
    legendBody = document.createElement("div");
    legendBody.className = "medway-legend-body";
    div.appendChild(legendBody);
    legendBox = div;
    return div;
  };
  legend.addTo(map);
  var userChose = false;   // once the user opens or closes the legend, it stays so
  function showBody(open) {
    collapsed = !open;
    legendBox.querySelector(".medway-legend-head").textContent =
      collapsed ? "Legend ▸" : "Legend ▾";
    legendBody.style.display = collapsed ? "none" : "";
  }
  medway.setLegendCollapsed = function (on) {
    userChose = true;
    showBody(!on);
    medway.placeLegend();
    return collapsed;
  };
  medway.legendCollapsed = function () { return collapsed; };
  medway.legendText = function () { return legendBox ? legendBox.textContent : ""; };
  medway.setLegend = function (name, section) {
    if (section) { sections[name] = section; } else { delete sections[name]; }
    drawLegend();
    medway.placeLegend();
    return true;
  };

  /* Put the legend in the corner where it hides the fewest symbols and labels. */
  function hiddenUnder(rect) {
    var n = 0;
    function covered(x, y) {
      return x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom;
    }
    var box = map.getContainer().getBoundingClientRect();
    Object.keys(layers).forEach(function (name) {
      if (!map.hasLayer(layers[name])) { return; }
      layers[name].eachLayer(function (l) {
        if (!l.getLatLng) { return; }
        var p = map.latLngToContainerPoint(l.getLatLng());
        if (covered(p.x + box.left, p.y + box.top)) { n += 1; }
      });
    });
    labels.eachLayer(function (t) {
      var el = t.getElement();
      if (!el || !map.hasLayer(labels)) { return; }
      var r = el.getBoundingClientRect();
      if (covered((r.left + r.right) / 2, (r.top + r.bottom) / 2)) { n += 3; }
    });
    /* symbols and names drawn later: suggested sites, group and catchment labels */
    Object.keys(overlays).forEach(function (name) {
      if (!map.hasLayer(overlays[name])) { return; }
      overlays[name].eachLayer(function (l) {
        if (l.getLatLng && l.feature) {
          var p = map.latLngToContainerPoint(l.getLatLng());
          if (covered(p.x + box.left, p.y + box.top)) { n += 1; }
        }
      });
    });
    document.querySelectorAll(".medway-group-label").forEach(function (el) {
      if (el.style.visibility === "hidden" || el.style.opacity === "0") { return; }
      var r = el.getBoundingClientRect();
      if (covered((r.left + r.right) / 2, (r.top + r.bottom) / 2)) { n += 3; }
    });
    return n;
  }
  function bestCorner() {
    var best = null;
    ["bottomright", "topright", "bottomleft", "topleft"].forEach(function (pos) {
      legend.setPosition(pos);
      var n = hiddenUnder(legendBox.getBoundingClientRect());
      if (best === null || n < best.n) { best = {pos: pos, n: n}; }
    });
    legend.setPosition(best.pos);
    return best;
  }
  /* The corner that hides the fewest symbols and labels; until the user opens or closes
   * it, the legend starts closed when even the best corner would hide something. */
  /* Once closed because it would hide something, it stays closed until the planner opens
   * it: it never pops open by itself over the map after a pan or zoom. */
  var autoClosed = false;
  medway.placeLegend = function () {
    if (!legendBox) { return null; }
    if (userChose || autoClosed) { return bestCorner(); }
    showBody(true);
    var best = bestCorner();
    if (best.n > 0) { showBody(false); autoClosed = true; best = bestCorner(); }
    return best;
  };
  medway.legendPosition = function () { return legend.getPosition(); };
  /* What each corner would hide, for checking the choice (keeps the current corner). */
  medway.legendCorners = function () {
    var keep = legend.getPosition(), out = {};
    ["bottomright", "topright", "bottomleft", "topleft"].forEach(function (pos) {
      legend.setPosition(pos);
      out[pos] = hiddenUnder(legendBox.getBoundingClientRect());
    });
    legend.setPosition(keep);
    return out;
  };
  medway.legendTitles = function () {
    return Array.prototype.map.call(legendBox.querySelectorAll(".medway-legend-title"),
                                    function (e) { return e.textContent; });
  };
  medway.legendRect = function () {
    var r = legendBox.getBoundingClientRect(), c = map.getContainer().getBoundingClientRect();
    return {x: r.left - c.left, y: r.top - c.top, w: r.width, h: r.height};
  };
  /* Text labels that overlap a point symbol and would be drawn over it (stacking order of
   * their panes): the answer should always be empty. */
  medway.labelsOverSymbols = function () {
    function zOf(el) {
      while (el && el !== document.body) {
        if (el.classList && (el.classList.contains("leaflet-pane") &&
            !el.classList.contains("leaflet-map-pane"))) {
          return parseInt(getComputedStyle(el).zIndex, 10) || 0;
        }
        el = el.parentNode;
      }
      return 0;
    }
    var rects = [];
    document.querySelectorAll(".medway-label, .medway-overlay-label, .medway-ward-label")
      .forEach(function (el) { rects.push({el: el, r: el.getBoundingClientRect()}); });
    var clashes = [];
    var points = [];
    Object.keys(layers).forEach(function (n) {
      if (POINT_LAYERS[n] && map.hasLayer(layers[n])) {
        layers[n].eachLayer(function (l) { points.push(l); });
      }
    });
    Object.keys(overlays).forEach(function (n) {
      if (map.hasLayer(overlays[n])) {
        overlays[n].eachLayer(function (l) { if (l.getLatLng && l._path) { points.push(l); } });
      }
    });
    var overlaps = 0;
    points.forEach(function (l) {
      var pr = l._path.getBoundingClientRect();
      rects.forEach(function (t) {
        var r = t.r;
        var hit = pr.left < r.right && pr.right > r.left && pr.top < r.bottom && pr.bottom > r.top;
        if (!hit) { return; }
        overlaps += 1;
        if (zOf(t.el) >= zOf(l._path)) { clashes.push(t.el.textContent); }
      });
    });
    return {overlaps: overlaps, clashes: clashes, points: points.length, labels: rects.length};
  };
  var placeTimer = null;
  map.on("moveend zoomend resize", function () {
    clearTimeout(placeTimer);
    placeTimer = setTimeout(medway.placeLegend, 150);
  });

  /* ---------------------------------------------------------- labels that collide */
  /* Where two labels would print over each other, the less important one is hidden until
   * there is room (zoom in), as a GIS label engine does: group names, then locality names,
   * then overlay labels (hub names of catchments), then places, then wards. */
  var LABEL_ORDER = [".medway-group-label", ".medway-label", ".medway-overlay-label",
                     ".medway-place span", ".medway-ward-label"];
  function labelsByPriority() {
    var seen = new Set(), out = [];
    LABEL_ORDER.forEach(function (sel) {
      document.querySelectorAll(sel).forEach(function (el) {
        /* A label of a layer just replaced fades out (opacity 0) for 200 ms before Leaflet
         * removes it: it is not on the map, so it must not hide the labels replacing it. */
        if (seen.has(el) || el.style.opacity === "0") { return; }
        seen.add(el);
        out.push(el);
      });
    });
    return out;
  }
  function overlap(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }
  /* The hub symbols drawn over the box ``r`` (none while the hubs are hidden). */
  function hubsOver(r) {
    var out = [];
    if (!map.hasLayer(layers.hubs)) { return out; }
    layers.hubs.eachLayer(function (l) {
      var b = l._path && l._path.getBoundingClientRect();
      if (b && b.width && overlap(r, b)) { out.push(b); }
    });
    return out;
  }
  /* A locality name under a hub symbol ("G●llingham") moves just below the hub. */
  function nudgeLabels() {
    if (!map.hasLayer(labels)) { return 0; }
    var moved = 0;
    labels.eachLayer(function (t) {
      var el = t.getElement();
      if (!el) { return; }
      t.options.offset = L.point(0, 0);
      t.update();
      var r = el.getBoundingClientRect(), below = null;
      hubsOver(r).forEach(function (b) { below = Math.max(below || 0, b.bottom - r.top + 2); });
      if (below) { t.options.offset = L.point(0, below); t.update(); moved += 1; }
    });
    return moved;
  }
  medway.namesUnderHubs = function () {
    var n = 0;
    document.querySelectorAll(".medway-label:not(.medway-group-label)").forEach(function (el) {
      if (el.style.visibility === "hidden" || el.style.opacity === "0") { return; }
      n += hubsOver(el.getBoundingClientRect()).length;
    });
    return n;
  };
  medway.declutter = function () {
    nudgeLabels();
    /* A label is also hidden when a more important one already says the same name (the
     * town "Strood" beside the locality "Strood"). */
    var kept = [], said = new Set(), hid = 0;
    function clear(r) { return !kept.some(function (k) { return overlap(r, k); }); }
    labelsByPriority().forEach(function (el) {
      el.style.visibility = "";
      el.style.marginTop = el.style.marginLeft = "";
      var r = el.getBoundingClientRect();
      if (!r.width || !r.height) { return; }
      var name = el.textContent.trim().toLowerCase();
      if (!said.has(name) && movable(el) && (!clear(r) || hubsOver(r).length)) {
        r = shifted(el, r, clear);
      }
      if (said.has(name) || !clear(r)) {
        el.style.visibility = "hidden";
        hid += 1;
      } else {
        kept.push(r);
        said.add(name);
      }
    });
    return hid;
  };
  /* A locality's name that would print over another is tried a line above or below (and
   * half its width aside) before it is hidden: at 1366 px all six names fit that way. */
  function movable(el) {
    return el.classList.contains("medway-label") && !el.classList.contains("medway-group-label");
  }
  function shifted(el, r, clear) {
    var h = r.height + 2, w = r.width / 2;
    var tries = [[-h, 0], [h, 0], [-h, -w], [-h, w], [h, -w], [h, w], [0, -w], [0, w]];
    for (var i = 0; i < tries.length; i++) {
      el.style.marginTop = tries[i][0] + "px";
      el.style.marginLeft = tries[i][1] + "px";
      var moved = el.getBoundingClientRect();
      if (clear(moved) && !hubsOver(moved).length) { return moved; }   /* not "G●llingham" */
    }
    el.style.marginTop = el.style.marginLeft = "";
    return el.getBoundingClientRect();
  }
  /* Pairs of labels both shown and printed over each other (the answer should be 0). */
  medway.labelClashes = function () {
    var shown = labelsByPriority().filter(function (el) {
      return el.style.visibility !== "hidden" && el.getBoundingClientRect().width > 0;
    }).map(function (el) { return el.getBoundingClientRect(); });
    var n = 0;
    for (var i = 0; i < shown.length; i++) {
      for (var j = i + 1; j < shown.length; j++) { if (overlap(shown[i], shown[j])) { n += 1; } }
    }
    return n;
  };
  var declutterTimer = null;
  map.on("moveend zoomend resize layeradd layerremove", function () {
    clearTimeout(declutterTimer);
    declutterTimer = setTimeout(medway.declutter, 120);
  });

  /* ---------------------------------------------------------- find */
  medway.zoomTo = function (name, id) {
    var l = index[name] && index[name][id];
    if (!l) { return false; }
    function go() {
      if (l.getLatLng) {
        map.setView(l.getLatLng(), Math.max(map.getZoom(), cfg.findZoom));
      } else {
        map.fitBounds(l.getBounds(), {padding: [30, 30], maxZoom: cfg.findZoom});
      }
    }
    // A zoom still animating (e.g. the first fit) would swallow the jump: go after it.
    if (map._animatingZoom) { map.once("zoomend", go); } else { go(); }
    if (name !== "wards") { medway.select(name, id); }
    return true;
  };

  /* ---------------------------------------------------------- hover tips */
  /* A hover tip stays inside the map (never clipped at its edge) and goes when the mouse
   * leaves the map for a panel. */
  var placeTip = L.Tooltip.prototype._updatePosition;
  L.Tooltip.prototype._updatePosition = function () {
    placeTip.call(this);
    if (this.options.permanent || !this._container || !this._map) { return; }
    var el = this._container, pad = 6, dx = 0, dy = 0;
    el.style.translate = "";
    var box = this._map.getContainer().getBoundingClientRect();
    for (var pass = 0; pass < 3; pass++) {    /* re-measure: the shift can re-wrap the text */
      var r = el.getBoundingClientRect();
      var ex = r.right > box.right - pad ? box.right - pad - r.right :
               (r.left < box.left + pad ? box.left + pad - r.left : 0);
      var ey = r.top < box.top + pad ? box.top + pad - r.top :
               (r.bottom > box.bottom - pad ? box.bottom - pad - r.bottom : 0);
      if (!ex && !ey) { break; }
      dx += ex; dy += ey;
      el.style.translate = dx + "px " + dy + "px";
    }
  };
  medway.closeHoverTips = function () {
    var n = 0;
    map.eachLayer(function (l) {
      var t = l.getTooltip && l.getTooltip();
      if (t && !t.options.permanent && l.isTooltipOpen()) { l.closeTooltip(); n += 1; }
    });
    return n;
  };
  map.getContainer().addEventListener("mouseleave", medway.closeHoverTips);
  medway.hoverTipRect = function () {
    var el = document.querySelector(".leaflet-tooltip-pane .leaflet-tooltip:not(.medway-label)" +
                                    ":not(.medway-overlay-label):not(.medway-ward-label)");
    if (!el) { return null; }
    var r = el.getBoundingClientRect(), b = map.getContainer().getBoundingClientRect();
    return {left: r.left - b.left, top: r.top - b.top, right: r.right - b.left,
            bottom: r.bottom - b.top, width: b.width, height: b.height};
  };

  /* ---------------------------------------------------------- keep Medway in view */
  /* While the view is "all of Medway" (as loaded, or after Zoom to Medway), a resize of the
   * window or of a panel fits it again, so the south is never cut off on a small screen;
   * once the planner pans or zooms, the view is theirs. */
  var fitted = true, fitTimer = null;
  var fitAll = medway.fit;
  function own() { fitted = false; }
  medway.fit = function () { fitted = true; return fitAll(); };
  ["zoom", "zoomTo", "selectAndShow"].forEach(function (name) {
    var inner = medway[name];
    medway[name] = function () { own(); return inner.apply(medway, arguments); };
  });
  map.on("dragstart", own);
  map.on("dblclick", own);
  map.getContainer().addEventListener("wheel", own, {passive: true});
  map.on("resize", function () {
    if (!fitted) { return; }
    clearTimeout(fitTimer);
    fitTimer = setTimeout(function () { fitTimer = null; if (fitted) { fitAll(); } }, 120);
  });
  medway.isFitted = function () { return fitted; };
  /* Still moving: a re-fit waiting on its timer, or a zoom or pan animating. Tests wait for
   * a still map before they aim the mouse at a place. */
  medway.settling = function () {
    return fitTimer !== null || !!map._animatingZoom || !!(map._panAnim && map._panAnim._inProgress);
  };
  medway.viewSize = function () { var s = map.getSize(); return [s.x, s.y]; };
  medway.showsAllOfMedway = function () {
    return map.getBounds().pad(0.01).contains(layers.localities.getBounds());
  };

  drawLegend();
  showBody(true);
  medway.placeLegend();
  window.medway = medway;
  if (typeof QWebChannel !== "undefined" && typeof qt !== "undefined") {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      medway.bridge = bridge;
      // the page's own file name (map-<generation>.html): a late answer from a page
      // replaced since is told apart from the current one's
      bridge.pageReady(JSON.stringify(medway.counts()), location.pathname);
    });
  }
})();
