"""The PDF's hubs page counts growth as the demand pages do and says why (issue #20): on
the sample (no list date) every included dwelling counts, and the page says so; on the real
2026-04 lists every completion is already in the list, so with growth = now, said."""
from __future__ import annotations

import pytest

from tests.test_hub_growth_attributable import real_2026  # noqa: F401 (fixture)


def _hubs_page(plan):
    from rendering.report import board_report
    return next(s for s in board_report(plan) if s.title.startswith("Hubs: catchments"))


def test_sample_hubs_page_growth_follows_demand(sample_dir):
    from geo.canonical import load_folder
    from models.plan import Plan
    plan = Plan(load_folder(sample_dir))
    page = _hubs_page(plan)
    assert page.table["Patients with growth"].sum() - page.table["Patients now"].sum() == \
        pytest.approx(plan.demand_points()["new_patients"].sum(), abs=len(page.table))
    assert any("list sizes' date is not recorded" in n for n in page.notes)


@pytest.mark.slow
def test_real_2026_hubs_page_adds_nobody_and_says_why(real_2026):  # noqa: F811
    from geo.canonical import load_folder
    from models.plan import Plan
    page = _hubs_page(Plan(load_folder(real_2026)))
    assert (page.table["Patients with growth"] == page.table["Patients now"]).all()
    assert any("already in the list" in n for n in page.notes)


@pytest.mark.slow
def test_real_report_says_which_housing_has_no_planning_permission(real_2026):  # noqa: F811
    """Issue #24: the register's sites without permission are in projections and the PDF's
    opening page says so, with their dwellings (as the Demand headline does)."""
    from geo.canonical import load_folder
    from models.plan import Plan
    from rendering.report import board_report
    intro = board_report(Plan(load_folder(real_2026)))[0].text
    assert "without planning permission" in intro
    assert "10 sites not permissioned (519 dwellings)" in intro
    assert "4 sites pending decision (106 dwellings)" in intro
    assert "untick" not in intro                       # no window hint in a board paper
