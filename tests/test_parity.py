"""One plan, one set of figures: a scenario opened in the window (File → Open scenario…)
shows the same Demand, Hubs and Groups figures as the command line and the PDF report
made from the same scenario file."""
from __future__ import annotations

import pandas as pd
import pytest

from cli import main
from geo.canonical import load_sample
from models import scenario as sc
from models.grouping import group_practices
from models.plan import Plan
from tests.test_report import pdf_pages_text

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    """Option B: 3 persons per dwelling, Lodge Hill in, a grouping at 35–50k, a hub moved."""
    plan = Plan(load_sample())
    plan.set_state("assumptions", plan.assumptions.with_value("persons_per_dwelling", 3.0))
    for site in plan.excluded_by_default():
        plan.set_value("housing", site, "include", True)
    plan.set_state("grouping", {**plan.grouping, "min_size": 35_000, "seed": 3})
    lo, hi = plan.grouping_bounds()
    plan.set_state("groups", group_practices(plan.dataset.practices, lo, hi, seed=3).mapping)
    hubs = plan.dataset.hubs.copy()
    hubs.loc[0, ["latitude", "longitude"]] = [51.392, 0.520]
    plan.set_state("hubs", hubs)
    path = tmp_path_factory.mktemp("parity") / "option-b.scenario.json"
    sc.save_scenario(sc.scenario_from_plan(plan, "Option B"), path)
    return path


@pytest.fixture(scope="module")
def shown(scenario_file):
    """What the window shows once the planner has opened the scenario from the File menu."""
    from PySide6.QtWidgets import QFileDialog

    from tests.gui_helpers import close_window, open_window, wait_until
    from tests.test_gui_plan import menu_action
    window = open_window(load_sample())
    wait_until(lambda: window.panels_ready, 30, "the planning panels")
    original = QFileDialog.getOpenFileName
    QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(scenario_file), ""))
    try:
        menu_action(window, "File", "Open scenario").trigger()
    finally:
        QFileDialog.getOpenFileName = original
    assert window.scenarios.name == "Option B"
    demand = window.demand_panel.result.totals().set_index("area").loc["Medway"]
    hubs = window.hubs_panel.model.frame.set_index("hub_id")["served_patients_with_growth"]
    groups = window.groups_panel.model.frame.set_index("group")["list_size"]
    figures = {"new_patients": float(demand["new_patients"]),
               "gp_wte": float(demand["gp_wte_needed"]),
               "hubs": hubs.round().astype(int).to_dict(),
               "groups": groups.astype(int).to_dict(),
               "bounds": (window.groups_panel.min_size.value(),
                          window.groups_panel.max_size.value())}
    close_window(window)
    return figures


def test_the_window_shows_the_scenario(shown):
    assert shown["new_patients"] == pytest.approx((3370 + 5000) * 3.0)
    assert shown["bounds"] == (35_000, 50_000)
    assert len(shown["groups"]) >= 5


def test_cli_demand_and_hubs_give_the_windows_figures(shown, scenario_file, tmp_path,
                                                      capsys):
    out = tmp_path / "demand.csv"
    assert main(["demand", "--scenario", str(scenario_file), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    medway = table[table["area"] == "Medway"]
    assert medway["new_patients"].sum() == pytest.approx(shown["new_patients"], abs=0.01)
    assert medway["gp_wte_needed"].iloc[-1] == pytest.approx(shown["gp_wte"], abs=1e-3)
    hubs_out = tmp_path / "hubs.csv"
    assert main(["hubs", "--scenario", str(scenario_file), "--add", "0", "--keep", "all",
                 "--out", str(hubs_out)]) == 0
    hubs = pd.read_csv(hubs_out, dtype={"hub_id": str}).set_index("hub_id")
    assert hubs["served_patients_with_growth"].to_dict() == shown["hubs"]
    by_group = tmp_path / "groups.csv"
    assert main(["demand", "--scenario", str(scenario_file), "--by", "group",
                 "--out", str(by_group)]) == 0
    areas = set(pd.read_csv(by_group)["area"]) - {"Medway"}
    assert areas == set(shown["groups"])
    capsys.readouterr()


def test_the_report_gives_the_windows_figures(shown, scenario_file, tmp_path, capsys):
    pdf = tmp_path / "option-b.pdf"
    assert main(["report", "--scenario", str(scenario_file), "--out", str(pdf)]) == 0
    capsys.readouterr()
    text = "\n".join(pdf_pages_text(pdf))
    assert "Scenario: Option B" in text
    assert f"{shown['new_patients']:,.0f} new patients" in text
    assert "Extended practice groups (35,000–50,000 patients)" in text
    for size in shown["groups"].values():
        assert f"{size:,}" in text
    for served in shown["hubs"].values():
        assert f"{served:,}" in text


def test_cli_export_writes_the_windows_groups_and_hubs(shown, scenario_file, tmp_path,
                                                       capsys):
    out = tmp_path / "option-b.xlsx"
    assert main(["export", "--scenario", str(scenario_file), "--out", str(out)]) == 0
    capsys.readouterr()
    groups = pd.read_excel(out, sheet_name="extended_groups").set_index("group")
    assert groups["list_size"].astype(int).to_dict() == shown["groups"]
    hubs = pd.read_excel(out, sheet_name="hubs", dtype={"hub_id": str}).set_index("hub_id")
    assert hubs["served_patients_with_growth"].round().astype(int).to_dict() == shown["hubs"]
