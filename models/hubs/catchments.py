"""Catchments and access: each demand point's nearest hub, per-hub figures, Medway-wide
access measures, catchment areas (Voronoi cells) and a before/after comparison of layouts.

Nearest by straight-line distance in British National Grid metres; road distance and drive
time are approximations only (straight line x a circuity factor, at an average speed).
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.crs import BNG, WGS84, points_bng
from models.assumptions import default_assumptions

THRESHOLDS_KM = (1, 2, 5)


# ---------------------------------------------------------------- catchments

def assign_catchments(demand: pd.DataFrame, hubs: pd.DataFrame, *,
                      circuity: float | None = None, speed_kmh: float | None = None) -> pd.DataFrame:
    """Each demand point's nearest hub (straight line, BNG) and approximate road measures."""
    out = demand.copy()
    if hubs.empty:
        out["hub_id"], out["hub_name"] = "", ""
        out["distance_km"] = np.nan
    else:
        dist, which = cKDTree(points_bng(hubs)).query(demand[["x", "y"]].to_numpy(float))
        out["hub_id"] = hubs["hub_id"].to_numpy()[which]
        out["hub_name"] = hubs["name"].to_numpy()[which]
        out["distance_km"] = dist / 1000.0
    a = default_assumptions()   # unset: the table's values (a Plan passes its own)
    circuity = a.value("road_circuity") if circuity is None else circuity
    speed_kmh = a.value("drive_speed_kmh") if speed_kmh is None else speed_kmh
    out["road_km_approx"] = out["distance_km"] * circuity
    out["drive_min_approx"] = out["road_km_approx"] / speed_kmh * 60.0
    return out


def _wmean(values, weights) -> float:
    total = float(np.sum(weights))
    return float(np.dot(values, weights) / total) if total > 0 else float("nan")


def hub_summary(assigned: pd.DataFrame, hubs: pd.DataFrame) -> pd.DataFrame:
    """Per hub: who it serves now and with housing growth, how far, and against capacity."""
    rows = []
    for hub in hubs.itertuples(index=False):
        mine = assigned[assigned["hub_id"] == hub.hub_id]
        served = mine[mine["patients_with_growth"] > 0]
        rows.append({
            "hub_id": hub.hub_id, "name": hub.name, "status": hub.status,
            "latitude": hub.latitude, "longitude": hub.longitude,
            "capacity_patients": getattr(hub, "capacity_patients", np.nan),
            "practices_served": int(mine.loc[(mine["kind"] == "practice")
                                             & (mine["patients_now"] > 0),
                                             "practice_code"].nunique()),
            "served_patients": float(mine["patients_now"].sum()),
            "new_patients": float(mine["new_patients"].sum()),
            "served_patients_with_growth": float(mine["patients_with_growth"].sum()),
            "mean_distance_km": _wmean(mine["distance_km"], mine["patients_now"]),
            "max_distance_km": float(served["distance_km"].max()) if len(served) else np.nan,
        })
    out = pd.DataFrame(rows, columns=[
        "hub_id", "name", "status", "latitude", "longitude", "capacity_patients",
        "practices_served", "served_patients", "new_patients", "served_patients_with_growth",
        "mean_distance_km", "max_distance_km"])
    cap = pd.to_numeric(out["capacity_patients"], errors="coerce").astype(float)
    out["capacity_patients"] = cap
    known = cap.notna()
    for col, load in (("over_capacity", "served_patients"),
                      ("over_capacity_with_growth", "served_patients_with_growth")):
        flag = pd.array([pd.NA] * len(out), dtype="boolean")
        flag[known.to_numpy()] = (out.loc[known, load] > cap[known]).to_numpy()
        out[col] = flag
    return out


def access_measures(assigned: pd.DataFrame,
                    thresholds_km=THRESHOLDS_KM) -> pd.DataFrame:
    """Whole-area access, weighted by patients now and with housing growth."""
    table = {}
    for label, col in (("now", "patients_now"), ("with_growth", "patients_with_growth")):
        w = assigned[col].to_numpy(float)
        d = assigned["distance_km"].to_numpy(float)
        m = {"patients": float(w.sum()), "mean_distance_km": _wmean(d, w)}
        for t in thresholds_km:
            m[f"share_within_{t:g}km"] = _wmean(d <= t, w)
        m["max_distance_km"] = float(d[w > 0].max()) if (w > 0).any() else float("nan")
        m["mean_road_km_approx"] = _wmean(assigned["road_km_approx"], w)
        m["mean_drive_min_approx"] = _wmean(assigned["drive_min_approx"], w)
        table[label] = m
    return pd.DataFrame(table)


