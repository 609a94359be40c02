"""Extended practice groups: quality, time and peak memory, against an exact reference.

Run: /work/main/.venv/bin/python benchmarks/grouping.py [--quick] [--milp-seconds S]

Sets: the (illustrative) sample, and synthetic areas of 80, 160, 600 and 6,500 practices
shaped like real ones: clustered towns with a rural scatter, lognormal list sizes (median
~7,000) and a few practices above the 50,000 maximum (1, 1, 2 and 3). Bounds 30,000–50,000.

Goals (issue 14): 100% of groups within bounds whenever feasible (groups of one oversized
practice cannot be, and are counted apart); patient-weighted mean distance to group centre
within 5% of the exact reference; ≤ 0.5 s for ≤ 200 practices with K given, ≤ 1.5 s for the
fewest groups; 6,500 practices ≤ 10 s; peak memory ≤ 1 GB. "Fewest" rows show the floor the
totals allow (every group filled to the maximum) beside the number found: up to 1,000
practices the solver tries one more group at a time from that floor; above, it dissolves
groups from a comfortable grouping (models/grouping/fewest.py) and stops a few percent above. Each grouping runs in a fresh
process, so time and peak memory (VmHWM) are its own; a tiny grouping first loads the
libraries, as in the running app ("in-process").

Exact reference: a capacitated p-median written here with SciPy's HiGHS — medians at
practice sites, each practice to one open median, lo·y_j ≤ Σ w_i x_ij ≤ hi·y_j, K medians, in
the strong form (x_ij ≤ y_j, a median serves itself). Its groups are measured like ours
(distance to the patient-weighted centre). Where it cannot finish within --milp-seconds,
its best grouping and HiGHS's lower bound are shown with the gap; "ours vs bound" compares
our grouping's p-median cost (best practice site as median of each group) to that bound, a
valid optimality gap.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LO, HI = 30_000, 50_000
KM2_PER_PRACTICE = 23.0      # Kent: ~3,700 km² for ~160 practices
ORIGIN = (560_000.0, 150_000.0)  # BNG metres, mid Kent


def synthetic_practices(n: int, n_big: int, seed: int = 1) -> pd.DataFrame:
    """Clustered towns + rural scatter, lognormal lists, ``n_big`` practices above 50,000."""
    from geo.crs import to_wgs84
    rng = np.random.default_rng(seed)
    side = np.sqrt(KM2_PER_PRACTICE * n) * 1000.0
    n_towns = max(3, n // 12)
    towns = rng.uniform(0, side, (n_towns, 2))
    pull = rng.pareto(1.2, n_towns) + 1.0
    spread = rng.uniform(800, 3_000, n_towns)
    town = rng.choice(n_towns, n, p=pull / pull.sum())
    xy = towns[town] + rng.normal(0, 1, (n, 2)) * spread[town, None]
    rural = rng.random(n) < 0.15
    xy[rural] = rng.uniform(0, side, (int(rural.sum()), 2))
    sizes = np.clip(np.round(rng.lognormal(np.log(7000), 0.55, n)), 800, 40_000)
    sizes[rng.choice(n, n_big, replace=False)] = rng.integers(51_000, 62_000, n_big)
    lon, lat = to_wgs84(xy[:, 0] + ORIGIN[0] - side / 2, xy[:, 1] + ORIGIN[1] - side / 2)
    return pd.DataFrame({
        "practice_code": [f"S{i:05d}" for i in range(n)], "name": "",
        "latitude": lat, "longitude": lon, "list_size": sizes.astype(int),
        "parent_code": "", "locality": ""})


def sample_practices() -> pd.DataFrame:
    from geo.canonical import load_sample
    return load_sample().practices


def _rest_k(practices: pd.DataFrame) -> int:
    """K for the benchmark: the oversized practices alone, the rest at ~40,000 a group."""
    sizes = practices.loc[practices["parent_code"] == "", "list_size"]
    return int(round(sizes[sizes <= HI].sum() / 40_000)) + int((sizes > HI).sum())


def _floor(practices: pd.DataFrame) -> int:
    """The fewest groups the totals allow: the oversized alone, the rest filled to 50,000."""
    sizes = practices.loc[practices["parent_code"] == "", "list_size"]
    return int(np.ceil(sizes[sizes <= HI].sum() / HI)) + int((sizes > HI).sum())


def make_set(spec: tuple) -> pd.DataFrame:
    """("sample",) or ("synthetic", n, n_big, seed): picklable, for the child process."""
    return sample_practices() if spec[0] == "sample" else synthetic_practices(*spec[1:])


def _child(args, queue) -> None:
    spec, kw = args
    practices = make_set(spec)
    from models.grouping import group_practices
    group_practices(synthetic_practices(40, 0, 1), LO, HI)   # in-process: libraries loaded
    t0, c0 = time.perf_counter(), time.process_time()
    result = group_practices(practices, **{"min_size": LO, "max_size": HI, "seed": 0, **kw})
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    queue.put((result.mapping, result.over_alone, seconds, _peak_mb(), cpu))


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(make, **kw):
    """Group in a fresh process: (mapping, over_alone, seconds, peak MB, CPU seconds)."""
    ctx = mp.get_context("spawn")   # forking after OpenMP/HiGHS threads can hang
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=((make, kw), queue))
    proc.start()
    got = queue.get()
    proc.join()
    return got


def measure(practices, mapping, over_alone=(), lo=LO, hi=HI) -> dict:
    from models.grouping import group_metrics, overall_metrics
    table = group_metrics(practices, mapping, lo, hi)
    s = overall_metrics(practices, mapping, lo, hi, table=table)
    can = table[~table["group"].isin(set(over_alone))]
    return {"groups": int(s["groups"]), "alone": len(over_alone),
            "within": float(can["within_bounds"].mean()) if len(can) else float("nan"),
            "km": float(s["mean_distance_km"])}


# ---------------------------------------------------------------- exact reference

def _xy_w(practices):
    from geo.crs import points_bng
    mains = practices[practices["parent_code"] == ""]
    fits = mains["list_size"].to_numpy(float) <= HI
    return mains[fits], points_bng(mains[fits]) / 1000.0, mains.loc[fits, "list_size"].to_numpy(
        float)


def p_median(practices, k: int, seconds: float, candidates: int = 60):
    """Capacitated p-median (strong form) on the practices that fit the maximum.

    Returns (mapping, objective, lower bound, status text)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import csr_matrix
    from sklearn.neighbors import NearestNeighbors
    mains, xy, w = _xy_w(practices)
    n = len(w)
    m = min(n, candidates)
    dist, near = NearestNeighbors(n_neighbors=m).fit(xy).kneighbors(xy)
    rows, cols = np.repeat(np.arange(n), m), near.ravel()   # x_ij: practice i, median j
    nx = len(rows)
    var = np.arange(nx)
    c = np.r_[w[rows] * dist.ravel(), np.zeros(n)]
    y = nx + np.arange(n)
    assign_once = csr_matrix((np.ones(nx), (rows, var)), shape=(n, nx + n))
    link = csr_matrix((np.r_[np.ones(nx), -np.ones(nx)], (np.r_[var, var], np.r_[var, y[cols]])),
                      shape=(nx, nx + n))
    load = csr_matrix((np.r_[w[rows], -LO * np.ones(n)], (np.r_[cols, np.arange(n)],
                                                          np.r_[var, y])), shape=(n, nx + n))
    cap = csr_matrix((np.r_[w[rows], -HI * np.ones(n)], (np.r_[cols, np.arange(n)],
                                                         np.r_[var, y])), shape=(n, nx + n))
    self_ = var[rows == cols]
    serve = csr_matrix((np.r_[np.ones(n), -np.ones(n)],
                        (np.r_[np.arange(n), np.arange(n)], np.r_[self_, y])),
                       shape=(n, nx + n))
    count = csr_matrix((np.ones(n), (np.zeros(n), y)), shape=(1, nx + n))
    cons = [LinearConstraint(assign_once, 1, 1), LinearConstraint(link, -np.inf, 0),
            LinearConstraint(load, 0, np.inf), LinearConstraint(cap, -np.inf, 0),
            LinearConstraint(serve, 0, 0), LinearConstraint(count, k, k)]
    res = milp(c, integrality=np.ones(nx + n), bounds=Bounds(0, 1), constraints=cons,
               options={"time_limit": seconds, "mip_rel_gap": 1e-4, "disp": False})
    bound = getattr(res, "mip_dual_bound", np.nan)
    if res.x is None:
        return None, np.nan, bound, "no solution in time"
    x = res.x[:nx]
    pick = {}
    for v in np.flatnonzero(x > 0.5):
        pick[rows[v]] = cols[v]
    codes = mains["practice_code"].astype(str).to_numpy()
    mapping = {codes[i]: f"M{pick[i]}" for i in range(n)}
    status = "optimal" if res.status == 0 else "time limit"
    return mapping, float(res.fun), float(bound), status


