"""Time the hub optimiser: the sample (K = 1, 2, 3) and 35,000 demand points x 1,000 sites.

Run: .venv/bin/python benchmarks/hubs.py   (prints figures; not part of the test run)
The large case places synthetic demand points and candidate sites uniformly at random inside
the sample's locality polygons (seeded), keeps the sample's existing hubs and adds 10.
"""
from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.crs import to_wgs84  # noqa: E402
from models import hubs as H  # noqa: E402
from geo.canonical import load_sample  # noqa: E402


def _inside(area, n, rng) -> np.ndarray:
    minx, miny, maxx, maxy = area.bounds
    out = []
    while sum(len(o) for o in out) < n:
        xy = rng.uniform([minx, miny], [maxx, maxy], (n, 2))
        out.append(xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])])
    return np.vstack(out)[:n]


def _report(label, plan, seconds):
    r = plan.result
    bound = (f"bound {plan.lower_bound_km:7.4f} km  gap {100 * plan.gap:6.3f}%"
             if np.isfinite(plan.gap) else "no bound computed")
    print(f"{label:<28} {seconds:6.2f} s  before {plan.objective_before_km:.4f} km  "
          f"greedy {r.greedy_objective / 1000:.4f}  after {plan.objective_after_km:.4f} km  "
          f"{bound}  swaps {r.swaps}  {'optimal' if plan.proven_optimal else r.bound_method}")


def main() -> None:
    ds = load_sample()
    demand = H.demand_points(ds, housing=False)
    cands = H.candidate_sites(practices=ds.practices)
    print(f"Sample: {int((demand['patients_now'] > 0).sum())} practices with patients, "
          f"{len(cands)} candidate sites, existing hubs kept")
    for k in (1, 2, 3):
        t = time.perf_counter()
        plan = H.optimise_hubs(demand, ds.hubs, cands, k, keep=("existing",))
        _report(f"  sample K={k}", plan, time.perf_counter() - t)

    rng = np.random.default_rng(2024)
    area = ds.localities.to_crs(27700).union_all()
    n, m, k = 35_000, 1_000, 10
    pts = _inside(area, n, rng)
    lon, lat = to_wgs84(pts[:, 0], pts[:, 1])
    big = pd.DataFrame({"point_id": [f"D{i}" for i in range(n)], "kind": "population",
                        "practice_code": "", "name": "", "locality": "",
                        "longitude": lon, "latitude": lat, "x": pts[:, 0], "y": pts[:, 1],
                        "patients_now": rng.integers(50, 400, n).astype(float),
                        "new_patients": 0.0})
    big["patients_with_growth"] = big["patients_now"]
    cxy = _inside(area, m, rng)
    clon, clat = to_wgs84(cxy[:, 0], cxy[:, 1])
    big_cands = pd.DataFrame({"candidate_id": [f"C{i}" for i in range(m)], "name": "",
                              "kind": "user", "longitude": clon, "latitude": clat})
    t = time.perf_counter()
    H.assign_catchments(big, ds.hubs)
    print(f"\nCatchments for {n:,} points x {len(ds.hubs)} hubs: "
          f"{time.perf_counter() - t:.3f} s")
    print(f"Large: {n:,} demand points x {m:,} candidates, K={k}, "
          f"{int((ds.hubs['status'] == 'existing').sum())} existing hubs kept")
    t = time.perf_counter()
    plan = H.optimise_hubs(big, ds.hubs, big_cands, k, keep=("existing",))
    _report(f"  large K={k}", plan, time.perf_counter() - t)
    t = time.perf_counter()
    plan = H.optimise_hubs(big, ds.hubs, big_cands, k, keep=("existing",), bound_seconds=0)
    _report(f"  large K={k} (no bound)", plan, time.perf_counter() - t)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
