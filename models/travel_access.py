"""Access by drive and walk time: catchments by time, shares within 10/15/20 minutes, and
time bands around a hub — the road-network counterpart of models/hubs/catchments.py.

Without an imported road layer none of this is used and access stays "straight line".

API
---
graph_for(layers, mode, assumptions) -> RoadGraph      built once per roads/mode/assumptions
assign_by_time(demand, hubs, graph) -> demand + hub_id, hub_name, minutes (to that hub),
    distance_km (straight line to that hub, for reference)
time_access(assigned, bands=TIME_BANDS_MIN) -> DataFrame indexed by measure: patients,
    mean_minutes, share_within_10min, _15min, _20min, max_minutes; columns now, with_growth
evaluate_by_time(demand, hubs, graph) -> models.hubs.Layout (access = time measures)
time_bands(graph, lonlat, bands) -> GeoDataFrame (EPSG:4326): minutes, geometry — the area
    reached within each band from one hub (nested; largest first)
time_catchments(graph, hubs, localities) -> GeoDataFrame (EPSG:4326): hub_id, name, status,
    area_km2, geometry — land whose nearest network junction is quickest to that hub, the
    junction cells' steps smoothed out of the shared borders (smooth_borders)
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from geo.crs import BNG, WGS84, points_bng, to_bng
from geo.identity_cache import IdentityCache
from models.assumptions import Assumptions, default_assumptions
from models.hubs.catchments import Layout, _wmean, hub_summary
from models.travel import (MODE_LABELS, TIME_BANDS_MIN, RoadGraph, build_graph,
                           junction_spacing)

_GRAPHS = IdentityCache(8)
BAND_REACH_M = 200.0     # how far either side of a reached road a band is drawn


def graph_for(layers, mode: str, assumptions: Assumptions | None = None) -> RoadGraph:
    """The road graph for ``mode`` (cached: the same roads and travel assumptions give the
    same graph, so dragging a hub does not rebuild it)."""
    a = assumptions or default_assumptions()
    values = tuple(x.used for x in a if x.used_by == "travel")
    return _GRAPHS.get((layers.roads,), (mode, values),
                       lambda: build_graph(layers.roads, mode, a))


def assign_by_time(demand: pd.DataFrame, hubs: pd.DataFrame, graph: RoadGraph,
                   *, progress=None, cancel=None) -> pd.DataFrame:
    """Each demand point's quickest hub by road and the minutes to it."""
    out = demand.copy()
    if hubs.empty:
        out["hub_id"], out["hub_name"] = "", ""
        out["minutes"] = np.nan
        out["distance_km"] = np.nan
        return out
    xy = demand[["x", "y"]].to_numpy(float)
    hub_xy = points_bng(hubs)
    t = graph.times(xy, hub_xy, progress=progress, cancel=cancel)
    which = np.argmin(t, axis=1)
    out["hub_id"] = hubs["hub_id"].to_numpy()[which]
    out["hub_name"] = hubs["name"].to_numpy()[which]
    out["minutes"] = t[np.arange(len(t)), which].astype(float)
    out["distance_km"] = np.hypot(*(xy - hub_xy[which]).T) / 1000.0
    return out


def time_access(assigned: pd.DataFrame, bands=TIME_BANDS_MIN) -> pd.DataFrame:
    """Whole-area access by time, weighted by patients now and with housing growth."""
    t = assigned["minutes"].to_numpy(float)

    def measures(w: np.ndarray) -> dict:
        return {"patients": float(w.sum()), "mean_minutes": _wmean(t, w),
                **{f"share_within_{b:g}min": _wmean(t <= b, w) for b in bands},
                "max_minutes": float(t[w > 0].max()) if (w > 0).any() else float("nan"),
                "mean_distance_km": _wmean(assigned["distance_km"], w)}
    return pd.DataFrame({"now": measures(assigned["patients_now"].to_numpy(float)),
                         "with_growth": measures(
                             assigned["patients_with_growth"].to_numpy(float))})


