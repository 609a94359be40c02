"""The public-transport engine on hand-made timetables whose answers are worked out by hand,
and against a brute-force search on small random timetables."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.crs import to_bng
from geo.io_gtfs import read_feed
from models.assumptions import default_assumptions
from models.transit.access import TransitNetwork, TransitParams
from tests.transit_fixture import LAT, STOPS, write_feed

TUESDAY = date(2025, 7, 8)


def network(path, *, day=TUESDAY, start_h=9.0, **values) -> TransitNetwork:
    a = default_assumptions().with_value("transit_departure_step_min", 60)
    for k, v in values.items():
        a = a.with_value(k, v)
    feed = read_feed(path)
    return TransitNetwork(feed, TransitParams.from_assumptions(a, feed, day, start_h))


def xy(stop: str) -> np.ndarray:
    x, y = to_bng(np.array([STOPS[stop]]), np.array([LAT]))
    return np.column_stack([x, y])


def minutes(net, a: str, b: str) -> float:
    return float(net.departures(xy(a), xy(b))[0, 0, 0])


def walk_minutes(net, a: str, b: str) -> float:
    return float(net.walk_s(np.hypot(*(xy(a) - xy(b))[0])) / 60)


def test_a_missed_connection_waits_for_the_next_bus(tmp_path):
    trips = [("t1", "S", [("A", "09:00:00"), ("B", "09:10:00")]),
             ("t2", "S", [("B", "09:11:00"), ("C", "09:20:00")]),   # 1 min: too short
             ("t3", "S", [("B", "09:30:00"), ("C", "09:40:00")])]
    path = write_feed(tmp_path / "f.zip", trips)
    assert minutes(network(path), "A", "C") == pytest.approx(40)
    # With a one-minute change allowed the 09:11 is caught.
    assert minutes(network(path, transit_change_min=1), "A", "C") == pytest.approx(20)


def test_staying_on_the_bus_needs_no_change_time(tmp_path):
    trips = [("t1", "S", [("A", "09:00:00"), ("B", "09:10:00"), ("C", "09:15:00")])]
    path = write_feed(tmp_path / "f.zip", trips)
    assert minutes(network(path, transit_change_min=30), "A", "C") == pytest.approx(15)


def test_an_overnight_service_from_the_day_before_is_caught(tmp_path):
    # Runs on Monday only; its times past 24:00 are early Tuesday morning.
    trips = [("night", "MON", [("A", "24:10:00"), ("C", "24:30:00")])]
    path = write_feed(tmp_path / "f.zip", trips,
                      calendar=[("MON", "1000000", "20250601", "20250831")])
    net = network(path, start_h=0.0)
    assert minutes(net, "A", "C") == pytest.approx(30)
    # On a Wednesday night nothing runs (Tuesday has no service): walking only.
    wed = network(path, day=date(2025, 7, 9), start_h=0.0)
    assert wed.no_service
    assert minutes(wed, "A", "C") == pytest.approx(walk_minutes(wed, "A", "C"))


def test_calendar_exceptions_remove_and_add_a_service_on_the_day(tmp_path):
    trips = [("usual", "WEEK", [("A", "09:05:00"), ("C", "09:15:00")]),
             ("extra", "EXTRA", [("A", "09:20:00"), ("C", "09:50:00")])]
    path = write_feed(tmp_path / "f.zip", trips,
                      calendar=[("WEEK", "1111100", "20250601", "20250831"),
                                ("EXTRA", "0000000", "20250601", "20250831")],
                      calendar_dates=[("EXTRA", "20250708", "1"),
                                      ("WEEK", "20250708", "2")])
    assert minutes(network(path), "A", "C") == pytest.approx(50)          # the added one
    assert minutes(network(path, day=date(2025, 7, 9)), "A", "C") == pytest.approx(15)


def test_a_frequency_based_route_runs_every_headway(tmp_path):
    trips = [("every15", "S", [("A", "06:00:00"), ("C", "06:10:00")])]
    path = write_feed(tmp_path / "f.zip", trips,
                      frequencies=[("every15", "09:00:00", "10:00:00", "900")])
    # Leaving at 09:05: the 09:15 run, arriving 09:25 → 20 minutes.
    assert minutes(network(path, start_h=9 + 5 / 60), "A", "C") == pytest.approx(20)
    # The pattern's own 06:00 time is not a run.
    early = network(path, start_h=6.0)
    assert minutes(early, "A", "C") == pytest.approx(walk_minutes(early, "A", "C"))


def test_transfers_txt_sets_the_least_time_to_change_between_stops(tmp_path):
    near = [("B2", "Stop B2", LAT + 0.0018, STOPS["B"])]            # 200 m from B
    trips = [("t1", "S", [("A", "09:00:00"), ("B", "09:10:00")]),
             ("t2", "S", [("B2", "09:15:00"), ("C", "09:25:00")]),
             ("t3", "S", [("B2", "09:25:00"), ("C", "09:35:00")])]
    stops = [(s, f"Stop {s}", LAT, lon) for s, lon in STOPS.items()] + near
    plain = write_feed(tmp_path / "a.zip", trips, stops=stops)
    # Walking 200 m × 1.3 at 4.8 km/h takes 3.3 min: the 09:15 is caught.
    assert minutes(network(plain), "A", "C") == pytest.approx(25)
    ruled = write_feed(tmp_path / "b.zip", trips, stops=stops,
                       transfers=[("B", "B2", "2", "600")])               # 10 minutes
    assert minutes(network(ruled), "A", "C") == pytest.approx(35)


def test_walking_the_whole_way_is_always_an_option(tmp_path):
    trips = [("slow", "S", [("A", "09:00:00"), ("B", "11:00:00")])]
    net = network(write_feed(tmp_path / "f.zip", trips))
    assert minutes(net, "A", "B") == pytest.approx(walk_minutes(net, "A", "B"))
    assert walk_minutes(net, "A", "B") < 120


def test_a_day_outside_the_validity_is_refused(tmp_path):
    path = write_feed(tmp_path / "f.zip", [("t", "S", [("A", "09:00:00"),
                                                        ("B", "09:10:00")])])
    with pytest.raises(ValueError, match="outside the timetable's validity.*2025-06-01 to "
                                         "2025-08-31"):
        network(path, day=date(2026, 1, 6))


def test_the_median_is_over_the_window_departures(tmp_path):
    # One bus at 09:30; departures every 15 min from 09:00 wait 30, 15, 0, then walk.
    trips = [("t", "S", [("A", "09:30:00"), ("B", "09:40:00")])]
    net = network(write_feed(tmp_path / "f.zip", trips), transit_departure_step_min=15)
    d = net.departures(xy("A"), xy("B"))[0, 0]
    walk = walk_minutes(net, "A", "B")
    assert d == pytest.approx([40, 25, 10, walk])
    assert net.times(xy("A"), xy("B"))[0, 0] == pytest.approx(np.median(d))


# ---------------------------------------------------------------- brute force

def brute_force(net, origin: int, target_xy, t0: float) -> float:
    """Earliest arrival by repeated relaxation over whole trips (no connection order)."""
    c = net.conn
    same, frm, to, foot = (net.changes.same_s, net.changes.foot_from, net.changes.foot_to,
                           net.changes.foot_s)
    n = c.n_stops
    ready = np.full(n, np.inf)
    ready[origin] = t0
    alight = np.full(n, np.inf)
    trips = {}
    for i in range(len(c)):
        trips.setdefault(int(c.trip[i]), []).append(i)
    for legs in trips.values():
        legs.sort(key=lambda i: (c.dep[i], c.arr[i]))
    for _ in range(20):
        changed = False
        for legs in trips.values():
            on = False
            for i in legs:
                on = on or ready[c.dep_stop[i]] <= c.dep[i]
                if on and c.arr[i] < alight[c.arr_stop[i]]:
                    alight[c.arr_stop[i]] = c.arr[i]
                    changed = True
        new = np.minimum(ready, alight + same)
        np.minimum.at(new, to, alight[frm] + foot)
        new[origin] = t0
        ready = new
        if not changed:
            break
    d = np.hypot(*(net.stops_xy - target_xy).T)
    egress = np.where(d <= net.p.max_walk_m, net.walk_s(d), np.inf)
    return float(np.min(alight + egress))


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_the_scan_agrees_with_a_brute_force_search(tmp_path_factory, data):
    where = tmp_path_factory.mktemp("feed") / "random.zip"
    names = [f"S{i}" for i in range(6)]
    # Stops on a grid 3 km apart, some a 200 m walk from another.
    stops = [(s, s, LAT + 0.027 * (i // 3) + (0.0018 if i == 5 else 0),
              -1.4 + 0.043 * (i % 3)) for i, s in enumerate(names)]
    trips = []
    for t in range(data.draw(st.integers(1, 8))):
        calls = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=4,
                                   unique=True))
        clock = data.draw(st.integers(9 * 60, 10 * 60))
        times = []
        for _ in calls:
            times.append(f"{clock // 60:02d}:{clock % 60:02d}:00")
            clock += data.draw(st.integers(1, 20))
        trips.append((f"t{t}", "S", list(zip(calls, times))))
    net = network(write_feed(where, trips, stops=stops), transit_max_journey_min=600,
                  transit_change_min=data.draw(st.sampled_from([1, 2, 5])))
    origin = data.draw(st.integers(0, 5))
    target = data.draw(st.integers(0, 5))
    from geo.crs import to_bng as bng
    ox, oy = bng(np.array([stops[origin][3]]), np.array([stops[origin][2]]))
    tx, ty = bng(np.array([stops[target][3]]), np.array([stops[target][2]]))
    o = np.column_stack([ox, oy])
    h = np.column_stack([tx, ty])
    got = net.departures(o, h)[0, 0, 0]                 # one target: the scalar scan
    net.one_by_one = 0                                    # several at once: the vector scan
    both = net.departures(o, np.vstack([h, o]))[0, 0, 0]
    assert both == pytest.approx(got, abs=1e-3)
    start = net.p.start_s
    # The origin may also walk to a stop within reach (stop 5 is 200 m from stop 2).
    best = np.inf
    for s in range(len(net.stops_xy)):
        w = np.hypot(*(net.stops_xy[s] - o[0]))
        if w <= net.p.max_walk_m:
            best = min(best, brute_force(net, s, h[0], start + np.round(net.walk_s(w))))
    walk = float(net.walk_s(np.hypot(*(o[0] - h[0]))) / 60)
    expected = min(walk, (best - start) / 60)
    assert got == pytest.approx(expected, abs=1e-3)


def test_walks_follow_the_imported_roads(tmp_path):
    """A stop 700 m across a river with its only bridge 4 km away: without roads the walk
    to it is short; on the roads it is beyond the longest walk, so walking stands."""
    from geo.roads import read_road_file
    from models.transit.access import network_for
    from tests.roads_fixture import (
        EAST,
        POINT_NORTH,
        POINT_SOUTH,
        SOUTH,
        write_river_osm,
    )
    stops = [("S", "South bank", POINT_SOUTH[1], POINT_SOUTH[0]),
             ("T", "Bridge end", SOUTH, EAST)]
    trips = [("t", "S1", [("S", "09:15:00"), ("T", "09:20:00")])]
    feed = read_feed(write_feed(tmp_path / "f.zip", trips, stops=stops))
    a = default_assumptions().with_value("transit_detour_index", 1.0).with_value(
        "transit_departure_step_min", 60)
    layers = read_road_file(write_river_osm(tmp_path / "river.osm"))
    home = np.column_stack(to_bng(np.array([POINT_NORTH[0]]), np.array([POINT_NORTH[1]])))
    hub = np.column_stack(to_bng(np.array([EAST]), np.array([SOUTH])))
    straight = network_for(feed, a, TUESDAY)
    assert straight.times(home, hub)[0, 0] < 25                  # the 09:15 bus, 700 m away
    roads = network_for(feed, a, TUESDAY, roads=layers)
    assert "walks on the imported roads" in roads.label()
    by_road = roads.times(home, hub)[0, 0]
    assert by_road == pytest.approx(roads.walk_minutes(home, hub)[0, 0])
    assert by_road > 45                                          # round by the bridge


def test_the_default_day_is_the_busiest_weekday_and_never_a_removed_one(tmp_path):
    from models.transit.service_day import default_day, trips_per_day
    trips = [("a", "WEEK", [("A", "09:00:00"), ("B", "09:10:00")]),
             ("b", "EXTRA", [("A", "10:00:00"), ("B", "10:10:00")]),
             ("c", "SAT", [("A", "10:00:00"), ("B", "10:10:00")])]
    feed = read_feed(write_feed(tmp_path / "f.zip", trips, calendar=[
        ("WEEK", "1111100", "20250602", "20250613"),
        ("SAT", "0000011", "20250602", "20250613")],
        calendar_dates=[("WEEK", "20250602", "2"), ("EXTRA", "20250604", "1"),
                        ("SAT", "20250607", "1")]))
    counts = trips_per_day(feed)
    assert counts[date(2025, 6, 2)] == 0 and counts[date(2025, 6, 4)] == 2
    assert counts[date(2025, 6, 7)] == 1
    assert default_day(feed) == date(2025, 6, 4)


def test_suggest_sites_on_public_transport_picks_the_site_the_bus_reaches(tmp_path):
    """Patients at C; a site 2 km away with no bus, or D 4.9 km away with a bus every
    5 minutes: the straight line picks the near site, public transport picks D."""
    import pandas as pd

    from geo.crs import to_wgs84
    from geo.dataset import HUB_COLUMNS
    from models.hubs.siting import Objective, SitingProblem
    trips = [("cd", "S", [("C", "06:00:00"), ("D", "06:05:00")])]
    net = network(write_feed(tmp_path / "f.zip", trips,
                             frequencies=[("cd", "08:00:00", "12:00:00", "300")]),
                  transit_departure_step_min=5)
    c = xy("C")[0]
    near_lon, near_lat = to_wgs84(np.array([c[0]]), np.array([c[1] + 2000]))
    candidates = pd.DataFrame({"candidate_id": ["NEAR", "D"], "name": ["Near", "Stop D"],
                               "kind": "practice", "longitude": [near_lon[0], STOPS["D"]],
                               "latitude": [near_lat[0], LAT]})
    demand = pd.DataFrame({"x": [c[0]], "y": [c[1]], "patients_now": [1000.0],
                           "patients_with_growth": [1000.0]})
    hubs = pd.DataFrame(columns=HUB_COLUMNS)
    straight = SitingProblem(demand, hubs, candidates, 1, Objective.straight_line()).solve()
    assert list(straight.added["candidate_id"]) == ["NEAR"]
    by_bus = SitingProblem(demand, hubs, candidates, 1, Objective.travel_time(net)).solve()
    assert list(by_bus.added["candidate_id"]) == ["D"]
    assert by_bus.objective_after_minutes < 10
    assert "public-transport time" in by_bus.summary()


def test_public_transport_catchments_have_line_borders_not_grid_steps(tmp_path, monkeypatch):
    """Issue #24: catchment areas drawn from a grid of places follow a line between two
    hubs, not the grid's staircase, and still cover the area once."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box
    from models.transit import layout
    from tests.test_travel_access import axis_parallel_share
    feed = write_feed(tmp_path / "f.zip", [("T1", "S", [("A", "09:00:00"),
                                                         ("B", "09:10:00")])])
    net = network(feed)
    hubs = pd.DataFrame({"hub_id": ["SW", "NE"], "name": ["South-west", "North-east"],
                         "status": "existing", "latitude": [LAT - 0.02, LAT + 0.02],
                         "longitude": [-1.53, -1.47]})
    area = gpd.GeoDataFrame({"name": ["Area"]}, geometry=[box(-1.57, LAT - 0.05, -1.43,
                                                               LAT + 0.05)], crs=4326)
    smooth = layout.transit_catchments(net, hubs, area).to_crs(27700)
    monkeypatch.setattr(layout, "smooth_borders", lambda areas, spacing: areas)
    raw = layout.transit_catchments(net, hubs, area).to_crs(27700)
    border = [smooth.geometry.iloc[0].boundary.intersection(smooth.geometry.iloc[1].boundary)]
    steps = [raw.geometry.iloc[0].boundary.intersection(raw.geometry.iloc[1].boundary)]
    assert axis_parallel_share(steps) > 0.9 and axis_parallel_share(border) < 0.5
    whole = area.to_crs(27700).union_all()
    assert smooth.area.sum() == pytest.approx(whole.area, rel=1e-6)
    assert smooth.union_all().symmetric_difference(whole).area < 1e-6 * whole.area
