"""group_practices: the entry point that sets up, solves each area, names and measures.

Never refuses real data unless asked to (``strict=True``): a practice above the maximum forms
a group of its own, flagged "over the maximum on its own", and the rest are grouped; where the
bounds cannot all be met the best grouping found is returned with each shortfall explained in
``problems``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.grouping.fewest import Dissolver, start_count
from models.grouping.errors import GroupingInfeasible, patients as _n
from models.grouping.metrics import OVER_ALONE, group_metrics, group_sort_key, overall_metrics
from models.grouping.naming import name_groups
from models.grouping.polish import contiguous_starts, polish
from models.grouping.problem import (
    Area, Locks, allocate, area_problems, best_effort_k, build_areas, check_bounds, count_range,
)
from models.grouping.solver import MAX_ROUNDS, CancelFn, ProgressFn, Solver, Stop


DISSOLVE_FROM = 1_000   # practices above which "fewest groups" dissolves groups (fewest.py)


def default_bounds() -> tuple[float, float]:
    """The planning assumption for group list sizes (models/assumptions/, with source)."""
    from models.assumptions import default_assumptions
    a = default_assumptions()
    return a.value("locality_min_population"), a.value("locality_max_population")


@dataclass
class GroupingResult:
    mapping: dict[str, str]
    groups: list[str]
    feasible: bool
    problems: list[str]
    table: pd.DataFrame
    summary: pd.Series
    settings: dict
    over_alone: list[str] = field(default_factory=list)   # groups of one oversized practice

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def frame(self) -> pd.DataFrame:
        """``practice_code, group`` rows, one per main practice (what the CLI writes)."""
        return pd.DataFrame({"practice_code": list(self.mapping),
                             "group": list(self.mapping.values())})


@dataclass
class _Solved:
    assign: np.ndarray
    k: int
    violation: float
    proven_infeasible: bool
    fixed_names: list[str]
    solver: Solver | None = None


def _solver(area: Area, k: int, lo, hi, seed, stop, contiguous, boundary, starts=None,
            merges: dict | None = None):
    """The solver for ``area`` in k groups, and the fixed groups' names (first k indices);
    ``merges``: the starting mergers shared by tries at other numbers (start.py)."""
    names = sorted({f for f in area.fixed if f}, key=group_sort_key)
    fixed = np.array([names.index(f) if f else -1 for f in area.fixed], int)
    adjacent = None
    if contiguous:
        from models.grouping.territories import adjacency
        adjacent = adjacency(area.xy, boundary)
    solver = Solver(area.xy, area.w, k, lo, hi, fixed=fixed, apart=area.apart, seed=seed,
                    stop=stop, adjacent=adjacent)
    solver.starts, solver.merges = starts, merges
    return solver, names


def _solve(area: Area, k: int, lo, hi, seed, stop, contiguous, boundary, starts=None,
           polished: bool = True, merges: dict | None = None) -> _Solved:
    solver, names = _solver(area, k, lo, hi, seed, stop, contiguous, boundary, starts, merges)
    assign, (viol, _) = solver.solve()
    got = _Solved(assign, k, viol, solver.proven_infeasible, names, solver)
    return _polished(got) if polished else got


def _polished(got: _Solved) -> _Solved:
    """``got`` improved by further starts and set partitioning (polish.py)."""
    got.assign = polish(got.solver, got.assign, got.solver.starts)
    got.violation = got.solver.objective(got.assign)[0]
    return got


def _contiguous(area: Area, k: int | None, lo, hi, seed, stop, boundary,
                starts=None) -> _Solved:
    """k groups (None: the fewest) each one patch, from the free search's answer
    (contiguous.py): made contiguous; for the fewest, groups added while any is over the
    maximum, then fewer tried while a free grouping made contiguous fits; polished with the
    free search's groups in the pool."""
    from models.grouping.contiguous import grow, made_contiguous
    free = (_fewest(area, lo, hi, seed, stop, False, boundary, starts, polished=False)
            if k is None else _solve(area, k, lo, hi, seed, stop, False, boundary, starts))
    solver, names = _solver(area, free.k, lo, hi, seed, stop, True, boundary,
                            contiguous_starts(len(area.w)) if starts is None else starts)
    solver.found += free.solver.found
    assign, obj = made_contiguous(solver, free.assign, repair=k is not None,
                                  rounds=MAX_ROUNDS if k is not None else 1)
    if k is None:
        assign, obj = grow(solver, assign, count_range(area, lo, hi)[1])
        while obj[0] == 0 and solver.k > free.k:   # one fewer, while one fits
            fewer, _ = _solver(area, solver.k - 1, lo, hi, seed, stop, False, boundary,
                               merges=free.solver.merges)
            stop.report(0.5, f"{area.label or 'all practices'}: trying {fewer.k} groups")
            solver.k = fewer.k
            got, got_obj = made_contiguous(solver, fewer.solve()[0], prove=False)
            solver.found += fewer.found
            if got_obj[0] > 0:
                solver.k += 1
                break
            assign, obj = got, got_obj
    got = _Solved(assign, solver.k, obj[0], free.proven_infeasible, names, solver)
    return _polished(got)


