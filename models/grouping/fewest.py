"""The fewest groups on a large area: from a comfortable grouping, dissolve groups while the
rest can take their practices.

Solving afresh at every candidate number of groups is what a small area does (one more group
at a time from the counting floor; see engine.py). On thousands of practices the fewest
groups means groups filled to ~99.9% of the maximum, and each such solve spends a minute
pushing surplus patients round the map. Instead:

1. group at a comfortable number: the list total over ``FILL`` × the maximum (a normal,
   fast solve with room to spare in every group);
2. dissolve a batch of groups, the smallest first among those whose neighbours have the most
   room, never two that touch and never one holding a fixed practice; each of their practices
   joins the nearest neighbouring group;
3. repair only where it changed (pairwise re-splits of the groups that took practices, spreading
   outward while any group is outside the bounds);
4. keep the batch if every group is within the bounds and no "apart" lock is broken,
   otherwise undo it and try half as many; a batch of one that fails is tried with the next
   few candidates before stopping.

The batch is half the room left (the spare capacity counted in whole groups), so the search
takes ~log steps while there is room and single steps near the end. Deterministic: no random
choices and no clocks.
"""
from __future__ import annotations

import math

import numpy as np

from models.grouping.resplit import Resplitter
from models.grouping.solver import Solver

FILL = 0.8          # the comfortable start: groups at 80% of the maximum on average
RELOCATE_TRIES = 2  # groups moved to repair one failed dissolution, at most
SINGLE_TRIES = 2    # candidates tried one at a time before the search stops
REPAIR_SWEEPS = 30  # pairwise re-split sweeps allowed to repair one batch
STALL = 3           # ... given up after this many without fewer patients outside the bounds


def start_count(total: float, hi: float, k_lo: int, k_hi: int) -> int:
    """The comfortable number of groups to start from, within what counting allows."""
    return int(min(k_hi, max(k_lo, math.ceil(total / (FILL * hi)))))


def repair(solver: Solver, assign: np.ndarray, changed: set[int],
           chains: bool = True) -> np.ndarray:
    """Bring the groups around ``changed`` back within the bounds: pairwise re-splits
    spreading outward, then (``chains``) surplus passed on to room further away."""
    got = Resplitter(solver, assign).run(REPAIR_SWEEPS, dirty=changed, stall=STALL)
    if chains and solver.outside(got) > 0:
        from models.grouping.chains import pass_on
        got = pass_on(solver, got)
    if solver.adjacent is not None:   # each group one patch again (moves.py)
        got = solver.improve(got)
    return got


class Dissolver:
    """Lowers the number of groups of a within-bounds grouping one batch at a time."""

    def __init__(self, solver: Solver, assign: np.ndarray):
        self.s = solver
        self.assign = np.asarray(assign, int).copy()

    def touching(self) -> list[set[int]]:
        """Groups that hold neighbouring practices."""
        k = self.s.k
        gi, gj = self.assign[self.s.I], self.assign[self.s.J]
        keep = gi != gj
        pairs = np.unique(np.r_[gi[keep] * k + gj[keep], gj[keep] * k + gi[keep]])
        out: list[set[int]] = [set() for _ in range(k)]
        for g, h in zip((pairs // k).tolist(), (pairs % k).tolist()):
            out[g].add(h)
        return out

    def candidates(self) -> list[int]:
        """Groups worth dissolving, best first: those whose neighbours have room for all
        their patients (``self.easy`` counts them), then by what is left over once the room
        of the groups up to two away is used (so a town whose groups are all needed comes
        last). ``self.nbr``: the touching groups, for this grouping."""
        s, k = self.s, self.s.k
        W = np.bincount(self.assign, s.w, k)
        room = np.maximum(0.0, s.hi - W)
        nbr = self.nbr = self.touching()
        score = [W[g] - sum(room[h] for h in nbr[g]) for g in range(k)]
        ring2 = [set().union(*(nbr[h] for h in nbr[g])) | nbr[g] - {g} for g in range(k)]
        score2 = [W[g] - sum(room[h] for h in ring2[g]) for g in range(k)]
        fixed = set(self.assign[s.fixed >= 0].tolist())
        order = sorted((g for g in range(k) if g not in fixed and nbr[g]),
                       key=lambda g: (score[g] > 0, score2[g], g))
        self.easy = sum(1 for g in order if score[g] <= 0)
        return order

    def dissolve(self, picks: list[int], renumber: bool = True) -> tuple[np.ndarray, set[int]]:
        """The grouping without ``picks``: each of their practices joins the nearest
        neighbouring group that stays; groups renumbered (fixed ones keep theirs), or
        ``picks`` left empty."""
        s, a = self.s, self.assign.copy()
        gone = np.zeros(s.k, bool)
        gone[picks] = True
        centre = s.centres(a)
        took: set[int] = set()
        for i in np.flatnonzero(gone[a]).tolist():
            options = {int(a[j]) for j in s.nbrs[i]}
            options = [g for g in options if not gone[g]]
            if not options:
                options = np.flatnonzero(~gone).tolist()
            d = [float(np.hypot(*(s.X[i] - centre[g]))) for g in options]
            a[i] = options[int(np.argmin(d))]
            took.add(a[i])
        if not renumber:
            return a, took
        new_id = np.cumsum(~gone) - 1
        return new_id[a], {int(new_id[g]) for g in took}

    def run(self) -> np.ndarray:
        s = self.s
        order, tries = self.candidates(), 0
        batch = self.batch(len(order))
        while order:
            k = s.k
            picks = self._spread(order, batch)
            trial, took = self.dissolve(picks)
            s.k = k - len(picks)
            s.stop.report(0.5, f"trying {s.k} groups")
            repaired = repair(s, trial, took, chains=batch == 1)
            if batch == 1 and s.outside(repaired) > 0:   # a town short of a group
                from models.grouping.relocate import relocate
                repaired = relocate(s, repaired, attempts=RELOCATE_TRIES)
            if s.outside(repaired) == 0:
                self.assign, tries = repaired, 0
                order = self.candidates()
                batch = min(batch, self.batch(len(order)))
                continue
            s.k = k
            if batch > 1:
                batch //= 2
                continue
            tries += 1
            order = order[1:]
            if tries >= SINGLE_TRIES:
                break
        return self.assign

    def batch(self, limit: int) -> int:
        """Half the room left, and no more than the groups whose neighbours can take
        them whole (so a batch is rarely undone)."""
        return max(1, min(int(self.room() // 2), self.easy, limit))

    def room(self) -> float:
        """The spare capacity below the maximum, in whole groups."""
        return (self.s.k * self.s.hi - float(self.s.w.sum())) / self.s.hi

    def _spread(self, order: list[int], batch: int) -> list[int]:
        """Up to ``batch`` candidates, best first, no two touching."""
        nbr = self.nbr
        picks: list[int] = []
        blocked: set[int] = set()
        for g in order:
            if g in blocked:
                continue
            picks.append(g)
            blocked |= nbr[g] | {g}
            if len(picks) == batch:
                break
        return picks
