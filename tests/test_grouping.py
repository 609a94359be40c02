"""Extended practice groups: bounds, infeasibility messages, locks, seeds, branches, metrics."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.crs import to_wgs84
from models.grouping import (
    Cancelled, GroupingError, GroupingInfeasible, Locks, check_feasibility, group_metrics,
    group_practices, move_practice, overall_metrics, site_groups,
)


@pytest.fixture(scope="module")
def practices() -> pd.DataFrame:
    from geo.canonical import load_sample
    return load_sample().practices


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """The sample file read plainly, for arithmetic independent of the code under test."""
    from tests.conftest import SAMPLE
    return pd.read_csv(SAMPLE / "practices.csv", dtype={"parent_code": str},
                       keep_default_na=False)


@pytest.fixture(scope="module")
def default_result(practices):
    return group_practices(practices, 30_000, 50_000, seed=1)


def mains(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[raw["parent_code"] == ""]


def sizes_by_group(raw: pd.DataFrame, mapping: dict) -> dict:
    m = mains(raw)
    return m.assign(group=m["practice_code"].map(mapping)).groupby("group")[
        "list_size"].sum().to_dict()


def test_sample_with_30_to_50k_puts_every_group_within_bounds(default_result, raw):
    result = default_result
    assert result.feasible and not result.problems
    main_codes = set(mains(raw)["practice_code"])
    assert set(result.mapping) == main_codes  # every main practice, once; no branch rows
    totals = sizes_by_group(raw, result.mapping)
    assert all(30_000 <= t <= 50_000 for t in totals.values()), totals
    assert sum(totals.values()) == mains(raw)["list_size"].sum() == 281_000
    # the metrics table agrees with the plain sums from the file
    table = result.table.set_index("group")
    assert table["list_size"].to_dict() == totals
    assert table["within_bounds"].all()


def test_fewest_groups_are_chosen_when_no_number_is_given(default_result):
    # 281,000 patients need at least ceil(281,000 / 50,000) = 6 groups of at most 50,000
    assert default_result.n_groups == 6
    assert default_result.groups == [f"G{i}" for i in range(1, 7)]


def test_group_names_run_west_to_east(default_result, practices):
    per_site = site_groups(practices, default_result.mapping)
    mains_ = practices[practices["parent_code"] == ""]
    lon = mains_.assign(group=per_site[mains_["practice_code"]].to_numpy(),
                        w=mains_["list_size"])
    centres = lon.groupby("group").apply(
        lambda g: np.average(g["longitude"], weights=g["w"]), include_groups=False)
    ordered = [f"G{i}" for i in range(1, 7)]
    assert list(centres[ordered]) == sorted(centres[ordered])


def test_a_fixed_number_of_groups_is_honoured(practices, raw):
    result = group_practices(practices, 30_000, 50_000, n_groups=7, seed=1)
    assert result.n_groups == 7 and result.feasible
    assert all(30_000 <= t <= 50_000 for t in sizes_by_group(raw, result.mapping).values())


def test_branches_share_their_parent_group(default_result, practices):
    per_site = site_groups(practices, default_result.mapping)
    branches = practices[practices["parent_code"] != ""]
    assert len(branches) == 22
    for code, parent in zip(branches["practice_code"], branches["parent_code"]):
        assert per_site[code] == per_site[parent] != ""


def test_same_seed_gives_the_same_grouping(practices, default_result):
    again = group_practices(practices, 30_000, 50_000, seed=1)
    assert again.mapping == default_result.mapping


def test_infeasible_localities_are_named_with_the_shortfall(practices, raw):
    locality_totals = mains(raw).groupby("locality")["list_size"].sum()
    lordswood = int(locality_totals["Lordswood"])
    assert lordswood < 30_000  # the sample's small locality
    with pytest.raises(GroupingInfeasible) as err:
        group_practices(practices, 30_000, 50_000, within_localities=True, strict=True)
    message = str(err.value)
    assert f"Lordswood has {lordswood:,} patients" in message
    assert f"by {30_000 - lordswood:,}" in message
    # Strood (56,000) is too big for one group and too small for two
    assert "Strood" in message
    assert check_feasibility(practices, 30_000, 50_000, within_localities=True) == \
        err.value.problems


def test_too_few_groups_says_by_how_much(practices):
    with pytest.raises(GroupingInfeasible) as err:
        group_practices(practices, 30_000, 50_000, n_groups=3, strict=True)
    # 3 groups of at most 50,000 hold 150,000 of 281,000
    assert "K=3" in str(err.value) and "131,000" in str(err.value)


def test_best_effort_returns_a_grouping_and_the_problems(practices):
    result = group_practices(practices, 30_000, 50_000, within_localities=True,
                             strict=False)
    assert not result.feasible and result.problems
    table = result.table.set_index("group")
    assert table.loc["Lordswood", "outside_by"] == 28_000 - 30_000
    assert not table.loc["Lordswood", "within_bounds"]
    assert set(result.mapping) == set(practices.loc[practices["parent_code"] == "",
                                                    "practice_code"])


def test_bounds_that_no_packing_can_meet_are_reported():
    # three practices of 40,000: two groups of 50,000–70,000 would need 40,000 + 80,000
    x, y = np.array([570_000.0, 575_000.0, 580_000.0]), np.full(3, 168_000.0)
    lon, lat = to_wgs84(x, y)
    frame = pd.DataFrame({"practice_code": ["A", "B", "C"], "name": ["A", "B", "C"],
                          "latitude": lat, "longitude": lon, "list_size": [40_000] * 3,
                          "parent_code": "", "locality": ""})
    with pytest.raises(GroupingInfeasible, match="cannot be packed"):
        group_practices(frame, 50_000, 70_000, strict=True)


def test_min_above_max_and_unknown_lock_codes_are_refused(practices):
    with pytest.raises(GroupingError, match="larger than the maximum"):
        group_practices(practices, 60_000, 50_000)
    with pytest.raises(GroupingError, match="NOPE1"):
        group_practices(practices, locks=Locks(together=[["X80001", "NOPE1"]]))


def test_within_localities_never_mixes_localities(practices):
    result = group_practices(practices, 20_000, 60_000, within_localities=True, seed=1)
    assert result.feasible
    table = result.table
    assert (table["n_localities"] == 1).all()
    # each locality fits 20–60k on its own, so the fewest groups is one per locality
    assert sorted(table["group"]) == sorted(practices.loc[practices["parent_code"] == "",
                                                          "locality"].unique())


def test_within_localities_needs_the_locality_column(practices):
    blank = practices.copy()
    blank.loc[blank["practice_code"] == "X80001", "locality"] = ""
    with pytest.raises(GroupingError, match="blank locality"):
        group_practices(blank, 20_000, 60_000, within_localities=True)


def test_locks_are_honoured(practices, raw):
    free = group_practices(practices, 20_000, 60_000, seed=1).mapping
    west_east = mains(raw).sort_values("longitude")["practice_code"].tolist()
    # pick practices whose unlocked grouping breaks each lock, so the test has teeth
    a, b = next((west_east[i], west_east[j]) for i in range(len(west_east))
                for j in range(i + 1, len(west_east))
                if free[west_east[i]] != free[west_east[j]])
    c, d = next((west_east[i], west_east[i + 1]) for i in range(25, len(west_east) - 1)
                if free[west_east[i]] == free[west_east[i + 1]])
    e, f = next((x, y) for x in west_east[:20] for y in west_east[:20]
                if x < y and free[x] == free[y] and {x, y}.isdisjoint({a, b, c, d}))
    locks = Locks(together=[[a, b]], fixed={c: "Team A", d: "Team B"}, apart=[(e, f)])
    result = group_practices(practices, 20_000, 60_000, locks=locks, seed=1)
    m = result.mapping
    assert m[a] == m[b]
    assert m[c] == "Team A" and m[d] == "Team B"
    assert m[e] != m[f]
    assert result.feasible
    assert all(20_000 <= t <= 60_000 for t in sizes_by_group(raw, m).values())


def test_contradictory_locks_are_reported(practices):
    with pytest.raises(GroupingInfeasible, match="apart but are locked together"):
        group_practices(practices, locks=Locks(together=[["X80001", "X80002"]],
                                               apart=[("X80001", "X80002")]))
    with pytest.raises(GroupingInfeasible, match="fixed to different groups"):
        group_practices(practices, locks=Locks(together=[["X80001", "X80002"]],
                                               fixed={"X80001": "A", "X80002": "B"}))


def test_a_branch_code_in_a_lock_means_its_parent(practices):
    branch = practices[practices["parent_code"] != ""].iloc[0]
    result = group_practices(practices, 30_000, 50_000, seed=1,
                             locks=Locks(fixed={branch["practice_code"]: "Branch lock"}))
    assert result.mapping[branch["parent_code"]] == "Branch lock"


def test_a_hand_move_changes_the_metrics_by_the_practice_list(default_result, practices, raw):
    before = default_result.mapping
    code = "X80003"  # has a branch (X80003-B1)
    size = int(mains(raw).set_index("practice_code").loc[code, "list_size"])
    old = before[code]
    target = next(g for g in default_result.groups if g != old)
    after = move_practice(practices, before, f"{code}-B1", target)  # moving the branch
    assert after[code] == target and before[code] == old  # the old mapping is untouched
    t0 = group_metrics(practices, before, 30_000, 50_000).set_index("group")
    t1 = group_metrics(practices, after, 30_000, 50_000).set_index("group")
    assert t1.loc[old, "list_size"] == t0.loc[old, "list_size"] - size
    assert t1.loc[target, "list_size"] == t0.loc[target, "list_size"] + size
    assert t1.loc[old, "practices"] == t0.loc[old, "practices"] - 1
    assert t1.loc[old, "sites"] == t0.loc[old, "sites"] - 2  # the practice and its branch
    new_size = t0.loc[old, "list_size"] - size
    assert bool(t1.loc[old, "within_bounds"]) == (30_000 <= new_size <= 50_000)
    if new_size < 30_000:
        assert t1.loc[old, "outside_by"] == new_size - 30_000
    assert site_groups(practices, after)[f"{code}-B1"] == target


def _square_practices() -> pd.DataFrame:
    """Four practices on a 2 km square (BNG) in group A, one practice at its centre in B."""
    x = np.array([570_000, 572_000, 572_000, 570_000, 571_000], float)
    y = np.array([168_000, 168_000, 170_000, 170_000, 169_000], float)
    lon, lat = to_wgs84(x, y)
    return pd.DataFrame({"practice_code": list("PQRSM"), "name": list("PQRSM"),
                         "latitude": lat, "longitude": lon,
                         "list_size": [1000, 1000, 1000, 1000, 500], "parent_code": "",
                         "locality": ["North", "North", "South", "South", "South"]})


def test_metrics_of_a_known_layout():
    frame = _square_practices()
    mapping = {"P": "A", "Q": "A", "R": "A", "S": "A", "M": "B"}
    table = group_metrics(frame, mapping, 3_000, 5_000).set_index("group")
    a = table.loc["A"]
    # centre of the square; every corner is sqrt(2) km from it; hull 2 km x 2 km
    assert a["mean_distance_km"] == pytest.approx(math.sqrt(2), abs=0.01)
    assert a["max_distance_km"] == pytest.approx(math.sqrt(2), abs=0.01)
    assert a["hull_area_km2"] == pytest.approx(4.0, rel=0.01)
    assert not a["contiguous"] and a["intruders"] == ["M"]
    assert a["localities"] == "North, South" and a["n_localities"] == 2
    assert a["within_bounds"] and a["list_size"] == 4000
    b = table.loc["B"]
    assert b["contiguous"] and b["hull_area_km2"] == 0.0
    assert not b["within_bounds"] and b["outside_by"] == 500 - 3000
    overall = overall_metrics(frame, mapping, 3_000, 5_000)
    assert overall["groups_within_bounds"] == 1 and overall["share_within_bounds"] == 0.5
    sizes = np.array([4000, 500])
    assert overall["size_cv"] == pytest.approx(sizes.std() / sizes.mean())
    # patient-weighted: 4,000 patients at sqrt(2) km, 500 at 0 km
    assert overall["mean_distance_km"] == pytest.approx(4000 * math.sqrt(2) / 4500, abs=0.01)


def test_unassigned_practices_are_counted_not_grouped():
    frame = _square_practices()
    overall = overall_metrics(frame, {"P": "A", "Q": "A"}, 0, 5_000)
    assert overall["unassigned_practices"] == 3 and overall["groups"] == 1


def test_progress_is_reported_and_cancel_stops(practices):
    seen = []
    group_practices(practices, 30_000, 50_000, progress=lambda f, m: seen.append(f))
    assert seen and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen) and seen == sorted(seen)
    with pytest.raises(Cancelled):
        group_practices(practices, 30_000, 50_000, cancel=lambda: True)


def test_a_larger_synthetic_set_fits_the_bounds():
    """300 practices: the linear-relaxation path with rounding and repair."""
    rng = np.random.default_rng(5)
    n = 300
    x, y = rng.uniform(540_000, 620_000, n), rng.uniform(130_000, 180_000, n)
    lon, lat = to_wgs84(x, y)
    sizes = np.clip(np.round(rng.lognormal(np.log(7000), 0.6, n)), 1000, 30000).astype(int)
    frame = pd.DataFrame({"practice_code": [f"S{i}" for i in range(n)], "name": "",
                          "latitude": lat, "longitude": lon, "list_size": sizes,
                          "parent_code": "", "locality": ""})
    k = round(sizes.sum() / 40_000)
    result = group_practices(frame, 30_000, 50_000, n_groups=k, seed=2)
    totals = pd.Series(sizes, index=frame["practice_code"]).groupby(
        pd.Series(result.mapping)).sum()
    assert len(totals) == k and totals.between(30_000, 50_000).all()


def _towns(n: int, seed: int) -> pd.DataFrame:
    """Synthetic practices in clustered towns with lognormal list sizes (BNG → WGS84)."""
    rng = np.random.default_rng(seed)
    side = math.sqrt(23.0 * n) * 1000.0
    towns = rng.uniform(0, side, (max(3, n // 12), 2))
    xy = towns[rng.integers(0, len(towns), n)] + rng.normal(0, 1_500, (n, 2))
    lon, lat = to_wgs84(xy[:, 0] + 500_000, xy[:, 1] + 120_000)
    sizes = np.clip(np.round(rng.lognormal(np.log(7000), 0.55, n)), 800, 40_000).astype(int)
    return pd.DataFrame({"practice_code": [f"T{i:05d}" for i in range(n)], "name": "",
                         "latitude": lat, "longitude": lon, "list_size": sizes,
                         "parent_code": "", "locality": ""})


@pytest.mark.slow
def test_fewest_groups_on_a_large_area_dissolve_groups_within_bounds():
    """Over 1,000 practices "fewest groups" starts comfortable and dissolves groups while
    the neighbours can take their practices: every group within bounds, far fewer groups
    than the comfortable start, the same answer twice."""
    from models.grouping.fewest import FILL
    frame = _towns(1_200, 3)
    total = frame["list_size"].sum()
    result = group_practices(frame, 30_000, 50_000)
    sizes = pd.Series(frame["list_size"].to_numpy(), index=frame["practice_code"])
    totals = sizes.groupby(pd.Series(result.mapping)).sum()
    assert result.feasible and totals.between(30_000, 50_000).all()
    assert math.ceil(total / 50_000) <= len(totals) < 0.9 * math.ceil(total / (FILL * 50_000))
    assert group_practices(frame, 30_000, 50_000).mapping == result.mapping


@pytest.mark.slow
def test_a_town_short_of_a_group_gets_one_moved_to_it():
    """Towns far apart: when the start leaves a town with too few groups, every group there
    is over the maximum and no neighbour has room; a group is moved there from elsewhere
    and every group ends within the bounds (K = the total at ~40,000 a group)."""
    frame = _towns(1_200, 3)
    k = math.ceil(frame["list_size"].sum() / 40_000)
    result = group_practices(frame, 30_000, 50_000, n_groups=k)
    sizes = pd.Series(frame["list_size"].to_numpy(), index=frame["practice_code"])
    totals = sizes.groupby(pd.Series(result.mapping)).sum()
    assert result.feasible and len(totals) == k and totals.between(30_000, 50_000).all()
