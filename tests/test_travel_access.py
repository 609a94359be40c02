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
