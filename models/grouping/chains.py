"""Ejection chains: a group over the maximum passes a practice on to a neighbouring group,
which passes one on in turn, until a group with room takes the last; a group under the
minimum pulls practices the same way.

Moving one practice, swapping two or re-splitting a pair (moves.py, resplit.py) only helps
where a neighbouring group has room. Where every neighbour is nearly full, a group stays a
little over the maximum although there is room two or three groups away. The chains are
found best-first on the patient-km they add (list size × distance to the receiving group's
centre minus to its own) over at most ``MAX_HOPS`` groups; every group on a chain ends within
the bounds, so a chain never makes another group miss them. Deterministic: ties go to the
lower index.
"""
from __future__ import annotations

import heapq

import numpy as np

from models.grouping.resplit import members

MAX_HOPS = 12          # groups a surplus or a shortfall may travel through
MAX_EXPANDED = 2_000   # groups looked at for one chain (bounds the work, not a clock)


class Chains:
    def __init__(self, solver, assign: np.ndarray):
        s = self.s = solver
        self.a = np.asarray(assign, int).copy()
        self.al = self.a.tolist()   # the same, as a list: read once per neighbour
        self.W = np.bincount(self.a, s.w, s.k).astype(float)
        self.centre = np.array([complex(*c) for c in s.centres(self.a)])
        self.members = [set(m.tolist()) for m in members(self.a, s.k)]
        self.whole: dict[tuple[int, int], bool] = {}   # (p, its group): one patch without p

    def run(self) -> np.ndarray:
        """Repair every group outside the bounds that a chain can repair."""
        s = self.s
        for g in np.flatnonzero(self.W > s.hi).tolist():
            if self.W[g] > s.hi:
                self._apply(self._find(g, push=True))
        for g in np.flatnonzero(self.W < s.lo).tolist():
            if self.W[g] < s.lo:
                self._apply(self._find(g, push=False))
        return self.a

    def _moves(self, A: int, push: bool):
        """(practice, from, to) for one hop: pushing, A's practices to the groups near
        them; pulling, nearby practices of other groups into A."""
        s, a = self.s, self.al
        if push:
            for p in sorted(self.members[A]):
                if s.fixed[p] < 0:
                    for B in sorted({a[j] for j in s.near[p]} - {A}):
                        yield p, A, B
            return
        seen: set[int] = set()
        for i in sorted(self.members[A]):
            for p in s.near[i]:
                if a[p] != A and p not in seen and s.fixed[p] < 0:
                    seen.add(p)
                    yield p, a[p], A

    def _allowed(self, p: int, src: int, dst: int) -> bool:
        s, a = self.s, self.al
        if any(a[q] == dst for q in s.partners[p]):
            return False
        if s.adjacent is None:
            return True
        if not any(a[j] == dst for j in s.adjacent[p]):
            return False
        if (p, src) not in self.whole:   # asked again and again while chains are searched
            from models.grouping.splits import connected
            rest = [i for i in self.members[src] if i != p]
            self.whole[p, src] = connected(s, rest)
        return self.whole[p, src]

    def _find(self, g: int, push: bool):
        """The cheapest chain that brings group g within the bounds, or None."""
        s, lo, hi = self.s, self.s.lo, self.s.hi
        # (added km, tie, group that must give (push) or take (pull), its load, the moves)
        heap = [(0.0, 0, g, float(self.W[g]), ())]
        tie, expanded, done = 1, 0, set()
        while heap and expanded < MAX_EXPANDED:
            cost, _, A, load, path = heapq.heappop(heap)
            if A is None:
                return path
            if A in done or len(path) >= MAX_HOPS:
                continue
            done.add(A)
            expanded += 1
            on_path = {g} | {m[1] for m in path} | {m[2] for m in path}
            moved = {m[0] for m in path}
            for p, src, dst in self._moves(A, push):
                other = dst if push else src
                if p in moved or other in on_path:
                    continue
                wp = s.w[p]
                if not lo <= (load - wp if push else load + wp) <= hi:
                    continue
                there = self.W[other] + wp if push else self.W[other] - wp
                fits = lo <= there <= hi
                if not fits and (there < lo if push else there > hi):
                    continue      # pushed below the minimum, or pulled from a group over
                if not self._allowed(p, src, dst):   # last: the dearest test
                    continue
                step = s.cw[p] * (abs(s.Z[p] - self.centre[dst])
                                  - abs(s.Z[p] - self.centre[src]))
                heapq.heappush(heap, (cost + step, tie, None if fits else other, there,
                                      path + ((p, src, dst),)))
                tie += 1
        return None

    def _apply(self, chain) -> None:
        if not chain:
            return
        s = self.s
        for p, src, dst in chain:
            self.a[p] = dst
            self.al[p] = dst
            self.members[src].discard(p)
            self.members[dst].add(p)
            self.W[src] -= s.w[p]
            self.W[dst] += s.w[p]
        changed = {m[1] for m in chain} | {m[2] for m in chain}
        self.whole = {key: ok for key, ok in self.whole.items() if key[1] not in changed}
        for g in changed:
            idx = sorted(self.members[g])
            if idx:
                self.centre[g] = s.cw[idx] @ s.Z[idx] / s.cw[idx].sum()


def pass_on(solver, assign: np.ndarray) -> np.ndarray:
    """``assign`` with the groups outside the bounds repaired by ejection chains."""
    return Chains(solver, assign).run()
