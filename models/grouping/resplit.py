"""Pairwise re-splitting: the best division of two neighbouring groups, found exactly.

For a pair of neighbouring groups every division of their practices into two is judged at
once (numpy over all 2^m splits): first the patients outside the bounds (list sizes: one
mat-vec), then, only for the splits that miss the bounds least, the patient-km to each
side's patient-weighted centre. Where the pair holds more than ``FREE_MAX`` practices, only
the ones nearest the other group may change side. Pairs are revisited while any group
around them changed, and a pair whose members are as they were when it last had nothing
better is not costed again (``solver.settled``), until no division improves: a much larger
step than moving one practice, which is what lets the grouping escape the local optima of
k-means-like methods. With contiguity asked for, the splits better than now are tested for
being two patches all at once on bitmasks, best first.
"""
from __future__ import annotations

import numpy as np


FREE_MAX = 10   # practices that may change side in one pair (2^10 splits, about 1 ms)
SCREEN = 0.3     # "nearly as close": within 30% of the distance to its own centre
FREE_MAX_LARGE, LARGE = 6, 2_000   # and on areas of over 2,000 practices (speed)
FREE_MAX_CONTIGUOUS = 8   # fewer when each split's contiguity is checked too


_MASKS: dict[int, np.ndarray] = {}


def _masks(m: int) -> np.ndarray:
    """Every division of m practices into two sides, as 0/1 rows (cached)."""
    if m not in _MASKS:
        _MASKS[m] = ((np.arange(2 ** m)[:, None] >> np.arange(m)) & 1).astype(float)
    return _MASKS[m]


def violation(s, lo, hi):
    """Patients below the minimum or above the maximum (0 within bounds)."""
    return np.maximum(0.0, lo - s) + np.maximum(0.0, s - hi)


def members(assign: np.ndarray, k: int) -> list[np.ndarray]:
    """Each group's practices, ascending (one sort, cut at each group)."""
    order = np.argsort(assign, kind="stable")
    cuts = np.searchsorted(assign[order], np.arange(k + 1))
    return [order[cuts[g]:cuts[g + 1]] for g in range(k)]


