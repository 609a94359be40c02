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

FREE_MAX = 13   # practices that may change side in one pair (2^13 splits, a few ms)
FREE_MAX_CONTIGUOUS = 9   # fewer when each split's contiguity is checked too


def _viol(s, lo, hi):
    return np.maximum(0.0, lo - s) + np.maximum(0.0, s - hi)


class Resplitter:
    def __init__(self, solver, assign: np.ndarray):
        self.s = solver
        self.assign = np.asarray(assign, int).copy()
        self.eps = 1e-7

    def group_pairs(self) -> list[tuple[int, int]]:
        a = self.assign
        pairs = set()
        for i, row in enumerate(self.s.nbrs):
            for j in row:
                if a[i] != a[j]:
                    pairs.add((min(a[i], a[j]), max(a[i], a[j])))
        return sorted(pairs)

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
        side_now = (a[idx] == h).astype(int)
        fixed = s.fixed[idx]
        free = fixed < 0
        cap = FREE_MAX if s.adjacent is None else FREE_MAX_CONTIGUOUS
        if len(idx) > cap or not free.all():
            free = self._border(idx, side_now, g, h, cap) & free
        f_idx = np.flatnonzero(free)
        m = len(f_idx)
        if m == 0:
            return False
        masks = ((np.arange(2 ** m)[:, None] >> np.arange(m)) & 1).astype(bool)
        sides = np.repeat(side_now[None, :], len(masks), axis=0).astype(bool)
        sides[:, f_idx] = masks
        X, cw, w = s.X[idx], s.cw[idx], s.w[idx]
        n1 = sides.sum(1)
        ok = (n1 > 0) & (n1 < len(idx))
        if s.adjacent is not None:
            ok &= self._connected_rows(idx, sides, ok)
        if not ok.any():
            return False
        sides = sides[ok]
        S = sides.astype(float)
        W1 = S @ w
        W0 = w.sum() - W1
        C1 = S @ cw
        C0 = cw.sum() - C1
        P1 = S @ (cw[:, None] * X)
        P0 = (cw[:, None] * X).sum(0) - P1
        c1 = P1 / np.maximum(C1, 1e-12)[:, None]
        c0 = P0 / np.maximum(C0, 1e-12)[:, None]
        d1 = np.sqrt(((X[None] - c1[:, None, :]) ** 2).sum(-1))
        d0 = np.sqrt(((X[None] - c0[:, None, :]) ** 2).sum(-1))
        cost = np.where(sides, d1, d0) @ cw
        viol = _viol(W0, s.lo, s.hi) + _viol(W1, s.lo, s.hi)
        if s.apart:
            viol = viol + s.hi * self._apart_conflicts(idx, sides)
        now = np.flatnonzero((sides == side_now.astype(bool)).all(1))
        if not len(now):
            return False
        v_now, c_now = viol[now[0]], cost[now[0]]
        best = np.lexsort((cost, viol))[0]
        better = viol[best] < v_now - 1e-6 or (abs(viol[best] - v_now) <= 1e-6 and
                                               cost[best] < c_now - self.eps * max(c_now, 1))
        if not better:
            return False
        a[idx] = np.where(sides[best], h, g)
        return True

    def _border(self, idx, side_now, g, h, cap) -> np.ndarray:
        """The FREE_MAX practices for which the other group's centre is relatively nearest."""
        s = self.s
        X = s.X[idx]
        cen = np.array([np.average(X[side_now == v], axis=0, weights=s.cw[idx][side_now == v])
                        for v in (0, 1)])
        own = np.sqrt(((X - cen[side_now]) ** 2).sum(1))
        other = np.sqrt(((X - cen[1 - side_now]) ** 2).sum(1))
        order = np.argsort(other - own, kind="stable")[:cap]
        free = np.zeros(len(idx), bool)
        free[order] = True
        return free

    def _apart_conflicts(self, idx, sides) -> np.ndarray:
        pos = {int(b): p for p, b in enumerate(idx)}
        out = np.zeros(len(sides))
        for i, j in self.s.apart:
            if i in pos and j in pos:
                out += sides[:, pos[i]] == sides[:, pos[j]]
        return out

    def _connected_rows(self, idx, sides, ok) -> np.ndarray:
        """Both sides connected through adjacent territories (checked per candidate split)."""
        pos = {int(b): p for p, b in enumerate(idx)}
        local = [[pos[j] for j in self.s.adjacent[b] if j in pos] for b in idx]
        out = np.zeros(len(sides), bool)
        for r in np.flatnonzero(ok):
            out[r] = _one_piece(local, sides[r], True) and _one_piece(local, sides[r], False)
        return out


def _one_piece(local, side, value) -> bool:
    nodes = [i for i in range(len(side)) if side[i] == value]
    if len(nodes) <= 1:
        return True
    seen, todo = {nodes[0]}, [nodes[0]]
    while todo:
        x = todo.pop()
        for y in local[x]:
            if side[y] == value and y not in seen:
                seen.add(y)
                todo.append(y)
    return len(seen) == len(nodes)
