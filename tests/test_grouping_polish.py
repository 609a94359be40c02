"""Grouping engine internals: pairwise re-splits against brute force, the bitmask
connectivity test, and the further starts + set-partitioning polish (bounds, locks,
contiguity, determinism)."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.grouping import Locks, group_practices
from models.grouping.polish import Pool, polish
from models.grouping.resplit import FREE_MAX, FREE_MAX_CONTIGUOUS, Resplitter
from models.grouping.splits import compressed, one_piece
from models.grouping.solver import Solver, _cost
from models.grouping.territories import adjacency, parts
from tests.test_grouping import _towns


def _pair_optimum(X, w, cw, lo, hi, adjacent=None):
    """(patients outside, patient-km) of the best split of all blocks into two non-empty
    sides, by plain enumeration; with ``adjacent``, only splits into two patches."""
    n = len(w)
    best = (np.inf, np.inf)
    for bits in range(1, 2 ** n - 1):
        side = np.array([(bits >> p) & 1 for p in range(n)], bool)
        a, b = np.flatnonzero(side), np.flatnonzero(~side)
        if adjacent is not None and (len(parts(a.tolist(), adjacent)) > 1 or
                                     len(parts(b.tolist(), adjacent)) > 1):
            continue
        out = sum(max(0.0, lo - s) + max(0.0, s - hi) for s in (w[a].sum(), w[b].sum()))
        key = (round(out, 6), _cost(X, cw, a) + _cost(X, cw, b))
        best = min(best, key)
    return best


pairs = st.integers(3, 9).flatmap(lambda n: st.tuples(
    st.lists(st.tuples(st.floats(0, 10), st.floats(0, 10)), min_size=n, max_size=n,
             unique=True),
    st.lists(st.integers(500, 20_000), min_size=n, max_size=n),
    st.integers(0, 2 ** n - 1), st.floats(0.2, 0.5), st.floats(0.5, 0.9),
    st.booleans()))


@settings(max_examples=35, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs)
def test_a_pair_is_resplit_the_best_way_and_never_made_worse(case):
    """Two groups re-split: the result is the best split there is (fewest patients outside
    the bounds, then least patient-km; only two patches when contiguity is asked for), and
    never worse than the split it started from."""
    points, sizes, start_bits, lo_share, hi_share, contiguous = case
    X, w = np.array(points, float), np.array(sizes, float)
    n = len(w)
    lo, hi = lo_share * w.sum(), hi_share * w.sum()
    start = np.array([(start_bits >> p) & 1 for p in range(n)])
    if start.min() == start.max():
        start[0] = 1 - start[0]
    adjacent = adjacency(X) if contiguous else None
    s = Solver(X, w, 2, lo, hi, adjacent=adjacent)
    r = Resplitter(s, start)
    before = s.objective(start)
    r.improve_pair(0, 1)
    after = s.objective(r.assign)
    assert after[0] <= before[0] + 1e-6
    if after[0] >= before[0] - 1e-6:
        assert after[1] <= before[1] * (1 + 1e-9)
    start_patches = adjacent is None or all(
        len(parts(np.flatnonzero(start == g).tolist(), adjacent)) == 1 for g in (0, 1))
    if adjacent is not None and start_patches:
        for g in (0, 1):
            assert len(parts(np.flatnonzero(r.assign == g).tolist(), adjacent)) == 1
    every_split = n <= (FREE_MAX_CONTIGUOUS if contiguous else FREE_MAX)
    best = _pair_optimum(X, w, s.cw, lo, hi, adjacent)
    if every_split and start_patches and np.isfinite(best[0]):
        assert after[0] == pytest.approx(best[0], abs=1e-6)
        assert after[1] <= best[1] * (1 + 2e-5) + 1e-9


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 9).flatmap(lambda n: st.tuples(
    st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))),
    st.lists(st.integers(0, 2 ** n - 1), min_size=1, max_size=20))))
def test_the_compiled_connectivity_test_agrees_with_a_plain_search(case):
    n, edges, sets = case
    adjacent = [[] for _ in range(n)]
    for a, b in edges:
        if a != b and b not in adjacent[a]:
            adjacent[a].append(b)
            adjacent[b].append(a)
    ptr, ind = compressed(adjacent)
    mark = np.zeros(n, bool)
    for bits in sets:
        on = np.array([(bits >> p) & 1 for p in range(n)], bool)
        for side in (True, False):
            members = np.flatnonzero(on == side)
            plain = len(members) <= 1 or len(parts(members.tolist(), adjacent)) == 1
            assert one_piece(members, ptr, ind, mark) == plain and not mark.any()


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    return _towns(90, 5)


def _totals(frame, mapping) -> pd.Series:
    sizes = pd.Series(frame["list_size"].to_numpy(), index=frame["practice_code"])
    return sizes.groupby(pd.Series(mapping)).sum()


def test_further_starts_never_lose_to_one_descent_and_keep_the_bounds(towns):
    """The polish (further starts + set partitioning) never ends with more patient-km than
    the single descent it started from, every group within the bounds, K groups."""
    k = round(towns["list_size"].sum() / 40_000)
    one = group_practices(towns, 30_000, 50_000, n_groups=k, starts=0)
    many = group_practices(towns, 30_000, 50_000, n_groups=k, starts=3)
    assert many.summary["mean_distance_km"] <= one.summary["mean_distance_km"] + 1e-9
    totals = _totals(towns, many.mapping)
    assert many.feasible and len(totals) == k and totals.between(30_000, 50_000).all()
    again = group_practices(towns, 30_000, 50_000, n_groups=k, starts=3)
    assert again.mapping == many.mapping          # the same seed, the same groups


def test_different_seeds_may_give_different_groupings(towns):
    """Further starts are drawn from the seed, so seeds 0–3 do not all agree."""
    k = round(towns["list_size"].sum() / 40_000)
    got = {tuple(sorted(map(frozenset, _groups(
        group_practices(towns, 30_000, 50_000, n_groups=k, seed=seed, starts=3).mapping))))
        for seed in range(4)}
    assert len(got) > 1


def _groups(mapping: dict) -> list[list[str]]:
    out: dict[str, list[str]] = {}
    for code, group in mapping.items():
        out.setdefault(group, []).append(code)
    return list(out.values())


def test_polished_contiguous_groups_are_each_one_patch(towns):
    from geo.crs import points_bng
    k = round(towns["list_size"].sum() / 40_000)
    result = group_practices(towns, 30_000, 50_000, n_groups=k, contiguous=True, starts=2)
    adjacent = adjacency(points_bng(towns) / 1000.0)
    codes = towns["practice_code"].tolist()
    for members in _groups(result.mapping):
        assert len(parts([codes.index(c) for c in members], adjacent)) == 1
    assert _totals(towns, result.mapping).between(30_000, 50_000).all()


def test_polish_keeps_fixed_groups_and_apart_locks(towns):
    codes = towns["practice_code"].tolist()
    locks = Locks(fixed={codes[0]: "North", codes[1]: "North"}, apart=[(codes[2], codes[3])])
    k = round(towns["list_size"].sum() / 40_000)
    result = group_practices(towns, 30_000, 50_000, n_groups=k, locks=locks, starts=3)
    assert result.mapping[codes[0]] == result.mapping[codes[1]] == "North"
    assert result.mapping[codes[2]] != result.mapping[codes[3]]
    assert _totals(towns, result.mapping).between(30_000, 50_000).all()


def test_the_pick_covers_every_practice_once_and_numbers_fixed_groups_first():
    """Set partitioning over a tiny pool: four practices, two groups; practice 3 is fixed to
    group 0, so the chosen group holding it is numbered 0."""
    X = np.array([[0.0, 0], [0, 1], [5, 0], [5, 1]])
    w = np.full(4, 10_000.0)
    s = Solver(X, w, 2, 15_000, 25_000, fixed=np.array([-1, -1, -1, 0]))
    pool = Pool(s)
    for a in ([1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 0]):
        pool.add(np.array(a))
    got = pool.pick()
    assert got is not None and sorted(got.tolist()) == [0, 0, 1, 1]
    assert got[3] == 0 and got[2] == 0 and got[0] == got[1] == 1
    every = [g for g in itertools.chain.from_iterable(pool.groups)]
    assert sorted(set(every)) == [0, 1, 2, 3]
    assert polish(s, np.array([1, 0, 1, 0]), starts=0).tolist() == [1, 0, 1, 0]


def test_a_resplit_separates_practices_that_must_be_apart():
    """Two groups holding an "apart" pair together: the re-split separates them and is
    the least patient-km split of all those that keep them apart (plain enumeration)."""
    rng = np.random.default_rng(3)
    X, w = rng.uniform(0, 10, (8, 2)), rng.integers(2_000, 9_000, 8).astype(float)
    lo, hi = 0.2 * w.sum(), 0.8 * w.sum()
    s = Solver(X, w, 2, lo, hi, apart=[(0, 1)])
    start = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    r = Resplitter(s, start)
    assert r.improve_pair(0, 1)
    assert r.assign[0] != r.assign[1]
    best = min(_cost(X, s.cw, np.flatnonzero(side)) + _cost(X, s.cw, np.flatnonzero(~side))
               for bits in range(1, 2 ** 8 - 1)
               for side in [np.array([(bits >> p) & 1 for p in range(8)], bool)]
               if side[0] != side[1] and lo <= w[side].sum() <= hi
               and lo <= w[~side].sum() <= hi)
    assert s.objective(r.assign)[1] == pytest.approx(best, rel=1e-9)


def test_tries_at_several_counts_start_from_the_same_mergers(towns):
    """The mergers found once and replayed (the fewest-groups tries) give the same
    starting centres as merging afresh for each number of groups."""
    from geo.crs import points_bng
    from models.grouping.start import merged_centres
    X, w = points_bng(towns) / 1000.0, towns["list_size"].to_numpy(float)
    s = Solver(X, w, 2, 30_000, 50_000)
    memo: dict = {}
    for k in (12, 9, 10, 30):
        fresh = merged_centres(X, w, s.cw, s.nbrs, k, 50_000)
        assert np.array_equal(merged_centres(X, w, s.cw, s.nbrs, k, 50_000, memo=memo), fresh)


def test_an_assignment_that_cannot_fit_is_known_before_the_linear_program():
    """Three practices of 10,000 offered only the centre beside them (capacity 20,000)
    cannot fit; offered both centres they can (the maximum-flow check)."""
    X = np.array([[0.0, 0], [0, 1], [0, 2], [10, 0]])
    s = Solver(X, np.full(4, 10_000.0), 2, 10_000, 20_000)
    centres = np.array([[0.0, 1], [10, 0]])
    assert not s._may_fit(centres, 1)
    assert s._may_fit(centres, 2)
    got = s.capacitated(centres)
    assert np.bincount(got, s.w, 2).max() <= 20_000
