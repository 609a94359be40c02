"""Map context from the road layer: major roads, rivers/coastline, railways, stations and
place names, drawn faint beneath the planning layers (resources/map_glue.js, "context").

Drawn offline from roads.gpkg, prepared once per page in three levels of detail so that
redrawing Medway stays fast at any zoom: far (zoom < 12: motorways, trunk and A roads,
rivers, railways, towns), middle (zoom 12–13: + B and minor classified roads, stations,
villages and suburbs) and near (zoom 14+: + hamlets, finer geometry). Each level merges the
lines of one kind into a single MultiLineString, simplified to roughly a pixel at that
zoom, so Leaflet's canvas draws a handful of features rather than thousands.
"""
from __future__ import annotations

import html

import geopandas as gpd
import shapely

from geo.crs import WGS84
from rendering.map_layers.spec import stroke

# (first zoom of the level, road classes, place kinds, simplify tolerance in metres)
LEVELS = (
    (0, ("motorway", "trunk", "primary"), ("city", "town"), 40.0),
    (12, ("motorway", "trunk", "primary", "secondary", "tertiary"),
     ("city", "town", "village", "suburb", "station"), 12.0),
    (14, ("motorway", "trunk", "primary", "secondary", "tertiary"),
     ("city", "town", "village", "suburb", "hamlet", "station"), 3.0),
)
# Faint by design: the planning layers stay the thing the eye goes to.
CONTEXT_STYLES = {
    "motorway": {"color": "#9c7d5a", "weight": 3.0, "opacity": 0.55},
    "trunk": {"color": "#a88f6e", "weight": 2.6, "opacity": 0.5},
    "primary": {"color": "#b3a083", "weight": 2.2, "opacity": 0.5},
    "secondary": {"color": "#bdb19b", "weight": 1.6, "opacity": 0.45},
    "tertiary": {"color": "#c4bcae", "weight": 1.2, "opacity": 0.45},
    "river": {"color": "#7fa7c9", "weight": 3.0, "opacity": 0.6},
    "canal": {"color": "#7fa7c9", "weight": 1.5, "opacity": 0.6},
    "coastline": {"color": "#6f97ba", "weight": 1.5, "opacity": 0.6},
    "rail": {"color": "#8a8a8a", "weight": 1.5, "opacity": 0.55, "dashArray": "6 3"},
    "light_rail": {"color": "#8a8a8a", "weight": 1.0, "opacity": 0.55, "dashArray": "4 3"},
}
CONTEXT_TITLE = "Roads, rivers, railways and places"


def _merged(frame: gpd.GeoDataFrame, column: str, kinds, tolerance: float) -> list[dict]:
    feats = []
    for kind in kinds:
        part = frame[frame[column] == kind]
        if part.empty:
            continue
        merged = shapely.line_merge(shapely.union_all(part.geometry.values))
        merged = shapely.simplify(merged, tolerance, preserve_topology=False)
        if merged.is_empty:
            continue
        geom = gpd.GeoSeries([merged], crs=frame.crs).to_crs(WGS84).iloc[0]
        geom = shapely.set_precision(geom, 1e-5)
        feats.append({"type": "Feature", "geometry": geom.__geo_interface__,
                      "properties": {"kind": kind}})
    return feats


def _places(places: gpd.GeoDataFrame, kinds) -> list[list]:
    p = places[places["kind"].isin(kinds)]
    if p.empty:
        return []
    ll = p.to_crs(WGS84).geometry
    return [[round(float(g.y), 5), round(float(g.x), 5), str(n), str(k)]
            for g, n, k in zip(ll, p["name"], p["kind"])]


def context_payload(layers) -> dict | None:
    """What the page needs to draw the context (None without a road layer)."""
    if layers is None:
        return None
    levels = []
    for min_zoom, classes, place_kinds, tol in LEVELS:
        feats = (_merged(layers.water, "kind", ("river", "canal", "coastline"), tol)
                 + _merged(layers.rail, "kind", ("rail", "light_rail"), tol)
                 + _merged(layers.roads, "road_class", classes[::-1], tol))
        levels.append({"minZoom": min_zoom,
                       "lines": {"type": "FeatureCollection", "features": feats},
                       "places": _places(layers.places, place_kinds)})
    return {"levels": levels, "styles": CONTEXT_STYLES, "title": CONTEXT_TITLE,
            "attribution": html.escape(layers.label()),
            "illustrative": layers.illustrative}




def roads_section(layers) -> dict | None:
    """The context's legend section, naming the road file (None without a road layer)."""
    if layers is None:
        return None

    def line(kind):
        st = CONTEXT_STYLES[kind]
        return stroke(st["color"], dash=bool(st.get("dashArray")), width=3)
    note = " (illustrative)" if layers.illustrative else ""
    source = layers.source.get("file", "")
    licence = "" if layers.illustrative else layers.source.get("licence", "")
    return {"layer": "context", "title": CONTEXT_TITLE + note, "rows": [
        [line("primary"), "Major road"], [line("river"), "River / coast"],
        [line("rail"), "Railway"],
        [{"shape": "line", "stroke": "transparent", "width": 0},
         f"Source: {source}" + (f" — {licence}" if licence else "")]]}
