"""Travel time on a road graph: a river with one bridge, one-way streets, real OSM data."""
from __future__ import annotations


import numpy as np
import pytest

from geo import roads as R
from geo.crs import to_bng
from models.assumptions import default_assumptions
from models.travel import Cancelled, build_graph
from tests.roads_fixture import POINT_NORTH, POINT_SOUTH, write_river_osm
from tests.test_roads import REAL_PBF, needs_real


def _xy(*lonlat):
    x, y = to_bng(*np.array(lonlat, float).T)
    return np.column_stack([x, y])


@pytest.fixture(scope="module")
def river(tmp_path_factory):
    return R.read_road_file(write_river_osm(tmp_path_factory.mktemp("r") / "river.osm"))


def test_one_bridge_makes_the_drive_much_longer_than_the_straight_line(river):
    xy = _xy(POINT_NORTH, POINT_SOUTH)
    straight_km = float(np.hypot(*(xy[0] - xy[1]))) / 1000
    a = default_assumptions()
    g = build_graph(river.roads, "drive")
    minutes = float(g.times(xy[:1], xy[1:])[0, 0])
    # Straight line at the old placeholder (x1.3 detour at 30 km/h) says under 3 minutes;
    # round by the bridge it is about 8.5 km of 20-30 mph streets.
    approx = straight_km * a.value("road_circuity") / a.value("drive_speed_kmh") * 60
    assert straight_km < 0.8 and approx < 2.5
    assert minutes > 5 * approx
    assert 12 < minutes < 25


def test_a_footbridge_helps_walkers_but_not_drivers(tmp_path, river):
    bridged = R.read_road_file(write_river_osm(tmp_path / "b.osm", footbridge=True))
    xy = _xy(POINT_NORTH, POINT_SOUTH)
    walk_before = float(build_graph(river.roads, "walk").times(xy[:1], xy[1:])[0, 0])
    walk_after = float(build_graph(bridged.roads, "walk").times(xy[:1], xy[1:])[0, 0])
    drive_before = float(build_graph(river.roads, "drive").times(xy[:1], xy[1:])[0, 0])
    drive_after = float(build_graph(bridged.roads, "drive").times(xy[:1], xy[1:])[0, 0])
    assert walk_before > 90 and walk_after < 15
    assert drive_after == pytest.approx(drive_before)


def test_edited_assumptions_change_the_times(river):
    xy = _xy(POINT_NORTH, POINT_SOUTH)
    a = default_assumptions()
    base = float(build_graph(river.roads, "drive", a).times(xy[:1], xy[1:])[0, 0])
    slower = a.with_value("limit_share", 0.7).with_value("speed_minor_kmh", 24)
    parked = a.with_value("parking_minutes", 10)
    assert float(build_graph(river.roads, "drive", slower).times(xy[:1], xy[1:])[0, 0]) > base
    assert float(build_graph(river.roads, "drive", parked).times(xy[:1], xy[1:])[0, 0]) \
        == pytest.approx(base + 7, abs=1e-3)
    walk = build_graph(river.roads, "walk", a.with_value("walk_speed_kmh", 2.4))
    assert float(walk.times(xy[:1], xy[1:])[0, 0]) > 200


def test_one_way_streets_are_one_way_for_drivers():
    import shapely
    # A 1 km square ring of streets; the south side is one way, west to east.
    c = [(570000, 160000), (571000, 160000), (571000, 161000), (570000, 161000)]
    lines = [shapely.LineString([c[i], c[(i + 1) % 4]]) for i in range(4)]
    roads = R.frame("roads", {"road_class": ["residential"] * 4, "name": list("SENW"),
                              "maxspeed_kmh": [np.nan] * 4, "oneway": [1, 0, 0, 0],
                              "drive": [True] * 4, "walk": [True] * 4}, lines)
    xy = np.array([c[0], c[1]], float)
    no_parking = default_assumptions().with_value("parking_minutes", 0)
    drive = build_graph(roads, "drive", no_parking).times(xy, xy)
    walk = build_graph(roads, "walk").times(xy, xy)
    assert drive[1, 0] > 2.5 * drive[0, 1]      # east → west goes round three sides
    assert walk[1, 0] == pytest.approx(walk[0, 1])


def test_cancel_stops_the_matrix(river):
    g = build_graph(river.roads, "drive")
    with pytest.raises(Cancelled):
        g.times(_xy(POINT_NORTH), _xy(POINT_SOUTH), cancel=lambda: True)


def test_no_usable_ways_is_a_clear_error(river):
    with pytest.raises(ValueError, match="no ways for drive time"):
        build_graph(river.roads[river.roads["road_class"] == "footway"], "drive")


