"""How far from optimal a p-median answer can be, and the exact answer where it is cheap.

A Lagrangian relaxation of "each point is served once", improved by subgradient steps,
gives a certified lower bound (Beasley 1993, "Lagrangean heuristics for location problems",
EJOR 65:383-399); on small problems the integer programme itself is solved with HiGHS
(scipy.optimize.milp, time-limited). models/hubs/p_median.py calls both.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.progress import Cancelled

# How costs are shown and scaled for HiGHS: (label, costs per shown unit).
METRES = ("km", 1000.0)
MINUTES = ("min", 1.0)


def exact_milp(dist, w, base, k, seconds, per_unit=1000.0):
    """The p-median integer programme over useful pairs only (a site farther than a fixed
    hub never serves that point). Returns (chosen, lower bound sum, optimal) or None."""
    n, m = dist.shape
    useful = dist < base[:, None]
    pi, pj = np.nonzero(useful)
    has_fixed = np.isfinite(base)
    fi = np.flatnonzero(has_fixed)
    npair, nfix = len(pi), len(fi)
    scale = 1.0 / (w.sum() * per_unit)  # km or minutes, for a well-scaled objective
    c = np.concatenate([np.zeros(m), w[pi] * dist[pi, pj].astype(float) * scale,
                        w[fi] * base[fi] * scale])
    nvar = m + npair + nfix
    # Each point is served once: by a chosen candidate or by its nearest fixed hub.
    assign = sparse.csr_matrix(
        (np.ones(npair + nfix), (np.concatenate([pi, fi]),
                                 np.arange(m, nvar))), shape=(n, nvar))
    # A point can only use a candidate that is open: x_ij - y_j <= 0.
    link = sparse.csr_matrix(
        (np.concatenate([np.ones(npair), -np.ones(npair)]),
         (np.tile(np.arange(npair), 2), np.concatenate([m + np.arange(npair), pj]))),
        shape=(npair, nvar))
    count = sparse.csr_matrix((np.ones(m), (np.zeros(m, int), np.arange(m))), shape=(1, nvar))
    constraints = [LinearConstraint(assign, 1, 1), LinearConstraint(link, -np.inf, 0),
                   LinearConstraint(count, k, k)]
    integrality = np.concatenate([np.ones(m), np.zeros(npair + nfix)])
    res = milp(c, integrality=integrality, bounds=Bounds(0, 1), constraints=constraints,
               options={"time_limit": seconds, "disp": False})
    if res.x is None:
        return None
    sol = np.flatnonzero(res.x[:m] > 0.5)
    if len(sol) != k:
        sol = None
    optimal = res.status == 0
    bound = res.fun if optimal else getattr(res, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        bound = 0.0
    # Back from unit means to cost sums, less a hair for the solver's tolerances.
    bound_sum = bound / scale * (1 - 1e-7)
    return sol, bound_sum, optimal


# Subgradient steps the bound may take (a count, not a clock: the same inputs give the same
# bound and the same certified gap on every run, loaded machine or idle).
BOUND_ITERATIONS = 300
# Above this many (point, candidate) pairs the bound works on a sparse list of the pairs
# that can matter (3 working n x m arrays would not fit comfortably in memory).
FULL_BOUND_MAX_PAIRS = 60_000_000
# The sparse bound keeps, per point, every candidate closer than its second-nearest open
# hub in the answer (multipliers are capped there, so the listed pairs are all that count:
# the Lagrangian is exact for those multipliers, and on every instance tried the cap does
# not bind at the best multipliers), at most SPARSE_MAX_PAIRS pairs (6 bytes each: 60
# million is 360 MB beside the matrix; past that the radius shrinks toward the nearest).
SPARSE_MAX_PAIRS = 60_000_000
# The sparse bound stops once it is within this share of the answer.
SPARSE_TARGET_GAP = 0.02


def lagrangian_bound(dist, w, base, k, upper, lam, report, stop, *, reach=None,
                     max_iter: int = BOUND_ITERATIONS, unit=METRES,
                     full_max_pairs: int = FULL_BOUND_MAX_PAIRS):
    """Best Lagrangian lower bound (weighted distance sum) in at most ``max_iter`` subgradient
    steps, and the k sites the relaxation opens at that bound (a good start for the
    interchange). Stops on counts only, so it is deterministic.

    Relaxing "each point is served once" with multipliers lam_i gives
    L(lam) = sum lam_i + sum min(0, c_i0 - lam_i) + (sum of the k most negative
    rho_j = sum_i min(0, w_i d_ij - lam_i)), a lower bound for every lam. Where the
    (n, m) matrix ``dist`` the solver holds is small enough (``full_max_pairs``) every
    candidate takes part (multipliers capped only at c_i0): the full Lagrangian dual.
    Above that, see _sparse_columns: ``lam`` must then be each point's cost in the answer
    and ``reach`` its distance to the second-nearest open hub (twice the nearest if None).
    """
    n, m = dist.shape
    c0 = w * base                                # inf where there is no fixed hub
    target = 1e-9
    if n * m > full_max_pairs:
        near = np.minimum(lam, c0) / w
        far = 2 * near if reach is None else np.where(np.isfinite(reach), reach, 2 * near)
        cap, rho_of, pick_cost = _sparse_columns(dist, w, c0, near, far, stop)
        # Start half-way to the second-nearest hub: on random instances this reaches a
        # given gap in about a third of the steps that starting at the nearest takes.
        lam = w * (near + np.minimum(far, cap / w)) / 2
        # Each step costs a pass over tens of millions of pairs: stop once within target.
        target = max(target, SPARSE_TARGET_GAP)
    else:
        cost = dist * w.astype(dist.dtype)[:, None]
        cap = c0
        neg = np.empty_like(cost)                # reused: fresh n x m arrays are slow

        def rho_of(lam):
            np.subtract(cost, lam[:, None], out=neg, casting="same_kind")
            np.minimum(neg, 0.0, out=neg)
            return neg.sum(axis=0, dtype=float)

        def pick_cost(pick):
            return cost[:, pick]
    # Rounding of float32 costs: each point meets at most k open columns, so the value is
    # off by at most (2k + 2) eps times sum|lam|; take that off to keep it a bound.
    eps = float(np.finfo(dist.dtype).eps) * (2 * k + 2)
    best, best_pick = -np.inf, None
    theta, stall = 2.0, 0
    lam = np.minimum(lam, cap)
    checkpoint = -np.inf
    for it in range(max_iter):
        if stop():
            raise Cancelled()
        rho = rho_of(lam)
        pick = np.argpartition(rho, k - 1)[:k] if k < m else np.arange(m)
        # math.fsum: correctly rounded whatever the summation order (no BLAS, no SIMD
        # blocking), so every run takes the same steps bit for bit.
        lam_sum = math.fsum(lam)
        value = lam_sum + math.fsum(np.minimum(0.0, c0 - lam)) + math.fsum(np.sort(rho[pick]))
        value -= 1e-12 * abs(value) + eps * abs(lam_sum)
        if value > best + 1e-9 * abs(upper):
            best, best_pick, stall = value, np.sort(pick), 0
        else:
            stall += 1
            if stall >= 20:
                theta, stall = theta / 2, 0
        if it % 100 == 0:  # stop once 100 steps gain under 0.001% of the answer
            if it and best - checkpoint < 1e-5 * abs(upper):
                break
            checkpoint = best
        if best >= upper * (1 - target) or theta < 1e-5:
            break
        served = (c0 < lam).astype(float) + (pick_cost(pick) < lam[:, None]).sum(axis=1)
        grad = 1.0 - served
        # Multipliers already at their cap cannot rise further.
        grad[(lam >= cap) & (grad > 0)] = 0.0
        norm = math.fsum(grad * grad)
        if norm == 0:
            break
        lam = np.minimum(lam + theta * (upper - value) / norm * grad, cap)
        if it % 10 == 0:
            report(0.62 + 0.26 * (it + 1) / max_iter,
                   f"Lower bound: {best / w.sum() / unit[1]:.3f} {unit[0]}")
    return float(best), best_pick


def _sparse_columns(dist, w, c0, near, reach, stop, max_pairs: int = SPARSE_MAX_PAIRS,
                    block: int = 262_144):
    """For matrices too large to copy: each point's candidates closer than ``reach`` (its
    second-nearest open hub; ``near`` is the nearest), sorted by distance, as 6-byte pairs.
    Multipliers are capped at w_i times that radius, so a candidate left out never has
    w_i d_ij < lam_i: rho is exact. Each step touches only the pairs with w_i d_ij < lam_i
    (a prefix of each point's list, found by a binary search per point).
    Returns (cap, rho_of, pick_cost)."""
    n, m = dist.shape
    step = max(1, block // m)
    share = 1.0
    while True:                                  # shrink the radius until the pairs fit
        radius = np.minimum(near + share * (np.maximum(reach, near) - near), c0 / w)
        count = sum(int((dist[s:s + step] < radius[s:s + step, None]).sum())
                    for s in range(0, n, step))
        if count <= max_pairs or share < 0.01:
            break
        share /= 2
    cost = np.empty(count, np.float32)          # w_i d_ij, ascending within each point
    col = np.empty(count, np.int16 if m < 2 ** 15 else np.int32)
    ends = np.empty(n, np.int64)
    at = 0
    for s in range(0, n, step):
        if stop():
            raise Cancelled()
        sub = dist[s:s + step]
        r, c = np.nonzero(sub < radius[s:s + step, None])
        dd = sub[r, c]
        span = 2.0 * float(dd.max()) + 1.0 if len(dd) else 1.0
        order = np.argsort(r * span + dd)        # by point, then distance
        cost[at:at + len(r)] = (w[s + r[order]] * dd[order]).astype(np.float32)
        col[at:at + len(r)] = c[order]
        ends[s:s + step] = at + np.cumsum(np.bincount(r, minlength=len(sub)))
        at += len(r)
    starts = np.concatenate([[0], ends[:-1]])
    cap = w * radius

    def rho_of(lam):
        # Per point, how many listed candidates are cheaper than lam_i (binary search).
        lo, hi = starts.copy(), ends.copy()
        limit = lam.astype(np.float32)
        while True:
            live = lo < hi
            if not live.any():
                break
            mid = (lo + hi) // 2
            go = np.zeros(n, bool)
            go[live] = cost[mid[live]] < limit[live]
            lo = np.where(live & go, mid + 1, lo)
            hi = np.where(live & ~go, mid, hi)
        take = lo - starts
        # A block of points at a time, about `block` pairs each: bounded temporaries.
        ends_at = np.cumsum(take)
        cuts = np.searchsorted(ends_at, np.arange(block, ends_at[-1], block), "right")
        rho = np.zeros(m)
        for a, b in zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [n]])):
            t = take[a:b]
            idx = np.repeat(starts[a:b] - (np.cumsum(t) - t), t)
            idx += np.arange(len(idx))
            vals = cost[idx] - np.repeat(lam[a:b], t)
            rho += np.bincount(col[idx], weights=vals, minlength=m)
        return rho

    def pick_cost(pick):
        return dist[:, pick] * w[:, None]

    return cap, rho_of, pick_cost
