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
# that can matter: a step then costs a pass over those (35,000 x 1,000: 3 million of 35)
# rather than over the whole matrix.
FULL_BOUND_MAX_PAIRS = 5_000_000
# The sparse bound keeps, per point, every candidate closer than its second-nearest open
# hub in the answer (multipliers are capped there, so the listed pairs are all that count:
# the Lagrangian is exact for those multipliers, and on every instance tried the cap does
# not bind at the best multipliers), at most SPARSE_MAX_PAIRS pairs (8 bytes each: 60
# million is 480 MB beside the matrix; past that the radius shrinks toward the nearest).
SPARSE_MAX_PAIRS = 60_000_000
# The sparse bound stops once it is within this share of the answer; where its sites feed
# the Lagrangian heuristic it runs on to HEURISTIC_TARGET_GAP (on the 35,000 x 1,000
# benchmark the sites it favours at 1% polish into a better answer than those at 2%).
SPARSE_TARGET_GAP = 0.02
HEURISTIC_TARGET_GAP = 0.01
# The Lagrangian heuristic (``improve``) is tried once the bound is within this share of the
# answer, and again at most every TRY_EVERY steps when the relaxation favours other sites.
TRY_GAP = 0.02
TRY_EVERY = 25


def lagrangian_bound(dist, w, base, k, upper, lam, report, stop, *, reach=None,
                     max_iter: int = BOUND_ITERATIONS, unit=METRES,
                     full_max_pairs: int = FULL_BOUND_MAX_PAIRS, improve=None):
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

    ``improve(sites)`` (the Lagrangian heuristic): polishes the sites the relaxation opens
    into an answer and returns its cost sum; tried once the bound is within TRY_GAP of the
    answer, again when the relaxation favours other sites (at most every TRY_EVERY steps),
    and at the end. A better answer lowers ``upper``: the steps aim at it, and the bound
    stops once within its target of it.
    """
    n, m = dist.shape
    c0 = w * base                                # inf where there is no fixed hub
    target = 1e-9
    if n * m > full_max_pairs:
        near = np.minimum(lam, c0) / w
        far = 2 * near if reach is None else np.where(np.isfinite(reach), reach, 2 * near)
        cap, rho_of, served_of = _sparse_columns(dist, w, c0, near, far, stop)
        # Start half-way to the second-nearest hub: on random instances this reaches a
        # given gap in about a third of the steps that starting at the nearest takes.
        lam = w * (near + np.minimum(far, cap / w)) / 2
        # Each step costs a pass over tens of millions of pairs: stop once within target.
        target = max(target, SPARSE_TARGET_GAP if improve is None else HEURISTIC_TARGET_GAP)
    else:
        cost = dist * w.astype(dist.dtype)[:, None]
        cap = c0
        neg = np.empty_like(cost)                # reused: fresh n x m arrays are slow

        def rho_of(lam):
            np.subtract(cost, lam[:, None], out=neg, casting="same_kind")
            np.minimum(neg, 0.0, out=neg)
            return neg.sum(axis=0, dtype=float)

        def served_of(pick, lam):
            return (cost[:, pick] < lam[:, None]).sum(axis=1)
    # Rounding of float32 costs: each point meets at most k open columns, so the value is
    # off by at most (2k + 2) eps times sum|lam|; take that off to keep it a bound.
    eps = float(np.finfo(dist.dtype).eps) * (2 * k + 2)
    best, best_pick = -np.inf, None
    theta, stall = 2.0, 0
    lam = np.minimum(lam, cap)
    checkpoint = -np.inf
    tried, tried_at = None, -TRY_EVERY
    for it in range(max_iter):
        if stop():
            raise Cancelled()
        rho = rho_of(lam)
        pick = np.argpartition(rho, k - 1)[:k] if k < m else np.arange(m)
        # NumPy's pairwise sums (never a threaded BLAS): a fixed order for a given array,
        # so every run takes the same steps bit for bit.
        lam_sum = float(np.sum(lam))
        value = (lam_sum + float(np.sum(np.minimum(0.0, c0 - lam)))
                 + math.fsum(np.sort(rho[pick])))
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
        if (improve is not None and best >= upper * (1 - TRY_GAP)
                and it - tried_at >= TRY_EVERY and not np.array_equal(best_pick, tried)):
            tried, tried_at = best_pick, it
            upper = min(upper, improve(best_pick))
        if best >= upper * (1 - target) or theta < 1e-5:
            break
        served = (c0 < lam).astype(float) + served_of(pick, lam)
        grad = 1.0 - served
        # Multipliers already at their cap cannot rise further.
        grad[(lam >= cap) & (grad > 0)] = 0.0
        norm = float(np.sum(grad * grad))
        if norm == 0:
            break
        lam = np.minimum(lam + theta * (upper - value) / norm * grad, cap)
        if it % 10 == 0:
            report(0.62 + 0.26 * (it + 1) / max_iter,
                   f"Lower bound: {best / w.sum() / unit[1]:.3f} {unit[0]}")
    if improve is not None and best_pick is not None and not np.array_equal(best_pick, tried):
        improve(best_pick)
    return float(best), best_pick


def _sparse_columns(dist, w, c0, near, reach, stop, max_pairs: int = SPARSE_MAX_PAIRS,
                    block: int = 262_144):
    """For matrices too large to copy: each point's candidates closer than ``reach`` (its
    second-nearest open hub; ``near`` is the nearest), as 8-byte (point, cost) pairs stored
    column by column. Multipliers are capped at w_i times that radius, so a candidate left
    out never has w_i d_ij < lam_i: rho is exact. Each step is one gather, one subtraction
    and one running sum per column over the pairs, ``block`` pairs at a time (bounded
    temporaries). Returns (cap, rho_of, served_of)."""
    n, m = dist.shape
    step = max(1, block // m)
    inside = np.empty((min(step, n), m), bool)   # reused: fresh blocks fault in new pages
    share = 1.0
    while True:                                  # shrink the radius until the pairs fit
        radius = np.minimum(near + share * (np.maximum(reach, near) - near), c0 / w)
        per_col = np.zeros(m, np.int64)
        for s in range(0, n, step):
            rows = dist[s:s + step]
            per_col += np.less(rows, radius[s:s + step, None],
                               out=inside[:len(rows)]).sum(axis=0)
        count = int(per_col.sum())
        if count <= max_pairs or share < 0.01:
            break
        share /= 2
    col_start = np.concatenate([[0], np.cumsum(per_col)])
    cost = np.empty(count, np.float32)          # w_i d_ij, column by column
    row = np.empty(count, np.int32)
    fill = col_start[:-1].copy()
    for s in range(0, n, step):
        if stop():
            raise Cancelled()
        sub = dist[s:s + step]
        mask = np.less(sub, radius[s:s + step, None], out=inside[:len(sub)])
        c, r = np.nonzero(mask.T)                # by column, points in order within each
        took = np.bincount(c, minlength=m)
        rank = np.arange(len(c)) - (np.cumsum(took) - took)[c]
        at = fill[c] + rank
        cost[at] = (w[s + r] * sub[r, c]).astype(np.float32)
        row[at] = s + r
        fill += took
    cap = w * radius
    # Columns cut into runs of about ``block`` pairs: each run's temporaries stay small.
    firsts = np.unique(np.r_[0, np.searchsorted(col_start, np.arange(0, count, block),
                                                "right") - 1])
    runs = list(zip(firsts.tolist(), np.r_[firsts[1:], m].tolist()))

    def rho_of(lam):
        lam32 = lam.astype(np.float32)
        rho = np.empty(m)
        for a, b in runs:
            p0, p1 = int(col_start[a]), int(col_start[b])
            vals = lam32[row[p0:p1]]
            np.subtract(cost[p0:p1], vals, out=vals)
            np.minimum(vals, 0.0, out=vals)
            first = col_start[a:b] - p0
            sums = np.add.reduceat(vals, np.minimum(first, max(p1 - p0 - 1, 0)),
                                   dtype=float) if p1 > p0 else np.zeros(b - a)
            rho[a:b] = np.where(per_col[a:b] > 0, sums, 0.0)   # an empty column sums to 0
        return rho

    def served_of(pick, lam):
        served = np.zeros(n)
        for j in pick:
            seg = slice(int(col_start[j]), int(col_start[j + 1]))
            rows = row[seg]
            served += np.bincount(rows[cost[seg] < lam[rows]], minlength=n)
        return served

    return cap, rho_of, served_of