@needs_real
def test_real_openstreetmap_graph_gives_sensible_times():
    layers = R.read_road_file(REAL_PBF)
    walk = build_graph(layers.roads, "walk")
    pts = walk.xy[walk.main][::7]
    t = walk.times(pts, pts)
    assert np.isfinite(t).all() and np.allclose(np.diag(t), 0, atol=1e-4)
    assert np.allclose(t, t.T, atol=1e-3)                 # walking is the same both ways
    straight = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    speed = default_assumptions().value("walk_speed_kmh") * 1000 / 60
    assert (t + 1e-3 >= straight / speed).all()           # never faster than a bee-line walk
    assert build_graph(layers.roads, "drive").edges > 10


def test_a_search_limited_to_the_largest_band_gives_the_same_minutes_within_it(river):
    """Time bands search only as far as their largest band: every node within it has the
    same minutes as the full search, every node beyond reads inf (not a wrong time)."""
    g = build_graph(river.roads, "walk", default_assumptions())
    x, y = to_bng(np.array([POINT_NORTH[0]]), np.array([POINT_NORTH[1]]))
    full = g.minutes_from(np.array([x[0], y[0]]))
    cut = g.minutes_from(np.array([x[0], y[0]]), limit=10.0)
    near = full <= 10.0
    assert near.any() and (~near).any()
    assert np.allclose(cut[near], full[near])
    assert (cut[full > 10.0 + 1e-9] >= 10.0).all()


@pytest.fixture(scope="module")
def sample_drive():
    from geo.canonical import load_sample
    return build_graph(R.load_roads(load_sample().folder).roads, "drive")


