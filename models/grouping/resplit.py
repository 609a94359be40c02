"""Pairwise re-splitting: the best division of two neighbouring groups, found exactly.

For a pair of neighbouring groups every division of their practices into two is costed at
once (numpy over all 2^m splits): first the patients outside the bounds, then the patient-km
to each side's patient-weighted centre. Where the pair holds more than ``FREE_MAX`` practices,
only the ones nearest the other group may change side. Pairs are revisited while any group
around them changed, until no division improves: a much larger step than moving one
practice, which is what lets the grouping escape the local optima of k-means-like methods.
"""
from __future__ import annotations

import numpy as np

from models.grouping.territories import parts

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
        s, a = self.s, self.assign
        idx = np.sort(np.concatenate([self.members[g], self.members[h]]))
        n = len(idx)
        side_now = a[idx] == h
        free = s.fixed[idx] < 0
        cap = (FREE_MAX_CONTIGUOUS if s.adjacent is not None else
               FREE_MAX_LARGE if len(s.w) > LARGE else FREE_MAX)
        if n > cap or not free.all():
            free = self._border(idx, side_now, cap) & free
        F = np.flatnonzero(free)
        m = len(F)
        if m == 0:
            return False
        sides = np.empty((2 ** m, n))              # every split: 1 = on h's side
        sides[:] = side_now
        sides[:, F] = _masks(m)
        Z, cw, w = s.Z[idx], s.cw[idx], s.w[idx]   # positions as complex numbers
        cz = cw * Z
        W1, C1, P1 = sides @ w, sides @ cw, sides @ cz
        c1 = P1 / np.maximum(C1, 1e-12)
        c0 = (cz.sum() - P1) / np.maximum(cw.sum() - C1, 1e-12)
        d0 = np.abs(Z - c0[:, None])
        cost = (d0 + sides * (np.abs(Z - c1[:, None]) - d0)) @ cw
        n1 = sides.sum(1)
        both = np.column_stack([W1, w.sum() - W1])
        viol = np.abs(both - np.clip(both, s.lo, s.hi)).sum(1)   # patients outside
        if s.apart:
            viol = viol + s.hi * self._apart_conflicts(idx, sides)
        viol = np.where((n1 > 0) & (n1 < n), viol, np.inf)
        now = int((side_now[F].astype(int) << np.arange(m)).sum())
        v_now, c_now = viol[now], cost[now]
        best = int(np.lexsort((cost, viol))[0])
        better = viol[best] < v_now - 1e-6 or (abs(viol[best] - v_now) <= 1e-6 and
                                               cost[best] < c_now - self.eps * max(c_now, 1))
        if not better:
            return False
        if s.adjacent is not None:
            best = self._first_connected(idx, sides, viol, cost, v_now, c_now)
            if best is None:
                return False
        side = sides[best].astype(bool)
        a[idx] = np.where(side, h, g)
        self.members[g], self.members[h] = idx[~side], idx[side]
        return True

    def _first_connected(self, idx, sides, viol, cost, v_now, c_now):
        """The best split whose two sides are each one patch (contiguity asked for)."""
        pos = {int(b): p for p, b in enumerate(idx)}
        local = [[pos[j] for j in self.s.adjacent[b] if j in pos] for b in idx]
        for r in np.lexsort((cost, viol)):
            if not (viol[r] < v_now - 1e-6 or (abs(viol[r] - v_now) <= 1e-6 and
                                                cost[r] < c_now * (1 - self.eps))):
                return None
            side = sides[r].astype(bool)
            if _one_piece(local, side, True) and _one_piece(local, side, False):
                return int(r)
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

    def _apart_conflicts(self, idx, sides) -> np.ndarray:
        pos = {int(b): p for p, b in enumerate(idx)}
        out = np.zeros(len(sides))
        for i, j in self.s.apart:
            if i in pos and j in pos:
                out += sides[:, pos[i]] == sides[:, pos[j]]
        return out


def _one_piece(local, side, value) -> bool:
    nodes = [i for i in range(len(side)) if side[i] == value]
    return len(nodes) <= 1 or len(parts(nodes, local)) == 1
