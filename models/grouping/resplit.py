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
FREE_MAX_LARGE, LARGE = 8, 2_000   # and on areas of over 2,000 practices (speed)
FREE_MAX_CONTIGUOUS = 8   # fewer when each split's contiguity is checked too


_MASKS: dict[int, np.ndarray] = {}


def _masks(m: int) -> np.ndarray:
    """Every division of m practices into two sides, as 0/1 rows (cached)."""
    if m not in _MASKS:
        _MASKS[m] = ((np.arange(2 ** m)[:, None] >> np.arange(m)) & 1).astype(float)
    return _MASKS[m]


def _viol(s, lo, hi):
    return np.maximum(0.0, lo - s) + np.maximum(0.0, s - hi)


violation = _viol


class Resplitter:
    def __init__(self, solver, assign: np.ndarray):
        self.s = solver
        self.assign = np.asarray(assign, int).copy()
        self.eps = 1e-7
        self.I = np.repeat(np.arange(len(solver.nbrs)), [len(r) for r in solver.nbrs])
        self.J = np.array([j for r in solver.nbrs for j in r], int)

    def group_pairs(self) -> list[tuple[int, int]]:
        """Neighbouring groups worth re-splitting: one is outside the bounds, or a practice
        of one lies nearly as close to the other's centre as to its own (SCREEN)."""
        s, a = self.s, self.assign
        centre = s.centres(a)
        bad = violation(np.bincount(a, s.w, s.k), s.lo, s.hi) > 0
        gi, gj = a[self.I], a[self.J]
        x = s.X[self.I]
        d_own = np.hypot(*(x - centre[gi]).T)
        d_oth = np.hypot(*(x - centre[gj]).T)
        keen = (gi != gj) & ((d_oth < d_own * (1 + SCREEN)) | bad[gi] | bad[gj])
        pairs = np.unique(np.column_stack([np.minimum(gi, gj), np.maximum(gi, gj)])[keen],
                          axis=0)
        return [tuple(p) for p in pairs.tolist()]

    def run(self, max_sweeps: int = 50) -> np.ndarray:
        dirty = set(range(self.s.k))
        for _ in range(max_sweeps):
            self.s.stop.check()
            changed = set()
            for g, h in self.group_pairs():
                if (g in dirty or h in dirty) and self.improve_pair(g, h):
                    changed |= {g, h}
            if not changed:
                break
            dirty = changed
        return self.assign

    def improve_pair(self, g: int, h: int) -> bool:
        s, a = self.s, self.assign
        idx = np.flatnonzero((a == g) | (a == h))
        side_now = a[idx] == h
        free = s.fixed[idx] < 0
        cap = (FREE_MAX_CONTIGUOUS if s.adjacent is not None else
               FREE_MAX_LARGE if len(s.w) > LARGE else FREE_MAX)
        if len(idx) > cap or not free.all():
            free = self._border(idx, side_now.astype(int), cap) & free
        F, T = np.flatnonzero(free), np.flatnonzero(~free)
        m = len(F)
        if m == 0:
            return False
        S = _masks(m)                              # (2^m, m): 1 = on h's side
        X, cw, w = s.X[idx], s.cw[idx], s.w[idx]
        t1, t0 = T[side_now[T]], T[~side_now[T]]
        n1 = S.sum(1) + len(t1)
        ok = (n1 > 0) & (n1 < len(idx))
        cwX = cw[:, None] * X
        W1 = S @ w[F] + w[t1].sum()
        C1 = S @ cw[F] + cw[t1].sum()
        P1 = S @ cwX[F] + cwX[t1].sum(0)
        c1 = P1 / np.maximum(C1, 1e-12)[:, None]
        c0 = (cwX.sum(0) - P1) / np.maximum(cw.sum() - C1, 1e-12)[:, None]
        XF = X[F]
        d1 = np.sqrt((XF[None, :, 0] - c1[:, 0:1]) ** 2 + (XF[None, :, 1] - c1[:, 1:2]) ** 2)
        d0 = np.sqrt((XF[None, :, 0] - c0[:, 0:1]) ** 2 + (XF[None, :, 1] - c0[:, 1:2]) ** 2)
        cost = (d0 + S * (d1 - d0)) @ cw[F]
        for part, cen in ((t1, c1), (t0, c0)):
            if len(part):
                Xp = X[part]
                cost += np.sqrt((Xp[None, :, 0] - cen[:, 0:1]) ** 2
                                + (Xp[None, :, 1] - cen[:, 1:2]) ** 2) @ cw[part]
        viol = _viol(w.sum() - W1, s.lo, s.hi) + _viol(W1, s.lo, s.hi)
        if s.apart:
            sides = np.repeat(side_now[None, :], len(S), axis=0)
            sides[:, F] = S.astype(bool)
            viol = viol + s.hi * self._apart_conflicts(idx, sides)
        now = int((side_now[F].astype(int) << np.arange(m)).sum())
        viol = np.where(ok, viol, np.inf)
        v_now, c_now = viol[now], cost[now]
        best = int(np.lexsort((cost, viol))[0])
        better = viol[best] < v_now - 1e-6 or (abs(viol[best] - v_now) <= 1e-6 and
                                               cost[best] < c_now - self.eps * max(c_now, 1))
        if not better:
            return False
        if s.adjacent is not None:
            best = self._first_connected(idx, side_now, F, S, viol, cost, v_now, c_now)
            if best is None:
                return False
        side = side_now.copy()
        side[F] = S[best].astype(bool)
        a[idx] = np.where(side, h, g)
        return True

    def _first_connected(self, idx, side_now, F, S, viol, cost, v_now, c_now):
        """The best split whose two sides are each one patch (contiguity asked for)."""
        pos = {int(b): p for p, b in enumerate(idx)}
        local = [[pos[j] for j in self.s.adjacent[b] if j in pos] for b in idx]
        for r in np.lexsort((cost, viol)):
            if not (viol[r] < v_now - 1e-6 or (abs(viol[r] - v_now) <= 1e-6 and
                                                cost[r] < c_now * (1 - self.eps))):
                return None
            side = side_now.copy()
            side[F] = S[r].astype(bool)
            if _one_piece(local, side, True) and _one_piece(local, side, False):
                return int(r)
        return None

    def _border(self, idx, side_now, cap) -> np.ndarray:
        """The ``cap`` practices for which the other group's centre is relatively nearest."""
        s = self.s
        X, c = s.X[idx], s.cw[idx]
        cen = np.array([(c[side_now == v] @ X[side_now == v]) / c[side_now == v].sum()
                        for v in (0, 1)])
        own = np.hypot(*(X - cen[side_now]).T)
        other = np.hypot(*(X - cen[1 - side_now]).T)
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
