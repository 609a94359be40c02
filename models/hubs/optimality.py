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
# Above this many (point, candidate) pairs the multipliers are capped at each point's
# NEAR-th nearest candidate (3 working n x m arrays would not fit comfortably in memory).
FULL_BOUND_MAX_PAIRS = 60_000_000
NEAR = 128


def lagrangian_bound(dist, w, base, k, upper, lam, report, stop, *, nearest=None,
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
    Above that, ``nearest(q)`` gives each point's q cheapest candidates and lam_i is capped
    at w_i times the NEAR-th of them, which keeps it a bound (weaker) with n x NEAR arrays.
    """
    n, m = dist.shape
    c0 = w * base                                # inf where there is no fixed hub
    full = n * m <= full_max_pairs or nearest is None
    if full:
        cost = dist * w.astype(dist.dtype)[:, None]
        cap, idx = c0, None
    else:
        near = min(NEAR, m)
        d, idx = nearest(near)
        cost = (w[:, None] * d).astype(dist.dtype)   # ascending per row
        cap = np.minimum(c0, cost[:, -1].astype(float)) if near < m else c0
        flat = idx.ravel()
    # Rounding of float32 costs: each point meets at most k open columns, so the value is
    # off by at most (2k + 2) eps times sum|lam|; take that off to keep it a bound.
    eps = float(np.finfo(cost.dtype).eps) * (2 * k + 2)
    best, best_pick = -np.inf, None
    theta, stall = 2.0, 0
    lam = np.minimum(lam, cap)
    neg = np.empty_like(cost)                    # reused: fresh n x m arrays are slow
    below = np.empty(cost.shape, bool)
    checkpoint = -np.inf
    for it in range(max_iter):
        if stop():
            raise Cancelled()
        np.subtract(cost, lam[:, None], out=neg, casting="same_kind")
        np.less(neg, 0.0, out=below)
        np.minimum(neg, 0.0, out=neg)
        rho = (neg.sum(axis=0, dtype=float) if full
               else np.bincount(flat, weights=neg.ravel(), minlength=m))
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
        if best >= upper * (1 - 1e-9) or theta < 1e-5:
            break
        if full:
            served = (c0 < lam).astype(float) + below[:, pick].sum(axis=1)
        else:
            is_open = np.zeros(m, bool)
            is_open[pick] = True
            below &= is_open[idx]
            served = (c0 < lam).astype(float) + below.sum(axis=1)
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
