"""Read OS Open Roads (Ordnance Survey, GeoPackage) with pyogrio, GDAL's reader already here.

OS Open Roads has the road links only (no paths, water, railways or places; no speed
limits or one-way flags), so it gives the road layer and driving/walking along roads.
Its classes map onto OpenStreetMap's: Motorway → motorway, A Road → trunk (when marked a
trunk road) or primary, B Road → secondary, Classified Unnumbered → tertiary, Unclassified
→ unclassified, Not Classified → residential, Unknown → road. Field names differ between
the GeoPackage (road_classification, name_1, trunk_road) and older GML/Shapefile
editions (class, name1, trunkRoad); both are accepted.
Contains OS data © Crown copyright and database right, Open Government Licence.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import shapely

from geo.errors import DataError
from geo.roads import DRIVE_CLASSES, WALK_CLASSES, RoadLayers, frame

OS_LICENCE = "Contains OS data © Crown copyright and database right, OGL"
CLASS_MAP = {"motorway": "motorway", "a road": "primary", "b road": "secondary",
             "classified unnumbered": "tertiary", "unclassified": "unclassified",
             "not classified": "residential", "unknown": "road"}
FIELDS = {"class": ("road_classification", "class", "roadclassification"),
          "name": ("name_1", "name1", "road_name"),
          "number": ("road_classification_number", "roadnumber", "road_number"),
          "trunk": ("trunk_road", "trunkroad")}


def _pick(columns, options):
    lower = {c.lower(): c for c in columns}
    for o in options:
        if o in lower:
            return lower[o]
    return None


def read_os_open_roads(path: Path, *, box=None, progress=None, cancel=None) -> RoadLayers:
    report = progress or (lambda f, m: None)
    try:
        layers = [name for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise DataError(str(path), f"not a readable GeoPackage ({exc})") from None
    layer = next((n for n in layers if n.lower() in ("road_link", "roadlink")), None)
    if layer is None:
        raise DataError(str(path), "no road_link layer: is this OS Open Roads? (layers: "
                        + ", ".join(layers) + ")")
    report(0.1, f"Reading {path.name} ({layer})")
    g = pyogrio.read_dataframe(path, layer=layer, bbox=tuple(box) if box else None)
    if cancel is not None and cancel():
        from geo.roads import RoadsCancelled
        raise RoadsCancelled()
    if g.crs is not None and g.crs.to_epsg() != 27700:
        g = g.to_crs(27700)
    cls_col = _pick(g.columns, FIELDS["class"])
    if cls_col is None:
        raise DataError(str(path), "missing field", field="road_classification")
    name_col = _pick(g.columns, FIELDS["name"])
    num_col = _pick(g.columns, FIELDS["number"])
    trunk_col = _pick(g.columns, FIELDS["trunk"])
    cls = g[cls_col].fillna("unknown").astype(str).str.lower().map(CLASS_MAP).fillna("road")
    if trunk_col is not None:
        trunk = g[trunk_col].astype(str).str.lower().isin(("true", "1", "yes"))
        cls = cls.where(~(trunk & (cls == "primary")), "trunk")
    names = g[name_col].fillna("") if name_col else ""
    if num_col is not None:
        names = np.where(names == "", g[num_col].fillna(""), names)
    geoms = shapely.force_2d(g.geometry.values)
    geoms = shapely.line_merge(geoms)       # MultiLineStrings of one part → LineStrings
    out = frame("roads", {"road_class": list(cls), "name": list(names),
                          "maxspeed_kmh": [np.nan] * len(g), "oneway": [0] * len(g),
                          "drive": list(cls.isin(DRIVE_CLASSES)),
                          "walk": list(cls.isin(WALK_CLASSES))}, list(geoms))
    out = out.explode(index_parts=False).reset_index(drop=True)
    report(0.85, f"{len(out):,} road links read")
    return RoadLayers(out, source={"file": path.name, "format": "OS Open Roads",
                                   "licence": OS_LICENCE})
