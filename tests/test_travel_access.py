"""Access, catchments, time bands and the site optimiser by travel time, on the sample."""
from __future__ import annotations

import numpy as np
import pytest

from geo import roads as R
from geo.canonical import load_sample
from models import hubs as H
from models.travel_access import (
    assign_by_time, evaluate_by_time, graph_for, time_access, time_bands,
)


@pytest.fixture(scope="module")
def sample():
    ds = load_sample()
    layers = R.load_roads(ds.folder)
    assert layers is not None and layers.illustrative
    return ds, layers, H.demand_points(ds)


def test_catchments_by_drive_time_pick_the_quickest_hub(sample):
    ds, layers, demand = sample
    g = graph_for(layers, "drive")
    assigned = assign_by_time(demand, ds.hubs, g)
    xy = demand[["x", "y"]].to_numpy(float)
    t = g.times(xy, H.catchments.points_bng(ds.hubs))
    assert np.allclose(assigned["minutes"], t.min(axis=1), atol=1e-4)
    assert set(assigned["hub_id"]) <= set(ds.hubs["hub_id"])
    assert graph_for(layers, "drive") is g            # cached: dragging does not rebuild


def test_time_access_shares_rise_with_the_band(sample):
    ds, layers, demand = sample
    layout = evaluate_by_time(demand, ds.hubs, graph_for(layers, "drive"))
    a = layout.access["now"]
    assert a["share_within_10min"] <= a["share_within_15min"] <= a["share_within_20min"] <= 1
    assert 0 < a["mean_minutes"] < 40
    assert a["patients"] == pytest.approx(demand["patients_now"].sum())
    assert "mean_minutes" in layout.per_hub
    walk = evaluate_by_time(demand, ds.hubs, graph_for(layers, "walk")).access["now"]
    assert walk["mean_minutes"] > a["mean_minutes"]


def test_a_river_crossing_shows_in_drive_time_but_not_in_straight_line(sample):
    """Practices just across the river from a hub are close as the crow flies, far by road."""
    ds, layers, demand = sample
    assigned = assign_by_time(demand, ds.hubs, graph_for(layers, "drive"))
    straight = H.assign_catchments(demand, ds.hubs)
    differ = (assigned["hub_id"] != straight["hub_id"]) & (demand["patients_now"] > 0)
    assert differ.any()


def test_optimiser_on_drive_time(sample):
    ds, layers, demand = sample
    g = graph_for(layers, "drive")
    cands = H.candidate_sites(practices=ds.practices)
    plan = H.optimise_hubs(demand, ds.hubs, cands, 2, keep=("existing",), travel=g,
                           bound_seconds=2)
    assert plan.travel == "drive" and plan.by_time
    assert plan.objective_after_minutes < plan.objective_before_minutes
    assert np.isnan(plan.objective_after_km)
    assert "drive time by road" in plan.summary() and "min" in plan.summary()
    after = time_access(assign_by_time(demand, plan.hubs, g))["now"]["mean_minutes"]
    assert after == pytest.approx(plan.objective_after_minutes, rel=1e-4)
    straight = H.optimise_hubs(demand, ds.hubs, cands, 2, keep=("existing",))
    assert np.isnan(straight.objective_after_minutes) and straight.objective_after_km > 0


def test_time_bands_nest_around_a_hub(sample):
    ds, layers, _ = sample
    hub = ds.hubs.iloc[0]
    bands = time_bands(graph_for(layers, "drive"), (hub.longitude, hub.latitude))
    assert list(bands["minutes"]) == [20, 15, 10]
    areas = bands.to_crs(27700).area.to_numpy()
    assert areas[0] > areas[1] > areas[2] > 0
    assert bands.geometry.iloc[2].buffer(1e-6).contains(
        bands.geometry.iloc[2].representative_point())


def axis_parallel_share(geoms) -> float:
    """Share of the outline length running within 3° of east–west or north–south: near 1
    for a staircase of junction cells, well below for a drawn boundary."""
    import shapely
    total = straight = 0.0
    for line in geoms:
        for part in shapely.get_parts(line):
            d = np.diff(np.asarray(part.coords)[:, :2], axis=0)
            length = np.hypot(d[:, 0], d[:, 1])
            angle = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
            total += length.sum()
            straight += length[(angle < 3) | (angle > 87)].sum()
    return straight / total