class Resplitter:
    def __init__(self, solver, assign: np.ndarray):
        self.s = solver
        self.assign = np.asarray(assign, int).copy()
        self.eps = 1e-5
        # each group's practices, ascending: a pair costs its own size, not the area's
        self.members = members(self.assign, solver.k)

    def group_pairs(self, dirty: np.ndarray) -> list[tuple[int, int]]:
        """Neighbouring groups worth re-splitting, one of them ``dirty`` (changed since it
        was last tried): one is outside the bounds, or a practice of one lies nearly as close
        to the other's centre as to its own (SCREEN)."""
        s, a = self.s, self.assign
        gi, gj = a[self.s.I], a[self.s.J]
        near = (gi != gj) & (dirty[gi] | dirty[gj])
        gi, gj, x = gi[near], gj[near], s.X[self.s.I[near]]
        centre = s.centres(a)
        bad = violation(np.bincount(a, s.w, s.k), s.lo, s.hi) > 0
        d_own = np.hypot(*(x - centre[gi]).T)
        d_oth = np.hypot(*(x - centre[gj]).T)
        keen = (d_oth < d_own * (1 + SCREEN)) | bad[gi] | bad[gj]
        pairs = np.unique(np.column_stack([np.minimum(gi, gj), np.maximum(gi, gj)])[keen],
                          axis=0)
        return [tuple(p) for p in pairs.tolist()]

    def run(self, max_sweeps: int = 50, dirty=None, stall: int | None = None) -> np.ndarray:
        """Re-split pairs until none improves; ``dirty``: the groups changed (default all),
        so a local change is repaired locally; ``stall``: give up after that many sweeps
        without fewer patients outside the bounds (a repair that is not converging)."""
        s = self.s
        is_dirty = np.zeros(s.k, bool)
        is_dirty[list(range(s.k)) if dirty is None else list(dirty)] = True
        best, since = np.inf, 0
        for _ in range(max_sweeps):
            s.stop.check()
            changed = np.zeros(s.k, bool)
            for g, h in self.group_pairs(is_dirty):
                if self.improve_pair(g, h):
                    changed[[g, h]] = True
            if not changed.any():
                break
            is_dirty = changed
            if stall is not None:
                out = float(violation(np.bincount(self.assign, s.w, s.k), s.lo, s.hi).sum())
                best, since = (out, 0) if out < best else (best, since + 1)
                if out > 0 and since >= stall:
                    break
        return self.assign

    def improve_pair(self, g: int, h: int) -> bool:
        """Re-split groups g and h the best way (see the module docstring); True if changed.

        Only the splits that miss the bounds by no more than the best one are costed, and a
        pair whose members are unchanged since it last had nothing better is skipped."""
        s, a = self.s, self.assign
        idx = np.sort(np.concatenate([self.members[g], self.members[h]]))
        n = len(idx)
        side_now = a[idx] == h
        key = (idx.tobytes(), (side_now ^ side_now[0]).tobytes())
        if key in s.settled:
            return False
        free = s.fixed[idx] < 0
        cap = (FREE_MAX_CONTIGUOUS if s.adjacent is not None else
               FREE_MAX_LARGE if len(s.w) > LARGE else FREE_MAX)
        if n > cap or not free.all():
            free = self._border(idx, side_now, cap) & free
        F = np.flatnonzero(free)
        m = len(F)
        if m == 0:
            s.settled.add(key)
            return False
        masks = _masks(m)
        base = side_now.copy()
        base[F] = False
        cw, w = s.cw[idx], s.w[idx]
        W1 = float(w @ base) + masks @ w[F]          # h's side list size, every split
        W0 = float(w.sum()) - W1
        viol = (np.maximum(0.0, s.lo - W1) + np.maximum(0.0, W1 - s.hi)
                + np.maximum(0.0, s.lo - W0) + np.maximum(0.0, W0 - s.hi))  # patients outside
        if s.apart:
            viol = viol + s.hi * self._apart_conflicts(idx, base, F, masks)
        n_base = int(base.sum())
        if n_base == 0:
            viol[0] = np.inf            # everything on g's side
        if n_base + m == n:
            viol[-1] = np.inf           # everything on h's side
        now = int((side_now[F].astype(int) << np.arange(m)).sum())
        v_now = viol[now]
        if s.adjacent is None:   # the best split misses the bounds least, then costs least
            rows = np.flatnonzero(viol == viol.min())
        else:                    # any split at least as good, best first
            rows = np.flatnonzero(viol <= v_now + 1e-6)
        at = int(np.searchsorted(rows, now))
        if at == len(rows) or rows[at] != now:
            rows = np.insert(rows, at, now)
        sides = np.empty((len(rows), n))
        sides[:] = base
        sides[:, F] = masks[rows]
        keep = viol[rows] == viol[rows].min()
        if s.fast:
            cost = _split_cost_fast(s.X[idx], cw, sides)
        elif s.adjacent is None:   # exact figures only where the fast ones say it matters
            cost = _exact_where_close(s.X[idx], s.Z[idx], cw, sides, keep, at)
        else:
            cost = _split_cost(s.Z[idx], cw, sides)
        c_now = cost[at]
        if s.adjacent is None:
            pick = np.flatnonzero(keep)[int(np.argmin(cost[keep]))]
            vb, cb = viol[rows[pick]], cost[pick]
            better = vb < v_now - 1e-6 or (abs(vb - v_now) <= 1e-6 and
                                           cb < c_now - self.eps * max(c_now, 1))
        else:
            pick = self._first_connected(idx, sides, viol[rows], cost, v_now, c_now)
            better = pick is not None
        if not better:
            s.settled.add(key)
            return False
        side = sides[pick].astype(bool)
        a[idx] = np.where(side, h, g)
        self.members[g], self.members[h] = idx[~side], idx[side]
        return True

    def _first_connected(self, idx, sides, viol, cost, v_now, c_now):
        """The best split better than now whose two sides are each one patch (contiguity
        asked for), or None; every split's connectivity is tested at once on bitmasks."""
        pos = {int(b): p for p, b in enumerate(idx)}
        adj = [0] * len(idx)
        for p, b in enumerate(idx):
            for j in self.s.adjacent[b]:
                if j in pos:
                    adj[p] |= 1 << pos[j]
        order = np.lexsort((cost, viol))
        ok = (viol[order] < v_now - 1e-6) | ((np.abs(viol[order] - v_now) <= 1e-6) &
                                            (cost[order] < c_now * (1 - self.eps)))
        order = order[np.cumprod(ok).astype(bool)]   # better than now, in order
        if not len(order):
            return None
        full = (1 << len(idx)) - 1
        start, step = 0, 8
        while start < len(order):       # in growing chunks: the first often is one patch
            chunk = order[start:start + step]
            bits = _bitmasks(sides[chunk])
            hit = np.flatnonzero(_one_patch(bits, adj) & _one_patch(full ^ bits, adj))
            if len(hit):
                return int(chunk[hit[0]])
            start, step = start + step, step * 4
        return None

    def _border(self, idx, side_now, cap) -> np.ndarray:
        """The ``cap`` practices for which the other group's centre is relatively nearest."""
        s = self.s
        Z, c = s.Z[idx], s.cw[idx]
        cz = c * Z
        cen1, cen0 = cz @ side_now / (c @ side_now), cz @ ~side_now / (c @ ~side_now)
        own = np.abs(Z - np.where(side_now, cen1, cen0))
        other = np.abs(Z - np.where(side_now, cen0, cen1))
        free = np.zeros(len(idx), bool)
        free[np.argsort(other - own, kind="stable")[:cap]] = True
        return free

    def _apart_conflicts(self, idx, base, F, masks) -> np.ndarray:
        """Apart pairs on one side, for every split (``base``: the fixed sides)."""
        pos = {int(b): p for p, b in enumerate(idx)}
        col = {int(f): c for c, f in enumerate(F)}
        side = (lambda p: masks[:, col[p]] if p in col else np.full(len(masks),
                                                                     float(base[p])))
        out = np.zeros(len(masks))
        for i, j in self.s.apart:
            if i in pos and j in pos:
                out += side(pos[i]) == side(pos[j])
        return out