def evaluate_by_time(demand: pd.DataFrame, hubs: pd.DataFrame, graph: RoadGraph,
                     bands=TIME_BANDS_MIN) -> Layout:
    """The Hubs tab's figures with catchments and access by travel time."""
    assigned = assign_by_time(demand, hubs, graph)
    per_hub = hub_summary(assigned, hubs)
    per_hub["mean_minutes"] = [
        _wmean(assigned.loc[assigned["hub_id"] == h, "minutes"],
               assigned.loc[assigned["hub_id"] == h, "patients_now"])
        for h in per_hub["hub_id"]]
    return Layout(assigned, per_hub, time_access(assigned, bands), worst_by_time(assigned))


def worst_by_time(assigned: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The practice sites (with patients) with the longest journey to their quickest hub."""
    p = assigned[(assigned["kind"] == "practice") & (assigned["patients_now"] > 0)]
    p = p.sort_values(["minutes", "point_id"], ascending=[False, True]).head(n)
    return p.rename(columns={"point_id": "site_code"})[[
        "site_code", "practice_code", "name", "locality", "patients_now", "hub_id",
        "hub_name", "minutes", "distance_km"]].reset_index(drop=True)


def time_bands(graph: RoadGraph, lonlat, bands=TIME_BANDS_MIN) -> gpd.GeoDataFrame:
    """Areas within each band of one hub: the road links whose both ends are reached in
    time, widened by BAND_REACH_M either side (the walk or drive in from the roadside),
    with the small gaps between neighbouring roads closed."""
    x, y = to_bng(np.array([lonlat[0]], float), np.array([lonlat[1]], float))
    minutes = graph.minutes_from(np.array([x[0], y[0]]), limit=max(bands))
    u, v, reached_by = _links_reached(graph, minutes)
    rows, area, done = [], shapely.Polygon(), -np.inf
    for b in sorted(bands):          # nested: each band adds the links newly reached
        new = (reached_by <= b) & (reached_by > done)
        if new.any():
            ends = _covering_links(graph.xy, u[new], v[new])
            more = shapely.union_all(shapely.buffer(shapely.linestrings(ends), BAND_REACH_M,
                                                    quad_segs=2))
            area = shapely.union(area, more)
        done = b
        closed = area.buffer(BAND_REACH_M, quad_segs=2).buffer(-BAND_REACH_M, quad_segs=2)
        rows.append((b, closed))
    rows = list(zip([r[0] for r in rows], _smooth_nested([r[1] for r in rows],
                                                         graph.spacing)))
    rows.reverse()                   # largest first, drawn beneath the smaller ones
    g = gpd.GeoDataFrame({"minutes": [r[0] for r in rows]},
                         geometry=[r[1] for r in rows], crs=BNG)
    g["mode"] = graph.mode
    return g.to_crs(WGS84)


def _links_reached(graph: RoadGraph, minutes: np.ndarray):
    """Each road link reached within the search once (u < v; a two-way street is two
    directed edges but one line on the map) and the later of its two ends' minutes."""
    links = graph.matrix.tocoo()
    reached_by = np.maximum(minutes[links.row], minutes[links.col])
    ok = np.isfinite(reached_by)
    u = np.minimum(links.row[ok], links.col[ok])
    v = np.maximum(links.row[ok], links.col[ok])
    _, first = np.unique(u.astype(np.int64) * graph.nodes + v, return_index=True)
    return u[first], v[first], reached_by[ok][first]


def _covering_links(xy: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The links whose strips make up a band (end points, (k, 2, 2)): every link longer
    than BAND_REACH_M and, of the shorter ones, a spanning forest (the longest kept). A
    short link left out joins two junctions already inside the band, and its strip lies
    within BAND_REACH_M of them but for a sliver at most R - sqrt(R² - length²/4) wide
    (27 m at the longest) that the neighbouring strips and the closing fill. On a street
    grid this halves the union, the slow step, and the drawn area stays the same to
    about 0.1% (benchmarks/travel.py prints both)."""
    length = np.hypot(*(xy[u] - xy[v]).T)
    short = length <= BAND_REACH_M
    if not short.any():
        return np.stack([xy[u], xy[v]], axis=1)
    nodes, pos = np.unique(np.r_[u[short], v[short]], return_inverse=True)
    k = int(short.sum())
    # weight 2R - length > 0: the minimum spanning forest keeps the longer short links
    grid = sparse.coo_matrix((2 * BAND_REACH_M - length[short], (pos[:k], pos[k:])),
                             shape=(len(nodes), len(nodes)))
    forest = csgraph.minimum_spanning_tree(grid).tocoo()
    a = np.r_[nodes[forest.row], u[~short]]
    b = np.r_[nodes[forest.col], v[~short]]
    return np.stack([xy[a], xy[b]], axis=1)


def travel_label(mode: str) -> str:
    return MODE_LABELS.get(mode, mode)


_MAX_CELL_NODES = 20_000


def smooth_borders(areas: np.ndarray, spacing: float) -> np.ndarray:
    """Catchments that share borders, with the steps of the junctions' cells taken out of
    the borders (GEOS coverage simplification, Visvalingam–Whyatt at about one junction
    spacing): still a coverage — no overlaps, no gaps, the outer edge kept — so every place
    stays in exactly one catchment, but a planner sees lines, not a staircase."""
    if spacing <= 0 or len(areas) < 2:
        return areas
    return shapely.coverage_simplify(areas, SMOOTHING * spacing, simplify_boundary=False)


SMOOTHING = 1.5      # × junction spacing: steps up to about this size are taken out


def _smooth_nested(areas: list, spacing: float) -> list:
    """Nested bands (smallest first) with their outlines smoothed as one coverage of rings
    (each band less the one inside it), then put back together: still nested exactly."""
    rings = np.array([shapely.difference(a, b) if b is not None else a
                      for a, b in zip(areas, [None] + areas[:-1])], dtype=object)
    if spacing > 0:
        rings = shapely.coverage_simplify(rings, spacing / 2, simplify_boundary=True)
    return list(shapely.union_all(rings[:i + 1]) for i in range(len(rings)))


def time_catchments(graph: RoadGraph, hubs: pd.DataFrame,
                    localities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Catchments by time for the map: each junction goes to its quickest hub (Dijkstra
    once per hub), junctions' Voronoi cells are merged per hub and clipped to the
    localities (the drawn counterpart of catchment_polygons)."""
    cols = ["hub_id", "name", "status", "area_km2"]
    if hubs.empty:
        return gpd.GeoDataFrame(columns=cols, geometry=[], crs=WGS84)
    area = localities.to_crs(BNG).union_all()
    nodes = graph.main
    inside = shapely.contains_xy(area.buffer(500), graph.xy[nodes, 0], graph.xy[nodes, 1])
    nodes = nodes[inside]
    if len(nodes) > _MAX_CELL_NODES:
        nodes = nodes[np.linspace(0, len(nodes) - 1, _MAX_CELL_NODES).astype(int)]
    # Time from each node to each hub = Dijkstra from the hub over reversed edges.
    t = graph.times(graph.xy[nodes], points_bng(hubs))
    owner = np.argmin(t, axis=1)
    pts = shapely.points(graph.xy[nodes])
    cells = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(pts), extend_to=area.buffer(2000)))
    tree = shapely.STRtree(pts)
    cell_idx, pt_idx = tree.query(cells, predicate="contains")
    cell_owner = np.full(len(cells), -1)
    cell_owner[cell_idx] = owner[pt_idx]
    merged = np.array([shapely.union_all(cells[cell_owner == h]) if (cell_owner == h).any()
                       else shapely.Polygon() for h in range(len(hubs))], dtype=object)
    geoms = shapely.intersection(smooth_borders(merged, junction_spacing(graph.xy[nodes])),
                                 area)
    out = gpd.GeoDataFrame({"hub_id": hubs["hub_id"].to_numpy(),
                            "name": hubs["name"].to_numpy(),
                            "status": hubs["status"].to_numpy()}, geometry=geoms, crs=BNG)
    out["area_km2"] = out.geometry.area / 1e6
    return out[cols + ["geometry"]].to_crs(WGS84)
