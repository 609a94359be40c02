"""Contiguous groups from the free search: its grouping made contiguous, a group added where
they no longer fit, and its groups offered to the polish.

Keeping each group one patch (``--contiguous``) only removes groupings the free search may
choose. Searched for from scratch under that constraint, the descent stops in poorer local
optima, and "fewest groups" spends most of its time on counts it cannot meet (every count
from the floor up is descended and repaired in full before it fails). Instead (engine.py):

1. the free search runs first, at the count asked for or at its fewest groups;
2. its grouping is made contiguous: each detached piece joins a touching group, then moves,
   swaps and pair re-splits that keep every group one patch (``made_contiguous``);
3. "fewest": while a group is over the maximum, one more group is made by halving the group
   furthest over and repairing around it (``grow``: a count the free search met but the
   contiguous one cannot costs a local repair, not a descent); from the count so reached,
   one fewer is tried at a time (a free grouping at that count made contiguous, its room
   spread over the whole area) while it fits;
4. the polish (polish.py) descends further contiguous starts and picks from every one-patch
   group found, the free search's included.

The answer is never worse than the free grouping made contiguous (it is in the pool), and
is the same for the same seed (no clocks, no unseeded random choices).
"""
from __future__ import annotations

import numpy as np

from models.grouping.solver import MAX_ROUNDS, Solver


def made_contiguous(solver: Solver, assign: np.ndarray, repair: bool = True,
                    prove: bool = True, rounds: int = MAX_ROUNDS) -> tuple[np.ndarray,
                                                                          tuple[float, float]]:
    """``assign`` (any grouping into ``solver.k``) with every group one patch, improved
    under that constraint; and its (patients outside the bounds, patient-km).
    ``repair``: groups still outside the bounds repaired; ``prove``: then, on a small
    area, whether the bounds can be met at all (solver.refine)."""
    return solver.refine(solver.improve(np.asarray(assign, int)), rounds, repair=repair,
                         prove=prove)


def grow(solver: Solver, assign: np.ndarray, k_max: int) -> tuple[np.ndarray,
                                                                   tuple[float, float]]:
    """More groups, one at a time, until every group is within the bounds (or ``k_max``
    groups): the group furthest over the maximum gives the practices on the far side of
    its longest axis to a new group, repaired around both (fewest.repair), then the surplus
    passed on (chains.py). ``solver.k`` ends at the count reached."""
    from models.grouping.chains import pass_on
    from models.grouping.fewest import repair
    from models.grouping.relocate import _halve
    s = solver
    a = np.asarray(assign, int)
    obj = s.objective(a)
    while obj[0] > 0 and s.k < k_max:
        W = np.bincount(a, s.w, s.k)
        g = int(np.argmax(W - s.hi))
        half = _halve(s, np.flatnonzero((a == g) & (s.fixed < 0)))
        if W[g] <= s.hi or not len(half):   # under the minimum: another group cannot help
            break
        around = {int(a[j]) for i in np.flatnonzero(a == g) for j in s.near[i]}
        s.k += 1
        s.stop.report(0.5, f"trying {s.k} groups")
        a = a.copy()
        a[half] = s.k - 1
        a, obj = s.refine(repair(s, a, around | {s.k - 1}), repair=False)
        if obj[0] > 0:
            a = s.improve(pass_on(s, a))
            obj = s.objective(a)
    return a, obj
