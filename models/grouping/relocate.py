"""Moving a group to where the patients need one.

When a town's practices are more than its groups can hold, every group there is full and
no move, swap or re-split between neighbours can help: the town needs one more group, and
somewhere else one fewer. So, for the group furthest over the maximum: dissolve the group
whose neighbours can most easily take its practices (fewest.py), give its number to half of
the full group's practices (those on the far side of its longest axis), and re-split the
groups around both places. The move is kept only if fewer patients end outside the bounds.
"""
from __future__ import annotations

import numpy as np

from models.grouping.fewest import Dissolver, repair

MAX_RELOCATIONS = 20   # groups moved at most in one repair
MAX_RELOCATIONS_CONTIGUOUS = 5   # ... keeping groups contiguous (each repair costs far more)


def _halve(solver, idx: np.ndarray) -> np.ndarray:
    """The practices of ``idx`` on one side of their patient-weighted longest axis."""
    X, c = solver.X[idx], solver.cw[idx]
    d = X - c @ X / c.sum()
    axis = np.linalg.eigh((d * c[:, None]).T @ d)[1][:, -1]
    along = d @ axis
    return idx[along > np.median(along)] if len(idx) > 1 else idx[:0]


def relocate(solver, assign: np.ndarray, attempts: int | None = None) -> np.ndarray:
    """``assign`` with groups moved from where there is room to where groups are over
    (at most ``attempts`` tried; by default ``MAX_RELOCATIONS``, or
    ``MAX_RELOCATIONS_CONTIGUOUS`` when groups must be contiguous)."""
    s = solver
    if attempts is None:
        attempts = MAX_RELOCATIONS if s.adjacent is None else MAX_RELOCATIONS_CONTIGUOUS
    a = np.asarray(assign, int).copy()
    hopeless: set[int] = set()
    for _ in range(attempts):
        now = s.outside(a)
        if now == 0:
            break
        W = np.bincount(a, s.w, s.k)
        over = [g for g in np.argsort(-W, kind="stable").tolist()
                if W[g] > s.hi and g not in hopeless]
        if not over:
            break
        g = over[0]
        d = Dissolver(s, a)
        order = d.candidates()
        near_g = d.nbr[g] | {g}
        donors = [h for h in order if h not in near_g and W[h] <= s.hi]
        half = _halve(s, np.flatnonzero((a == g) & (s.fixed < 0)))
        if not donors or not len(half):
            hopeless.add(g)
            continue
        D = donors[0]
        trial, took = d.dissolve([D], renumber=False)
        trial[half] = D
        repaired = repair(s, trial, took | near_g | {D})
        if s.outside(repaired) < now:
            a = repaired
        else:
            hopeless.add(g)
    return a
