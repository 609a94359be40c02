"""Extended practice groups: practices → groups whose total list size lies within bounds.

Public API (plain Python; safe to run in a worker thread):

    group_practices(practices, min_size=30_000, max_size=50_000, n_groups=None, *,
                    within_localities=False, locks=None, seed=0, strict=True,
                    progress=None, cancelled=None) -> GroupingResult
        practices: DataFrame with practice_code, latitude, longitude, list_size,
        parent_code ('' for a main practice), locality (needed for within_localities), name.
        n_groups=None picks, per area, the fewest groups that all fit the bounds.
        locks: Locks(together=[[codes…], …], fixed={code: group name}, apart=[(a, b), …]).
        progress(fraction 0..1, message); cancelled() → True stops with Cancelled.
        strict=True raises GroupingInfeasible when the bounds cannot all be met;
        strict=False returns the best grouping found with result.feasible False and
        result.problems saying which groups miss and by how much.
    check_feasibility(practices, min_size, max_size, n_groups=None, *,
                      within_localities=False, locks=None) -> list[str]
        The quick counting checks (no search): reasons it cannot work, or [].
    GroupingResult: mapping {main practice code: group}, groups (names in order),
        feasible, problems, table (group_metrics), summary (overall_metrics), settings.
    Errors: GroupingError (bad request), GroupingInfeasible(GroupingError) with .problems,
        Cancelled.
    Re-exported from models.grouping_metrics: group_metrics, overall_metrics,
        move_practice, site_groups, as_mapping, group_sort_key.

Method: each locality (or all practices) is solved separately. Practices locked together
form one block. A patient-weighted k-means (scikit-learn, EPSG:27700) gives starting group
centres; then, as in capacitated k-means, blocks are assigned to nearby centres by an
integer program (SciPy's HiGHS) that enforces the size bounds and locks, and the centres are
recomputed, until nothing changes. Large problems use the linear relaxation, rounded, then
repaired. A local search moves single practices and swaps pairs between neighbouring groups
(first reducing how far groups fall outside the bounds, then the patient-weighted squared
distance to the group centre); where it gets stuck, the groups around the one out of bounds
are re-solved together exactly. Groups are named G1…Gk west→east (or "<locality> 1…" within
localities; a locality with one group takes its own name); fixed locks name their group.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix
from sklearn.cluster import KMeans
from sklearn.neighbors import NearestNeighbors

from geo.crs import points_bng
from models.grouping_metrics import (  # noqa: F401 (re-exported for the GUI)
    GroupingError, as_mapping, group_metrics, group_sort_key, move_practice,
    overall_metrics, site_groups,
)

__all__ = ["Cancelled", "GroupingError", "GroupingInfeasible", "GroupingResult", "Locks",
           "as_mapping", "check_feasibility", "group_metrics", "group_practices",
           "group_sort_key", "move_practice", "overall_metrics", "site_groups"]

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

EXACT_LIMIT = 1_500        # assignment variables up to which the integer program is solved
MILP_SECONDS = 10.0        # time limit for one whole-area integer program
REPAIR_SECONDS = 1.0       # time limit for one neighbourhood re-solve
CANDIDATES = 8             # nearest group centres a practice may join in one assignment step
NEIGHBOURS = 10            # nearest practices that define "neighbouring groups"


def _budget(n: int, quick: bool = False) -> float:
    """Seconds of repair allowed per number of groups tried (near-impossible bounds give up)."""
    return 1.0 + n / 2000.0 if quick else 2.0 + n / 300.0


def _explore_budget(n: int) -> float:
    """Seconds spent looking for the fewest groups in a large area before settling."""
    return 5.0 + n / 250.0


class GroupingInfeasible(GroupingError):
    """The bounds cannot all be met; ``problems`` says where and by how much."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class Cancelled(Exception):
    """The user stopped the grouping."""


@dataclass
class Locks:
    """Constraints a planner puts on the grouping (practice codes; a branch means its parent)."""

    together: list[list[str]] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)
    apart: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class GroupingResult:
    mapping: dict[str, str]
    groups: list[str]
    feasible: bool
    problems: list[str]
    table: pd.DataFrame
    summary: pd.Series
    settings: dict

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def frame(self) -> pd.DataFrame:
        """``practice_code, group`` rows, one per main practice (what the CLI writes)."""
        return pd.DataFrame({"practice_code": list(self.mapping),
                             "group": list(self.mapping.values())})


# ---------------------------------------------------------------- input preparation

@dataclass
class _Area:
    """One independent grouping problem: a locality, or all practices."""

    label: str              # "Strood", or "" for all practices
    codes: list[list[str]]  # practice codes per block
    names: list[str]        # readable block description for messages
    xy: np.ndarray          # (n, 2) block centres, km
    w: np.ndarray           # block list sizes
    fixed: list[str]        # fixed group name per block ('' if free)
    apart: list[tuple[int, int]]

    @property
    def total(self) -> float:
        return float(self.w.sum())

    @property
    def where(self) -> str:
        return self.label or "The total list"


