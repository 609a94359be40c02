"""Where a straight line misleads: a practice's line to its hub that crosses water (the
Medway estuary, the river at Rochester) or runs outside the localities.

Without a road file every catchment and access figure is a straight-line distance, which
reads Hoo to Gillingham across the estuary as 4 km. The test is geometric: the segment from
each demand point to its hub (British National Grid metres) runs outside the union of the
locality polygons for more than a tolerance (slivers where ward boundaries meet a bank).
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo.crs import BNG, points_bng, to_wgs84
from geo.identity_cache import IdentityCache

# Segments outside the localities for less than this are digitising slivers, not water.
OUTSIDE_TOLERANCE_M = 100.0
WARNING = "straight line crosses the estuary or leaves the localities: import roads for " \
          "travel by road"

_AREAS = IdentityCache(1)


def locality_union(localities: gpd.GeoDataFrame):
    """The union of the localities in EPSG:27700 (computed once per locality layer)."""
    return _AREAS.get((localities,), None, lambda: localities.to_crs(BNG).union_all()
                      if len(localities) else None)


def leaving_lines(assigned: pd.DataFrame, hubs: pd.DataFrame,
                  localities: gpd.GeoDataFrame) -> pd.DataFrame:
    """The demand points with patients whose straight line to their hub runs outside the
    localities: point_id, name, hub_id, hub_name, patients_now, patients_with_growth,
    outside_m and the line's end points (lat/lon)."""
    cols = ["point_id", "name", "hub_id", "hub_name", "patients_now", "patients_with_growth",
            "outside_m", "lat", "lon", "hub_lat", "hub_lon"]
    area = locality_union(localities)
    weighted = assigned[(assigned["patients_with_growth"] > 0) & (assigned["hub_id"] != "")]
    if area is None or weighted.empty or hubs.empty:
        return pd.DataFrame(columns=cols)
    hub_xy = dict(zip(hubs["hub_id"], map(tuple, points_bng(hubs))))
    ends = [hub_xy.get(h) for h in weighted["hub_id"]]
    keep = [e is not None for e in ends]
    weighted = weighted[keep]
    ends = [e for e in ends if e is not None]
    lines = shapely.linestrings([[(x, y), e] for x, y, e in zip(weighted["x"], weighted["y"],
                                                                   ends)])
    outside = shapely.length(shapely.difference(lines, area))
    out = weighted.assign(outside_m=outside)[outside > OUTSIDE_TOLERANCE_M].copy()
    if out.empty:
        return pd.DataFrame(columns=cols)
    lon, lat = to_wgs84(out["x"], out["y"])
    hub_ll = hubs.set_index("hub_id")[["latitude", "longitude"]]
    out["lat"], out["lon"] = lat, lon
    out["hub_lat"] = out["hub_id"].map(hub_ll["latitude"]).to_numpy()
    out["hub_lon"] = out["hub_id"].map(hub_ll["longitude"]).to_numpy()
    name = out["name"] if "name" in out else out["point_id"]
    out["name"] = name
    return out[cols].reset_index(drop=True)


def per_hub_note(leaving: pd.DataFrame) -> dict[str, str]:
    """Per hub: '3 sites, 21,500 patients' whose straight line misleads."""
    notes = {}
    for hub_id, rows in leaving.groupby("hub_id"):
        n, patients = len(rows), rows["patients_now"].sum()
        notes[hub_id] = f"{n} site{'s' if n > 1 else ''}, {patients:,.0f} patients"
    return notes


def summary_text(leaving: pd.DataFrame) -> str:
    """One sentence for the Hubs panel and the report ('' when no line misleads)."""
    if leaving.empty:
        return ""
    n, patients = len(leaving), leaving["patients_now"].sum()
    return (f"For {n} site{'s' if n > 1 else ''} ({patients:,.0f} patients) the {WARNING}.")


def outside_every_locality(localities: gpd.GeoDataFrame, lat: float, lon: float) -> bool:
    """True when the point (WGS84) is in no locality (the river, or beyond Medway)."""
    area = locality_union(localities)
    if area is None:
        return False
    x, y = points_bng(pd.DataFrame({"latitude": [lat], "longitude": [lon]}))[0]
    return not area.covers(shapely.Point(x, y))
