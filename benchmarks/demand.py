"""How long a demand recompute takes (the Demand panel reruns it on every change).

Target: ≤ 50 ms on the sample. Run: .venv/bin/python benchmarks/demand.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.assumptions import Assumptions  # noqa: E402
from geo.canonical import load_sample, locality_of_points  # noqa: E402
from models.demand import project_demand  # noqa: E402


def timed(label: str, fn, repeat: int = 20) -> None:
    fn()  # warm-up (imports, caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:<58} median {1000 * np.median(times):7.1f} ms   "
          f"max {1000 * max(times):7.1f} ms")


def big_dataset(n_sites: int = 5000, n_years: int = 10, seed: int = 1):
    """The sample's practices and localities with n synthetic sites phased over n years."""
    ds = load_sample()
    rng = np.random.default_rng(seed)
    lat = rng.uniform(51.34, 51.44, n_sites)
    lon = rng.uniform(0.45, 0.65, n_sites)
    housing = pd.DataFrame({
        "site_id": [f"S{i:05d}" for i in range(n_sites)],
        "name": [f"Site {i}" for i in range(n_sites)],
        "latitude": lat, "longitude": lon,
        "dwellings": rng.integers(5, 400, n_sites), "status": "allocated",
        "include": rng.random(n_sites) < 0.9,
        "start_year": pd.array(rng.integers(2020, 2030, n_sites), dtype="Int64"),
        "build_years": pd.array(rng.integers(1, 8, n_sites), dtype="Int64")})
    phased = rng.random(n_sites) < 0.5
    for year in range(2020, 2020 + n_years):
        values = np.where(phased, rng.integers(0, 40, n_sites), -1)
        housing[f"y{year}"] = pd.array([v if v >= 0 else pd.NA for v in values],
                                       dtype="Int64")
    year_cols = [c for c in housing.columns if c.startswith("y20")]
    housing["dwellings"] = np.maximum(housing["dwellings"],
                                      housing[year_cols].fillna(0).sum(axis=1))
    housing["locality"] = locality_of_points(ds.localities, lon, lat)
    ds.housing = housing
    return ds


def main() -> None:
    ds = load_sample()
    mains = ds.main_practices()
    groups = dict(zip(mains["practice_code"], "Team " + mains["locality"]))
    trend = Assumptions().with_options(apply_length_trend=True)
    print(f"sample: {len(ds.housing)} sites, {len(mains)} practices")
    timed("  by locality, with ranges", lambda: project_demand(ds))
    timed("  by locality, central only", lambda: project_demand(ds, ranges=False))
    timed("  by locality, with ranges and the length trend",
          lambda: project_demand(ds, trend))
    timed("  by hub, with ranges", lambda: project_demand(ds, by="hub"))
    timed("  by group, with ranges", lambda: project_demand(ds, by="group", groups=groups))
    timed("  toggle Lodge Hill on", lambda: project_demand(ds, include={"H16": True}))

    big = big_dataset()
    years = big.housing.filter(regex=r"^y\d{4}$").shape[1]
    print(f"synthetic: {len(big.housing):,} sites, {years} per-year columns "
          "(half phased by year, half from start_year + build_years)")
    timed("  by locality, with ranges", lambda: project_demand(big), repeat=5)
    timed("  by hub, with ranges", lambda: project_demand(big, by="hub"), repeat=5)
    timed("  by group, with ranges",
          lambda: project_demand(big, by="group", groups=groups), repeat=5)


if __name__ == "__main__":
    main()
