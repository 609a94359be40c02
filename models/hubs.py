"""Hubs: catchments, access measures, layout comparison and choosing new hub sites.

A hub's catchment is every demand point whose nearest hub it is, by straight-line distance
in British National Grid metres (EPSG:27700). Road distance and drive time are shown only as
approximations: straight line x a circuity factor, at an average speed (both editable).

API (all plain pandas/geopandas; coordinates in and out are WGS84 longitude/latitude)
-----------------------------------------------------------------------------------------
demand_points(ds, *, base="practices", branches="parent", housing=True,
              persons_per_dwelling=2.4, registering_share=1.0, new_patients=None)
    -> DataFrame, one row per demand point:
       point_id, kind ("practice"|"housing"|"population"), practice_code, name, locality,
       longitude, latitude, x, y (BNG m), patients_now, new_patients, patients_with_growth
    base="practices": registered patients at practice sites; branches="parent" keeps a
    practice's whole list at its main site (branches carry 0, as in practices.csv),
    branches="split" shares it equally between the main site and its branches.
    base="population": ds.population residents where they live (stand-ins for patients).
    housing=True adds included housing sites: dwellings x persons_per_dwelling x
    registering_share (DESIGN §6), or new_patients {site_id: patients} if given (e.g. from
    the demand model for a chosen year).
practice_demand(practices, branches="parent") -> the same columns, practices only (CLI).
assign_catchments(demand, hubs, *, circuity=1.3, speed_kmh=30.0)
    -> demand + hub_id, hub_name, distance_km, road_km_approx, drive_min_approx
hub_summary(assigned, hubs) -> DataFrame, one row per hub:
       hub_id, name, status, latitude, longitude, capacity_patients, practices_served,
       served_patients, new_patients, served_patients_with_growth, mean_distance_km,
       max_distance_km, over_capacity, over_capacity_with_growth (boolean, NA if no capacity)
access_measures(assigned, thresholds_km=(1, 2, 5))
    -> DataFrame indexed by measure (patients, mean_distance_km, share_within_1km, ...,
       max_distance_km, mean_road_km_approx, mean_drive_min_approx), columns now, with_growth
worst_served(assigned, n=10) -> the n practice sites (with patients) farthest from a hub:
       site_code, practice_code, name, locality, patients_now, hub_id, hub_name,
       distance_km, road_km_approx, drive_min_approx
evaluate_layout(demand, hubs, **assign_kw) -> Layout(assigned, per_hub, access, worst)
catchment_polygons(hubs, localities) -> GeoDataFrame (EPSG:4326): hub_id, name, status,
       area_km2, geometry (Voronoi cells of the hubs clipped to the localities' union)
compare_layouts(demand, hubs_before, hubs_after, **assign_kw) -> DataFrame:
       scope ("Medway" or a hub_id), name, measure, before, after, change. Medway rows:
       every access measure "(now)" and "(with growth)", "demand points changing hub",
       "hubs"; then per hub PER_HUB_MEASURES (booleans as 1/0; NaN where a hub is absent)
candidate_sites(*, practices=None, hubs=None, localities=None, grid_km=None, extra=None)
    -> DataFrame: candidate_id, name, kind, longitude, latitude
optimise_hubs(demand, hubs, candidates, k, *, keep=("existing", "planned"),
              weight="patients_now", progress=None, cancel=None, **solver_kw) -> HubPlan
    HubPlan.hubs: kept hubs + k new rows (status "proposed", hub_id NEW-1.., or the hub's
    own id when a candidate of kind "hub" is chosen), in HUB_COLUMNS;
    .added: the chosen candidate rows; .objective_before_km / .objective_after_km /
    .lower_bound_km / .gap / .proven_optimal / .bound_method / .seconds; .summary() text.
    progress(fraction, message) and cancel() -> bool suit a GUI worker thread; on cancel it
    raises models.hub_optimiser.Cancelled (re-exported here). solver_kw: bound_seconds
    (Lagrangian bound budget, default 10; 0 = heuristic only, ~1.5 s for 35k x 1k),
    exact_max_pairs / exact_seconds (HiGHS integer programme for small problems; it cannot
    be interrupted, so it is capped at 10 s). Errors a user can cause raise ValueError with
    a readable message (k larger than the candidates, no patients).
Typical timings (benchmarks/hubs.py): sample K=1-3 under 0.05 s, proven optimal;
35,000 points x 1,000 candidates, K=10: ~1.5 s heuristic, ~12 s with the bound.
locality_names_for(hubs, localities) -> hubs with blank locality filled from the polygons.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geo.crs import BNG, WGS84, points_bng, to_wgs84
from models.hub_optimiser import Cancelled, PMedianResult, solve_p_median  # noqa: F401

# Assumptions (DESIGN §6 where listed there; all editable by the caller).
PERSONS_PER_DWELLING = 2.4   # Medway CCG Operational Plan 2017-19 ch. 3; ONS Census 2021
REGISTERING_SHARE = 1.0      # Medway plan counts all new residents; HUDU may apply less
# Road distance ≈ straight line x circuity. 1.3 is a commonly used road "detour index" for
# built-up Britain (typical published values 1.2-1.4); uncertain, an approximation only.
CIRCUITY = 1.3
# Average door-to-door driving speed in town, including junctions: a placeholder assumption
# (uncertain) so that distances can be read as rough minutes; edit it for local knowledge.
SPEED_KMH = 30.0
THRESHOLDS_KM = (1, 2, 5)
HUB_COLUMNS = ["hub_id", "name", "latitude", "longitude", "status", "locality",
               "capacity_patients"]
DEMAND_COLUMNS = ["point_id", "kind", "practice_code", "name", "locality", "longitude",
                  "latitude", "x", "y", "patients_now", "new_patients", "patients_with_growth"]


# ---------------------------------------------------------------- demand

def practice_demand(practices: pd.DataFrame, branches: str = "parent") -> pd.DataFrame:
    """Registered patients at practice sites (see module notes for ``branches``)."""
    if branches not in ("parent", "split"):
        raise ValueError("branches must be 'parent' or 'split'")
    p = practices
    parent = p["parent_code"].where(p["parent_code"] != "", p["practice_code"])
    patients = p["list_size"].astype(float).to_numpy()
    if branches == "split":
        lists = dict(zip(p["practice_code"], p["list_size"].astype(float)))
        sites = parent.map(parent.value_counts())
        patients = (parent.map(lists) / sites).to_numpy(float)
    frame = pd.DataFrame({
        "point_id": p["practice_code"].to_numpy(), "kind": "practice",
        "practice_code": parent.to_numpy(), "name": p["name"].to_numpy(),
        "locality": p["locality"].to_numpy() if "locality" in p else "",
        "longitude": p["longitude"].to_numpy(float),
        "latitude": p["latitude"].to_numpy(float),
        "patients_now": patients, "new_patients": 0.0})
    return _finish(frame)


def demand_points(ds, *, base: str = "practices", branches: str = "parent",
                  housing: bool = True, persons_per_dwelling: float = PERSONS_PER_DWELLING,
                  registering_share: float = REGISTERING_SHARE,
                  new_patients: dict | pd.Series | None = None) -> pd.DataFrame:
    """Where the patients are: practice sites (or population points) plus housing growth."""
    parts = []
    if base == "practices":
        parts.append(practice_demand(ds.practices, branches))
    elif base == "population":
        pop = ds.population
        if pop is None or pop.empty:
            raise ValueError("this data has no population layer; use base='practices'")
        parts.append(pd.DataFrame({
            "point_id": pop["area_code"].to_numpy(), "kind": "population",
            "practice_code": "", "name": pop["area_name"].to_numpy(),
            "locality": "", "longitude": pop["longitude"].to_numpy(float),
            "latitude": pop["latitude"].to_numpy(float),
            "patients_now": pop["residents"].to_numpy(float), "new_patients": 0.0}))
    else:
        raise ValueError("base must be 'practices' or 'population'")
    if housing and not ds.housing.empty:
        h = ds.housing[ds.housing["include"]]
        if new_patients is not None:
            growth = h["site_id"].map(pd.Series(new_patients, dtype=float)).fillna(0.0)
        else:
            growth = h["dwellings"].astype(float) * persons_per_dwelling * registering_share
        parts.append(pd.DataFrame({
            "point_id": h["site_id"].to_numpy(), "kind": "housing", "practice_code": "",
            "name": h["name"].to_numpy(), "locality": h["locality"].to_numpy(),
            "longitude": h["longitude"].to_numpy(float),
            "latitude": h["latitude"].to_numpy(float), "patients_now": 0.0,
            "new_patients": growth.to_numpy(float)}))
    return _finish(pd.concat(parts, ignore_index=True))


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    xy = points_bng(frame) if len(frame) else np.empty((0, 2))
    frame["x"], frame["y"] = xy[:, 0], xy[:, 1]
    frame["patients_with_growth"] = frame["patients_now"] + frame["new_patients"]
    return frame[DEMAND_COLUMNS]


# ---------------------------------------------------------------- catchments

def assign_catchments(demand: pd.DataFrame, hubs: pd.DataFrame, *,
                      circuity: float = CIRCUITY, speed_kmh: float = SPEED_KMH) -> pd.DataFrame:
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


# ---------------------------------------------------------------- optimiser

CANDIDATE_COLUMNS = ["candidate_id", "name", "kind", "longitude", "latitude"]


def candidate_sites(*, practices: pd.DataFrame | None = None, hubs: pd.DataFrame | None = None,
                    localities: gpd.GeoDataFrame | None = None, grid_km: float | None = None,
                    extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Possible new hub sites: practice sites (main and branch), hubs given (e.g. planned
    HLCs not yet kept), a square grid at ``grid_km`` spacing inside the localities, and
    ``extra`` rows (candidate_id, name, longitude, latitude) from the user."""
    parts = []
    if practices is not None and len(practices):
        parts.append(pd.DataFrame({"candidate_id": practices["practice_code"].to_numpy(),
                                   "name": practices["name"].to_numpy(), "kind": "practice",
                                   "longitude": practices["longitude"].to_numpy(float),
                                   "latitude": practices["latitude"].to_numpy(float)}))
    if hubs is not None and len(hubs):
        parts.append(pd.DataFrame({"candidate_id": hubs["hub_id"].to_numpy(),
                                   "name": hubs["name"].to_numpy(), "kind": "hub",
                                   "longitude": hubs["longitude"].to_numpy(float),
                                   "latitude": hubs["latitude"].to_numpy(float)}))
    if grid_km:
        if localities is None:
            raise ValueError("a grid of candidates needs the locality polygons")
        parts.append(_grid(localities, grid_km))
    if extra is not None and len(extra):
        e = extra.copy()
        e["kind"] = e["kind"] if "kind" in e else "user"
        parts.append(e[CANDIDATE_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates("candidate_id").reset_index(drop=True)[CANDIDATE_COLUMNS]


def _grid(localities: gpd.GeoDataFrame, spacing_km: float) -> pd.DataFrame:
    if spacing_km <= 0:
        raise ValueError("grid spacing must be positive")
    area = localities.to_crs(BNG).union_all()
    step = spacing_km * 1000.0
    minx, miny, maxx, maxy = area.bounds
    gx = np.arange(np.floor(minx / step) * step + step / 2, maxx, step)
    gy = np.arange(np.floor(miny / step) * step + step / 2, maxy, step)
    xx, yy = np.meshgrid(gx, gy)
    x, y = xx.ravel(), yy.ravel()
    inside = shapely.contains_xy(area, x, y)
    x, y = x[inside], y[inside]
    lon, lat = to_wgs84(x, y)
    ids = [f"GRID-E{int(a)}-N{int(b)}" for a, b in zip(x, y)]
    return pd.DataFrame({"candidate_id": ids,
                         "name": [f"Grid point E {int(a)} N {int(b)}" for a, b in zip(x, y)],
                         "kind": "grid", "longitude": lon, "latitude": lat})


@dataclass
class HubPlan:
    """The result of choosing new hub sites."""

    hubs: pd.DataFrame           # kept hubs followed by the new (proposed) ones
    added: pd.DataFrame          # the chosen candidate rows, in the order added
    result: PMedianResult
    weight: str

    @property
    def objective_before_km(self) -> float:
        return self.result.objective_before / 1000.0

    @property
    def objective_after_km(self) -> float:
        return self.result.objective / 1000.0

    @property
    def lower_bound_km(self) -> float:
        return self.result.lower_bound / 1000.0

    @property
    def gap(self) -> float:
        return self.result.gap

    @property
    def proven_optimal(self) -> bool:
        return self.result.proven_optimal

    @property
    def bound_method(self) -> str:
        return self.result.bound_method

    @property
    def seconds(self) -> float:
        return self.result.seconds

    def summary(self) -> str:
        """Plain-English lines for a status bar or the CLI."""
        r = self.result
        before = (f"{self.objective_before_km:.3f} km" if np.isfinite(r.objective_before)
                  else "none (no hubs kept)")
        lines = [f"Patient-weighted mean straight-line distance to the nearest hub "
                 f"(EPSG:27700): before {before}, after "
                 f"{self.objective_after_km:.3f} km "
                 f"({len(self.added)} new site{'s' if len(self.added) != 1 else ''})."]
        if len(self.added):
            if r.proven_optimal:
                lines.append(f"Proven optimal for these candidates ({r.bound_method}).")
            elif r.lower_bound > 0:
                lines.append(f"No choice of these candidates can go below "
                             f"{self.lower_bound_km:.3f} km, so this is within "
                             f"{100 * r.gap:.2f}% of the best possible ({r.bound_method}).")
            else:
                lines.append("No optimality bound was computed.")
        return "\n".join(lines)


def optimise_hubs(demand: pd.DataFrame, hubs: pd.DataFrame, candidates: pd.DataFrame, k: int,
                  *, keep=("existing", "planned"), weight: str = "patients_now",
                  progress=None, cancel=None, **solver_kw) -> HubPlan:
    """Keep hubs whose status is in ``keep``; add ``k`` candidates minimising the
    ``weight``-weighted mean straight-line distance to the nearest hub."""
    if weight not in ("patients_now", "patients_with_growth"):
        raise ValueError("weight must be 'patients_now' or 'patients_with_growth'")
    kept = hubs[hubs["status"].isin(keep)].reset_index(drop=True)
    for col in HUB_COLUMNS:
        if col not in kept.columns:
            kept[col] = np.nan if col == "capacity_patients" else ""
    if k > len(candidates):
        raise ValueError(f"cannot add {k} hubs: there are only {len(candidates)} "
                         "candidate sites")
    result = solve_p_median(demand[["x", "y"]].to_numpy(float),
                            demand[weight].to_numpy(float),
                            points_bng(kept) if len(kept) else np.empty((0, 2)),
                            points_bng(candidates) if len(candidates) else np.empty((0, 2)),
                            k, progress=progress, cancel=cancel, **solver_kw)
    added = candidates.iloc[result.chosen].reset_index(drop=True)
    taken = set(kept["hub_id"])
    kinds = added["kind"] if "kind" in added else pd.Series("", index=added.index)
    new_ids, names, n = [], [], 1
    for cid, nm, kind in zip(added["candidate_id"], added["name"], kinds):
        if kind == "hub" and cid not in taken:     # a planned hub chosen: keep its identity
            new_ids.append(cid)
            names.append(nm)
        else:
            while f"NEW-{n}" in taken:
                n += 1
            new_ids.append(f"NEW-{n}")
            names.append(f"Proposed hub at {nm} ({cid})")
        taken.add(new_ids[-1])
    new = pd.DataFrame({
        "hub_id": new_ids,
        "name": names,
        "latitude": added["latitude"].to_numpy(float),
        "longitude": added["longitude"].to_numpy(float),
        "status": "proposed", "locality": "", "capacity_patients": np.nan})
    parts = [f for f in (kept[HUB_COLUMNS], new) if len(f)]
    all_hubs = (pd.concat(parts, ignore_index=True) if parts
                else pd.DataFrame(columns=HUB_COLUMNS))
    return HubPlan(all_hubs, added, result, weight)


def locality_names_for(hubs: pd.DataFrame, localities: gpd.GeoDataFrame) -> pd.DataFrame:
    """Fill blank hub localities from the polygons (new hubs start blank)."""
    from models.dataset import locality_of_points
    out = hubs.copy()
    blank = out["locality"].fillna("") == ""
    if blank.any():
        out.loc[blank, "locality"] = locality_of_points(
            localities, out.loc[blank, "longitude"], out.loc[blank, "latitude"])
    return out


__all__ = ["Cancelled", "HubPlan", "Layout", "access_measures", "assign_catchments",
           "candidate_sites", "catchment_polygons", "compare_layouts", "demand_points",
           "evaluate_layout", "hub_summary", "locality_names_for", "optimise_hubs",
           "practice_demand", "worst_served"]
