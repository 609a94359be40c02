"""Time travel time on a Medway-sized road network: graph build, a 35,000 x 1,000 travel-time
matrix, the K = 10 site optimiser on it, time bands around a hub, and (with --map) how long
the map takes to redraw the road context.

Goals (issue #27, wall seconds on a quiet 2-core machine): the matrix <= 2 s, the bands of
one hub <= 0.3 s. Each figure is printed with its goal, its CPU seconds (this process's
threads plus any helper processes) and the load average, beside its reference: SciPy's
one-process matrix (the same minutes: "identical" or the largest difference) and bands
drawn from every link's strip (areas). The matrix is also printed with limit=60 minutes.

Run: .venv/bin/python benchmarks/travel.py          graph, matrix, optimiser, bands
     .venv/bin/python benchmarks/travel.py --no-optimiser    the matrix and bands only
     QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/travel.py --map   map redraw only
(prints figures; not part of the tests)

The network is synthetic (seeded): a jittered street grid at 120 m over 24 x 20 km in
British National Grid around Medway (about 33,000 junctions, like the county extract
clipped to Medway plus the 5 km margin), every 10th street an A or B road, each street
drawn with intermediate vertices as OpenStreetMap ways are. Demand points and candidate
sites are placed at random over it.
"""
from __future__ import annotations

import contextlib
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.crs import to_wgs84  # noqa: E402
from geo.roads import RoadLayers, frame  # noqa: E402
from models import hubs as H  # noqa: E402
from models.travel import build_graph  # noqa: E402
from models import travel_access as TA, travel_paths as paths  # noqa: E402
from models import travel_workers as workers  # noqa: E402
from models.travel_access import time_bands  # noqa: E402

ORIGIN = (565_000.0, 155_000.0)     # BNG, south-west of Medway
SPACING, NX, NY = 120.0, 200, 167
N_DEMAND, N_CANDIDATES, K = 35_000, 1_000, 10
LIMIT_MIN = 60.0                    # the longest journey planners look at (issue #27)


def synthetic_roads(seed: int = 7) -> RoadLayers:
    rng = np.random.default_rng(seed)
    gx = ORIGIN[0] + np.arange(NX) * SPACING
    gy = ORIGIN[1] + np.arange(NY) * SPACING
    jitter = rng.uniform(-25, 25, (NY, NX, 2))
    xy = np.stack(np.meshgrid(gx, gy), axis=-1) + jitter
    lines, cls = [], []
    for j in range(NY):              # east-west streets, one way per grid cell
        for i in range(NX - 1):
            a, b = xy[j, i], xy[j, i + 1]
            lines.append([a, a + (b - a) / 3 + rng.normal(0, 3, 2), a + 2 * (b - a) / 3, b])
            cls.append("primary" if j % 10 == 0 else "residential")
    for i in range(NX):              # north-south streets
        for j in range(NY - 1):
            a, b = xy[j, i], xy[j + 1, i]
            lines.append([a, a + (b - a) / 2 + rng.normal(0, 3, 2), b])
            cls.append("secondary" if i % 10 == 0 else "residential")
    geoms = [shapely.LineString(p) for p in lines]
    n = len(geoms)
    roads = frame("roads", {"road_class": cls, "name": [""] * n,
                            "maxspeed_kmh": np.where(rng.random(n) < 0.3, 48.28, np.nan),
                            "oneway": (rng.random(n) < 0.05).astype(int),
                            "drive": [True] * n, "walk": [True] * n}, geoms)
    return RoadLayers(roads, source={"file": "synthetic benchmark network",
                                     "illustrative": True})


def _points(n, rng) -> pd.DataFrame:
    x = rng.uniform(ORIGIN[0], ORIGIN[0] + (NX - 1) * SPACING, n)
    y = rng.uniform(ORIGIN[1], ORIGIN[1] + (NY - 1) * SPACING, n)
    lon, lat = to_wgs84(x, y)
    return pd.DataFrame({"x": x, "y": y, "longitude": lon, "latitude": lat})


