"""The Hubs tab's layers: catchments, straight lines that mislead, suggested sites and the
time bands around the selected hub. Each builder takes what models/hubs/ computed (tables
and shapes in WGS84 longitude/latitude) and returns the features the map draws."""
from __future__ import annotations

import pandas as pd

from rendering.map_layers.spec import collection, feature, line, point
from rendering.webmap import GROUP_PALETTE, HUB_COLOUR

CATCHMENT_COLOURS = GROUP_PALETTE
# A suggested site is a would-be hub: drawn in the hubs' purple, ringed and dashed, larger
# than any housing dot (orange), so the two are never confused.
SUGGESTED_STYLE = {"radius": 13, "color": HUB_COLOUR, "weight": 4, "fillColor": "#fff",
                   "fillOpacity": 1.0, "dashArray": "4 3"}
STRAIGHT_LINE_STYLE = {"color": "#b71c1c", "weight": 2, "opacity": 0.9, "dashArray": "6 5"}
# Darkest for the nearest band; faint fills so the planning layers stay readable.
BAND_COLOURS = {10: "#1b5e20", 15: "#558b2f", 20: "#9e9d24"}
TRANSIT_COLOURS = {15: "#0d47a1", 30: "#1976d2", 45: "#64b5f6"}
OTHER_BAND_COLOUR = "#33691e"


def catchment_style(index: int) -> dict:
    colour = CATCHMENT_COLOURS[index % len(CATCHMENT_COLOURS)]
    return {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.10,
            "dashArray": "1 4"}


def catchment_features(cells, notes: dict[str, str] | None = None) -> dict:
    """Catchment cells (hub_id, name, area_km2, geometry), each labelled with its hub's
    name; ``notes`` (hub id → how many sites' straight lines mislead) adds a warning."""
    from models.hubs.straight_line import WARNING   # models.hubs: SciPy, once hubs are drawn
    notes = notes or {}
    feats = []
    for i, row in enumerate(cells.itertuples()):
        spot = row.geometry.representative_point()
        tip = [["Catchment of", row.name], ["Area", f"{row.area_km2:,.1f} km²"]]
        if row.hub_id in notes:
            tip.append(["Straight line", f"{notes[row.hub_id]}: {WARNING}"])
        feats.append(feature(row.geometry.__geo_interface__, row.hub_id, catchment_style(i),
                             tip, label=[spot.y, spot.x, str(row.name).split(" (")[0]]))
    return collection(feats)


def straight_line_features(leaving: pd.DataFrame) -> dict:
    """Red dashed straight lines where the straight line crosses water or leaves the
    localities (models/hubs/straight_line.py), each saying so."""
    from models.hubs.straight_line import WARNING
    return collection([
        feature(line((r.lon, r.lat), (r.hub_lon, r.hub_lat)), f"line-{r.point_id}",
                STRAIGHT_LINE_STYLE,
                [["Straight line", f"{r.name} → {r.hub_name}"],
                 ["Outside the localities", f"{r.outside_m:,.0f} m"], ["Note", WARNING]],
                kind="straight_line")
        for r in leaving.itertuples()])


def suggested_features(added: pd.DataFrame) -> dict:
    """The optimiser's new sites (not yet accepted), numbered in the order given."""
    return collection([
        feature(point(r.longitude, r.latitude), f"suggested-{i}", SUGGESTED_STYLE,
                [["Suggested hub site", str(r.name)]])
        for i, r in enumerate(added.itertuples())])


def band_style(minutes: int, transit: bool) -> dict:
    colour = (TRANSIT_COLOURS if transit else BAND_COLOURS).get(int(minutes),
                                                                OTHER_BAND_COLOUR)
    return {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.12}


def band_features(bands, hub_id: str, hub_name: str, mode: str,
                  timetable: str | None = None) -> dict:
    """The areas within each time band (``bands``: minutes, geometry) around one hub, by
    ``mode`` (drive, walk or transit; ``timetable`` names the feed for transit)."""
    transit = mode == "transit"
    how = "public transport, median" if transit else mode
    extra = [["Timetable", timetable]] if transit else []
    feats = [feature(row.geometry.__geo_interface__, f"{hub_id}-{int(row.minutes)}",
                     band_style(row.minutes, transit),
                     [["Within", f"{int(row.minutes)} minutes ({how})"],
                      ["Of hub", str(hub_name)]] + extra)
             for row in bands.itertuples() if not row.geometry.is_empty]
    return collection(feats)
