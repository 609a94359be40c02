"""The Plan: one owner of the plan's state, changed by commands that undo exactly."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.canonical import load_sample
from models import scenario as sc
from models.plan import Plan, SetState, SetValue


@pytest.fixture
def plan():
    return Plan(load_sample())


def test_a_cell_edit_undoes_exactly_and_tells_listeners(plan):
    seen = []
    plan.subscribe(seen.append)
    code = plan.dataset.main_practices()["practice_code"].iloc[0]
    before = int(plan.dataset.practices.set_index("practice_code").at[code, "list_size"])
    command = plan.set_value("practices", code, "list_size", "12,345")
    assert plan.dataset.practices.set_index("practice_code").at[code, "list_size"] == 12345
    assert plan.base.practices.set_index("practice_code").at[code, "list_size"] == before
    plan.revert(command)
    assert plan.dataset.practices.set_index("practice_code").at[code, "list_size"] == before
    assert [c.kind for c in seen] == ["edited", "edited"]
    assert seen[0].key == "practices" and seen[0].item_id == code
    assert plan.revision == 2


def test_a_refused_edit_changes_nothing(plan):
    stamp = plan.stamp()
    branch = plan.dataset.branches()["practice_code"].iloc[0]
    with pytest.raises(ValueError, match="branch"):
        plan.set_value("practices", branch, "list_size", 10)
    assert plan.stamp() == stamp


def test_state_changes_and_undo(plan):
    a = plan.assumptions.with_value("persons_per_dwelling", 3.0)
    command = plan.execute(SetState("assumptions", a, "ppd 3"))
    assert plan.value("persons_per_dwelling") == 3.0
    plan.revert(command)
    assert plan.value("persons_per_dwelling") == pytest.approx(2.4)


def test_a_batch_is_one_step_and_all_or_nothing(plan):
    excluded = plan.excluded_by_default()
    assert excluded                                  # Lodge Hill in the sample
    from models.plan import Batch
    batch = Batch([SetValue("housing", s, "include", True) for s in excluded], "all in")
    plan.execute(batch)
    assert plan.dataset.housing.set_index("site_id").loc[excluded, "include"].all()
    plan.revert(batch)
    assert not plan.dataset.housing.set_index("site_id").loc[excluded, "include"].any()
    bad = Batch([SetValue("housing", excluded[0], "include", True),
                 SetValue("housing", "NO-SUCH-SITE", "include", True)], "half")
    with pytest.raises(ValueError):
        plan.execute(bad)
    assert not plan.dataset.housing.set_index("site_id").loc[excluded, "include"].any()


def test_grouping_bounds_follow_the_assumptions_until_set(plan):
    assert plan.grouping_bounds() == (30_000, 50_000)
    plan.set_state("assumptions", plan.assumptions.with_value("locality_max_population",
                                                             60_000))
    assert plan.grouping_bounds() == (30_000, 60_000)
    plan.set_state("grouping", {**plan.grouping, "min_size": 35_000})
    assert plan.grouping_bounds() == (35_000, 60_000)


def test_hub_growth_uses_the_plans_persons_per_dwelling(plan):
    """The Hubs figures and the Demand figures count the same new patients."""
    plan.set_state("assumptions", plan.assumptions.with_value("persons_per_dwelling", 3.0))
    growth = plan.evaluate_hubs().per_hub
    added = float((growth["served_patients_with_growth"] - growth["served_patients"]).sum())
    totals = plan.project_demand().totals().set_index("area")
    assert added == pytest.approx(totals.loc["Medway", "new_patients"])
    assert added == pytest.approx(3370 * 3.0)


def test_other_data_gets_a_new_stamp_and_drops_everything(plan):
    plan.set_state("groups", {"X": "G1"})
    stamp = plan.stamp()
    plan.replace(load_sample())
    assert not plan.is_current(stamp)
    assert plan.groups == {} and plan.revision == 1   # the replacement itself


def test_state_copies_are_not_the_plans_own(plan):
    plan.set_state("groups", {"A": "G1"})
    copy = plan.state("groups")
    copy["A"] = "G2"
    assert plan.groups == {"A": "G1"}


def test_scenario_round_trip_keeps_everything(plan, tmp_path):
    codes = plan.dataset.main_practices()["practice_code"].tolist()
    plan.set_state("groups", {c: f"G{i % 3}" for i, c in enumerate(codes)})
    plan.set_state("locks", {"together": [codes[:2]], "apart": [], "fixed": {}})
    plan.set_state("grouping", {**plan.grouping, "min_size": 35_000, "seed": 7})
    plan.set_state("assumptions", plan.assumptions.with_value("persons_per_dwelling", 2.6))
    plan.set_value("housing", plan.excluded_by_default()[0], "include", True)
    hubs = plan.dataset.hubs.copy()
    hubs.loc[0, "latitude"] += 0.01
    plan.set_state("hubs", hubs)
    path = tmp_path / "p.scenario.json"
    sc.save_scenario(sc.scenario_from_plan(plan, "Option B"), path)
    again, warnings = sc.plan_from_scenario(sc.load_scenario(path), load_sample())
    assert warnings == []
    assert again.groups == plan.groups
    assert again.locks == plan.locks
    assert again.grouping_bounds() == (35_000, 50_000) and again.grouping["seed"] == 7
    assert again.value("persons_per_dwelling") == 2.6
    pd.testing.assert_frame_equal(again.dataset.housing, plan.dataset.housing,
                                  check_dtype=False)
    assert again.dataset.hubs["latitude"].tolist() == pytest.approx(
        plan.dataset.hubs["latitude"].tolist())