def _spread(g, n, offset=0):
    return g.xy[g.main][offset::max(1, len(g.main) // n)][:n] + 7.0


@pytest.fixture
def scipy_only(monkeypatch):
    """The compiled search off: matrices come from SciPy (the fallback path)."""
    from models import travel_paths
    monkeypatch.setattr(travel_paths, "ENABLED", False)


def test_a_large_matrix_on_helper_processes_has_the_same_minutes(sample_drive, monkeypatch,
                                                                  scipy_only):
    """Issue #27: the chunks of sites run on two helper processes (SciPy's Dijkstra holds
    the GIL); the minutes are the same, to the bit, as one process's, with progress."""
    from models import travel_workers as W
    g = sample_drive
    pts, sites = _spread(g, 600), _spread(g, 150, 3)
    seen, helper_cpu = [], g.helper_cpu_seconds
    both = g.times(pts, sites, progress=lambda f, m: seen.append((f, m)))
    assert W.HELPERS < 2 or g.helper_cpu_seconds > helper_cpu     # the helpers did it
    monkeypatch.setattr(W, "HELPERS", 1)
    one = g.times(pts, sites)
    assert np.array_equal(both, one) and np.isfinite(one).all()
    assert seen[-1][0] == pytest.approx(1.0) and "Travel times" in seen[-1][1]
    capped = g.times(pts, sites, limit=5.0)         # a cap reads inf, never a wrong time
    near = np.isfinite(capped)
    assert near.any() and (~near).any() and np.array_equal(capped[near], one[near])


def test_cancel_stops_a_matrix_on_helper_processes(sample_drive, scipy_only):
    import glob
    g = sample_drive
    before = set(glob.glob("/dev/shm/psm_*"))
    calls = []
    with pytest.raises(Cancelled):
        g.times(_spread(g, 600), _spread(g, 300, 3), cancel=lambda: calls.append(1) or
                len(calls) > 2)
    assert set(glob.glob("/dev/shm/psm_*")) <= before          # shared memory released
    assert np.isfinite(g.times(_spread(g, 5), _spread(g, 2, 3))).all()   # still usable


def test_helpers_that_cannot_start_leave_the_matrix_to_this_process(sample_drive, monkeypatch,
                                                                     scipy_only):
    """A helper that dies (or cannot start) costs nothing but time: the same minutes come
    from this process, and the helpers are not tried again this session."""
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context
    from models import travel_workers as W
    g = sample_drive
    pts, sites = _spread(g, 300), _spread(g, 150, 3)
    monkeypatch.setattr(W, "HELPERS", 1)
    one = g.times(pts, sites)
    broken = ProcessPoolExecutor(2, mp_context=get_context("spawn"), initializer=sys.exit,
                                 initargs=(1,))
    monkeypatch.setattr(W, "HELPERS", 2)
    monkeypatch.setattr(W, "_pool", broken)
    assert np.array_equal(g.times(pts, sites), one)
    assert W._pool is W._NONE and W._helpers() is None
    broken.shutdown()


def _one_way_grid():
    """A 12 x 12 street grid, 200 m apart, with every third street one way (alternating
    directions) and two speeds: journeys differ by direction."""
    import shapely
    lines, oneway, cls = [], [], []
    for j in range(12):
        for i in range(11):
            for a, b in (((i, j), (i + 1, j)), ((j, i), (j, i + 1))):
                lines.append(shapely.LineString([(570000 + 200 * a[0], 160000 + 200 * a[1]),
                                                 (570000 + 200 * b[0], 160000 + 200 * b[1])]))
                oneway.append((1, -1)[len(lines) % 2] if len(lines) % 3 == 0 else 0)
                cls.append("primary" if j % 5 == 2 else "residential")
    n = len(lines)
    roads = R.frame("roads", {"road_class": cls, "name": [""] * n,
                              "maxspeed_kmh": [np.nan] * n, "oneway": oneway,
                              "drive": [True] * n, "walk": [True] * n}, lines)
    return build_graph(roads, "drive")


def test_the_compiled_matrix_has_scipys_minutes_on_one_way_streets(monkeypatch):
    """Issue #27: the matrix comes from a compiled search on two threads; its minutes are
    SciPy's to the bit, one-way streets included (A to B is not B to A), and with a limit
    every journey within it is the same and every one beyond reads inf, never a time."""
    from models import travel_paths, travel_workers
    g = _one_way_grid()
    rng = np.random.default_rng(3)
    pts = rng.uniform((569950, 159950), (572250, 162250), (300, 2))
    sites = rng.uniform((569950, 159950), (572250, 162250), (150, 2))   # 3 chunks of sites
    seen = []
    fast = g.times(pts, sites, progress=lambda f, m: seen.append((f, m)))
    assert travel_paths._kernel not in (None, False)          # the compiled search ran
    monkeypatch.setattr(travel_paths, "ENABLED", False)
    monkeypatch.setattr(travel_workers, "HELPERS", 1)
    ref = g.times(pts, sites)
    assert np.array_equal(fast, ref) and np.isfinite(ref).all()
    assert len(seen) >= 3 and seen[-1][0] == pytest.approx(1.0)
    assert "Travel times" in seen[-1][1]
    there, back = g.times(pts[:50], pts[50:100]), g.times(pts[50:100], pts[:50]).T
    assert np.abs(there - back).max() > 0.5                   # one-way streets matter
    cut = float(np.median(ref))
    scipy_capped = g.times(pts, sites, limit=cut)
    monkeypatch.setattr(travel_paths, "ENABLED", True)
    capped = g.times(pts, sites, limit=cut)
    assert np.array_equal(capped, scipy_capped)               # inf in the same places
    near = np.isfinite(capped)
    assert near.any() and (~near).any() and np.array_equal(capped[near], ref[near])
    assert (ref[~near] > cut).all()


def test_no_points_or_no_sites_give_an_empty_matrix(sample_drive):
    from models import travel_paths
    g = sample_drive
    assert g.times(_spread(g, 5), np.empty((0, 2))).shape == (5, 0)
    assert g.times(np.empty((0, 2)), _spread(g, 40)).shape == (0, 40)
    assert travel_paths._kernel not in (None, False)          # still the compiled search


def test_cancel_stops_a_compiled_matrix_and_it_stays_usable(sample_drive):
    from models import travel_paths
    g = sample_drive
    calls = []
    with pytest.raises(Cancelled):
        g.times(_spread(g, 600), _spread(g, 300, 3), cancel=lambda: calls.append(1) or
                len(calls) > 2)
    assert len(calls) == 3                                    # stopped at the third check
    assert travel_paths._kernel not in (None, False)
    assert np.isfinite(g.times(_spread(g, 5), _spread(g, 2, 3))).all()


def test_without_the_compiled_search_scipy_makes_the_same_matrix(sample_drive, monkeypatch):
    """If Numba cannot compile the search (or is missing), the matrix comes from SciPy,
    with the same minutes, and the compiled search is not tried again this session."""
    import builtins
    from models import travel_paths
    g = sample_drive
    pts, sites = _spread(g, 200), _spread(g, 40, 3)
    fast = g.times(pts, sites)
    real_import = builtins.__import__

    def no_numba(name, *args, **kwargs):
        if name == "numba" or name.startswith("numba."):
            raise ImportError("no numba here")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_numba)
    import models
    monkeypatch.delitem(__import__("sys").modules, "models.travel_kernel", raising=False)
    monkeypatch.delattr(models, "travel_kernel", raising=False)
    monkeypatch.setattr(travel_paths, "_kernel", None)
    assert np.array_equal(g.times(pts, sites), fast)
    assert travel_paths._kernel is False and travel_paths._compiled() is None


def test_a_compiled_search_that_fails_leaves_the_matrix_to_scipy(sample_drive, monkeypatch):
    from types import SimpleNamespace
    from models import travel_paths
    g = sample_drive
    pts, sites = _spread(g, 200), _spread(g, 40, 3)
    fast = g.times(pts, sites)

    def broken(*args):
        raise MemoryError("no room for the search")
    monkeypatch.setattr(travel_paths, "_kernel", SimpleNamespace(chunk=broken, unsort=broken))
    assert np.array_equal(g.times(pts, sites), fast)
    assert travel_paths._compiled() is None                   # not tried again
