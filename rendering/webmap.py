"""Build the offline Leaflet map (folium) of a dataset: one GeoJSON layer per map layer.

No tile server and no CDN: Leaflet comes from the xstatic-leaflet package, linked by file
URI for the app or inlined for a standalone export. Each feature carries ``id``, ``style``
(applied by folium) and ``tip`` (label/value pairs the page renders as text, never as
HTML). resources/map_glue.js turns the folium layers into a small page API (``medway``)
that the app drives through QWebChannel / runJavaScript.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from geo.dataset import is_branch
from rendering.map_layers.spec import collection, point
from rendering.warm_map import RESOURCES, leaflet_dir

LOCALITY_COLOURS = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd"]
PRACTICE_COLOUR = "#1f4e9c"
HOUSING_COLOUR = "#e8590c"
EXCLUDED_COLOUR = "#9e9e9e"
HUB_COLOUR = "#6a1b9a"
# Fixed symbol scales (display only, not planning figures): a circle's area is proportional
# to what it stands for against one fixed reference, so editing one list size or one site's
# dwellings never resizes the others.
PRACTICE_REF_PATIENTS, PRACTICE_REF_RADIUS = 10_000, 12.0   # px for 10,000 patients
HOUSING_REF_DWELLINGS, HOUSING_REF_RADIUS = 1_000, 10.0     # px for 1,000 dwellings
FIND_ZOOM = 15               # zoom the Find box shows a point at
WARD_LABEL_ZOOM = 12.5       # ward names appear from this zoom in

# Which layers the page draws, their titles, legends and tips: rendering/map_layers/registry.py.


def _fmt(n) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "unknown"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def _scaled_radius(value: float, reference: float, ref_radius: float, least: float) -> float:
    """Circle area ∝ value on a fixed scale (radius ∝ √value); unknown draws the least."""
    if value is None or value != value:
        return least
    return max(least, ref_radius * math.sqrt(max(float(value), 0.0) / reference))


def practice_radius(list_size: float) -> float:
    return _scaled_radius(list_size, PRACTICE_REF_PATIENTS, PRACTICE_REF_RADIUS, 3.0)


def practice_style(list_size: float, branch: bool, colour: str = PRACTICE_COLOUR) -> dict:
    if branch:
        return {"radius": 4.5, "color": colour, "weight": 2, "fill": True, "fillColor": "#ffffff",
                "fillOpacity": 1.0, "dashArray": "2 2"}
    return {"radius": practice_radius(list_size), "color": "#ffffff", "weight": 1,
            "fill": True, "fillColor": colour, "fillOpacity": 0.85}


def hub_style(status: str) -> dict:
    return {"fill": True, **_hub_style(status)}


def _hub_style(status: str) -> dict:
    if status == "existing":
        return {"radius": 11, "color": "#ffffff", "weight": 3, "fillColor": HUB_COLOUR,
                "fillOpacity": 1.0}
    if status == "planned":
        return {"radius": 11, "color": HUB_COLOUR, "weight": 3, "fillColor": "#ffffff",
                "fillOpacity": 1.0, "dashArray": "4 3"}
    return {"radius": 10, "color": HUB_COLOUR, "weight": 2, "fillColor": "#e1bee7",
            "fillOpacity": 1.0, "dashArray": "2 3"}


def housing_style(dwellings: float, included: bool) -> dict:
    return {"fill": True, **_housing_style(dwellings, included)}


def _housing_style(dwellings: float, included: bool) -> dict:
    radius = _scaled_radius(dwellings, HOUSING_REF_DWELLINGS, HOUSING_REF_RADIUS, 4.0)
    if included:
        return {"radius": radius, "color": "#7f2704", "weight": 1, "fillColor": HOUSING_COLOUR,
                "fillOpacity": 0.75}
    return {"radius": radius, "color": "#616161", "weight": 1.5, "fillColor": EXCLUDED_COLOUR,
            "fillOpacity": 0.35, "dashArray": "4 3"}


def locality_style(index: int, population: float, band=None) -> dict:
    """A locality's outline: red and dashed when its population is outside ``band`` (the
    plan's locality target, from the assumptions; None = not judged)."""
    out_of_band = band is not None and not (band[0] <= population <= band[1])
    return {"color": "#c62828" if out_of_band else "#424242",
            "weight": 2.5 if out_of_band else 1.5,
            "dashArray": "6 4" if out_of_band else None,
            "fillColor": LOCALITY_COLOURS[index % len(LOCALITY_COLOURS)],
            "fillOpacity": 0.30}


# ---------------------------------------------------------------- layers → GeoJSON

