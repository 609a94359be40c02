"""Where to put K new hubs: the p-median problem with some hubs already fixed.

Pure numpy/scipy on BNG metre coordinates; ``models/hubs/`` wraps it for the Dataset.

Objective: the patient-weighted mean straight-line distance from each demand point to its
nearest open hub (existing/planned hubs are always open; K are chosen among candidates).

How it is solved, and why each step:
1. Greedy add (each step opens the candidate that lowers the objective most): a good start.
2. Vertex-substitution interchange (Teitz & Bart 1968, "Heuristic methods for estimating the
   generalized vertex median of a weighted graph", Operations Research 16:955-961), in its
   best-improvement form: every (open site, closed candidate) swap is scored in two passes
   over the distance matrix using each point's nearest and second-nearest open hub; the
   best swap is checked in exact float64 arithmetic before it is made. Repeats until no
   swap helps.
3. How far from optimal: a Lagrangian relaxation of "each point is served once", improved by
   subgradient steps, gives a certified lower bound (Beasley 1993, "Lagrangean heuristics
   for location problems", EJOR 65:383-399; on large matrices over each point's candidates
   nearer than its second-nearest open hub, optimality.py); below national size the sites
   it favours are also tried as further starts for the interchange while it climbs (the
   "Lagrangian heuristic"), which often closes the gap. If a gap remains and the problem
   is small (up to EXACT_MAX_PAIRS useful
   point-site pairs: the sample's 51 x 73 easily), the integer programme is solved with
   HiGHS (scipy.optimize.milp, time-limited), which proves optimality or improves the
   answer. The true optimum lies between the bound and the answer.
Deterministic: ties go to the lower candidate index, no random numbers, and the bound stops
on a count of steps (bound_iterations), not the clock; only the HiGHS time limit
(exact_seconds, small problems only) can make two runs differ.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from geo.errors import UserError
from geo.progress import CancelCheck, Cancelled, Progress  # noqa: F401 (re-exported)
from models.hubs.optimality import (BOUND_ITERATIONS, METRES, MINUTES, exact_milp,
                                    lagrangian_bound)


# Above this many (point, candidate) pairs a float32 matrix halves memory (35k x 1k = 140 MB).
FLOAT32_ABOVE = 5_000_000
# The Lagrangian heuristic (a further interchange from the relaxation's sites) runs up to
# this many (point, candidate) pairs; above (national size) the first answer stands.
HEURISTIC_MAX_PAIRS = 60_000_000
# The exact integer programme is attempted up to this many useful (point, candidate) pairs.
EXACT_MAX_PAIRS = 50_000
# Greedy and interchange sum over rows this many matrix entries at a time (1-2 MB a step:
# small enough that each step's temporaries reuse memory rather than fault in fresh pages,
# which made 16 MB steps 2-3x slower per entry).
ROW_BLOCK_ELEMENTS = 262_144
# The bound_method of a first answer handed out (``on_answer``) before its bound is known.
NO_BOUND = "no bound computed"
BOUND_PENDING = "bound not computed yet"




@dataclass
class PMedianResult:
    """The chosen candidates and how good they are (distances in metres, patient-weighted)."""

    chosen: np.ndarray          # candidate indices, in the order they were added
    objective_before: float     # weighted mean distance to the fixed hubs (nan if none)
    objective: float            # weighted mean distance with the chosen sites added
    lower_bound: float          # no choice of k candidates can do better than this
    bound_method: str           # how lower_bound was obtained
    proven_optimal: bool
    greedy_objective: float
    swaps: int
    seconds: float

    @property
    def gap(self) -> float:
        """Largest possible shortfall from the optimum, as a share of the answer (nan when
        no bound was computed)."""
        if self.bound_method in (NO_BOUND, BOUND_PENDING):
            return float("nan")
        if not np.isfinite(self.objective) or self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.lower_bound) / self.objective)


def solve_p_median(demand_xy, weights, fixed_xy, candidate_xy, k: int, *,
                   progress: Progress | None = None, cancel: CancelCheck | None = None,
                   exact_max_pairs: int = EXACT_MAX_PAIRS, exact_seconds: float = 10.0,
                   bound_seconds: float = 10.0,
                   bound_iterations: int = BOUND_ITERATIONS,
                   on_answer=None) -> PMedianResult:
    """Open ``k`` of the candidates, keeping every fixed hub, to minimise weighted distance.

    Coordinates are (n, 2) arrays in BNG metres. ``exact_max_pairs=0`` skips the exact
    integer programme (the Lagrangian bound is then used); ``bound_seconds=0`` (or
    ``bound_iterations=0``) skips the bound altogether (lower_bound is then 0). The bound
    stops on ``bound_iterations`` subgradient steps, never on the clock, so the answer, the
    bound and the gap are the same on every run; any positive ``bound_seconds`` just turns
    it on (kept for callers; only the HiGHS step, ``exact_seconds``, is time-limited).
    ``on_answer(result)``, if given, receives the interchange's answer before the bound is
    worked out (its bound_method BOUND_PENDING), so a window can show it at once.
    """
    started = time.perf_counter()
    report = progress or (lambda f, m: None)
    stop = cancel or (lambda: False)
    xy = np.asarray(demand_xy, float).reshape(-1, 2)
    w_all = np.asarray(weights, float)
    fixed = np.asarray(fixed_xy, float).reshape(-1, 2)
    cand = np.asarray(candidate_xy, float).reshape(-1, 2)
    if len(w_all) != len(xy):
        raise UserError("one weight is needed per demand point")
    if not np.all(np.isfinite(w_all)) or (w_all < 0).any():
        raise UserError("demand weights must be finite and not negative")
    if w_all.sum() <= 0:
        raise UserError("there is no demand to serve (all weights are zero)")
    if k < 0 or k > len(cand):
        raise UserError(f"cannot open {k} new sites from {len(cand)} candidates")
    keep = w_all > 0
    xy, w = xy[keep], w_all[keep]
    total = w.sum()
    base = (cKDTree(fixed).query(xy)[0] if len(fixed) else np.full(len(xy), np.inf))
    before = float(np.dot(w, base) / total) if len(fixed) else float("nan")
    if k == 0:
        return PMedianResult(np.array([], int), before, before, before, "nothing to choose",
                             True, before, 0, time.perf_counter() - started)

    dtype = np.float32 if len(xy) * len(cand) > FLOAT32_ABOVE else np.float64
    dist = _distance_matrix(xy, cand, dtype, stop)
    report(0.02, "Distances computed")

    def exact(sites) -> float:
        return _exact_objective(xy, w, base, cand[list(sites)])

    return _solve(dist, w, base, k, before, exact, started, report, stop,
                  exact_max_pairs, exact_seconds, bound_seconds, METRES, bound_iterations,
                  on_answer)


def solve_p_median_costs(costs, weights, fixed_costs, k: int, *,
                         progress: Progress | None = None, cancel: CancelCheck | None = None,
                         exact_max_pairs: int = EXACT_MAX_PAIRS, exact_seconds: float = 10.0,
                         bound_seconds: float = 10.0,
                         bound_iterations: int = BOUND_ITERATIONS,
                         on_answer=None) -> PMedianResult:
    """The same problem on a cost matrix (e.g. travel minutes, models/travel.py):
    ``costs`` (n points, m candidates), ``fixed_costs`` (n,) each point's cost to its
    nearest fixed hub (None or inf = no fixed hub). Costs must be finite and not negative.
    Objective values come back in the costs' unit."""
    started = time.perf_counter()
    report = progress or (lambda f, m: None)
    stop = cancel or (lambda: False)
    dist_all = np.asarray(costs)
    if dist_all.ndim != 2:
        raise UserError("costs must be a (points x candidates) matrix")
    w_all = np.asarray(weights, float)
    n, m = dist_all.shape
    base_all = (np.full(n, np.inf) if fixed_costs is None
                else np.asarray(fixed_costs, float).reshape(n))
    if len(w_all) != n:
        raise UserError("one weight is needed per demand point")
    if not np.all(np.isfinite(w_all)) or (w_all < 0).any() or w_all.sum() <= 0:
        raise UserError("demand weights must be finite, not negative and not all zero")
    if k < 0 or k > m:
        raise UserError(f"cannot open {k} new sites from {m} candidates")
    if not np.all(np.isfinite(dist_all)) or (dist_all < 0).any():
        raise UserError("travel costs must be finite and not negative")
    keep = w_all > 0
    dist, w, base = dist_all[keep], w_all[keep], base_all[keep]
    has_fixed = np.isfinite(base).all()
    before = float(np.dot(w, base) / w.sum()) if has_fixed else float("nan")
    if k == 0:
        return PMedianResult(np.array([], int), before, before, before, "nothing to choose",
                             True, before, 0, time.perf_counter() - started)

    def exact(sites) -> float:
        sites = list(sites)
        near = dist[:, sites].astype(float).min(axis=1) if sites else np.full(len(w), np.inf)
        return math.fsum(w * np.minimum(base, near))  # order-free: same bits every run

    return _solve(dist, w, base, k, before, exact, started, report, stop,
                  exact_max_pairs, exact_seconds, bound_seconds, MINUTES, bound_iterations,
                  on_answer)