def _borders(catchments):
    """The lines two catchments share (the outer edge is the localities')."""
    g = catchments.to_crs(27700).geometry.to_numpy()
    return [g[i].boundary.intersection(g[j].boundary) for i in range(len(g))
            for j in range(i + 1, len(g)) if g[i].boundary.intersects(g[j].boundary)]


def test_drive_time_catchments_are_smooth_areas_covering_medway_once(sample, monkeypatch):
    """Issue #24: on the sample's grid of streets the junctions' cells made stair-stepped
    blocks; the borders are now lines, and every place is in exactly one catchment."""
    import shapely
    from models import travel_access as TA
    ds, layers, demand = sample
    g = graph_for(layers, "drive")
    smooth = TA.time_catchments(g, ds.hubs, ds.localities)
    monkeypatch.setattr(TA, "smooth_borders", lambda areas, spacing: areas)
    raw = TA.time_catchments(g, ds.hubs, ds.localities)
    assert axis_parallel_share(_borders(raw)) > 0.9            # the staircase it was
    assert axis_parallel_share(_borders(smooth)) < 0.5
    assert shapely.get_num_coordinates(smooth.geometry.to_numpy()).sum() < \
        0.6 * shapely.get_num_coordinates(raw.geometry.to_numpy()).sum()
    bng = smooth.to_crs(27700)
    medway = ds.localities.to_crs(27700).union_all()
    assert bng.area.sum() == pytest.approx(bng.union_all().area, rel=1e-6)   # no overlaps
    assert bng.union_all().symmetric_difference(medway).area < 1e-6 * medway.area  # no gaps
    # the places served: each practice site lies in its quickest hub's area (or within a
    # junction spacing of it)
    assigned = assign_by_time(demand, ds.hubs, g)
    areas = dict(zip(bng["hub_id"], bng.geometry))
    spacing = TA.junction_spacing(g.xy)
    for hub, x, y in assigned[["hub_id", "x", "y"]].itertuples(index=False):
        assert areas[hub].distance(shapely.Point(x, y)) <= spacing, hub


def test_time_bands_are_smooth_and_stay_nested(sample, monkeypatch):
    import shapely
    from models import travel_access as TA
    ds, layers, _ = sample
    hub = ds.hubs.iloc[0]
    bands = time_bands(graph_for(layers, "drive"), (hub.longitude, hub.latitude))
    monkeypatch.setattr(TA, "_smooth_nested", lambda areas, spacing: areas)
    raw = time_bands(graph_for(layers, "drive"), (hub.longitude, hub.latitude))
    geoms = bands.to_crs(27700).geometry.to_numpy()
    assert geoms[1].difference(geoms[0]).area < 1 and geoms[2].difference(geoms[1]).area < 1
    rough = raw.to_crs(27700).geometry.to_numpy()
    assert axis_parallel_share([g.boundary for g in geoms]) < \
        0.8 * axis_parallel_share([g.boundary for g in rough])
    assert shapely.get_num_coordinates(geoms).sum() < \
        0.5 * shapely.get_num_coordinates(rough).sum()


def test_time_bands_drawn_from_fewer_strips_cover_the_same_area(sample, monkeypatch):
    """Issue #27: a band is drawn from the strips of a spanning forest of its short links
    (and every long one), not of every link: a hub's bands keep their area (within 1%)."""
    from models import travel_access as TA
    ds, layers, _ = sample
    g = graph_for(layers, "drive")
    quick = [time_bands(g, (h.longitude, h.latitude)) for h in ds.hubs.itertuples()]
    u, v, _ = TA._links_reached(g, g.minutes_from(g.xy[g.main[0]], 20))
    assert 0 < len(TA._covering_links(g.xy, u, v)) < len(u)       # fewer strips to union
    monkeypatch.setattr(TA, "_covering_links",
                        lambda xy, u, v: np.stack([xy[u], xy[v]], axis=1))
    every = [time_bands(g, (h.longitude, h.latitude)) for h in ds.hubs.itertuples()]
    for q, e in zip(quick, every):
        assert list(q["minutes"]) == list(e["minutes"])
        assert np.allclose(q.to_crs(27700).area, e.to_crs(27700).area, rtol=0.01)