def main() -> None:
    rng = np.random.default_rng(1)
    t = time.perf_counter()
    layers = synthetic_roads()
    print(f"synthetic network: {len(layers.roads):,} road ways "
          f"({time.perf_counter() - t:.1f} s to make)")
    if "--map" in sys.argv:
        map_redraw(layers)
        return
    t = time.perf_counter()
    graph = build_graph(layers.roads, "drive")
    print(f"graph build (drive)            {time.perf_counter() - t:7.2f} s  "
          f"{graph.nodes:,} junctions, {graph.edges:,} links")

    d = _points(N_DEMAND, rng)
    demand = pd.DataFrame({"point_id": [f"D{i}" for i in range(N_DEMAND)], "kind": "practice",
                           "practice_code": "", "name": "", "locality": "",
                           "longitude": d["longitude"], "latitude": d["latitude"],
                           "x": d["x"], "y": d["y"],
                           "patients_now": rng.integers(100, 3000, N_DEMAND).astype(float),
                           "new_patients": 0.0})
    demand["patients_with_growth"] = demand["patients_now"]
    c = _points(N_CANDIDATES, rng)
    candidates = pd.DataFrame({"candidate_id": [f"C{i}" for i in range(N_CANDIDATES)],
                               "name": "", "kind": "grid", "longitude": c["longitude"],
                               "latitude": c["latitude"]})
    hubs = pd.DataFrame({"hub_id": ["H1", "H2"], "name": ["Hub 1", "Hub 2"],
                         "latitude": c["latitude"][:2], "longitude": c["longitude"][:2],
                         "status": "existing", "locality": "", "capacity_patients": np.nan})

    from_xy, to_xy = d[["x", "y"]].to_numpy(), c[["x", "y"]].to_numpy()
    runs = []
    for _ in range(3):          # keep one 140 MB result, not three
        wall, cpu, minutes = _timed(graph, lambda: graph.times(from_xy, to_xy))
        runs.append((wall, cpu))
    print(f"travel-time matrix             {_median(runs)}  {minutes.shape[0]:,} x "
          f"{minutes.shape[1]:,} ({minutes.nbytes / 1e6:.0f} MB float32), "
          f"median {np.median(minutes):.1f} min   GOAL <= 2 s wall")
    print(f"  first call (loads the compiled search: {paths.THREADS} threads) "
          f"{runs[0][0]:.2f} s wall")
    with _scipy(helpers=1):
        one = _timed(graph, lambda: graph.times(from_xy, to_xy))
    print(f"  reference: SciPy, one process {one[0]:6.2f} s wall {one[1]:6.2f} s CPU; "
          f"same minutes: {_same(minutes, one[2])}")
    with _scipy(helpers=workers.HELPERS):
        two = _timed(graph, lambda: graph.times(from_xy, to_xy))
    print(f"  SciPy on {workers.HELPERS} helper processes (the fallback) {two[0]:5.2f} s wall "
          f"{two[1]:6.2f} s CPU; same minutes: {_same(minutes, two[2])}")
    capped = _timed(graph, lambda: graph.times(from_xy, to_xy, limit=LIMIT_MIN))
    fin = np.isfinite(capped[2])
    print(f"  with limit={LIMIT_MIN:g} min            {capped[0]:7.2f} s wall {capped[1]:6.2f} s "
          f"CPU: {100 * fin.mean():.1f}% of entries within it, all identical: "
          f"{'yes' if np.array_equal(capped[2][fin], one[2][fin]) else 'NO'}; beyond it "
          f"{'all inf' if np.all(one[2][~fin] > LIMIT_MIN) else 'NOT ALL'} (the optimiser "
          f"keeps the full matrix)")
    del one, two, capped
    for bound in () if "--no-optimiser" in sys.argv else (0.0, 10.0):
        t = time.perf_counter()
        plan = H.optimise_hubs(demand, hubs, candidates, K, keep=("existing",),
                               travel=graph, bound_seconds=bound)
        total = time.perf_counter() - t
        gap = f"gap {100 * plan.gap:.3f}%" if np.isfinite(plan.gap) else "no bound"
        print(f"matrix + K={K} optimisation     {total:7.2f} s  (optimiser "
              f"{plan.seconds:.2f} s, bound budget {bound:g} s)  mean "
              f"{plan.objective_before_minutes:.2f} -> {plan.objective_after_minutes:.2f} "
              f"min  {gap}")
    bands_benchmark(graph, c)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def _timed(graph, make):
    """(wall s, CPU s of this process and the helper processes, result)."""
    t, cpu, helpers = time.perf_counter(), time.process_time(), graph.helper_cpu_seconds
    out = make()
    return (time.perf_counter() - t,
            time.process_time() - cpu + graph.helper_cpu_seconds - helpers, out)