def _solve(dist, w, base, k, before, exact, started, report, stop,
           exact_max_pairs, exact_seconds, bound_seconds, unit,
           bound_iterations=BOUND_ITERATIONS, on_answer=None) -> PMedianResult:
    """Greedy, interchange, Lagrangian bound and (small problems) HiGHS on any cost matrix;
    ``exact(sites)`` is the float64 objective sum; ``on_answer`` (solve_p_median)."""
    total = w.sum()
    wt = w.astype(dist.dtype)

    chosen = _greedy(dist, wt, base.astype(dist.dtype), k, report, stop)
    exact_obj = exact(chosen)
    greedy_obj = exact_obj / total
    chosen, exact_obj, swaps = _interchange(dist, wt, w, base, exact, chosen, exact_obj,
                                            report, stop)
    report(0.6, f"Interchange finished after {swaps} swaps")
    bounding = bound_seconds > 0 and bound_iterations > 0
    if on_answer is not None and (bounding or (exact_max_pairs > 0 and exact_seconds > 0)):
        on_answer(PMedianResult(np.asarray(chosen, int), before, exact_obj / total, 0.0,
                                BOUND_PENDING, False, greedy_obj, swaps,
                                time.perf_counter() - started))

    lower_sum, method, proven = 0.0, NO_BOUND, False
    if bounding:
        report(0.62, "Computing a lower bound (Lagrangian relaxation)")
        near, _, second = _nearest_two(dist, base, chosen)
        best = {"chosen": chosen, "obj": exact_obj, "swaps": swaps}

        def improve(pick) -> float:
            """The Lagrangian heuristic: the sites the relaxation favours, polished."""
            start = [int(j) for j in pick]
            if sorted(start) == sorted(best["chosen"]):
                return best["obj"]
            alt, alt_obj, alt_swaps = _interchange(
                dist, wt, w, base, exact, start, exact(start), lambda f, m: None, stop)
            if alt_obj < best["obj"] * (1 - 1e-12):
                best.update(chosen=_keep_order(best["chosen"], alt), obj=alt_obj,
                            swaps=best["swaps"] + alt_swaps)
            return best["obj"]

        # Not at national size, where each further interchange would add a third to the time.
        heuristic = improve if dist.size <= HEURISTIC_MAX_PAIRS else None
        lower_sum, _pick = lagrangian_bound(dist, w, base, k, exact_obj, w * near, report,
                                            stop, reach=second, max_iter=bound_iterations,
                                            unit=unit, improve=heuristic)
        chosen, exact_obj, swaps = best["chosen"], best["obj"], best["swaps"]
        method = "Lagrangian relaxation (subgradient)"
        proven = lower_sum >= exact_obj * (1 - 1e-9)
    pairs = (_count_below(dist, base) if not proven and exact_max_pairs > 0
             and exact_seconds > 0 else 0)
    if not proven and 0 < pairs <= exact_max_pairs:
        report(0.92, "Checking optimality with the exact solver (HiGHS)")
        found = exact_milp(dist, w, base, k, exact_seconds, unit[1])
        if found is not None:
            sol, bound_sum, optimal = found
            if sol is not None:
                sol_obj = exact(sol)
                if sol_obj < exact_obj * (1 - 1e-12):
                    chosen, exact_obj = _keep_order(chosen, sol), sol_obj
            if optimal:
                lower_sum, proven = bound_sum, True
                method = "exact integer programme (HiGHS): optimal"
            elif bound_sum > lower_sum:
                lower_sum = bound_sum
                method = "integer programme dual bound (HiGHS, time limit reached)"
    lower = min(lower_sum, exact_obj) / total
    report(1.0, "Done")
    return PMedianResult(np.asarray(chosen, int), before, exact_obj / total, lower, method,
                         proven, greedy_obj, swaps, time.perf_counter() - started)