def worst_served(assigned: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The practice sites (with patients) farthest from their nearest hub."""
    p = assigned[(assigned["kind"] == "practice") & (assigned["patients_now"] > 0)]
    p = p.sort_values(["distance_km", "point_id"], ascending=[False, True]).head(n)
    return p.rename(columns={"point_id": "site_code"})[[
        "site_code", "practice_code", "name", "locality", "patients_now", "hub_id",
        "hub_name", "distance_km", "road_km_approx", "drive_min_approx"]].reset_index(drop=True)


@dataclass
class Layout:
    """Everything the Hubs panel shows for one arrangement of hubs."""

    assigned: pd.DataFrame
    per_hub: pd.DataFrame
    access: pd.DataFrame
    worst: pd.DataFrame


def evaluate_layout(demand: pd.DataFrame, hubs: pd.DataFrame, *, worst_n: int = 10,
                    thresholds_km=THRESHOLDS_KM, **assign_kw) -> Layout:
    assigned = assign_catchments(demand, hubs, **assign_kw)
    return Layout(assigned, hub_summary(assigned, hubs),
                  access_measures(assigned, thresholds_km), worst_served(assigned, worst_n))


def catchment_polygons(hubs: pd.DataFrame, localities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Straight-line catchments for the map: Voronoi cells of the hubs (built in BNG) clipped
    to the union of the locality polygons, returned in WGS84. Hubs sharing a spot share a
    cell (the first listed gets it; the others get an empty polygon)."""
    area = localities.to_crs(BNG).union_all()
    cols = ["hub_id", "name", "status", "area_km2"]
    if hubs.empty:
        return gpd.GeoDataFrame(columns=cols, geometry=[], crs=WGS84)
    xy = points_bng(hubs)
    uniq, first = np.unique(xy.round(3), axis=0, return_index=True)
    order = np.sort(first)             # keep listing order among distinct spots
    pts = shapely.points(xy[order])
    cells = [area] if len(order) == 1 else _voronoi(pts, area)
    geoms = [shapely.Polygon()] * len(hubs)
    for pos, cell in zip(order, cells):
        geoms[pos] = shapely.intersection(cell, area)
    frame = gpd.GeoDataFrame({"hub_id": hubs["hub_id"].to_numpy(),
                              "name": hubs["name"].to_numpy(),
                              "status": hubs["status"].to_numpy()},
                             geometry=geoms, crs=BNG)
    frame["area_km2"] = frame.geometry.area / 1e6
    return frame[cols + ["geometry"]].to_crs(WGS84)


def _voronoi(points, area) -> list:
    """One Voronoi cell per point, in the points' order (matched by containment)."""
    env = shapely.envelope(shapely.union_all([area, shapely.multipoints(points)]))
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(points), extend_to=shapely.buffer(env, 1000.0)))
    tree = shapely.STRtree(cells)
    pt_idx, cell_idx = tree.query(points, predicate="intersects")
    out = [None] * len(points)
    for p, c in zip(pt_idx, cell_idx):
        if out[p] is None:
            out[p] = cells[c]
    return [c if c is not None else shapely.Polygon() for c in out]


# ---------------------------------------------------------------- comparison

PER_HUB_MEASURES = ["served_patients", "served_patients_with_growth", "practices_served",
                    "mean_distance_km", "max_distance_km", "over_capacity",
                    "over_capacity_with_growth"]


def compare_layouts(demand: pd.DataFrame, hubs_before: pd.DataFrame,
                    hubs_after: pd.DataFrame, *, thresholds_km=THRESHOLDS_KM,
                    **assign_kw) -> pd.DataFrame:
    """Before/after table of every measure: the whole area first, then each hub."""
    a = evaluate_layout(demand, hubs_before, thresholds_km=thresholds_km, **assign_kw)
    b = evaluate_layout(demand, hubs_after, thresholds_km=thresholds_km, **assign_kw)
    rows = []
    for label in ("now", "with_growth"):
        for measure in a.access.index:
            rows.append(("Medway", "All hubs", f"{measure} ({label.replace('_', ' ')})",
                         a.access.at[measure, label], b.access.at[measure, label]))
    moved = ((a.assigned["hub_id"] != b.assigned["hub_id"])
             & (a.assigned["patients_with_growth"] > 0))
    rows.append(("Medway", "All hubs", "demand points changing hub", np.nan,
                 float(moved.sum())))
    rows.append(("Medway", "All hubs", "hubs", float(len(hubs_before)), float(len(hubs_after))))
    before = a.per_hub.set_index("hub_id")
    after = b.per_hub.set_index("hub_id")
    ids = list(before.index) + [h for h in after.index if h not in before.index]
    for hub_id in ids:
        name = (after if hub_id in after.index else before).at[hub_id, "name"]
        for measure in PER_HUB_MEASURES:
            old = before.at[hub_id, measure] if hub_id in before.index else np.nan
            new = after.at[hub_id, measure] if hub_id in after.index else np.nan
            rows.append((hub_id, name, measure, old, new))
    out = pd.DataFrame(rows, columns=["scope", "name", "measure", "before", "after"])
    out["before"] = pd.to_numeric(out["before"].astype(object).where(out["before"].notna()),
                                  errors="coerce").astype(float)
    out["after"] = pd.to_numeric(out["after"].astype(object).where(out["after"].notna()),
                                 errors="coerce").astype(float)
    out["change"] = out["after"] - out["before"]
    moved_row = out["measure"] == "demand points changing hub"
    out.loc[moved_row, "change"] = out.loc[moved_row, "after"]
    return out


def locality_names_for(hubs: pd.DataFrame, localities: gpd.GeoDataFrame) -> pd.DataFrame:
    """Fill blank hub localities from the polygons (new hubs start blank)."""
    from geo.canonical import locality_of_points
    out = hubs.copy()
    blank = out["locality"].fillna("") == ""
    if blank.any():
        out.loc[blank, "locality"] = locality_of_points(
            localities, out.loc[blank, "longitude"], out.loc[blank, "latitude"])
    return out