def locality_features(ds, band=None) -> dict:
    pop = ds.practices.groupby("locality")["list_size"].sum()
    feats = []
    for i, row in enumerate(ds.localities.itertuples()):
        n = float(pop.get(row.name, 0))
        label_pt = row.geometry.representative_point()
        flag = "" if band is None or band[0] <= n <= band[1] else \
            f" (outside {band[0]:,.0f}–{band[1]:,.0f})"
        feats.append({
            "type": "Feature", "geometry": row.geometry.__geo_interface__,
            "properties": {
                "id": row.name, "name": row.name, "style": locality_style(i, n, band),
                "label": [label_pt.y, label_pt.x],
                "tip": [["Locality", row.name],
                        ["Registered patients", _fmt(n) + flag]],
            }})
    return collection(feats)


def practice_features(ds) -> dict:
    p = ds.practices
    names = dict(zip(p["practice_code"], p["name"]))
    feats = []
    for row in p.itertuples(index=False):
        branch = row.parent_code != ""
        tip = [["Branch surgery" if branch else "Practice", row.name],
               ["Code", row.practice_code]]
        if branch:
            tip.append(["Branch of", f"{names.get(row.parent_code, '')} ({row.parent_code})"])
        else:
            tip.append(["Registered patients", _fmt(row.list_size)])
            tip.append(["GP WTE", _fmt(row.gp_wte)])
        tip.append(["Locality", row.locality or "outside every locality"])
        feats.append({"type": "Feature", "geometry": point(row.longitude, row.latitude),
                      "properties": {"id": row.practice_code, "name": row.name,
                                     "branch": branch,
                                     "style": practice_style(row.list_size, branch),
                                     "tip": tip}})
    return collection(feats)


def branch_link_features(ds) -> dict:
    p = ds.practices.set_index("practice_code")
    feats = []
    for code, row in p[is_branch(p)].iterrows():
        parent = p.loc[row["parent_code"]]
        feats.append({"type": "Feature",
                      "geometry": {"type": "LineString", "coordinates": [
                          [float(row["longitude"]), float(row["latitude"])],
                          [float(parent["longitude"]), float(parent["latitude"])]]},
                      "properties": {"id": code, "style": {
                          "color": PRACTICE_COLOUR, "weight": 1.5, "opacity": 0.7,
                          "dashArray": "3 4"},
                          "tip": [["Branch link", f"{row['name']} → {parent['name']}"]]}})
    return collection(feats)


def housing_features(ds) -> dict:
    h = ds.housing
    feats = []
    for row in h.itertuples(index=False):
        tip = [["Housing site", row.name], ["Dwellings", _fmt(row.dwellings)],
               ["Status", row.status or "—"],
               ["In projections", "yes" if row.include else "no (excluded)"],
               ["Locality", row.locality or "outside every locality"]]
        feats.append({"type": "Feature", "geometry": point(row.longitude, row.latitude),
                      "properties": {"id": row.site_id, "name": row.name,
                                     "style": housing_style(row.dwellings, bool(row.include)),
                                     "tip": tip}})
    return collection(feats)


def hub_features(ds) -> dict:
    feats = []
    for row in ds.hubs.itertuples(index=False):
        cap = row.capacity_patients
        tip = [["Hub", row.name], ["Status", row.status],
               ["Locality", row.locality or "outside every locality"],
               ["Capacity (patients)", _fmt(cap) if cap == cap else "not set"]]
        feats.append({"type": "Feature", "geometry": point(row.longitude, row.latitude),
                      "properties": {"id": row.hub_id, "name": row.name,
                                     "status": row.status, "style": hub_style(row.status),
                                     "tip": tip}})
    return collection(feats)



# ---------------------------------------------------------------- the page

class _Glue(MacroElement):
    """Runs after the layers exist: config, then resources/map_glue.js."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var medwayConfig = {{ this.config }};
        {{ this.glue }}
        {% endmacro %}
    """)

    def __init__(self, config: dict, glue: str):
        super().__init__()
        self._name = "MedwayGlue"
        self.config = json.dumps(config, default=json_default).replace("</", "<\\/")
        self.glue = glue


