"""Time and quality of extended-practice grouping: the sample and synthetic 600 / 6,500 sets.

Run: .venv/bin/python benchmarks/grouping.py [--quick]
Targets: a Medway-size set ≤ 1 s, 600 practices well under 10 s, 6,500 practices ≤ 60 s.

Synthetic sets are random practice points in a box (Kent for 600, most of England for
6,500) with lognormal list sizes (median 7,000, σ 0.6 in log space, clipped to 1,000–35,000;
roughly the shape of English practice lists). Bounds 30,000–50,000 are feasible because
every practice is below 50,000 and there is slack in the group count.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.canonical import load_sample  # noqa: E402
from models.grouping import group_practices  # noqa: E402

KENT = ((0.0, 1.4), (50.95, 51.48))         # lon, lat
ENGLAND = ((-2.9, 1.6), (50.7, 54.6))


def synthetic_practices(n: int, box, seed: int = 1) -> pd.DataFrame:
    """``n`` main practices at random points in ``box`` with lognormal list sizes."""
    rng = np.random.default_rng(seed)
    (lon0, lon1), (lat0, lat1) = box
    sizes = np.clip(np.round(rng.lognormal(np.log(7000), 0.6, n)), 1000, 35000).astype(int)
    return pd.DataFrame({
        "practice_code": [f"S{i:05d}" for i in range(n)],
        "name": [f"Synthetic practice {i}" for i in range(n)],
        "latitude": rng.uniform(lat0, lat1, n), "longitude": rng.uniform(lon0, lon1, n),
        "list_size": sizes, "parent_code": "", "locality": "", "gp_wte": np.nan,
        "postcode": "",
    })


def run(label: str, practices: pd.DataFrame, **kw) -> None:
    t0 = time.perf_counter()
    result = group_practices(practices, strict=False, **kw)
    seconds = time.perf_counter() - t0
    s = result.summary
    print(f"{label:<34} {len(practices):>6} {s['groups']:>6} {seconds:>8.2f} "
          f"{s['share_within_bounds']:>8.1%} {s['size_cv']:>6.3f} {s['mean_distance_km']:>8.2f} "
          f"{s['contiguous_groups']:>5}/{s['groups']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 6,500-practice set")
    args = parser.parse_args()
    print(f"{'set':<34} {'sites':>6} {'groups':>6} {'seconds':>8} {'within':>8} {'CV':>6} "
          f"{'mean km':>8} {'contiguous':>10}")
    sample = load_sample().practices
    run("sample, 30-50k, fewest groups", sample, min_size=30_000, max_size=50_000)
    run("sample, 30-50k, K=7", sample, min_size=30_000, max_size=50_000, n_groups=7)
    run("sample, 20-60k, within localities", sample, min_size=20_000, max_size=60_000,
        within_localities=True)
    kent = synthetic_practices(600, KENT)
    run("Kent 600, 30-50k, fewest groups", kent, min_size=30_000, max_size=50_000)
    run("Kent 600, 30-50k, K=total/40k", kent, min_size=30_000, max_size=50_000,
        n_groups=round(kent["list_size"].sum() / 40_000))
    if not args.quick:
        england = synthetic_practices(6500, ENGLAND)
        run("England 6,500, 30-50k, K=total/40k", england, min_size=30_000, max_size=50_000,
            n_groups=round(england["list_size"].sum() / 40_000))
        run("England 6,500, 30-50k, fewest groups", england, min_size=30_000,
            max_size=50_000)


if __name__ == "__main__":
    main()
