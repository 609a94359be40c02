"""The Groups tab's layers: each extended group's territory (filled, labelled with its name
and size, red and dashed outside the size bounds) and an existing grouping drawn over it
as dashed, named outlines."""
from __future__ import annotations

import numpy as np

from geo.crs import to_wgs84
from rendering.map_layers.spec import collection, feature, point
from rendering.webmap import PRACTICE_COLOUR


def _wgs84(geom):
    import shapely
    return shapely.transform(geom.simplify(25),
                             lambda c: np.column_stack(to_wgs84(c[:, 0], c[:, 1])))


def territory_style(colour: str, flagged: bool = False, dashed: bool = False) -> dict:
    if dashed:
        return {"color": "#263238", "weight": 2.5, "dashArray": "2 6", "fill": False}
    return {"color": "#c62828" if flagged else colour, "weight": 3 if flagged else 1.5,
            "dashArray": "6 4" if flagged else None, "fillColor": colour,
            "fillOpacity": 0.18}


def group_territories(territories: dict, colours: dict[str, str],
                      tips: dict[str, list] | None = None, flagged: set[str] | None = None,
                      labels: dict[str, str] | None = None, dashed: bool = False) -> dict:
    """Group territories (``{name: shapely geometry in EPSG:27700}``) as GeoJSON for the
    groups overlay: a filled area per group (red dashed outline when ``flagged``), plus one
    label point per group (``properties.label``, drawn as a permanent map label). With
    ``dashed``, outlines only (an existing grouping drawn over the proposal)."""
    feats = []
    for name, geom in territories.items():
        if geom is None or geom.is_empty:
            continue
        bad = flagged is not None and name in flagged
        style = territory_style(colours.get(name, PRACTICE_COLOUR), bad, dashed)
        feats.append(feature(_wgs84(geom).__geo_interface__, name, style,
                             (tips or {}).get(name, [["Group", name]])))
        if labels and name in labels:
            at = geom.point_on_surface()
            lon, lat = to_wgs84(at.x, at.y)
            feats.append(feature(point(lon, lat), f"{name} (label)",
                                 {"radius": 0, "opacity": 0, "fillOpacity": 0},
                                 label=labels[name]))
    return collection(feats)


def existing_group_features(territories: dict) -> dict:
    """An existing grouping (e.g. the Primary Care Networks) as dashed outlines, each named
    on the map as an overlay label, so it gives way to the planner's own group labels."""
    out = group_territories(territories, {}, {g: [["Existing group", g]] for g in territories},
                            labels=None, dashed=True)
    for feat in out["features"]:
        name = feat["properties"]["id"]
        at = territories[name].point_on_surface()
        lon, lat = to_wgs84([at.x], [at.y])
        feat["properties"]["label"] = [float(lat[0]), float(lon[0]), str(name)]
    return out