class _Blocks:
    """Union-find over practice codes for the together locks."""

    def __init__(self, codes):
        self.parent = {c: c for c in codes}

    def find(self, c):
        while self.parent[c] != c:
            self.parent[c] = self.parent[self.parent[c]]
            c = self.parent[c]
        return c

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _main_practices(practices: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Main practices with clean columns, and site code → main practice code."""
    need = {"practice_code", "latitude", "longitude", "list_size"}
    missing = sorted(need - set(practices.columns))
    if missing:
        raise GroupingError("the practices lack the column(s) " + ", ".join(missing))
    frame = practices.copy()
    frame["practice_code"] = frame["practice_code"].astype(str)
    for col in ("parent_code", "locality", "name"):
        if col not in frame:
            frame[col] = ""
        frame[col] = frame[col].fillna("").astype(str)
    sizes = pd.to_numeric(frame["list_size"], errors="coerce")
    bad = sizes.isna() | (sizes < 0)
    if bad.any():
        code = frame.loc[bad, "practice_code"].iloc[0]
        raise GroupingError(f"practice {code} has no valid list size")
    frame["list_size"] = sizes.astype(float)
    to_main = dict(zip(frame["practice_code"],
                       np.where(frame["parent_code"] == "", frame["practice_code"],
                                frame["parent_code"])))
    main = frame[frame["parent_code"] == ""].reset_index(drop=True)
    if main.empty:
        raise GroupingError("there are no main practices to group")
    return main, to_main


def _resolve(code, to_main: dict[str, str], what: str) -> str:
    code = str(code).strip()
    if code not in to_main:
        raise GroupingError(f"{what} lock: practice '{code}' is not in the practices")
    return to_main[code]


def _areas(practices: pd.DataFrame, within_localities: bool, locks: Locks | None
           ) -> list[_Area]:
    main, to_main = _main_practices(practices)
    locks = locks or Locks()
    codes = main["practice_code"].tolist()
    uf = _Blocks(codes)
    for members in locks.together:
        mains = [_resolve(c, to_main, "together") for c in members]
        for other in mains[1:]:
            uf.union(mains[0], other)
    fixed_of: dict[str, str] = {}
    for code, group in locks.fixed.items():
        group = str(group).strip()
        if not group:
            raise GroupingError(f"fixed lock: practice '{code}' has a blank group name")
        m = _resolve(code, to_main, "fixed")
        if fixed_of.get(m, group) != group:
            raise GroupingInfeasible([f"practice {m} is fixed to both '{fixed_of[m]}' and "
                                      f"'{group}'"])
        fixed_of[m] = group
    if within_localities:
        blank = main.loc[main["locality"] == "", "practice_code"].tolist()
        if blank:
            raise GroupingError(
                f"{len(blank)} practice(s) have a blank locality (e.g. {blank[0]}); fill the "
                "locality column (or load the data folder so it is assigned from the map), or "
                "group without 'within localities'")
        for members in locks.together:
            locs = {main.loc[main["practice_code"] == _resolve(c, to_main, "together"),
                             "locality"].iloc[0] for c in members}
            if len(locs) > 1:
                raise GroupingInfeasible([f"practices locked together ({', '.join(members)})"
                                          f" lie in different localities "
                                          f"({', '.join(sorted(locs))})"])
        by_name: dict[str, set[str]] = {}
        loc_of = dict(zip(main["practice_code"], main["locality"]))
        for m, group in fixed_of.items():
            by_name.setdefault(group, set()).add(loc_of[m])
        for group, locs in by_name.items():
            if len(locs) > 1:
                raise GroupingInfeasible([f"group '{group}' is fixed for practices in "
                                          f"different localities ({', '.join(sorted(locs))})"])
    xy = points_bng(main) / 1000.0
    xy = xy - xy.mean(axis=0)  # centred km keep the squared distances well conditioned
    pos = {c: i for i, c in enumerate(codes)}
    roots: dict[str, list[str]] = {}
    for c in codes:
        roots.setdefault(uf.find(c), []).append(c)
    name_of = dict(zip(main["practice_code"], main["name"]))
    size_of = dict(zip(main["practice_code"], main["list_size"]))
    block_of: dict[str, int] = {}
    blocks = []
    for members in roots.values():  # in first-member order: deterministic
        fixed = {fixed_of[m] for m in members if m in fixed_of}
        if len(fixed) > 1:
            raise GroupingInfeasible([f"practices locked together ({', '.join(members)}) are "
                                      f"fixed to different groups ({', '.join(sorted(fixed))})"])
        idx = [pos[m] for m in members]
        w = np.array([size_of[m] for m in members])
        centre = (np.average(xy[idx], axis=0, weights=w) if w.sum() > 0
                  else xy[idx].mean(axis=0))
        if len(members) == 1:
            label = f"practice {members[0]}" + (f" ({name_of[members[0]]})"
                                                if name_of[members[0]] else "")
        else:
            label = "practices locked together (" + ", ".join(members) + ")"
        for m in members:
            block_of[m] = len(blocks)
        blocks.append({"codes": members, "name": label, "xy": centre, "w": float(w.sum()),
                       "fixed": fixed.pop() if fixed else "",
                       "locality": main.loc[idx[0], "locality"] if within_localities else ""})
    apart = []
    for a, b in locks.apart:
        ma, mb = _resolve(a, to_main, "apart"), _resolve(b, to_main, "apart")
        ba, bb = block_of[ma], block_of[mb]
        if ba == bb:
            raise GroupingInfeasible([f"practices {ma} and {mb} must be apart but are locked "
                                      "together"])
        fa, fb = blocks[ba]["fixed"], blocks[bb]["fixed"]
        if fa and fa == fb:
            raise GroupingInfeasible([f"practices {ma} and {mb} must be apart but are both "
                                      f"fixed to group '{fa}'"])
        apart.append((ba, bb))
    labels = sorted({b["locality"] for b in blocks}) if within_localities else [""]
    areas = []
    for label in labels:
        ids = [i for i, b in enumerate(blocks) if b["locality"] == label]
        local = {g: k for k, g in enumerate(ids)}
        areas.append(_Area(
            label=label, codes=[blocks[i]["codes"] for i in ids],
            names=[blocks[i]["name"] for i in ids],
            xy=np.array([blocks[i]["xy"] for i in ids], float).reshape(-1, 2),
            w=np.array([blocks[i]["w"] for i in ids], float),
            fixed=[blocks[i]["fixed"] for i in ids],
            apart=[(local[a], local[b]) for a, b in apart if a in local and b in local]))
    return areas


# ---------------------------------------------------------------- counting checks

def _n(v: float) -> str:
    return f"{int(round(v)):,}"


def _count_range(area: _Area, lo: float, hi: float) -> tuple[int, int]:
    """Numbers of groups the totals allow: ceil(T/max) … floor(T/min), at most one per block."""
    k_lo = max(1, math.ceil(area.total / hi - 1e-9))
    k_hi = math.floor(area.total / lo + 1e-9) if lo > 0 else len(area.w)
    k_lo = max(k_lo, len({f for f in area.fixed if f}))
    return k_lo, min(k_hi, len(area.w))


def _area_problems(area: _Area, lo: float, hi: float, k: int | None) -> list[str]:
    """Why ``area`` cannot make groups within [lo, hi] (with k groups, or with any number)."""
    problems = []
    for name, w in zip(area.names, area.w):
        if w > hi:
            problems.append(f"{name} has {_n(w)} patients, above the maximum {_n(hi)} by "
                            f"{_n(w - hi)}")
    n_fixed = len({f for f in area.fixed if f})
    where, total = area.where, area.total
    if k is None:
        if total < lo:
            problems.append(f"{where} has {_n(total)} patients, below the minimum {_n(lo)} by "
                            f"{_n(lo - total)}")
            return problems
        fewest = math.ceil(total / hi - 1e-9)
        most = math.floor(total / lo + 1e-9) if lo > 0 else len(area.w)
        if fewest > most and not problems:
            a = most  # a groups are too few (over the maximum), a + 1 too many
            problems.append(
                f"{where} has {_n(total)} patients: {a} group{'s' if a > 1 else ''} would be "
                f"above the maximum {_n(hi)} by {_n(total - a * hi)} in total, and {a + 1} "
                f"groups below the minimum {_n(lo)} by {_n((a + 1) * lo - total)} in total")
        elif n_fixed > most:
            problems.append(f"{where}: {n_fixed} differently named fixed groups need at least "
                            f"{_n(n_fixed * lo)} patients but there are {_n(total)}")
        return problems
    subject = f"{area.label}'s total" if area.label else "total"
    span = f"groups of {_n(lo)}–{_n(hi)} with K={k}"
    if k * hi < total:
        problems.append(f"{subject} {_n(total)} cannot be split into {span}: {k} groups hold "
                        f"at most {_n(k * hi)} ({_n(total - k * hi)} over)")
    elif k * lo > total:
        problems.append(f"{subject} {_n(total)} cannot be split into {span}: {k} groups need "
                        f"at least {_n(k * lo)} ({_n(k * lo - total)} short)")
    if k > len(area.w):
        problems.append(f"{where}: only {len(area.w)} practices (after locks) for {k} groups")
    if n_fixed > k:
        problems.append(f"{where}: {n_fixed} differently named fixed groups but K={k}")
    return problems


def _allocate(areas: list[_Area], lo: float, hi: float, k: int) -> list[int]:
    """Share K groups among localities: each its fewest feasible, extra to the fullest."""
    ranges = [_count_range(a, lo, hi) for a in areas]
    need = sum(r[0] for r in ranges)
    room = sum(r[1] for r in ranges)
    if not (need <= k <= room):
        raise GroupingInfeasible([f"within localities, the {len(areas)} localities need "
                                  f"between {need} and {room} groups of {_n(lo)}–{_n(hi)}; "
                                  f"K={k} given"])
    counts = [r[0] for r in ranges]
    for _ in range(k - need):
        open_ = [i for i in range(len(areas)) if counts[i] < ranges[i][1]]
        best = max(open_, key=lambda i: (areas[i].total / counts[i], -i))
        counts[best] += 1
    return counts


def check_feasibility(practices: pd.DataFrame, min_size: float, max_size: float,
                      n_groups: int | None = None, *, within_localities: bool = False,
                      locks: Locks | None = None) -> list[str]:
    """Reasons the bounds cannot be met, found by counting alone ([] = worth searching)."""
    _check_bounds(min_size, max_size, n_groups)
    try:
        areas = _areas(practices, within_localities, locks)
        if within_localities and n_groups is not None:
            problems = [p for a in areas for p in _area_problems(a, min_size, max_size, None)]
            return problems or (_allocate(areas, min_size, max_size, n_groups) and [])
        return [p for a in areas
                for p in _area_problems(a, min_size, max_size, n_groups)]
    except GroupingInfeasible as exc:
        return exc.problems


def _check_bounds(lo, hi, k) -> None:
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi <= 0:
        raise GroupingError("the group size bounds must be positive numbers")
    if lo > hi:
        raise GroupingError(f"the minimum group size {_n(lo)} is larger than the maximum "
                            f"{_n(hi)}")
    if k is not None and (int(k) != k or k < 1):
        raise GroupingError(f"the number of groups must be a whole number ≥ 1, not {k}")


# ---------------------------------------------------------------- the solver

class _Stop:
    """Progress and cancel plumbing shared by the solver loops."""

    def __init__(self, progress: ProgressFn | None, cancelled: CancelFn | None):
        self.progress, self.cancelled = progress, cancelled
        self.lo, self.hi = 0.0, 1.0
        self.shown = 0.0  # progress never goes backwards, even when a try is repeated

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled("grouping cancelled")

    def report(self, frac: float, message: str) -> None:
        self.check()
        if self.progress is not None:
            self.shown = max(self.shown, min(1.0, self.lo + (self.hi - self.lo) * frac))
            self.progress(float(self.shown), message)


def _violation(s: np.ndarray | float, lo: float, hi: float):
    return np.maximum(0.0, lo - s) + np.maximum(0.0, s - hi)


class _Solver:
    """Capacitated k-means with locks for one area and one number of groups."""

    def __init__(self, area: _Area, k: int, lo: float, hi: float, seed: int, stop: _Stop,
                 quick: bool = False):
        self.a, self.k, self.lo, self.hi, self.seed, self.stop = area, k, lo, hi, seed, stop
        self.X, self.w = area.xy, area.w
        self.cw = np.maximum(self.w, 1.0)  # a 0-patient practice still prefers the nearest
        n = len(self.w)
        names = sorted({f for f in area.fixed if f}, key=group_sort_key)
        self.fixed_names = names
        self.fixed = np.array([names.index(f) if f else -1 for f in area.fixed], int)
        self.partners: list[list[int]] = [[] for _ in range(n)]
        for i, j in area.apart:
            self.partners[i].append(j)
            self.partners[j].append(i)
        self.penalty = hi  # one apart pair put together counts like a group `hi` out of bounds
        nn = min(NEIGHBOURS, n - 1)
        if nn > 0:
            self.nbrs = NearestNeighbors(n_neighbors=nn + 1).fit(self.X).kneighbors(
                self.X, return_distance=False)[:, 1:]
        else:
            self.nbrs = np.zeros((n, 0), int)
        self.proven_infeasible = False
        self.quick = quick  # one round only: is this number of groups workable at all?
        self.deadline = time.monotonic() + _budget(n, quick)

    # -- start
    def start_centres(self) -> np.ndarray:
        n_init = 4 if len(self.w) <= 2000 else 1
        km = KMeans(n_clusters=self.k, n_init=n_init, random_state=self.seed)
        km.fit(self.X, sample_weight=self.cw)
        centres = km.cluster_centers_
        if self.fixed_names:  # the fixed names take the centres nearest their practices
            cost = np.zeros((len(self.fixed_names), self.k))
            for f in range(len(self.fixed_names)):
                idx = self.fixed == f
                cost[f] = (self.cw[idx, None] * ((self.X[idx, None, :] - centres[None]) ** 2)
                           .sum(-1)).sum(0)
            _, cols = linear_sum_assignment(cost)
            rest = [c for c in range(self.k) if c not in set(cols)]
            centres = centres[list(cols) + rest]
        return centres

    # -- assignment by integer / linear program
    def assign(self, centres: np.ndarray, groups: np.ndarray | None = None,
               blocks: np.ndarray | None = None, m: int = CANDIDATES,
               exact: bool | None = None, seconds: float = MILP_SECONDS):
        """Best assignment of ``blocks`` to ``groups`` given centres; None if infeasible.

        ``blocks``/``groups`` restrict the problem to a neighbourhood (others stay put).
        """
        groups = np.arange(self.k) if groups is None else groups
        blocks = np.arange(len(self.w)) if blocks is None else blocks
        g_pos = {g: p for p, g in enumerate(groups)}
        m = min(m, len(groups))
        d2 = None
        if len(groups) * len(blocks) <= 4_000_000:
            d2 = ((self.X[blocks, None, :] - centres[groups][None]) ** 2).sum(-1)
            near = np.argsort(d2, axis=1, kind="stable")[:, :m]
        else:
            near = NearestNeighbors(n_neighbors=m).fit(centres[groups]).kneighbors(
                self.X[blocks], return_distance=False)
        rows, cols, cost = [], [], []
        for r, i in enumerate(blocks):
            if self.fixed[i] >= 0:
                if self.fixed[i] not in g_pos:
                    return None
                cands = [g_pos[self.fixed[i]]]
            else:
                cands = near[r]
            for c in cands:
                rows.append(r)
                cols.append(c)
                dd = d2[r, c] if d2 is not None else float(
                    ((self.X[i] - centres[groups[c]]) ** 2).sum())
                cost.append(self.cw[i] * dd)
        rows, cols = np.array(rows), np.array(cols)
        nv = len(rows)
        if exact is None:
            exact = nv <= EXACT_LIMIT
        var = np.arange(nv)
        cons = [LinearConstraint(coo_matrix((np.ones(nv), (rows, var)),
                                            shape=(len(blocks), nv)), 1, 1)]
        # a neighbourhood holds whole groups, so no outside practice counts towards them
        wts = self.w[blocks][rows]
        cons.append(LinearConstraint(coo_matrix((wts, (cols, var)),
                                                shape=(len(groups), nv)),
                                     self.lo, self.hi))
        cons.append(LinearConstraint(coo_matrix((np.ones(nv), (cols, var)),
                                                shape=(len(groups), nv)), 1, np.inf))
        b_pos = {b: r for r, b in enumerate(blocks)}
        pairs = []
        var_of = {(r, c): v for v, (r, c) in enumerate(zip(rows, cols))}
        for i, j in self.a.apart:
            if i in b_pos and j in b_pos:
                ri, rj = b_pos[i], b_pos[j]
                for c in range(len(groups)):
                    if (ri, c) in var_of and (rj, c) in var_of:
                        pairs.append((var_of[ri, c], var_of[rj, c]))
        if pairs:
            pr = np.repeat(np.arange(len(pairs)), 2)
            pc = np.array(pairs).ravel()
            cons.append(LinearConstraint(coo_matrix((np.ones(len(pc)), (pr, pc)),
                                                    shape=(len(pairs), nv)), 0, 1))
        scale = max(float(np.max(cost)), 1.0) if cost else 1.0
        res = milp(np.array(cost) / scale, integrality=np.ones(nv) if exact else np.zeros(nv),
                   bounds=Bounds(0, 1), constraints=cons,
                   options={"time_limit": seconds, "mip_rel_gap": 1e-4})
        if res.x is None:
            if exact and res.status == 2 and m == len(groups):
                return "infeasible"
            return None
        x = res.x
        best = np.full(len(blocks), -1)
        best_val = np.full(len(blocks), -1.0)
        for v in range(nv):
            if x[v] > best_val[rows[v]]:
                best_val[rows[v]] = x[v]
                best[rows[v]] = cols[v]
        return groups[best]

    # -- local search
    def _stats(self, assign):
        k = self.k
        W = np.bincount(assign, self.w, k)
        SX = np.bincount(assign, self.cw * self.X[:, 0], k)
        SY = np.bincount(assign, self.cw * self.X[:, 1], k)
        CW = np.bincount(assign, self.cw, k)
        Q = np.bincount(assign, self.cw * (self.X ** 2).sum(1), k)
        N = np.bincount(assign, minlength=k)
        return W, CW, SX, SY, Q, N

    @staticmethod
    def _sse(cw, sx, sy, q):
        return q - (sx * sx + sy * sy) / cw if cw > 0 else 0.0

    def objective(self, assign) -> tuple[float, float]:
        W, CW, SX, SY, Q, N = self._stats(assign)
        viol = float(_violation(W, self.lo, self.hi).sum()) + self.penalty * self._conflicts(
            assign)
        sse = float(sum(self._sse(CW[g], SX[g], SY[g], Q[g]) for g in range(self.k)))
        return viol, sse

    def _conflicts(self, assign) -> int:
        return sum(1 for i, j in self.a.apart if assign[i] == assign[j])

    def local_search(self, assign: np.ndarray, max_passes: int = 60) -> np.ndarray:
        """Moves and swaps between neighbouring groups: first into bounds, then compact."""
        assign = assign.copy()
        W, CW, SX, SY, Q, N = (a.astype(float) for a in self._stats(assign))
        X0, X1 = self.X[:, 0], self.X[:, 1]
        q = self.cw * (X0 ** 2 + X1 ** 2)
        lo, hi, pen = self.lo, self.hi, self.penalty
        sse = self._sse
        free = self.fixed < 0
        nbrs = self.nbrs.tolist()
        partners = self.partners
        eps = 1e-9 * max(1.0, float(np.abs(self.X).max()) ** 2 * float(self.cw.sum()))

        def viol(s):
            return lo - s if s < lo else (s - hi if s > hi else 0.0)

        def conf(i, g, skip=-1):
            return sum(1 for p in partners[i] if p != skip and assign[p] == g)

        order = np.arange(len(self.w))
        for _ in range(max_passes):
            self.stop.check()
            improved = False
            for i in order:
                if not free[i]:
                    continue
                A = assign[i]
                if N[A] <= 1:
                    continue
                wi, ci, xi, yi, qi = self.w[i], self.cw[i], self.cw[i] * X0[i], \
                    self.cw[i] * X1[i], q[i]
                old_a = sse(CW[A], SX[A], SY[A], Q[A])
                new_a = sse(CW[A] - ci, SX[A] - xi, SY[A] - yi, Q[A] - qi)
                va = viol(W[A] - wi) - viol(W[A])
                ca = conf(i, A) if partners[i] else 0
                best, best_key = -1, (0.0, -eps)
                for B in {assign[j] for j in nbrs[i]}:
                    if B == A:
                        continue
                    dv = va + viol(W[B] + wi) - viol(W[B])
                    if partners[i]:
                        dv += pen * (conf(i, B) - ca)
                    if dv > 0:
                        continue
                    ds = (new_a - old_a + sse(CW[B] + ci, SX[B] + xi, SY[B] + yi, Q[B] + qi)
                          - sse(CW[B], SX[B], SY[B], Q[B]))
                    key = (dv, ds)
                    if (dv < 0 and key < best_key) or (dv == 0 and best_key[0] == 0
                                                       and ds < best_key[1]):
                        best, best_key = B, key
                if best >= 0:
                    B = best
                    for g, sign in ((A, -1), (B, 1)):
                        W[g] += sign * wi; CW[g] += sign * ci  # noqa: E702
                        SX[g] += sign * xi; SY[g] += sign * yi  # noqa: E702
                        Q[g] += sign * qi; N[g] += sign  # noqa: E702
                    assign[i] = B
                    improved = True
            # swaps: exchange two practices across a group border
            for i in order:
                if not free[i]:
                    continue
                A = assign[i]
                wi, ci, xi, yi, qi = self.w[i], self.cw[i], self.cw[i] * X0[i], \
                    self.cw[i] * X1[i], q[i]
                best, best_key = -1, (0.0, -eps)
                for j in nbrs[i]:
                    B = assign[j]
                    if B == A or not free[j]:
                        continue
                    wj, cj, xj, yj, qj = self.w[j], self.cw[j], self.cw[j] * X0[j], \
                        self.cw[j] * X1[j], q[j]
                    dv = (viol(W[A] - wi + wj) - viol(W[A]) + viol(W[B] - wj + wi)
                          - viol(W[B]))
                    if partners[i] or partners[j]:
                        dv += pen * (conf(i, B, j) - conf(i, A) + conf(j, A, i) - conf(j, B))
                    if dv > 0:
                        continue
                    ds = (sse(CW[A] - ci + cj, SX[A] - xi + xj, SY[A] - yi + yj, Q[A] - qi + qj)
                          + sse(CW[B] - cj + ci, SX[B] - xj + xi, SY[B] - yj + yi,
                                Q[B] - qj + qi)
                          - sse(CW[A], SX[A], SY[A], Q[A]) - sse(CW[B], SX[B], SY[B], Q[B]))
                    key = (dv, ds)
                    if (dv < 0 and key < best_key) or (dv == 0 and best_key[0] == 0
                                                       and ds < best_key[1]):
                        best, best_key = j, key
                if best >= 0:
                    j = best
                    B = assign[j]
                    wj, cj, xj, yj, qj = self.w[j], self.cw[j], self.cw[j] * X0[j], \
                        self.cw[j] * X1[j], q[j]
                    for g, sign in ((A, 1), (B, -1)):
                        W[g] += sign * (wj - wi); CW[g] += sign * (cj - ci)  # noqa: E702
                        SX[g] += sign * (xj - xi); SY[g] += sign * (yj - yi)  # noqa: E702
                        Q[g] += sign * (qj - qi)
                    assign[i], assign[j] = B, A
                    improved = True
            if not improved:
                break
        return assign

    # -- neighbourhood repair
    def _group_graph(self, assign) -> list[set[int]]:
        adj = [set() for _ in range(self.k)]
        for i, row in enumerate(self.nbrs):
            for j in row:
                a, b = assign[i], assign[j]
                if a != b:
                    adj[a].add(b)
                    adj[b].add(a)
        return adj

    def chains(self, assign: np.ndarray) -> np.ndarray:
        """Ejection chains: pass practices along neighbouring groups until one has room.

        A group over the maximum hands its smallest sufficient practice to a neighbour; if that
        one is now over, it passes one on, and so on (breadth-first, so chains stay short).
        A group under the minimum pulls likewise. Every group on the chain ends within bounds,
        so the total shortfall/excess only falls.
        """
        assign = assign.copy()
        lo, hi, w = self.lo, self.hi, self.w
        for _ in range(2 * self.k):
            self.stop.check()
            W = np.bincount(assign, w, self.k)
            members = [[] for _ in range(self.k)]
            for i, g in enumerate(assign):
                members[g].append(i)
            order = np.argsort(-_violation(W, lo, hi), kind="stable")
            done = False
            for g0 in order:
                if lo <= W[g0] <= hi:
                    break
                path = self._chain(assign, W, members, int(g0), push=W[g0] > hi)
                if path:
                    for b, _src, dst in path:
                        assign[b] = dst
                    done = True
                    break
            if not done:
                return assign
        return assign

    def _movable(self, assign, b: int, dst: int) -> bool:
        return self.fixed[b] < 0 and not any(assign[p] == dst for p in self.partners[b])

    def _chain(self, assign, W, members, g0: int, push: bool):
        lo, hi, w = self.lo, self.hi, self.w
        queue = [(g0, float(W[g0]), [])]
        seen = {g0}
        while queue:
            nxt = []
            for g, size, path in queue:
                if push:  # g must give a practice to a neighbouring group
                    options = {}
                    for b in members[g]:
                        if any(b == p[0] for p in path) or not (lo <= size - w[b] <= hi):
                            continue
                        for j in self.nbrs[b]:
                            h = assign[j]
                            if h in seen or not self._movable(assign, b, h):
                                continue
                            if h not in options or w[b] < w[options[h]]:
                                options[h] = b
                    for h, b in sorted(options.items()):
                        step = path + [(b, g, h)]
                        if W[h] + w[b] <= hi:
                            return step
                        seen.add(h)
                        nxt.append((h, float(W[h] + w[b]), step))
                else:  # g must take a practice from a neighbouring group
                    options = {}
                    for a in members[g]:
                        for b in self.nbrs[a]:
                            h = assign[b]
                            if h in seen or h == g or not (lo <= size + w[b] <= hi):
                                continue
                            if not self._movable(assign, b, g):
                                continue
                            if h not in options or w[b] < w[options[h]]:
                                options[h] = b
                    for h, b in sorted(options.items()):
                        step = path + [(b, h, g)]
                        rest = W[h] - w[b]
                        if rest >= lo and rest <= hi or (rest >= lo and W[h] > hi):
                            return step
                        if rest < lo and len(members[h]) > 1:
                            seen.add(h)
                            nxt.append((h, float(rest), step))
            queue = nxt
        return None

    def repair(self, assign: np.ndarray) -> np.ndarray:
        """Re-solve, exactly, the groups around each group still out of bounds."""
        failed: set[int] = set()
        for _ in range(3 * self.k):
            W = np.bincount(assign, self.w, self.k)
            bad = _violation(W, self.lo, self.hi)
            for i, j in self.a.apart:
                if assign[i] == assign[j]:
                    bad[assign[i]] += self.penalty
            bad[list(failed)] = 0.0
            if bad.max() <= 0:
                return assign
            target = int(np.argmax(bad))
            centres = self._centres(assign)
            adj = self._group_graph(assign)
            ring, seen, mended = {target}, {target}, False
            for _radius in range(6):
                self.stop.check()
                left = self.deadline - time.monotonic()
                if left <= 0:
                    return assign
                frontier = {h for g in ring for h in adj[g]} - seen
                if not frontier:
                    break
                seen |= frontier
                ring = frontier
                groups = np.array(sorted(seen))
                blocks = np.flatnonzero(np.isin(assign, groups))
                m = min(len(groups), 12)
                if len(blocks) * m > 2 * EXACT_LIMIT:
                    break
                got = self.assign(centres, groups=groups, blocks=blocks, m=m, exact=True,
                                  seconds=min(REPAIR_SECONDS, left))
                if isinstance(got, np.ndarray):
                    assign = assign.copy()
                    assign[blocks] = got
                    mended = True
                    break
            if not mended:
                failed.add(target)
        return assign

    def _centres(self, assign) -> np.ndarray:
        W, CW, SX, SY, Q, N = self._stats(assign)
        safe = np.where(CW > 0, CW, 1.0)
        return np.column_stack([SX / safe, SY / safe])

    # -- the whole run
    def solve(self) -> tuple[np.ndarray, tuple[float, float]]:
        n = len(self.w)
        if self.k == 1:
            assign = np.zeros(n, int)
            return assign, self.objective(assign)
        if self.k >= n:  # one practice (block) per group, fixed ones in their named group
            spare = iter(g for g in range(self.k) if g >= len(self.fixed_names))
            assign = np.array([f if f >= 0 else next(spare) for f in self.fixed], int)
            return assign, self.objective(assign)
        centres = self.start_centres()
        best, best_obj, previous = None, (np.inf, np.inf), None
        large = n * min(self.k, CANDIDATES) > EXACT_LIMIT
        rounds = 1 if self.quick else (6 if large else 12)
        for it in range(rounds):
            self.stop.report(it / rounds, f"assigning practices to {self.k} groups")
            got = self.assign(centres)
            if not isinstance(got, np.ndarray) and not large and CANDIDATES < self.k:
                got = self.assign(centres, m=self.k)  # every practice may join any group
            if isinstance(got, str):  # the exact program over all groups: no solution
                self.proven_infeasible = True
            if not isinstance(got, np.ndarray):
                got = self._nearest(centres)
            assign = self.local_search(got)
            obj = self.objective(assign)
            if obj[0] > 0 and not self.proven_infeasible:
                assign = self.local_search(self.chains(assign))
                obj = self.objective(assign)
            if obj[0] > 0 and not self.proven_infeasible:
                assign = self.local_search(self.repair(assign))
                obj = self.objective(assign)
            if obj < best_obj:
                best, best_obj = assign, obj
            if self.proven_infeasible or (previous is not None
                                          and np.array_equal(assign, previous)):
                break
            previous = assign
            centres = self._centres(assign)
        return best, best_obj

    def _nearest(self, centres) -> np.ndarray:
        d2 = ((self.X[:, None, :] - centres[None]) ** 2).sum(-1) if len(self.w) * self.k \
            <= 4_000_000 else None
        if d2 is None:
            assign = NearestNeighbors(n_neighbors=1).fit(centres).kneighbors(
                self.X, return_distance=False)[:, 0]
        else:
            assign = d2.argmin(1)
        return np.where(self.fixed >= 0, self.fixed, assign)


# ---------------------------------------------------------------- naming and the entry point

def _name_groups(area: _Area, assign: np.ndarray, fixed_names: list[str], k: int,
                 taken: set[str]) -> list[str]:
    """Names for group indices 0..k-1: fixed names kept, the rest numbered west → east."""
    east = np.full(k, np.inf)
    for g in range(k):
        idx = assign == g
        if idx.any():
            w = np.maximum(area.w[idx], 1.0)
            east[g] = np.average(area.xy[idx, 0], weights=w)
    names = [""] * k
    for f, name in enumerate(fixed_names):
        names[f] = name
    used = set(taken) | set(fixed_names)
    free = [g for g in np.argsort(east, kind="stable") if not names[g]]
    if area.label and len(free) == 1 and not fixed_names and area.label not in used:
        names[free[0]] = area.label
        return names
    prefix = f"{area.label} " if area.label else "G"
    number = 1
    for g in free:
        while f"{prefix}{number}" in used:
            number += 1
        names[g] = f"{prefix}{number}"
        used.add(names[g])
        number += 1
    return names


def _best_effort_k(area: _Area, lo: float, hi: float) -> int:
    """The number of groups whose size bounds are missed by the least (fewest on ties)."""
    n_fixed = len({f for f in area.fixed if f})
    best, best_gap = 1, np.inf
    for k in range(max(1, n_fixed), len(area.w) + 1):
        gap = max(0.0, k * lo - area.total) + max(0.0, area.total - k * hi)
        if gap < best_gap:
            best, best_gap = k, gap
    return best


def _solve_area(area: _Area, k: int | None, lo: float, hi: float, seed: int, stop: _Stop):
    """Solve with k groups, or (k None) with the fewest groups found to fit the bounds.

    Small areas (solved exactly) scan upwards from the fewest groups the totals allow, so the
    answer is the true fewest. Larger ones start from an estimate that leaves each group a
    quarter of a median practice of room below the maximum (packing groups to within a few
    patients of the maximum is rarely possible), then step down or gallop up with one-round
    trials (for at most ``_explore_budget`` seconds, then the fewest that worked so far), and
    finish with a full solve at the number found.
    """
    where = area.label or "all practices"

    def run(k_try: int, quick: bool = False):
        stop.report(0.0, f"{where}: trying {k_try} groups")
        solver = _Solver(area, k_try, lo, hi, seed, stop, quick=quick)
        assign, obj = solver.solve()
        return solver, assign, obj

    if k is not None:
        return run(k)
    k_lo, k_hi = _count_range(area, lo, hi)
    n = len(area.w)
    span_lo, span_hi = stop.lo, stop.hi
    if n * min(k_lo, CANDIDATES) <= EXACT_LIMIT:
        best = None
        for t, k_try in enumerate(range(k_lo, k_hi + 1)):
            stop.lo = span_lo + (span_hi - span_lo) * min(t, 4) / 5
            got = run(k_try)
            if best is None or got[2][0] < best[2][0]:
                best = got
            if got[2][0] == 0:
                return got
        return best
    room = hi - 0.25 * float(np.median(area.w))
    start = int(min(max(math.ceil(area.total / room), k_lo), k_hi))
    tried: dict[int, bool] = {}
    give_up = time.monotonic() + _explore_budget(n)

    def works(k_try: int) -> bool:
        if k_try not in tried:
            if time.monotonic() > give_up:
                return False
            stop.lo = span_lo + (span_hi - span_lo) * min(len(tried), 6) / 8
            tried[k_try] = run(k_try, quick=True)[2][0] == 0
        return tried[k_try]

    if works(start):
        chosen = start
        while chosen > k_lo and chosen > start - 2 and works(chosen - 1):
            chosen -= 1
    else:
        step, low, chosen = 1, start, None
        while low + step <= k_hi and time.monotonic() < give_up:
            if works(low + step):
                chosen = low + step
                break
            low, step = low + step, step * 2
        if chosen is None:  # out of time: groups of mid-range size are the safest bet
            middle = round(area.total / ((lo + hi) / 2))
            chosen = int(min(max(middle, low + 1), k_hi))
        else:  # narrow down between the last failure and the first success
            bad = low
            while chosen - bad > 1 and time.monotonic() < give_up:
                mid = (bad + chosen) // 2
                if works(mid):
                    chosen = mid
                else:
                    bad = mid
    stop.lo = span_lo + (span_hi - span_lo) * 0.75
    return run(chosen)


def group_practices(practices: pd.DataFrame, min_size: float = 30_000,
                    max_size: float = 50_000, n_groups: int | None = None, *,
                    within_localities: bool = False, locks: Locks | None = None,
                    seed: int = 0, strict: bool = True, progress: ProgressFn | None = None,
                    cancelled: CancelFn | None = None) -> GroupingResult:
    """Group the main practices (branches follow) so each group's list size is in bounds."""
    _check_bounds(min_size, max_size, n_groups)
    lo, hi = float(min_size), float(max_size)
    stop = _Stop(progress, cancelled)
    stop.report(0.0, "preparing practices")
    areas = _areas(practices, within_localities, locks)
    problems: list[str] = []
    if within_localities and n_groups is not None:
        pre = [p for a in areas for p in _area_problems(a, lo, hi, None)]
        if pre:
            problems += pre
            counts = [None] * len(areas)
        else:
            try:
                counts = _allocate(areas, lo, hi, int(n_groups))
            except GroupingInfeasible as exc:
                problems += exc.problems
                counts = [None] * len(areas)
    else:
        counts = [int(n_groups) if n_groups is not None else None] * len(areas)
    if strict:
        problems += [p for a, k in zip(areas, counts) for p in _area_problems(a, lo, hi, k)]
        if problems:
            raise GroupingInfeasible(problems)
    mapping: dict[str, str] = {}
    taken = set()
    for locks_name in (locks.fixed.values() if locks else []):
        taken.add(str(locks_name).strip())
    for n_area, (area, k) in enumerate(zip(areas, counts)):
        stop.lo, stop.hi = n_area / len(areas), (n_area + 1) / len(areas)
        area_problems = _area_problems(area, lo, hi, k)
        if k is not None:
            tries = k
        elif area_problems:
            tries = _best_effort_k(area, lo, hi)
        else:
            tries = None
        best = _solve_area(area, tries, lo, hi, seed, stop)
        solver, assign, obj = best
        names = _name_groups(area, assign, solver.fixed_names, solver.k, taken)
        taken |= set(names)
        order = sorted(range(solver.k), key=lambda g: group_sort_key(names[g]))
        for b, codes in enumerate(area.codes):
            for code in codes:
                mapping[code] = names[assign[b]]
        if obj[0] > 0:
            if not area_problems:
                W = np.bincount(assign, area.w, solver.k)
                misses = [f"{names[g]} {_n(W[g])} ("
                          + (f"below the minimum by {_n(lo - W[g])}" if W[g] < lo
                             else f"above the maximum by {_n(W[g] - hi)}") + ")"
                          for g in order if W[g] < lo or W[g] > hi]
                conflicts = [f"{area.codes[i][0]} and {area.codes[j][0]} must be apart"
                             for i, j in area.apart if assign[i] == assign[j]]
                what = (f"no grouping of {area.where if area.label else 'the practices'} "
                        f"into {solver.k} groups of {_n(lo)}–{_n(hi)} "
                        + ("exists (the list sizes cannot be packed)"
                           if solver.proven_infeasible else "was found"))
                misses += conflicts
                if len(misses) > 6:
                    misses = misses[:5] + [f"and {len(misses) - 5} more"]
                area_problems = [what + ("; best found: " + ", ".join(misses)
                                         if misses else "")]
            problems += area_problems
    if problems and strict:
        raise GroupingInfeasible(problems)
    stop.lo, stop.hi = 0.0, 1.0
    stop.report(0.98, "measuring groups")
    # keep the input's practice order in the mapping
    main_codes = [c for c in practices["practice_code"].astype(str) if c in mapping]
    mapping = {c: mapping[c] for c in main_codes}
    table = group_metrics(practices, mapping, lo, hi)
    summary = overall_metrics(practices, mapping, lo, hi, table=table)
    stop.report(1.0, "done")
    return GroupingResult(
        mapping=mapping, groups=sorted(set(mapping.values()), key=group_sort_key),
        feasible=not problems, problems=problems, table=table, summary=summary,
        settings={"min_size": lo, "max_size": hi, "n_groups": n_groups,
                  "within_localities": within_localities, "seed": seed,
                  "locks": locks or Locks()})