def _fewest(area: Area, lo, hi, seed, stop, contiguous, boundary, starts=None,
            polished: bool = True) -> _Solved:
    """The fewest groups that all fit: counting gives the floor, then one more at a time
    (small areas), or dissolving groups from a comfortable grouping (large areas, fewest.py);
    ``polished``: the answer of a small area polished (polish.py)."""
    k_lo, k_hi = count_range(area, lo, hi)
    tried: dict[int, _Solved] = {}
    merges: dict = {}      # every try starts from the same mergers (start.py)

    def attempt(k: int) -> _Solved:
        if k not in tried:
            stop.report(0.0, f"{area.label or 'all practices'}: trying {k} groups")
            tried[k] = _solve(area, k, lo, hi, seed, stop, contiguous, boundary, starts,
                              polished=False, merges=merges)
        return tried[k]

    def least_outside() -> _Solved:
        return min(tried.values(), key=lambda got: (got.violation, got.k))

    if len(area.w) <= DISSOLVE_FROM:
        for k in range(k_lo, k_hi + 1):
            if attempt(k).violation == 0:
                return _polished(tried[k]) if polished else tried[k]
        return least_outside()
    k0 = start_count(area.total, hi, k_lo, k_hi)
    stop.report(0.0, f"{area.label or 'all practices'}: trying {k0} groups")
    solver, names = _solver(area, k0, lo, hi, seed, stop, contiguous, boundary)
    assign, (viol, _) = solver.solve(rounds=1)   # each dissolution re-splits where it acts
    if viol == 0:
        assign = Dissolver(solver, assign).run()
        return _Solved(assign, solver.k, solver.objective(assign)[0], False, names)
    tried[k0] = _Solved(assign, k0, viol, solver.proven_infeasible, names)
    bad, step = k0, 1          # too few even with room to spare: more, doubling the step
    while bad < k_hi:
        k = min(bad + step, k_hi)
        if attempt(k).violation == 0:
            return _polished(tried[k])
        bad, step = k, step * 2
    return least_outside()


def _misses(area: Area, got: _Solved, names: list[str], lo, hi) -> str:
    W = np.bincount(got.assign, area.w, got.k)
    order = sorted(range(got.k), key=lambda g: group_sort_key(names[g]))
    misses = [f"{names[g]} {_n(W[g])} (" + (f"below the minimum by {_n(lo - W[g])}"
                                            if W[g] < lo else
                                            f"above the maximum by {_n(W[g] - hi)}") + ")"
              for g in order if W[g] < lo or W[g] > hi]
    misses += [f"{area.codes[i][0]} and {area.codes[j][0]} must be apart"
               for i, j in area.apart if got.assign[i] == got.assign[j]]
    if len(misses) > 6:
        misses = misses[:5] + [f"and {len(misses) - 5} more"]
    what = (f"no grouping of {area.where if area.label else 'the practices'} into {got.k} "
            f"groups of {_n(lo)}–{_n(hi)} " + ("exists (the list sizes cannot be packed)"
                                               if got.proven_infeasible else "was found"))
    return what + ("; best found: " + ", ".join(misses) if misses else "")