def _split_cost(Z, cw, sides) -> np.ndarray:
    """Patient-km of each split (rows of ``sides``: 1 = the second side), positions as
    complex numbers: the arithmetic of the first descent, kept as it was so that descent
    gives the groups it gave before further starts were added (up to the last bits of
    BLAS sums, which depend on how many rows are costed at once)."""
    cz = cw * Z
    C1, P1 = sides @ cw, np.dot(sides, cz)   # np.dot: the same sums as @, far faster here
    c1 = P1 / np.maximum(C1, 1e-12)
    c0 = (cz.sum() - P1) / np.maximum(cw.sum() - C1, 1e-12)
    d0 = np.abs(Z - c0[:, None])
    return (d0 + sides * (np.abs(Z - c1[:, None]) - d0)) @ cw


def _exact_where_close(X, Z, cw, sides, keep, at) -> np.ndarray:
    """Split costs, exact (``_split_cost``) for the row ``at`` and for the rows of ``keep``
    whose fast cost is within 1e-9 of the least (the two differ by ~1e-15, so the least
    exact cost is among them), infinite for the rest: the same choice, at a fraction of
    the work."""
    rough = _split_cost_fast(X, cw, sides)
    close = keep & (rough <= rough[keep].min() * (1 + 1e-9) + 1e-12)
    close[at] = True
    cost = np.full(len(rough), np.inf)
    cost[close] = _split_cost(Z, cw, sides[close])
    return cost


def _split_cost_fast(X, cw, sides) -> np.ndarray:
    """The same on real arrays: about 3× faster, equal to ~1e-15 (the further starts)."""
    x, y = X[:, 0], X[:, 1]
    C1 = sides @ cw
    P1x, P1y = sides @ (cw * x), sides @ (cw * y)
    C1s, C0s = np.maximum(C1, 1e-12), np.maximum(cw.sum() - C1, 1e-12)
    c1x, c1y = P1x / C1s, P1y / C1s
    c0x, c0y = ((cw * x).sum() - P1x) / C0s, ((cw * y).sum() - P1y) / C0s
    d0 = np.hypot(x - c0x[:, None], y - c0y[:, None])
    return (d0 + sides * (np.hypot(x - c1x[:, None], y - c1y[:, None]) - d0)) @ cw


def _bitmasks(sides: np.ndarray) -> np.ndarray:
    """Each row's second side as one integer (bit p = practice p; Python integers beyond
    62 practices)."""
    n = sides.shape[1]
    if n <= 62:
        return sides.astype(np.int64) @ (np.int64(1) << np.arange(n, dtype=np.int64))
    out = np.zeros(len(sides), object)
    for p in range(n):
        out = out + np.where(sides[:, p] > 0, 1 << p, 0).astype(object)
    return out


def _one_patch(bits: np.ndarray, adj: list[int]) -> np.ndarray:
    """For each set of practices (a bitmask), whether it is connected through ``adj`` (each
    practice's neighbours as a bitmask); an empty set or a single practice is."""
    reach = bits & -bits                     # the lowest member of each set
    n = len(adj)
    small = bits.dtype != object
    if small:
        shifts, nbrs = np.arange(n, dtype=np.int64), np.array(adj, np.int64)
    while True:
        if small:   # every practice reached passes on its neighbours, all sets at once
            on = ((reach[:, None] >> shifts) & 1).astype(bool)
            grown = reach | np.bitwise_or.reduce(np.where(on, nbrs, 0), axis=1)
        else:
            grown = reach.copy()
            for p, nb in enumerate(adj):
                grown |= np.where(((reach >> p) & 1).astype(bool), nb, 0).astype(object)
        grown &= bits
        if (grown == reach).all():
            return np.asarray(reach == bits, bool)
        reach = grown