def p_median_cost(practices, mapping) -> float:
    """Our grouping's p-median cost: each group's best practice site as its median."""
    mains, xy, w = _xy_w(practices)
    codes = mains["practice_code"].astype(str).to_numpy()
    groups = np.array([mapping.get(c, "") for c in codes])
    total = 0.0
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        d = np.sqrt(((xy[idx, None, :] - xy[None, idx, :]) ** 2).sum(-1))
        total += float((w[idx, None] * d).sum(0).min())
    return total


# ---------------------------------------------------------------- the table

def _row(label, n, got, practices, ref_km=None, lo=LO, hi=HI):
    mapping, alone, seconds, mb, cpu = got
    q = measure(practices, mapping, alone, lo, hi)
    vs = f"{(q['km'] / ref_km - 1):+.1%}" if ref_km else "—"
    print(f"{label:<36} {n:>6} {q['groups']:>6} {q['alone']:>5} {q['within']:>7.0%} "
          f"{q['km']:>8.3f} {vs:>8} {seconds:>8.2f} {cpu:>6.2f} {mb:>7.0f}", flush=True)
    return q


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 6,500-practice set")
    parser.add_argument("--milp-seconds", type=float, default=60.0,
                        help="time limit of each exact reference (default 60)")
    args = parser.parse_args()
    sets = [("sample (illustrative)", ("sample",), None),
            ("synthetic 80", ("synthetic", 80, 1, 80), 80),
            ("synthetic 160", ("synthetic", 160, 1, 160), 160),
            ("synthetic 600", ("synthetic", 600, 2, 600), 600)]
    if not args.quick:
        sets.append(("synthetic 6,500", ("synthetic", 6500, 3, 6500), 6500))
    print(f"bounds {LO:,}–{HI:,}; 'alone' = groups of one practice over the maximum; "
          "'within' = share of the other groups within bounds; km = patient-weighted mean "
          "distance to group centre; 'vs ref' = against the exact reference's grouping\n")
    print(f"{'set / mode':<36} {'sites':>6} {'groups':>6} {'alone':>5} {'within':>7} "
          f"{'km':>8} {'vs ref':>8} {'seconds':>8} {'cpu s':>6} {'peak MB':>7}")
    refs = []
    for label, make, n in sets:
        practices = make_set(make)
        n_sites = len(practices)
        k = _rest_k(practices)
        ref_km = None
        if n is None or n <= 600:
            n_alone = int((practices["list_size"] > HI).sum())
            ref, obj, bound, status = p_median(practices, k - n_alone, args.milp_seconds)
            if ref is not None:
                ref_km = measure(practices, ref)["km"]
            refs.append((label, make, practices, k, ref, obj, bound, status))
        _row(f"{label}, K={k}", n_sites, timed(make, n_groups=k), practices, ref_km)
        _row(f"{label}, fewest (floor {_floor(practices)})", n_sites, timed(make), practices)
        if n is None:
            _row(f"{label}, 20-60k within localities", n_sites,
                 timed(make, within_localities=True, min_size=20_000, max_size=60_000),
                 practices, lo=20_000, hi=60_000)
    print("\nexact reference (capacitated p-median, HiGHS; on the practices within the maximum)")
    print(f"{'set':<22} {'K':>4} {'status':>11} {'ref km':>8} {'p-median':>11} "
          f"{'bound':>11} {'ref gap':>8} {'ours vs bound':>14}")
    for label, spec, practices, k, ref, obj, bound, status in refs:
        ours = timed(spec, n_groups=k)[0]
        ref_km = measure(practices, ref)["km"] if ref else float("nan")
        ours_pm = p_median_cost(practices, ours)
        gap = (obj - bound) / obj if ref else float("nan")
        print(f"{label:<22} {k:>4} {status:>11} {ref_km:>8.3f} {obj:>11,.0f} {bound:>11,.0f} "
              f"{gap:>8.1%} {(ours_pm / bound - 1):>+14.1%}")


if __name__ == "__main__":
    main()