# ---------------------------------------------------------------- building blocks

def _distance_matrix(xy, cand, dtype, stop) -> np.ndarray:
    out = np.empty((len(xy), len(cand)), dtype=dtype)
    block = max(1, ROW_BLOCK_ELEMENTS // max(1, len(cand)))   # float64 blocks of 2 MB
    # One float64 block reused: a fresh one per step faults in new pages each time, which
    # made the national matrix five times slower.
    buf = np.empty((min(block, len(xy)), len(cand)))
    for start in range(0, len(xy), block):
        if stop():
            raise Cancelled()
        rows = xy[start:start + block]
        cdist(rows, cand, out=buf[:len(rows)])
        out[start:start + len(rows)] = buf[:len(rows)]
    return out


def _exact_objective(xy, w, base, open_xy) -> float:
    """Weighted distance sum (float64, from coordinates) with these candidate sites open."""
    # math.fsum, not a threaded BLAS dot: the sum (the bound's step size) is the same bits
    # on every run.
    if len(open_xy) == 0:
        return math.fsum(w * base)
    near = np.minimum(base, cKDTree(open_xy).query(xy)[0])
    return math.fsum(w * near)


def _count_below(dist, base) -> int:
    """Useful (point, candidate) pairs, nearer than the point's fixed hub, a block of rows
    at a time (an n x m mask would be 214 MB at national size)."""
    step = max(1, ROW_BLOCK_ELEMENTS // max(1, dist.shape[1]))
    return sum(int((dist[s:s + step] < base[s:s + step, None]).sum())
               for s in range(0, len(dist), step))


def _min_sums(dist, wt, cap) -> np.ndarray:
    """Per candidate j: sum_i wt_i min(cap_i, D_ij), ROW_BLOCK_ELEMENTS at a time, so no step
    ever holds an n x m temporary (33,000 x 6,500 would be 858 MB each)."""
    n, m = dist.shape
    step = max(1, ROW_BLOCK_ELEMENTS // max(1, m))
    out = np.zeros(m)
    buf = np.empty((min(step, n), m), dist.dtype)   # reused (fresh pages are slow)
    for start in range(0, n, step):
        rows = dist[start:start + step]
        near = np.minimum(cap[start:start + step, None], rows, out=buf[:len(rows)])
        out += (wt[start:start + step] @ near).astype(float)
    return out


def _swap_values(dist, wt, d1, d2, owner, k):
    """In one pass over the matrix, in row blocks: with_j[j] = sum_i wt_i min(d1_i, D_ij)
    (the objective with candidate j added) and loss[p, j] = sum over the points served by
    chosen site p of wt_i (min(d2_i, D_ij) - min(d1_i, D_ij)) (what closing p then costs):
    the swap (p, j) scores with_j[j] + loss[p, j]. Rows are visited site by site (blocks of
    one site's points are copied, 1-2 MB at a time) so each block feeds one loss row."""
    n, m = dist.shape
    step = max(1, ROW_BLOCK_ELEMENTS // max(1, m))
    with_j, loss = np.zeros(m), np.zeros((k, m))
    order = np.argsort(owner, kind="stable")
    edges = np.searchsorted(owner[order], np.arange(-1, k + 1))   # -1: a fixed hub
    near_buf = np.empty((min(step, n), m), dist.dtype)   # reused (fresh pages are slow)
    for p in range(-1, k):
        rows = order[edges[p + 1]:edges[p + 2]]
        for start in range(0, len(rows), step):
            r = rows[start:start + step]
            sub = dist[r]
            near = np.minimum(d1[r, None], sub, out=near_buf[:len(r)])
            with_j += (wt[r] @ near).astype(float)
            if p >= 0:
                extra = np.minimum(d2[r, None], sub, out=sub)
                extra -= near
                loss[p] += (wt[r] @ extra).astype(float)
    return with_j, loss


def _greedy(dist, wt, cur, k, report, stop) -> list[int]:
    chosen: list[int] = []
    for step in range(k):
        if stop():
            raise Cancelled()
        totals = _min_sums(dist, wt, cur)
        totals[chosen] = np.inf
        j = int(np.argmin(totals))
        chosen.append(j)
        cur = np.minimum(cur, dist[:, j])
        report(0.05 + 0.25 * (step + 1) / k, f"Greedy: site {step + 1} of {k} placed")
    return chosen


def _nearest_two(dist, base, chosen):
    """Per point: nearest open distance, which chosen site it is (-1 = a fixed hub), and the
    distance once that site is closed (second nearest, fixed hubs included)."""
    cols = np.column_stack([dist[:, chosen].astype(float), base])
    owner = np.argmin(cols, axis=1)
    rows = np.arange(len(cols))
    d1 = cols[rows, owner]
    cols[rows, owner] = np.inf
    d2 = cols.min(axis=1)
    owner[owner == len(chosen)] = -1
    return d1, owner, d2


def _interchange(dist, wt, w, base, exact, chosen, exact_obj, report, stop):
    """Best-improvement vertex substitution until no swap lowers the objective."""
    chosen = list(chosen)
    m = dist.shape[1]
    swaps = 0
    max_swaps = 50 * len(chosen) + 50
    while swaps < max_swaps:
        if stop():
            raise Cancelled()
        closed = np.ones(m, bool)
        closed[chosen] = False
        if not closed.any():
            break
        d1, owner, d2 = _nearest_two(dist, base, chosen)
        with_j, loss = _swap_values(dist, wt, d1.astype(dist.dtype), d2.astype(dist.dtype),
                                    owner, len(chosen))
        best_val, best = np.inf, None
        for pos in range(len(chosen)):
            # Closing chosen[pos] sends its points to their second-nearest hub.
            value = with_j + loss[pos]
            value[~closed] = np.inf
            j = int(np.argmin(value))
            if value[j] < best_val:
                best_val, best = value[j], (pos, j)
        if best is None:
            break
        trial = list(chosen)
        trial[best[0]] = best[1]
        trial_obj = exact(trial)
        if trial_obj >= exact_obj * (1 - 1e-12):
            break
        chosen, exact_obj = trial, trial_obj
        swaps += 1
        report(min(0.3 + 0.02 * swaps, 0.58), f"Interchange: {swaps} improving swaps")
    return chosen, exact_obj, swaps


def _keep_order(old: list[int], new) -> list[int]:
    """The exact solver's set, listing sites the heuristic also chose first (stable ids)."""
    new = [int(j) for j in new]
    return [j for j in old if j in new] + [j for j in new if j not in old]
