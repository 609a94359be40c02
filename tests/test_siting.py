"""One siting interface (models/hubs/siting.py): an objective, a problem built from arrays or
from the plan, ``.solve()`` with a bound; the window and the command line both use it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from cli import main as cli_main
from geo.canonical import load_sample
from geo.dataset import HUB_COLUMNS
from models.hubs.siting import Objective, SitingProblem
from models.plan import Plan
from tests.gui_helpers import wait_until

PANEL = "hubs"


def test_a_problem_from_arrays_solves_with_its_bound():
    demand = pd.DataFrame({"x": [0.0, 1000.0, 10_000.0, 11_000.0],
                           "y": [0.0, 0.0, 0.0, 0.0],
                           "patients_now": [100.0, 100.0, 100.0, 100.0]})
    from geo.crs import to_wgs84
    lon, lat = to_wgs84(np.array([500.0, 10_500.0, 5000.0]) + 500_000,
                        np.array([0.0, 0.0, 0.0]) + 170_000)
    demand[["x", "y"]] += [500_000, 170_000]
    candidates = pd.DataFrame({"candidate_id": ["A", "B", "C"], "name": ["A", "B", "C"],
                               "kind": "practice", "longitude": lon, "latitude": lat})
    problem = SitingProblem(demand, pd.DataFrame(columns=HUB_COLUMNS), candidates, 2,
                            Objective.straight_line())
    plan = problem.solve()
    assert sorted(plan.added["candidate_id"]) == ["A", "B"]
    assert plan.objective_after_km == pytest.approx(0.5, abs=0.01)
    assert plan.lower_bound_km <= plan.objective_after_km + 1e-9
    assert Objective.straight_line().unit == "km" and Objective().mode == "straight"


def test_the_grid_spacing_is_the_plans_assumption():
    plan = Plan(load_sample())
    fine = plan.siting_problem(1, candidates="grid")
    plan.set_state("assumptions", plan.assumptions.with_value("candidate_grid_km", 2.0))
    coarse = plan.siting_problem(1, candidates="grid")
    assert 0 < len(coarse.candidates) < len(fine.candidates) / 2


def test_plan_suggest_hubs_adds_k_sites_and_says_how_good_they_are():
    result = Plan(load_sample()).suggest_hubs(2)
    assert len(result.added) == 2
    assert result.objective_after_km < result.objective_before_km
    assert "Patient-weighted mean" in result.summary()


@pytest.fixture
def calls(monkeypatch):
    """Every siting problem built from a plan, and solved."""
    seen = []
    real_from_plan, real_solve = SitingProblem.from_plan.__func__, SitingProblem.solve

    def from_plan(cls, plan, k, **kw):
        seen.append(("from_plan", k))
        return real_from_plan(cls, plan, k, **kw)

    def solve(self, **kw):
        seen.append(("solve", self.k))
        return real_solve(self, **kw)
    monkeypatch.setattr(SitingProblem, "from_plan", classmethod(from_plan))
    monkeypatch.setattr(SitingProblem, "solve", solve)
    return seen


def test_the_command_line_uses_the_plans_siting_problem(calls, capsys):
    assert cli_main(["hubs", "--add", "1"]) == 0
    assert calls == [("from_plan", 1), ("solve", 1)]
    assert "Patient-weighted mean" in capsys.readouterr().out


@pytest.mark.gui
def test_the_windows_suggest_sites_uses_the_same_entry_point(window, calls, undo_all):
    panel = window.hubs_panel
    panel.k.setValue(1)
    QTest.mouseClick(panel.suggest_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.plan is not None and panel.suggest_button.isEnabled(), 60,
               "the suggestion")
    assert calls == [("from_plan", 1), ("solve", 1)]
    assert len(panel.plan.added) == 1