@contextlib.contextmanager
def _scipy(helpers: int):
    """SciPy's Dijkstra (the compiled search off) on ``helpers`` processes (1: this one)."""
    was = paths.ENABLED, workers.HELPERS
    paths.ENABLED, workers.HELPERS = False, helpers
    try:
        yield
    finally:
        paths.ENABLED, workers.HELPERS = was


def _same(a, b) -> str:
    """Whether two matrices hold the same minutes, and their largest difference."""
    if np.array_equal(a, b):
        return "yes, identical"
    both = np.isfinite(a) & np.isfinite(b)
    if not np.array_equal(np.isfinite(a), np.isfinite(b)):
        return "NO (different entries unreachable)"
    return f"largest difference {np.max(np.abs(a[both] - b[both])):.2e} min"


def _median(runs) -> str:
    return (f"{np.median([r[0] for r in runs]):7.2f} s wall "
            f"{np.median([r[1] for r in runs]):6.2f} s CPU (median of {len(runs)}; load "
            f"{os.getloadavg()[0]:.1f})")


def bands_benchmark(graph, c) -> None:
    """The bands of one hub (the first site; median of 3 draws), then five hubs' areas
    beside the reference drawing: a strip along every reached link, as before issue #27."""
    hubs = list(zip(c["longitude"][:5], c["latitude"][:5]))
    runs = [_timed(graph, lambda: time_bands(graph, hubs[0])) for _ in range(3)]
    print(f"10/15/20-minute bands, one hub {_median(runs)}   GOAL <= 0.3 s wall")
    quick = [time_bands(graph, h) for h in hubs]
    every, TA._covering_links = TA._covering_links, lambda xy, u, v: np.stack(
        [xy[u], xy[v]], axis=1)
    try:
        ref = [_timed(graph, lambda h=h: time_bands(graph, h)) for h in hubs]
    finally:
        TA._covering_links = every
    print(f"  reference (every link's strip) {np.median([r[0] for r in ref]):5.2f} s wall "
          f"{np.median([r[1] for r in ref]):6.2f} s CPU (median of 5 hubs)")
    for i, (q, (_, _, e)) in enumerate(zip(quick, ref)):
        qa, ea = q.to_crs(27700).area / 1e6, e.to_crs(27700).area / 1e6
        print(f"  hub {i}: {', '.join(f'{a:.2f}' for a in qa)} km² "
              f"(reference {', '.join(f'{a:.2f}' for a in ea)}; "
              f"largest difference {100 * np.max(np.abs(qa / ea - 1)):.2f}%)")


def map_redraw(layers) -> None:
    """The road context of a Medway-sized extract in the real page: build and redraw time."""
    import tempfile

    from geo.roads import save_roads
    from geo.canonical import load_sample
    from gui.app import make_application
    from gui.main_window import MainWindow
    from tests.gui_helpers import js
    from rendering.roads_map import context_payload

    t = time.perf_counter()
    payload = context_payload(layers)
    print(f"map context prepared           {time.perf_counter() - t:7.2f} s  "
          f"({len(str(payload)) / 1e6:.1f} MB of GeoJSON over three levels)")
    ds = load_sample()
    with tempfile.TemporaryDirectory() as tmp:
        import shutil
        shutil.copytree(ds.folder, tmp, dirs_exist_ok=True)
        save_roads(layers, tmp)
        from geo.canonical import load_folder
        make_application()
        window = MainWindow(load_folder(tmp))
        window.resize(1400, 900)
        window.show()
        assert window.wait_for_map(120000)
        for zoom in (11, 12.5, 14):
            js(window, f"medway.map.setView([51.39, 0.55], {zoom}, {{animate: false}})")
            ms = [js(window, "medway.contextRedrawMs()") for _ in range(5)]
            print(f"map context redraw at zoom {zoom:<5} median {np.median(ms):6.1f} ms "
                  f"(max {max(ms):.1f})")
        window.workspace.undo_stack.setClean()
        window.close()


if __name__ == "__main__":
    main()
