"""Contiguous groups from the free search (models/grouping/contiguous.py): each group one
patch, never worse than the free grouping made contiguous, "fewest" no fewer groups than the
free search and every group within the bounds; a group added where one is over the
maximum."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.grouping import group_practices
from models.grouping.contiguous import grow, made_contiguous
from models.grouping.engine import _contiguous, _solve
from models.grouping.problem import build_areas
from models.grouping.solver import Solver, Stop
from models.grouping.territories import adjacency, parts
from tests.test_grouping import _towns

LO, HI = 30_000, 50_000


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return _towns(90, 5)


def _one_patch_each(frame: pd.DataFrame, mapping: dict) -> bool:
    from geo.crs import points_bng
    adjacent = adjacency(points_bng(frame) / 1000.0)
    codes = frame["practice_code"].tolist()
    groups: dict[str, list[int]] = {}
    for code, group in mapping.items():
        groups.setdefault(group, []).append(codes.index(code))
    return all(len(parts(m, adjacent)) == 1 for m in groups.values())


@pytest.mark.slow
def test_contiguous_groups_are_no_worse_than_the_free_grouping_made_contiguous(towns):
    """At a given K the answer is each group one patch, within the bounds, and has no more
    patient-km than the free search's grouping made contiguous (its groups are pooled)."""
    k = round(towns["list_size"].sum() / 40_000)
    area = build_areas(towns, False, None)[0]
    stop = Stop(None, None)
    got = _contiguous(area, k, LO, HI, 0, stop, None)
    free = _solve(area, k, LO, HI, 0, stop, False, None)
    s = Solver(area.xy, area.w, k, LO, HI, adjacent=adjacency(area.xy))
    repaired, (outside, km) = made_contiguous(s, free.assign)
    assert got.violation == 0 and outside == 0
    assert got.solver.objective(got.assign)[1] <= km * (1 + 1e-9)
    result = group_practices(towns, LO, HI, n_groups=k, contiguous=True)
    assert result.feasible and result.n_groups == k and _one_patch_each(towns, result.mapping)


@pytest.mark.slow
def test_fewest_contiguous_groups_fit_and_are_not_fewer_than_the_free_count():
    """"Fewest groups" kept contiguous (on a set where it needs one more group than
    without): every group one patch and within the bounds, at least as many groups as
    without contiguity, the same answer twice."""
    towns = _towns(90, 3)
    free = group_practices(towns, LO, HI)
    got = group_practices(towns, LO, HI, contiguous=True)
    sizes = pd.Series(towns["list_size"].to_numpy(), index=towns["practice_code"])
    totals = sizes.groupby(pd.Series(got.mapping)).sum()
    assert got.feasible and totals.between(LO, HI).all()
    assert got.n_groups >= free.n_groups and _one_patch_each(towns, got.mapping)
    assert group_practices(towns, LO, HI, contiguous=True).mapping == got.mapping


def test_a_group_over_the_maximum_makes_one_more_group():
    """Six practices in a row, two groups of 40,000 and 20,000 against a maximum of
    35,000: the group over gives its far half to a new group; three groups, each one
    patch and within the bounds."""
    X = np.column_stack([np.arange(6.0), np.zeros(6)])
    w = np.full(6, 10_000.0)
    adjacent = [[j for j in (i - 1, i + 1) if 0 <= j < 6] for i in range(6)]
    s = Solver(X, w, 2, 15_000, 35_000, adjacent=adjacent)
    assign, (outside, _km) = grow(s, np.array([0, 0, 0, 0, 1, 1]), k_max=4)
    assert s.k == 3 and outside == 0
    W = np.bincount(assign, w, 3)
    assert ((W >= 15_000) & (W <= 35_000)).all()
    assert all(len(parts(np.flatnonzero(assign == g).tolist(), adjacent)) == 1
               for g in range(3))
