"""Several starts, then the best combination of every group they found (set partitioning).

One descent (solver.py) stops in a local optimum that depends on where it started. So the
area is also grouped from further starts drawn from the seed (``default_starts``: 4, up
to 8 on small areas where they are cheap; weighted k-means from k-means++ centres,
scikit-learn), each descended the same way; every group any descent
passed through that is within the bounds (and one patch, with contiguity asked for) goes
into a pool. An integer program (SciPy's HiGHS) then picks from the pool exactly K groups
covering each practice once at the least patient-km; that grouping is descended again and
its groups pooled, until the pick no longer improves. The answer is never worse than the
best single descent (its groups are in the pool), always within the bounds when that one
is, and the same for the same seed (HiGHS is stopped by a node count, not a clock).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix

from models.grouping.resplit import Resplitter, members
from models.grouping.solver import _better

STARTS = 4             # further starts besides the default one, at least
STARTS_SMALL = 8       # ... and up to this many on small areas, where they are cheap,
START_BUDGET = 1_300   # while practices × further starts stays within this
FURTHER_STARTS = 16    # ... when the planner asks to "Optimise further" (a longer search)
POLISH_LIMIT = 1_000   # practices up to which an area is polished unless told (speed)
JITTER = 1.0           # ... and of the best centres, in group mean distances
NOISE = 0.5            # spread of the random merger costs of further starts
PICKS = 3              # set-partitioning picks, each descended and pooled again
NODE_LIMIT = 5_000     # branch-and-bound nodes for one pick (a count: deterministic)
SECONDS = 20.0         # safety stop for one pick (never reached in practice)


class Pool:
    """Distinct groups (sorted block indices) that may appear in the answer, with costs."""

    def __init__(self, solver):
        self.s = solver
        self.groups: dict[tuple[int, ...], float] = {}
        fixed = solver.fixed
        self.fixed_size = np.bincount(fixed[fixed >= 0]) if (fixed >= 0).any() else []

    def add(self, assign: np.ndarray) -> None:
        """The groups of ``assign`` (into any number of groups) that are allowed."""
        assign = np.asarray(assign, int)
        for idx in members(assign, max(self.s.k, int(assign.max()) + 1)):
            key = tuple(idx.tolist())
            if key and key not in self.groups and self._allowed(idx):
                self.groups[key] = self.s.group_cost(list(key))

    def _allowed(self, idx: np.ndarray) -> bool:
        """Within the bounds, no apart pair, all or none of a fixed group, one patch."""
        s = self.s
        size = s.w[idx].sum()
        if size < s.lo - 1e-9 or size > s.hi + 1e-9:
            return False
        f = s.fixed[idx]
        named = np.unique(f[f >= 0])
        if len(named) > 1 or (len(named) == 1 and
                              (f == named[0]).sum() != self.fixed_size[named[0]]):
            return False
        inside = set(idx.tolist())
        if any(i in inside and j in inside for i, j in s.apart):
            return False
        if s.adjacent is None:
            return True
        from models.grouping.splits import connected
        return connected(s, idx)

    def pick(self) -> np.ndarray | None:
        """The least patient-km K groups of the pool that cover every block once."""
        s, n = self.s, len(self.s.w)
        keys = list(self.groups)
        cost = np.array([self.groups[g] for g in keys])
        rows = np.concatenate([np.array(g, int) for g in keys])
        cols = np.repeat(np.arange(len(keys)), [len(g) for g in keys])
        cover = csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(keys)))
        count = np.ones((1, len(keys)))
        scale = max(float(cost.max()), 1.0)
        res = milp(cost / scale, integrality=np.ones(len(keys)), bounds=Bounds(0, 1),
                   constraints=[LinearConstraint(cover, 1, 1),
                                LinearConstraint(count, s.k, s.k)],
                   options={"node_limit": NODE_LIMIT, "time_limit": SECONDS,
                            "mip_rel_gap": 1e-6})
        if res.x is None:
            return None
        chosen = [keys[c] for c in np.flatnonzero(res.x > 0.5)]
        if len(chosen) != s.k:
            return None
        return self._numbered(chosen)

    def _numbered(self, chosen: list[tuple[int, ...]]) -> np.ndarray:
        """Group numbers for the chosen groups: a fixed group keeps its own, the rest
        follow in the order of their lowest block."""
        s = self.s
        assign = np.full(len(s.w), -1)
        named = {int(s.fixed[list(g)].max()): g for g in chosen if s.fixed[list(g)].max() >= 0}
        spare = iter(g for g in range(s.k) if g not in named)
        for g in sorted(chosen):
            number = next((f for f, h in named.items() if h == g), None)
            assign[list(g)] = number if number is not None else next(spare)
        return assign


def _start(s, t: int, rng, best) -> np.ndarray:
    """Start ``t``: every other one, the best grouping's centres moved at random by about a
    group's mean distance (a nearby local optimum, sharing most groups); the others,
    neighbouring practices merged with randomly scaled costs (start.py)."""
    from models.grouping.start import merged_centres
    if t % 2 == 1:
        centres = s.centres(best)
        spread = s.objective(best)[1] / max(float(s.cw.sum()), 1e-9)
        return centres + rng.normal(0.0, JITTER * spread, centres.shape)
    centres = merged_centres(s.X, s.w, s.cw, s.nbrs, s.k, s.hi, rng, NOISE)
    if len(centres) < s.k:
        from sklearn.cluster import KMeans  # imported on first use (~1.5 s)
        km = KMeans(n_clusters=s.k, n_init=1, random_state=int(rng.integers(2 ** 31)))
        centres = km.fit(s.X, sample_weight=s.cw).cluster_centers_
    return centres


def default_starts(n: int) -> int:
    """Further starts on an area of n practices: ``STARTS``, more on small areas (up to
    ``STARTS_SMALL`` within ``START_BUDGET``), none above ``POLISH_LIMIT`` (speed)."""
    if n > POLISH_LIMIT:
        return 0
    return max(STARTS, min(STARTS_SMALL, START_BUDGET // max(n, 1)))


def contiguous_starts(n: int) -> int:
    """Further starts of a contiguous search: half ``default_starts``. It begins from the
    free search's answer with every group that search passed through already pooled, so
    its own starts add less (measured on the benchmark sets: the same groups, 600
    practices' "fewest" in 0.75x the time)."""
    starts = default_starts(n)
    return max(1, starts // 2) if starts else 0


def polish(solver, assign: np.ndarray, starts: int | None = None) -> np.ndarray:
    """The best grouping from ``assign`` (one descent's answer) and ``starts`` further
    starts, recombined by set partitioning (see the module docstring); ``starts`` None:
    ``default_starts``."""
    s = solver
    if starts is None:
        starts = default_starts(len(s.w))
    if starts <= 0 or s.k <= 1 or s.k >= len(s.w):
        return assign
    best, best_obj = np.asarray(assign, int), s.objective(assign)
    return _polish(s, best, best_obj, starts, np.random.default_rng(s.seed))


def _polish(s, best, best_obj, starts: int, rng) -> np.ndarray:
    for t in range(starts):
        s.stop.report(0.85, f"trying start {t + 2} of {starts + 1}")
        got, obj = s.descend(_start(s, t, rng, best), prove=False)
        s.found.append(got)
        if _better(obj, best_obj):
            best, best_obj = got, obj
    if best_obj[0] > 0:
        return best
    pool = Pool(s)
    for got in s.found + [best]:
        pool.add(got)
    for _ in range(PICKS):
        s.stop.report(0.95, f"combining {len(pool.groups)} groups")
        got = pool.pick()
        if got is None:
            break
        got = s.improve(Resplitter(s, got).run())
        obj = s.objective(got)
        pool.add(got)
        if not _better(obj, best_obj):
            break
        best, best_obj = got, obj
    return best