def build_map(ds, *, inline: bool = False, bridge: bool = True, band=None) -> folium.Map:
    """The folium map of a dataset. ``inline`` embeds Leaflet (for a standalone HTML file);
    ``bridge`` adds the QWebChannel script the desktop app talks through; ``band`` is the
    locality population target the outlines are judged on (the plan's assumption)."""
    minx, miny, maxx, maxy = ds.localities.total_bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12,
                   tiles=None, control_scale=True, prefer_canvas=False,
                   zoom_snap=0.25, zoom_delta=0.5)
    leaflet = leaflet_dir()
    if inline:
        m.default_js, m.default_css = [], []
        js = (leaflet / "leaflet.js").read_text(encoding="utf-8")
        css = (leaflet / "leaflet.css").read_text(encoding="utf-8")
        m.get_root().header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
        m.get_root().header.add_child(Element(f"<script>{js}</script>"), name="leaflet")
    else:
        # On the instance, never the class (docs/design.md §7): folium's lists are module-level.
        m.default_js = [("leaflet", (leaflet / "leaflet.js").as_uri())]
        m.default_css = [("leaflet_css", (leaflet / "leaflet.css").as_uri())]
    if bridge:
        m.get_root().header.add_child(
            Element('<script src="qrc:///qtwebchannel/qwebchannel.js"></script>'),
            name="qwebchannel")
    css = (RESOURCES / "map.css").read_text(encoding="utf-8")
    m.get_root().header.add_child(Element(f"<style>{css}</style>"), name="medway_css")
    from rendering.map_layers.registry import (BASE_LAYERS, LEGEND_ORDER, layer,
                                               legend_sections)
    names = {}
    for name in BASE_LAYERS:
        spec = layer(name)
        data = spec.features(ds, band) if name == "localities" else spec.features(ds)
        gj = folium.GeoJson(data, name=spec.title,
                            marker=folium.CircleMarker(radius=6), control=False)
        gj.add_to(m)
        names[name] = gj.get_name()
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(10, 10))
    config = {"map": m.get_name(), "layers": names, "legend": legend_sections(band),
              "legendOrder": LEGEND_ORDER, "wards": layer("wards").features(ds),
              "wardLabelZoom": WARD_LABEL_ZOOM, "findZoom": FIND_ZOOM,
              "sample": bool(ds.is_sample), "label": ds.label}
    config.update(context_config(ds))
    _Glue(config, (RESOURCES / "map_glue.js").read_text(encoding="utf-8")).add_to(m)
    return m


def write_map_html(ds, path: str | Path, *, inline: bool = False, bridge: bool = True,
                   band=None) -> Path:
    path = Path(path)
    build_map(ds, inline=inline, bridge=bridge, band=band).save(str(path))
    return path


def layer_json(ds, name: str) -> str:
    """One base layer's GeoJSON as text, for replacing it in a live page."""
    from rendering.map_layers.registry import layer
    return json.dumps(layer(name).features(ds), default=json_default)


def json_default(value):
    """numpy numbers and booleans (from pandas) as plain JSON values."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# ---------------------------------------------------------------- groups on the map

# Kelly's 22 colours of maximum contrast (K. L. Kelly, 1965), less white/black/greys:
# stays distinguishable for 12+ groups, unlike most sequential palettes.
GROUP_PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
                 "#f032e6", "#9a6324", "#800000", "#469990", "#808000", "#000075",
                 "#bfef45", "#ffe119", "#dcbeff", "#aaffc3", "#fabed4", "#ffd8b1"]


def group_colours(names) -> dict[str, str]:
    ordered = sorted(set(names), key=lambda n: (len(str(n)), str(n)))
    return {n: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, n in enumerate(ordered)}


def group_practice_styles(ds, per_site: dict[str, str]) -> dict[str, dict]:
    """Practice marker styles coloured by group; ``per_site`` maps every site code (branches
    included) to its group. Ungrouped sites keep the default colour."""
    colours = group_colours(g for g in per_site.values() if g)
    styles = {}
    for row in ds.practices.itertuples(index=False):
        branch = row.parent_code != ""
        colour = colours.get(per_site.get(row.practice_code), PRACTICE_COLOUR)
        styles[row.practice_code] = practice_style(row.list_size, branch, colour)
    return styles


# ---------------------------------------------------------------- map context (roads)
# Roads, rivers, railways and place names from the data folder's roads.gpkg (geo/roads.py),
# drawn by map_glue.js's context block beneath everything else; absent without a road layer.
CONTEXT_LAYER = "context"


def road_layers_of(ds):
    """The dataset folder's road layer, or None (no file, or one that cannot be read: the
    map then shows what it always did)."""
    from geo.errors import DataError
    from geo.roads import load_roads
    try:
        return load_roads(ds.folder)
    except DataError:
        return None


def context_config(ds) -> dict:
    """The page's ``context`` (levels of detail and styles) and its legend section."""
    from rendering.roads_map import context_payload, roads_section
    layers = road_layers_of(ds)
    return {"context": context_payload(layers), "contextLegend": roads_section(layers)}
