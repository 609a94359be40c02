"""One area into k groups: compact (patient-weighted distance to centre) within size bounds.

The measure optimised is the one the planner reads: the sum over practices of list size ×
straight-line distance to the patient-weighted centre of its group. It runs to convergence,
not to a time budget:

1. start (start.py): neighbouring practices are merged, cheapest first, up to the maximum,
   so starting centres sit where the patients are (towns), not where k-means puts them;
   weighted k-means (scikit-learn) is the fallback;
2. capacitated assignment: each practice joins one of its nearest centres so that every
   group's list size is within the bounds, at least patient-km (SciPy's HiGHS, the linear
   program rounded);
3. improvement, repeated while a round helps: every pair of neighbouring groups is re-split
   exactly (resplit.py), then single practices are moved or swapped (moves.py), first to
   cut the patients outside the bounds, then the patient-km;
4. where the bounds are still missed, a group is moved from where there is room to a town
   whose groups are all over (relocate.py), surplus is passed on through full neighbours to
   room further away (chains.py), and the improvement runs again;
5. where they are still missed on a small area, an integer program over every group says
   whether they can be met at all ("cannot be packed") or supplies a grouping that does.

Everything is deterministic for a given seed (HiGHS is stopped by a node count, not a clock).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix, csr_matrix, hstack
from scipy.sparse.csgraph import maximum_flow

from models.grouping.errors import Cancelled
from models.grouping.resplit import Resplitter, members, violation

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

CANDIDATES = 8          # nearest centres a practice may join in one assignment step
NEIGHBOURS = 10         # nearest practices that define "neighbouring groups"
EXACT_LIMIT = 4_000     # practices × groups up to which "can the bounds be met" is proven
NODE_LIMIT = 2_000      # branch-and-bound nodes for that proof (a count: deterministic)
MAX_ROUNDS = 30         # safety stop; rounds end as soon as one does not improve
MAX_PASSES = 200        # safety stop for local improvement; it ends when nothing helps
START = "merge"         # or "kmeans"
SOLVER_SECONDS = 20.0   # safety stop for one HiGHS call (never reached in practice)
COSTS_KEPT = 200_000    # group costs remembered (Solver.group_cost), then forgotten


class Stop:
    """Progress and cancel plumbing shared by the solver loops."""

    def __init__(self, progress: ProgressFn | None, cancel: CancelFn | None):
        self.progress, self.cancel = progress, cancel
        self.lo, self.hi = 0.0, 1.0
        self.shown = 0.0  # progress never goes backwards, even when a try is repeated

    def check(self) -> None:
        if self.cancel is not None and self.cancel():
            raise Cancelled("grouping cancelled")

    def report(self, frac: float, message: str) -> None:
        self.check()
        if self.progress is not None:
            self.shown = max(self.shown, min(1.0, self.lo + (self.hi - self.lo) * frac))
            self.progress(float(self.shown), message)


def _cost(X: np.ndarray, cw: np.ndarray, idx) -> float:
    """Patient-km of one group: list size × distance to its patient-weighted centre."""
    if len(idx) < 2:
        return 0.0
    c, x = cw[idx], X[idx]
    centre = c @ x / c.sum()
    return float(c @ np.sqrt(((x - centre) ** 2).sum(1)))


class Solver:
    """Capacitated compact grouping of n blocks into k groups (see the module docstring).

    ``fixed[i]`` is the group index a block must join (-1 free; fixed groups come first),
    ``apart`` pairs of blocks that must not share a group, ``adjacent`` (optional) the
    neighbours of each block whose territories touch: when given, groups stay contiguous.
    """

    def __init__(self, X, w, k, lo, hi, *, fixed=None, apart=(), seed=0, stop=None,
                 adjacent=None):
        self.X = np.asarray(X, float)
        self.Z = self.X[:, 0] + 1j * self.X[:, 1]   # the same positions, for fast distances
        self.w = np.asarray(w, float)
        self.cw = np.maximum(self.w, 1e-3)   # a 0-patient practice still prefers the nearest
        self.k, self.lo, self.hi, self.seed = int(k), float(lo), float(hi), seed
        n = len(self.w)
        self.fixed = np.full(n, -1) if fixed is None else np.asarray(fixed, int)
        self.apart = list(apart)
        self.partners: list[list[int]] = [[] for _ in range(n)]
        for i, j in self.apart:
            self.partners[i].append(j)
            self.partners[j].append(i)
        self.stop = stop or Stop(None, None)
        self.adjacent = adjacent
        nn = min(NEIGHBOURS, n - 1)
        from sklearn.neighbors import NearestNeighbors  # on first use (~1.5 s)
        nbrs = (NearestNeighbors(n_neighbors=nn + 1).fit(self.X).kneighbors(
            self.X, return_distance=False)[:, 1:] if nn > 0 else np.zeros((n, 0), int))
        if adjacent is not None:
            nbrs = [sorted(set(row) | set(adjacent[i])) for i, row in enumerate(nbrs.tolist())]
        else:
            nbrs = nbrs.tolist()
        self.nbrs = nbrs
        # the same neighbours as two arrays of (practice, neighbour) edges, and both ways
        self.I = np.repeat(np.arange(n), [len(r) for r in nbrs])
        self.J = np.array([j for r in nbrs for j in r], int)
        both: list[set[int]] = [set(r) for r in nbrs]
        for i, j in zip(self.I.tolist(), self.J.tolist()):
            both[j].add(i)
        self.near = [sorted(r) for r in both]
        self.proven_infeasible = False
        self.settled: set = set()   # pairs re-split with nothing better (resplit.py)
        self.found: list[np.ndarray] = []   # groupings passed by the descents (polish.py)
        self.starts: int | None = None      # further starts for the polish (polish.py)
        self.merges: dict | None = None     # mergers shared by tries at other counts (start.py)
        self.costs: dict[tuple[int, ...], float] = {}   # group_cost's memory

    # -------------------------------------------------------------- evaluation
    def conflicts(self, assign) -> int:
        return sum(1 for i, j in self.apart if assign[i] == assign[j])

    def outside(self, assign) -> float:
        """Patients outside the bounds + apart conflicts × max (0 = acceptable)."""
        W = np.bincount(assign, self.w, self.k)
        return float(violation(W, self.lo, self.hi).sum()) + self.hi * self.conflicts(assign)

    def objective(self, assign) -> tuple[float, float]:
        """(patients outside the bounds + apart conflicts × max, patient-km)."""
        cost = sum(self.group_cost(idx.tolist()) for idx in members(assign, self.k))
        return self.outside(assign), cost

    def group_cost(self, idx: list[int]) -> float:
        """``_cost`` of the group ``idx``, remembered: most groups are costed again and
        again as the descents pass (the same members in the same order give the same
        figure, to the last bit)."""
        key = tuple(idx)
        got = self.costs.get(key)
        if got is None:
            if len(self.costs) >= COSTS_KEPT:
                self.costs.clear()
            got = self.costs[key] = _cost(self.X, self.cw, idx)
        return got

    def centres(self, assign) -> np.ndarray:
        cw = np.bincount(assign, self.cw, self.k)
        safe = np.where(cw > 0, cw, 1.0)
        return np.column_stack([np.bincount(assign, self.cw * self.X[:, 0], self.k) / safe,
                                np.bincount(assign, self.cw * self.X[:, 1], self.k) / safe])

    # -------------------------------------------------------------- the whole run
    def solve(self, rounds: int = MAX_ROUNDS) -> tuple[np.ndarray, tuple[float, float]]:
        """The grouping and its (patients outside the bounds, patient-km); ``rounds``: at
        most this many improvement rounds (fewer when a start is refined afterwards)."""
        n, k = len(self.w), self.k
        if k == 1:
            assign = np.zeros(n, int)
            return assign, self.objective(assign)
        if k >= n:  # one block per group, fixed ones in their named group
            spare = iter(g for g in range(k) if g not in set(self.fixed[self.fixed >= 0]))
            assign = np.array([f if f >= 0 else next(spare) for f in self.fixed], int)
            return assign, self.objective(assign)
        return self.descend(self.start(), rounds)

    def descend(self, centres, rounds: int = MAX_ROUNDS,
                prove: bool = True) -> tuple[np.ndarray, tuple[float, float]]:
        """Steps 2–5 of the module docstring from ``centres`` (step 5 only with ``prove``:
        a further start of the polish need not prove again what the first descent did);
        every grouping passed on the way is kept in ``self.found`` (the pool the polish
        picks groups from, polish.py)."""
        return self.refine(self.capacitated(self.order_fixed(centres)), rounds, prove=prove)

    def refine(self, best: np.ndarray, rounds: int = MAX_ROUNDS, repair: bool = True,
               prove: bool = True) -> tuple[np.ndarray, tuple[float, float]]:
        """Steps 3–5 of the module docstring from the grouping ``best`` (the assignment's,
        or one made without contiguity to be made contiguous, contiguous.py); step 4 only
        with ``repair``, step 5 only with ``prove`` too."""
        n, k = len(self.w), self.k
        best_obj = self.objective(best)
        for rnd in range(rounds):
            self.stop.report(min(rnd, 5) / 6, f"improving {k} groups")
            assign = self.improve(Resplitter(self, best).run())
            self.found.append(assign)
            obj = self.objective(assign)
            if not _better(obj, best_obj):
                break
            best, best_obj = assign, obj
        if best_obj[0] > 0 and repair:   # a town short of a group, or surplus boxed in by full groups
            from models.grouping.chains import pass_on
            from models.grouping.relocate import relocate
            assign = self.improve(Resplitter(self, pass_on(self, relocate(self, best))).run())
            if _better(self.objective(assign), best_obj):
                best, best_obj = assign, self.objective(assign)
        if best_obj[0] > 0 and repair and prove and n * k <= EXACT_LIMIT:  # can the bounds be met at all?
            got = self._program(self.centres(best), k, exact=True, soft=False)
            if got is None:
                self.proven_infeasible = self.last_status == 2   # HiGHS: infeasible
            else:
                assign = self.improve(Resplitter(self, self.improve(got)).run())
                if _better(self.objective(assign), best_obj):
                    best, best_obj = assign, self.objective(assign)
        return best, best_obj

    def start(self) -> np.ndarray:
        """Centres of merged neighbouring practices (start.py), or weighted k-means ones."""
        if START == "merge":
            from models.grouping.start import merged_centres
            centres = merged_centres(self.X, self.w, self.cw, self.nbrs, self.k, self.hi,
                                     memo=self.merges)
            if len(centres) < self.k:
                centres = None
        else:
            centres = None
        if centres is None:
            from sklearn.cluster import KMeans
            km = KMeans(n_clusters=self.k, n_init=3 if len(self.w) <= 2000 else 1,
                        random_state=self.seed)
            centres = km.fit(self.X, sample_weight=self.cw).cluster_centers_
        return centres

    def order_fixed(self, centres) -> np.ndarray:
        """The centres reordered so the fixed groups (first indices) take those nearest
        their blocks."""
        n_fixed = int(self.fixed.max()) + 1 if (self.fixed >= 0).any() else 0
        if n_fixed:
            cost = np.zeros((n_fixed, self.k))
            for f in range(n_fixed):
                idx = self.fixed == f
                cost[f] = (self.cw[idx, None] * np.sqrt(
                    ((self.X[idx, None, :] - centres[None]) ** 2).sum(-1))).sum(0)
            _, cols = linear_sum_assignment(cost)
            rest = [c for c in range(self.k) if c not in set(cols)]
            centres = centres[list(cols) + rest]
        return centres

    # -------------------------------------------------------------- capacitated assignment
    def capacitated(self, centres) -> np.ndarray:
        """Blocks to centres within the bounds at least patient-km (the linear program,
        rounded: the local improvement then settles the few split practices); widening the
        candidates, then (if the bounds cannot be met) missing them by the fewest patients."""
        k = self.k
        m = min(CANDIDATES, k)
        while True:
            got = (self._program(centres, m, exact=False, soft=False)
                   if self._may_fit(centres, m) else None)
            if got is not None:
                return got
            if m >= k:
                break
            m = min(k, m * 2)
        got = self._program(centres, min(k, 3 * CANDIDATES), exact=False, soft=True)
        return got if got is not None else self._nearest(centres)

    def _may_fit(self, centres, m: int) -> bool:
        """False when practices offered only their m nearest centres cannot all fit under
        the maximum: the largest flow of patients to centres (SciPy's maximum flow, whole
        patients) falls short of the total, so the linear program is not tried (a tight
        area's first try often is). True when unsure (sizes not whole numbers)."""
        w, hi = self.w, self.hi
        if not (np.all(w == np.round(w)) and hi == round(hi) and w.sum() < 2 ** 31):
            return True
        n, k = len(w), self.k
        from sklearn.neighbors import NearestNeighbors
        near = NearestNeighbors(n_neighbors=m).fit(centres).kneighbors(
            self.X, return_distance=False)
        free = self.fixed < 0
        rows = np.r_[np.repeat(np.flatnonzero(free), m), np.flatnonzero(~free)]
        cols = np.r_[near[free].ravel(), self.fixed[~free]]
        sink = n + k + 1            # source 0, practices 1..n, centres n+1..n+k
        tail = np.r_[np.zeros(n, int), rows + 1, n + 1 + np.arange(k)]
        head = np.r_[np.arange(1, n + 1), cols + n + 1, np.full(k, sink)]
        size = w.astype(np.int32)
        cap = np.r_[size, size[rows], np.full(k, int(hi), np.int32)]
        graph = csr_matrix((cap.astype(np.int32), (tail, head)), shape=(sink + 1, sink + 1))
        return maximum_flow(graph, 0, sink).flow_value >= int(size.sum())

    def _nearest(self, centres) -> np.ndarray:
        from sklearn.neighbors import NearestNeighbors
        near = NearestNeighbors(n_neighbors=1).fit(centres).kneighbors(
            self.X, return_distance=False)[:, 0]
        return np.where(self.fixed >= 0, self.fixed, near)

    def _program(self, centres, m: int, exact: bool, soft: bool):
        n, k = len(self.w), self.k
        from sklearn.neighbors import NearestNeighbors
        nn = NearestNeighbors(n_neighbors=m).fit(centres)
        dist, near = nn.kneighbors(self.X)
        free = self.fixed < 0
        rows = np.concatenate([np.repeat(np.flatnonzero(free), m),
                               np.flatnonzero(~free)])
        cols = np.concatenate([near[free].ravel(), self.fixed[~free]])
        d = np.concatenate([dist[free].ravel(),
                            np.sqrt(((self.X[~free] - centres[self.fixed[~free]]) ** 2)
                                    .sum(1))])
        cost = self.cw[rows] * d
        nv = len(rows)
        var = np.arange(nv)
        one = csr_matrix((np.ones(nv), (rows, var)), shape=(n, nv))
        size = csr_matrix((self.w[rows], (cols, var)), shape=(k, nv))
        count = csr_matrix((np.ones(nv), (cols, var)), shape=(k, nv))
        scale = max(float(cost.max()), 1.0) if nv else 1.0
        c = cost / scale
        n_extra = 0
        if soft:  # under_g, over_g ≥ 0 widen the bounds at a price above any distance
            n_extra = 2 * k
            eye = coo_matrix((np.r_[np.ones(k), -np.ones(k)],
                              (np.r_[np.arange(k), np.arange(k)], np.arange(2 * k))),
                             shape=(k, 2 * k))
            size = hstack([size, eye]).tocsr()
            one = hstack([one, csr_matrix((n, n_extra))]).tocsr()
            count = hstack([count, csr_matrix((k, n_extra))]).tocsr()
            price = (float(cost.sum()) / scale + 1.0) / max(self.lo, 1.0)
            c = np.r_[c, np.full(n_extra, price)]
        cons = [LinearConstraint(one, 1, 1), LinearConstraint(size, self.lo, self.hi),
                LinearConstraint(count, 1, np.inf)]
        pairs = self._apart_rows(rows, cols)
        if pairs is not None:
            cons.append(LinearConstraint(hstack([pairs, csr_matrix((pairs.shape[0], n_extra))])
                                         .tocsr(), 0, 1))
        integ = np.r_[np.ones(nv) if exact else np.zeros(nv), np.zeros(n_extra)]
        upper = np.r_[np.ones(nv), np.full(n_extra, np.inf)]
        res = milp(c, integrality=integ, bounds=Bounds(0, upper), constraints=cons,
                   options={"time_limit": SOLVER_SECONDS, "node_limit": NODE_LIMIT,
                            "mip_rel_gap": 1e-3})
        self.last_status = res.status
        if res.x is None:
            return None
        x = res.x[:nv]
        best = np.full(n, -1)
        best_val = np.full(n, -1.0)
        order = np.lexsort((-x, rows))      # per row, the largest share first
        first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
        best[rows[first]], best_val[rows[first]] = cols[first], x[first]
        return best

    def _apart_rows(self, rows, cols):
        if not self.apart:
            return None
        var_of = {(r, c): v for v, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()))}
        pairs = [(var_of[i, c], var_of[j, c]) for i, j in self.apart for c in range(self.k)
                 if (i, c) in var_of and (j, c) in var_of]
        if not pairs:
            return None
        pr = np.repeat(np.arange(len(pairs)), 2)
        return csr_matrix((np.ones(2 * len(pairs)), (pr, np.array(pairs).ravel())),
                          shape=(len(pairs), len(rows)))

    # -------------------------------------------------------------- local improvement
    def improve(self, assign: np.ndarray) -> np.ndarray:
        """Moves and swaps between neighbouring groups until none lowers (patients outside
        the bounds, patient-km); see models/grouping/moves.py."""
        from models.grouping.moves import LocalSearch
        return LocalSearch(self, assign).run()


def _better(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Strictly better: fewer patients outside the bounds, or as few and 0.01% fewer km."""
    if a[0] < b[0] - 1e-6:
        return True
    return abs(a[0] - b[0]) <= 1e-6 and a[1] < b[1] * (1 - 1e-4)
