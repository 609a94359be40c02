"""The Hubs tab's figures by public transport: catchments to the quickest hub, patient-
weighted mean minutes and shares within 15/30/45 minutes, the share of departures arriving
within each band, the bands around one hub and the catchment areas for the map.

Bands and catchment areas are drawn from a grid of places (cells ``spacing`` metres wide)
each timed exactly like a practice: a cell is inside the 30-minute band when the median
door-to-hub time from its centre is 30 minutes or less.

API
---
evaluate_by_transit(demand, hubs, net) -> models.hubs.Layout; access gains
    departures_within_15min/_30min/_45min (patient-weighted share of the window's
    departures arriving within the band, to the quickest hub)
access_text(layout, net) -> one paragraph naming the feed, its dates and the window
transit_bands(net, lonlat, box=None, bands=TRANSIT_BANDS_MIN) -> GeoDataFrame (EPSG:4326)
transit_catchments(net, hubs, localities) -> GeoDataFrame (EPSG:4326) like time_catchments
"""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import BNG, WGS84, points_bng, to_bng
from models.hubs.catchments import Layout, _wmean
from models.transit.access import TRANSIT_BANDS_MIN, TransitNetwork
from models.travel_access import evaluate_by_time, smooth_borders

_MAX_CELLS = 15_000


def evaluate_by_transit(demand: pd.DataFrame, hubs: pd.DataFrame, net: TransitNetwork,
                        bands=TRANSIT_BANDS_MIN) -> Layout:
    layout = evaluate_by_time(demand, hubs, net, bands)
    if hubs.empty:
        return layout
    xy = demand[["x", "y"]].to_numpy(float)
    deps = net.departures(xy, points_bng(hubs))
    which = pd.Index(hubs["hub_id"]).get_indexer(layout.assigned["hub_id"])
    mine = deps[np.arange(len(xy)), which]                       # (points, departures)
    extra = {}
    for col in ("now", "with_growth"):
        w = layout.assigned["patients_now" if col == "now" else
                            "patients_with_growth"].to_numpy(float)
        extra[col] = {f"departures_within_{b:g}min": _wmean((mine <= b).mean(axis=1), w)
                      for b in bands}
    layout.access = pd.concat([layout.access, pd.DataFrame(extra)])
    return layout


def access_text(layout: Layout, net: TransitNetwork, bands=TRANSIT_BANDS_MIN) -> str:
    a, g = layout.access["now"], layout.access["with_growth"]
    shares = ", ".join(f"{b} min {a[f'share_within_{b}min']:.0%}" for b in bands)
    deps = ", ".join(f"{b} min {a[f'departures_within_{b}min']:.0%}" for b in bands
                     if f"departures_within_{b}min" in a)
    text = (f"<b>Access now</b> (public transport, quickest hub, median over the window's "
            f"departures): patient-weighted mean <b>{a['mean_minutes']:.1f} min</b>; "
            f"patients within {shares}. Departures arriving within {deps}. With housing "
            f"growth: mean {g['mean_minutes']:.1f} min. Walking the whole way counts where "
            f"it is quicker. <i>{net.label()}.</i>")
    if net.no_service:
        text += f" <b>{net.no_service_text()}.</b>"
    return text


def _grid(box, spacing: float) -> np.ndarray:
    minx, miny, maxx, maxy = box
    gx = np.arange(minx + spacing / 2, maxx, spacing)
    gy = np.arange(miny + spacing / 2, maxy, spacing)
    xx, yy = np.meshgrid(gx, gy)
    return np.column_stack([xx.ravel(), yy.ravel()])


def _spacing(box, most: int = _MAX_CELLS) -> float:
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1.0)
    return max(150.0, float(np.sqrt(area / most)))


def _cells(xy: np.ndarray, spacing: float):
    h = spacing / 2
    return shapely.box(xy[:, 0] - h, xy[:, 1] - h, xy[:, 0] + h, xy[:, 1] + h)


def _smooth(area, spacing: float):
    """Grid cells → an outline without the staircase (closed, then opened, half a cell)."""
    h = spacing / 2
    return area.buffer(h, quad_segs=4).buffer(-h, quad_segs=4).simplify(spacing / 4)


def transit_bands(net: TransitNetwork, lonlat, box=None, bands=TRANSIT_BANDS_MIN,
                  reach_m: float = 25_000) -> gpd.GeoDataFrame:
    """The areas within each band of one hub (nested; largest first)."""
    x, y = to_bng(np.array([lonlat[0]], float), np.array([lonlat[1]], float))
    hub = np.array([[x[0], y[0]]])
    near = (x[0] - reach_m, y[0] - reach_m, x[0] + reach_m, y[0] + reach_m)
    if box is not None:
        near = (max(near[0], box[0]), max(near[1], box[1]), min(near[2], box[2]),
                min(near[3], box[3]))
    spacing = _spacing(near)
    xy = _grid(near, spacing)
    minutes = net.times(xy, hub)[:, 0]
    rows = []
    for b in sorted(bands, reverse=True):
        inside = minutes <= b
        area = shapely.coverage_union_all(_cells(xy[inside], spacing)) if inside.any() \
            else shapely.Polygon()
        rows.append((b, _smooth(area, spacing)))
    g = gpd.GeoDataFrame({"minutes": [r[0] for r in rows]},
                         geometry=[r[1] for r in rows], crs=BNG)
    g["mode"] = "transit"
    return g.to_crs(WGS84)


def transit_catchments(net: TransitNetwork, hubs: pd.DataFrame,
                       localities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Land within the localities by quickest hub (median public-transport minutes)."""
    cols = ["hub_id", "name", "status", "area_km2"]
    if hubs.empty:
        return gpd.GeoDataFrame(columns=cols, geometry=[], crs=WGS84)
    area = localities.to_crs(BNG).union_all()
    spacing = _spacing(area.bounds)
    xy = _grid(area.bounds, spacing)
    xy = xy[shapely.intersects_xy(area.buffer(spacing), xy[:, 0], xy[:, 1])]
    owner = np.argmin(net.times(xy, points_bng(hubs)), axis=1)
    cells = _cells(xy, spacing)
    merged = np.array([shapely.coverage_union_all(cells[owner == h]) if (owner == h).any()
                       else shapely.Polygon() for h in range(len(hubs))], dtype=object)
    # the grid's steps taken out of the shared borders, as for drive-time catchments
    geoms = shapely.intersection(smooth_borders(merged, spacing), area)
    out = gpd.GeoDataFrame({"hub_id": hubs["hub_id"].to_numpy(),
                            "name": hubs["name"].to_numpy(),
                            "status": hubs["status"].to_numpy()}, geometry=geoms, crs=BNG)
    out["area_km2"] = out.geometry.area / 1e6
    return out[cols + ["geometry"]].to_crs(WGS84)
