"""Setting up a grouping: main practices, locks, areas, and the counting checks.

Practices locked together become one *block* (a branch code means its parent). Each area (a
locality, or all practices) is an independent problem. The counting checks say, without any
search, why bounds cannot be met (a locality below the minimum, K groups that cannot hold the
total, a practice above the maximum) and by how much.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.crs import points_bng
from models.grouping.errors import GroupingError, GroupingInfeasible, patients as _n


@dataclass
class Locks:
    """Constraints a planner puts on the grouping (practice codes; a branch means its parent)."""

    together: list[list[str]] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)
    apart: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Area:
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

    def subset(self, keep: list[int]) -> "Area":
        """The same area with only blocks ``keep`` (e.g. without oversized practices)."""
        pos = {b: i for i, b in enumerate(keep)}
        return Area(self.label, [self.codes[b] for b in keep], [self.names[b] for b in keep],
                    self.xy[keep].reshape(-1, 2), self.w[keep], [self.fixed[b] for b in keep],
                    [(pos[a], pos[b]) for a, b in self.apart if a in pos and b in pos])


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


def main_practices(practices: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
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


def _fixed_names(locks: Locks, to_main) -> dict[str, str]:
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
    return fixed_of


def _check_localities(main, locks: Locks, to_main, fixed_of) -> None:
    blank = main.loc[main["locality"] == "", "practice_code"].tolist()
    if blank:
        raise GroupingError(
            f"{len(blank)} practice(s) have a blank locality (e.g. {blank[0]}); fill the "
            "locality column (or load the data folder so it is assigned from the map), or "
            "group without 'within localities'")
    loc_of = dict(zip(main["practice_code"], main["locality"]))
    for members in locks.together:
        locs = {loc_of[_resolve(c, to_main, "together")] for c in members}
        if len(locs) > 1:
            raise GroupingInfeasible([f"practices locked together ({', '.join(members)}) lie "
                                      f"in different localities ({', '.join(sorted(locs))})"])
    by_name: dict[str, set[str]] = {}
    for m, group in fixed_of.items():
        by_name.setdefault(group, set()).add(loc_of[m])
    for group, locs in by_name.items():
        if len(locs) > 1:
            raise GroupingInfeasible([f"group '{group}' is fixed for practices in different "
                                      f"localities ({', '.join(sorted(locs))})"])


def build_areas(practices: pd.DataFrame, within_localities: bool,
                locks: Locks | None) -> list[Area]:
    """The independent problems: blocks of locked-together practices, per area."""
    main, to_main = main_practices(practices)
    locks = locks or Locks()
    codes = main["practice_code"].tolist()
    uf = _Blocks(codes)
    for members in locks.together:
        mains = [_resolve(c, to_main, "together") for c in members]
        for other in mains[1:]:
            uf.union(mains[0], other)
    fixed_of = _fixed_names(locks, to_main)
    if within_localities:
        _check_localities(main, locks, to_main, fixed_of)
    xy = points_bng(main) / 1000.0
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
    apart = _apart_blocks(locks, to_main, block_of, blocks)
    labels = sorted({b["locality"] for b in blocks}) if within_localities else [""]
    areas = []
    for label in labels:
        ids = [i for i, b in enumerate(blocks) if b["locality"] == label]
        local = {g: k for k, g in enumerate(ids)}
        areas.append(Area(
            label=label, codes=[blocks[i]["codes"] for i in ids],
            names=[blocks[i]["name"] for i in ids],
            xy=np.array([blocks[i]["xy"] for i in ids], float).reshape(-1, 2),
            w=np.array([blocks[i]["w"] for i in ids], float),
            fixed=[blocks[i]["fixed"] for i in ids],
            apart=[(local[a], local[b]) for a, b in apart if a in local and b in local]))
    return areas


def _apart_blocks(locks: Locks, to_main, block_of, blocks) -> list[tuple[int, int]]:
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
    return apart


# ---------------------------------------------------------------- counting checks

def count_range(area: Area, lo: float, hi: float) -> tuple[int, int]:
    """Numbers of groups the totals allow: ceil(T/max) … floor(T/min), at most one per block."""
    k_lo = max(1, math.ceil(area.total / hi - 1e-9))
    k_hi = math.floor(area.total / lo + 1e-9) if lo > 0 else len(area.w)
    k_lo = max(k_lo, len({f for f in area.fixed if f}))
    return k_lo, max(1, min(k_hi, len(area.w)))


def oversized(area: Area, hi: float) -> list[str]:
    return [f"{name} has {_n(w)} patients, above the maximum {_n(hi)} by {_n(w - hi)}"
            for name, w in zip(area.names, area.w) if w > hi]


def area_problems(area: Area, lo: float, hi: float, k: int | None) -> list[str]:
    """Why ``area`` cannot make groups within [lo, hi] (with k groups, or with any number)."""
    problems = oversized(area, hi)
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


def allocate(areas: list[Area], lo: float, hi: float, k: int) -> list[int]:
    """Share K groups among localities: each its fewest feasible, extra to the fullest."""
    ranges = [count_range(a, lo, hi) for a in areas]
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


def best_effort_k(area: Area, lo: float, hi: float) -> int:
    """The number of groups whose size bounds are missed by the least (fewest on ties)."""
    n_fixed = len({f for f in area.fixed if f})
    best, best_gap = 1, np.inf
    for k in range(max(1, n_fixed), len(area.w) + 1):
        gap = max(0.0, k * lo - area.total) + max(0.0, area.total - k * hi)
        if gap < best_gap:
            best, best_gap = k, gap
    return best


def check_bounds(lo, hi, k) -> None:
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < 0 or hi <= 0:
        raise GroupingError("the group size bounds must be positive numbers")
    if lo > hi:
        raise GroupingError(f"the minimum group size {_n(lo)} is larger than the maximum "
                            f"{_n(hi)}")
    if k is not None and (int(k) != k or k < 1):
        raise GroupingError(f"the number of groups must be a whole number ≥ 1, not {k}")


def check_feasibility(practices: pd.DataFrame, min_size: float, max_size: float,
                      n_groups: int | None = None, *, within_localities: bool = False,
                      locks: Locks | None = None) -> list[str]:
    """Reasons the bounds cannot be met, found by counting alone ([] = worth searching)."""
    check_bounds(min_size, max_size, n_groups)
    try:
        areas = build_areas(practices, within_localities, locks)
        if within_localities and n_groups is not None:
            problems = [p for a in areas for p in area_problems(a, min_size, max_size, None)]
            return problems or (allocate(areas, min_size, max_size, n_groups) and [])
        return [p for a in areas for p in area_problems(a, min_size, max_size, n_groups)]
    except GroupingInfeasible as exc:
        return exc.problems
