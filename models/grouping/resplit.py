"""Pairwise re-splitting: the best division of two neighbouring groups, found exactly.

For a pair of neighbouring groups every division of their practices into two is judged
(splits.py, one compiled call over all 2^m splits): first the patients outside the bounds,
then, only for the splits that miss the bounds least, the patient-km to each side's
patient-weighted centre. Where the pair holds more than ``FREE_MAX`` practices, only the
ones nearest the other group may change side. Pairs are revisited while any group
around them changed, and a pair whose members are as they were when it last had nothing
better is not costed again (``solver.settled``), until no division improves: a much larger
step than moving one practice, which is what lets the grouping escape the local optima of
k-means-like methods. With contiguity asked for, the best split better than now whose two
sides are each one patch is taken.
"""
from __future__ import annotations

import numpy as np


FREE_MAX = 10   # practices that may change side in one pair (2^10 splits)
SCREEN = 0.3     # "nearly as close": within 30% of the distance to its own centre
FREE_MAX_CONTIGUOUS = 8   # fewer when each split's contiguity is checked too


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
        from models.grouping.splits import best_split, tables
        (adj_ptr, adj_ind), (part_ptr, part_ind), loc, mark = tables(solver)
        contiguous = solver.adjacent is not None
        self._split = best_split      # and what it is always given besides the pair
        self._given = (solver.X, solver.cw, solver.w, solver.fixed,
                       FREE_MAX_CONTIGUOUS if contiguous else FREE_MAX, solver.lo, solver.hi,
                       adj_ptr, adj_ind, part_ptr, part_ind, loc, mark, contiguous, self.eps)

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
        k = s.k     # each pair (lower, higher) as one number: one sort, in the same order
        pairs = np.unique(np.minimum(gi, gj)[keen] * k + np.maximum(gi, gj)[keen]).tolist()
        return [(p // k, p % k) for p in pairs]

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
        """Re-split groups g and h the best way (splits.py, compiled); True if changed.
        A pair whose members are unchanged since it last had nothing better is skipped."""
        s, a = self.s, self.assign
        idx = np.sort(np.concatenate([self.members[g], self.members[h]]))
        side_now = a[idx] == h
        key = (idx.tobytes(), (side_now ^ side_now[0]).tobytes())
        if key in s.settled:
            return False
        better, side = self._split(idx, side_now, *self._given)
        if not better:
            s.settled.add(key)
            return False
        a[idx] = np.where(side, h, g)
        self.members[g], self.members[h] = idx[~side], idx[side]
        return True
