"""Local improvement of a grouping: move one practice, or swap two, between neighbouring groups.

A change is kept when it lowers the patients outside the bounds, or keeps them and lowers the
patient-km (list size × distance to the group's patient-weighted centre, recomputed exactly
for the two groups touched). Candidates are screened with the current centres first, so only
promising changes are costed exactly. Runs until a whole pass changes nothing. With
contiguity asked for, a practice only joins a group it touches and never splits the group it
leaves.
"""
from __future__ import annotations

import math

import numpy as np

from models.grouping.resplit import members
from models.grouping.solver import MAX_PASSES
from models.grouping.territories import parts


def _beats(key: tuple[float, float], best: tuple[float, float]) -> bool:
    """(change in patients outside the bounds, change in patient-km): fewer outside wins;
    as many outside, fewer km wins."""
    dv, ds = key
    return (dv < 0 and key < best) or (dv == 0 and best[0] == 0 and ds < best[1])


class LocalSearch:
    def __init__(self, solver, assign: np.ndarray):
        s = self.s = solver
        self.assign = np.asarray(assign, int).copy()
        self.al = self.assign.tolist()   # the same, as a list: read once per neighbour
        self.xl = s.X.tolist()
        lo, hi = s.lo, s.hi       # patients outside the bounds of a list of x (a closure:
        self.viol = lambda x: lo - x if x < lo else (x - hi if x > hi else 0.0)  # fast)
        k = s.k
        self.members = [m.tolist() for m in members(self.assign, k)]
        self.W = np.bincount(self.assign, s.w, k).astype(float)
        self.cost = np.array([s.group_cost(m) for m in self.members])
        self.centre = s.centres(self.assign)
        self.free = s.fixed < 0
        self.eps = 1e-9 * max(1.0, float(self.cost.sum()))

    # -------------------------------------------------------------- helpers
    def _dist(self, i: int, g: int) -> float:
        """Practice i to group g's centre (the arithmetic of numpy's, on floats: faster
        one at a time)."""
        dx, dy = self.xl[i][0] - self.centre[g, 0], self.xl[i][1] - self.centre[g, 1]
        return math.sqrt(dx * dx + dy * dy)

    def conf(self, i: int, g: int, skip: int = -1) -> int:
        return sum(1 for p in self.s.partners[i] if p != skip and self.al[p] == g)

    def _connected(self, nodes: list[int]) -> bool:
        from models.grouping.splits import connected
        return connected(self.s, nodes)

    def _touches(self, i: int, g: int, skip: int = -1) -> bool:
        al = self.al
        return any(al[j] == g and j != skip for j in self.s.adjacent[i])

    def _apply(self, changes: list[tuple[int, int]]) -> None:
        s = self.s
        touched = set()
        for i, dst in changes:
            src = self.assign[i]
            self.members[src].remove(i)
            self.members[dst].append(i)
            self.W[src] -= s.w[i]
            self.W[dst] += s.w[i]
            self.assign[i] = dst
            self.al[i] = int(dst)
            touched |= {src, dst}
        for g in touched:
            idx = self.members[g]
            self.cost[g] = s.group_cost(idx)
            c = s.cw[idx]
            self.centre[g] = c @ s.X[idx] / c.sum() if len(idx) else self.centre[g]

    # -------------------------------------------------------------- moves
    def _move_pass(self) -> bool:
        s, a, al = self.s, self.assign, self.al
        out = bool((self.W < s.lo).any() or (self.W > s.hi).any())
        d_own = np.sqrt(((s.X - self.centre[a]) ** 2).sum(1)).tolist()
        improved = False
        for i in range(len(a)):
            if not self.free[i]:
                continue
            A = al[i]
            if len(self.members[A]) <= 1:
                continue
            groups = {al[j] for j in s.nbrs[i]} - {A}
            if not groups:
                continue
            wi = s.w[i]
            if out:
                va = self.viol(self.W[A] - wi) - self.viol(self.W[A])
            else:       # every group within the bounds (viol 0): the same sums, shorter
                va = self.viol(self.W[A] - wi)
                if va > 0 and not s.partners[i]:   # no destination can make up for it
                    continue
            ca = self.conf(i, A) if s.partners[i] else 0
            best, best_key, rest_cost = -1, (0.0, -self.eps), None
            for B in sorted(groups):
                dv = va + self.viol(self.W[B] + wi)
                if out:
                    dv -= self.viol(self.W[B])
                if s.partners[i]:
                    dv += s.hi * (self.conf(i, B) - ca)
                if dv > 0:
                    continue
                if dv == 0 and not out and s.cw[i] * (self._dist(i, B) - d_own[i]) > 0:
                    continue
                if s.adjacent is not None and not self._touches(i, B):
                    continue
                if rest_cost is None:
                    rest = [j for j in self.members[A] if j != i]
                    if s.adjacent is not None and not self._connected(rest):
                        break
                    rest_cost = s.group_cost(rest)
                ds = (rest_cost + s.group_cost(self.members[B] + [i])
                      - self.cost[A] - self.cost[B])
                if _beats((dv, ds), best_key):
                    best, best_key = B, (dv, ds)
            if best >= 0:
                self._apply([(i, best)])
                improved = True
                out = bool((self.W < s.lo).any() or (self.W > s.hi).any())
        return improved

    def _swap_candidates(self) -> dict[int, list[int]]:
        """Neighbouring pairs in different groups whose swap looks promising at today's
        centres (or that touch a group outside the bounds); costed exactly afterwards."""
        s, a, C = self.s, self.assign, self.centre
        I, J = self.s.I, self.s.J
        A, B = a[I], a[J]
        gain = (s.cw[I] * (np.hypot(*(s.X[I] - C[B]).T) - np.hypot(*(s.X[I] - C[A]).T))
                + s.cw[J] * (np.hypot(*(s.X[J] - C[A]).T) - np.hypot(*(s.X[J] - C[B]).T)))
        out = (self.W < s.lo) | (self.W > s.hi)
        keep = (A != B) & self.free[I] & self.free[J] & ((gain < 0) | out[A] | out[B])
        cand: dict[int, list[int]] = {}
        for i, j in zip(I[keep].tolist(), J[keep].tolist()):
            cand.setdefault(i, []).append(j)
        return cand

    def _swap_pass(self) -> bool:
        s, a = self.s, self.assign
        d = self._dist
        improved = False
        out = bool((self.W < s.lo).any() or (self.W > s.hi).any())
        cand = self._swap_candidates()
        for i in sorted(cand):
            best, best_key = -1, (0.0, -self.eps)
            A = a[i]
            wi = s.w[i]
            for j in cand[i]:
                B = a[j]
                if B == A or not self.free[j]:
                    continue
                wj = s.w[j]
                if out:
                    dv = (self.viol(self.W[A] - wi + wj) - self.viol(self.W[A])
                          + self.viol(self.W[B] - wj + wi) - self.viol(self.W[B]))
                else:   # every group within the bounds (viol 0): the same sums, shorter
                    dv = self.viol(self.W[A] - wi + wj) + self.viol(self.W[B] - wj + wi)
                if s.partners[i] or s.partners[j]:
                    dv += s.hi * (self.conf(i, B, j) - self.conf(i, A)
                                  + self.conf(j, A, i) - self.conf(j, B))
                if dv > 0:
                    continue
                if dv == 0 and (s.cw[i] * (d(i, B) - d(i, A))
                                + s.cw[j] * (d(j, A) - d(j, B))) > 0:
                    continue
                new_a = [x for x in self.members[A] if x != i] + [j]
                new_b = [x for x in self.members[B] if x != j] + [i]
                if s.adjacent is not None and not (self._connected(new_a)
                                                   and self._connected(new_b)):
                    continue
                ds = (s.group_cost(new_a) + s.group_cost(new_b)
                      - self.cost[A] - self.cost[B])
                if _beats((dv, ds), best_key):
                    best, best_key = j, (dv, ds)
            if best >= 0:
                j = best
                B = a[j]
                self._apply([(i, B), (j, A)])
                improved = True
                out = bool((self.W < s.lo).any() or (self.W > s.hi).any())
        return improved

    def run(self) -> np.ndarray:
        if self.s.adjacent is not None:
            self.make_contiguous()
        for _ in range(MAX_PASSES):
            self.s.stop.check()
            moved = self._move_pass()
            swapped = self._swap_pass()
            if not (moved or swapped):
                break
        return self.assign

    # -------------------------------------------------------------- contiguity
    def make_contiguous(self) -> None:
        """Hand each detached piece of a group to the touching group it fits best."""
        s = self.s
        for _ in range(s.k * 4):
            moved = False
            for g in range(s.k):
                pieces = parts(self.members[g], s.adjacent)
                if len(pieces) <= 1:
                    continue
                pieces.sort(key=lambda p: -s.w[p].sum())
                for piece in pieces[1:]:
                    if any(not self.free[i] for i in piece):
                        continue
                    options = {int(self.assign[j]) for i in piece for j in s.adjacent[i]}
                    options.discard(g)
                    if not options:
                        continue
                    size = s.w[piece].sum()
                    dst = min(sorted(options), key=lambda h: (
                        self.viol(self.W[h] + size) - self.viol(self.W[h]),
                        float(np.sqrt(((s.X[piece].mean(0) - self.centre[h]) ** 2).sum()))))
                    self._apply([(i, dst) for i in piece])
                    moved = True
            if not moved:
                return