def group_practices(practices: pd.DataFrame, min_size: float | None = None,
                    max_size: float | None = None, n_groups: int | None = None, *,
                    within_localities: bool = False, locks: Locks | None = None,
                    seed: int = 0, strict: bool = False, contiguous: bool = False,
                    boundary=None, progress: ProgressFn | None = None,
                    cancel: CancelFn | None = None,
                    starts: int | None = None) -> GroupingResult:
    """Group the main practices (branches follow) so each group's list size is in bounds.

    ``boundary``: the study area (shapely, EPSG:27700 metres; e.g. the localities' union)
    used to judge which practices' territories touch when ``contiguous`` is asked for.
    ``starts``: further starts recombined by set partitioning (polish.py; default a few
    on areas up to ``polish.POLISH_LIMIT`` practices, more on small ones, none above:
    ``polish.default_starts``).
    """
    d_lo, d_hi = default_bounds()
    lo = float(d_lo if min_size is None else min_size)
    hi = float(d_hi if max_size is None else max_size)
    check_bounds(lo, hi, n_groups)
    stop = Stop(progress, cancel)
    stop.report(0.0, "preparing practices")
    areas = build_areas(practices, within_localities, locks)
    problems: list[str] = []
    counts: list[int | None] = [None] * len(areas)
    if n_groups is not None and not within_localities:
        counts = [int(n_groups)]
    elif n_groups is not None:
        pre = [p for a in areas for p in area_problems(a, lo, hi, None)]
        try:
            counts = allocate(areas, lo, hi, int(n_groups)) if not pre else counts
        except GroupingInfeasible as exc:
            pre += exc.problems
        problems += pre
    if strict:
        problems += [p for a, k in zip(areas, counts) for p in area_problems(a, lo, hi, k)]
        if problems:
            raise GroupingInfeasible(problems)
    mapping: dict[str, str] = {}
    taken = {str(v).strip() for v in (locks.fixed.values() if locks else [])}
    over_alone: list[str] = []
    for n_area, (area, k) in enumerate(zip(areas, counts)):
        stop.lo, stop.hi = n_area / len(areas), (n_area + 1) / len(areas)
        big = [b for b in range(len(area.w)) if area.w[b] > hi]
        rest = area.subset([b for b in range(len(area.w)) if area.w[b] <= hi])
        if len(rest.w):
            problems += _group_rest(rest, k, len(big), lo, hi, seed, stop, contiguous,
                                    boundary, taken, mapping, starts)
        for b in big:  # over the maximum on its own: a group of its own, the rest grouped
            name = area.fixed[b] or _next_name(area.label, taken)
            taken.add(name)
            over_alone.append(name)
            for code in area.codes[b]:
                mapping[code] = name
            problems.append(f"{area.names[b]} has {_n(area.w[b])} patients, {OVER_ALONE} "
                            f"(the maximum is {_n(hi)}): it forms group {name} alone")
    if problems and strict:
        raise GroupingInfeasible(problems)
    stop.lo, stop.hi = 0.0, 1.0
    stop.report(0.98, "measuring groups")
    main_codes = [c for c in practices["practice_code"].astype(str) if c in mapping]
    mapping = {c: mapping[c] for c in main_codes}   # the input's practice order
    table = group_metrics(practices, mapping, lo, hi)
    summary = overall_metrics(practices, mapping, lo, hi, table=table)
    stop.report(1.0, "done")
    return GroupingResult(
        mapping=mapping, groups=sorted(set(mapping.values()), key=group_sort_key),
        feasible=not problems, problems=problems, table=table, summary=summary,
        settings={"min_size": lo, "max_size": hi, "n_groups": n_groups,
                  "within_localities": within_localities, "seed": seed,
                  "contiguous": contiguous, "locks": locks or Locks(), "starts": starts},
        over_alone=over_alone)


def _group_rest(rest: Area, k, n_big, lo, hi, seed, stop, contiguous, boundary, taken,
                mapping, starts=None) -> list[str]:
    """Group an area's practices that fit the maximum; returns the shortfalls explained."""
    k_rest = None if k is None else max(1, min(k - n_big, len(rest.w)))
    reasons = area_problems(rest, lo, hi, k_rest)
    if k_rest is None and reasons:
        k_rest = best_effort_k(rest, lo, hi)
    if contiguous and len(rest.w) <= DISSOLVE_FROM:
        got = _contiguous(rest, k_rest, lo, hi, seed, stop, boundary, starts)
    elif k_rest is None:
        got = _fewest(rest, lo, hi, seed, stop, contiguous, boundary, starts)
    else:
        got = _solve(rest, k_rest, lo, hi, seed, stop, contiguous, boundary, starts)
    names = name_groups(rest.label, rest.xy, rest.w, got.assign, got.fixed_names, got.k, taken)
    taken |= set(names)
    for b, codes in enumerate(rest.codes):
        for code in codes:
            mapping[code] = names[got.assign[b]]
    if got.violation > 0:
        return reasons or [_misses(rest, got, names, lo, hi)]
    return []


def _next_name(label: str, taken: set[str]) -> str:
    prefix = f"{label} " if label else "G"
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"
