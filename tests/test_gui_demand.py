"""The Demand panel: the plan's 8,088, live toggles and edits, traceable numbers."""
from __future__ import annotations

import pytest

from tests.gui_helpers import js, wait_until

pytestmark = pytest.mark.gui


PANEL = "demand"


@pytest.fixture(autouse=True)
def _clean(undo_all):
    """Every test starts from the sample as loaded."""


def medway_total(window, measure="new_patients"):
    return window.demand_panel.result.totals().set_index("area").at["Medway", measure]


def test_panel_shows_the_operational_plan_figure(window):
    panel = window.demand_panel
    assert medway_total(window) == pytest.approx(8088)          # 3,370 × 2.4
    assert "8,088 new patients" in panel.headline.text()
    assert "2.4 persons" in panel.headline.text()
    t = panel.results.frame
    areas = t[t["area"] != "Medway"]
    assert areas["new_patients"].sum() == pytest.approx(t[t["area"] == "Medway"][
        "new_patients"].sum())
    assert panel.last_ms < 500          # the goal (≤ 50 ms) is measured in benchmarks/


def test_switching_lodge_hill_on_changes_the_total_live_and_undo_restores(window):
    panel = window.demand_panel
    panel.lodge.setChecked(True)
    assert medway_total(window) == pytest.approx(20088)          # + 5,000 × 2.4
    assert window.dataset.housing.set_index("site_id").at["H16", "include"]
    window.workspace.undo_stack.undo()
    assert medway_total(window) == pytest.approx(8088)


def test_editing_an_assumption_recomputes_and_marks_it_edited(window):
    panel = window.demand_panel
    model = panel.assumption_model
    row = model.row_of("key", "persons_per_dwelling")
    col = [c.key for c in model.columns].index("value used")
    assert model.setData(model.index(row, col), "2.5")
    assert medway_total(window) == pytest.approx(3370 * 2.5)
    assert model.frame.at[model.row_of("key", "persons_per_dwelling"), "edited"]
    window.workspace.undo_stack.undo()
    assert medway_total(window) == pytest.approx(8088)


def test_a_zero_patients_per_gp_is_refused_and_nothing_changes(window):
    panel = window.demand_panel
    model = panel.assumption_model
    before = medway_total(window, "gp_wte_needed")
    row = model.row_of("key", "patients_per_gp_wte")
    col = [c.key for c in model.columns].index("value used")
    assert not model.setData(model.index(row, col), "0")
    assert "patients" in window.last_error.lower()
    assert medway_total(window, "gp_wte_needed") == before
    assert not window.workspace.undo_stack.canUndo()


def test_every_assumption_shown_has_a_unit_and_a_source(window):
    frame = window.demand_panel.assumption_model.frame
    assert (frame["source"].str.len() > 10).all()
    assert (frame["unit"].str.len() > 0).all()


def test_demand_shading_is_drawn_on_the_map_by_locality(window):
    wait_until(lambda: js(window, "medway.counts().demand") == 6, what="choropleth")


def test_export_writes_the_table_and_assumptions(window, tmp_path):
    import pandas as pd
    out = tmp_path / "demand.xlsx"
    assert window.demand_panel.export(str(out))
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets)[0] == "Cover"
    assert {"demand_by_locality", "demand_by_locality_total", "assumptions"} <= set(sheets)
    total = sheets["demand_by_locality_total"]
    assert total["new_patients_in_year"].iloc[-1] == pytest.approx(8088)
    assert sheets["demand_by_locality"]["new_patients_in_year"].sum() == pytest.approx(8088)
    assert sheets["assumptions"]["source"].notna().all()


def edit_cell(table, key: str, column: str, value) -> bool:
    """Type into a table cell as a user would (the view's model, through the proxy)."""
    model = table.model
    col = [c.key for c in model.columns].index(column)
    return model.setData(model.index(model.row_of(table.key, key), col), value)


def test_a_good_edit_clears_the_previous_error_from_the_status_bar(window):
    assert not edit_cell(window.practices_table, "X80003", "list_size", "lots")
    assert "whole number" in window.statusBar().currentMessage()
    assert edit_cell(window.practices_table, "X80003", "list_size", "5000")
    assert "whole number" not in window.statusBar().currentMessage()


def test_unknown_gp_wte_reads_unknown_never_nan(window):
    mains = window.dataset.main_practices()["practice_code"].tolist()
    window.workspace.set_values("practices", [(c, "gp_wte", "") for c in mains],
                                "GP WTE not known")
    text = window.demand_panel.headline.text()
    assert "nan" not in text.lower()
    assert "ratio today: unknown" in text


def test_the_excluded_sites_box_names_what_the_data_holds(window, dialogs, sample_copy):
    from tests.gui_helpers import menu_action
    box = window.demand_panel.lodge
    assert "(Lodge Hill" in box.text() and box.isEnabled()
    housing = (sample_copy / "housing_sites.csv").read_text(encoding="utf-8")
    (sample_copy / "housing_sites.csv").write_text(housing.replace(",false,", ",true,"),
                                                   encoding="utf-8")
    dialogs.folder = str(sample_copy)
    try:
        menu_action(window, "File", "Open data folder").trigger()
        assert "Lodge Hill" not in box.text() and "none in this data" in box.text()
        assert not box.isEnabled()
    finally:
        menu_action(window, "File", "Open the illustrative sample").trigger()
    assert "(Lodge Hill" in box.text()


def test_a_sites_phasing_is_edited_in_the_housing_table_and_undone(window):
    table = window.housing_table
    window.tabs.setCurrentWidget(table)
    before = medway_total(window, "gp_wte_needed")
    model = table.model
    col = [c.key for c in model.columns].index("build_years")

    def shown(site):
        return model.index(model.row_of("site_id", site), col).data()
    assert shown("H16") == "10"                       # Lodge Hill: over 10 years
    window.demand_panel.lodge.setChecked(True)        # Lodge Hill in
    with_site = window.demand_panel.result.table
    assert edit_cell(table, "H16", "build_years", "20")
    assert shown("H16") == "20"
    slower = window.demand_panel.result.table
    first = 2019                                      # Lodge Hill's first year
    assert slower[slower["year"] == first]["new_dwellings"].sum() < \
        with_site[with_site["year"] == first]["new_dwellings"].sum()
    assert edit_cell(table, "H16", "build_years", "")
    assert shown("H16") == "default (5)"              # blank: the default, said so
    assert edit_cell(table, "H16", "start_year", "2019")
    assert not edit_cell(table, "H01", "start_year", "2019")        # given year by year
    assert "year by year" in window.statusBar().currentMessage()
    assert not edit_cell(table, "H16", "build_years", "0")
    for _ in range(4):
        window.undo_action.trigger()
    assert shown("H16") == "10"
    assert medway_total(window, "gp_wte_needed") == pytest.approx(before)


def test_years_read_as_years(window):
    model = window.housing_table.model
    col = [c.key for c in model.columns].index("start_year")
    assert model.index(model.row_of("site_id", "H16"), col).data() == "2019"   # not 2,019


def test_with_no_housing_growth_the_charts_say_so(window, dialogs, sample_copy):
    """A folder with no housing site: the charts say there is nothing to chart, not bare
    axes from 0 to 1."""
    from rendering.charts import NOTHING
    from tests.gui_helpers import menu_action
    lines = (sample_copy / "housing_sites.csv").read_text(encoding="utf-8").splitlines()
    (sample_copy / "housing_sites.csv").write_text(lines[0] + "\n", encoding="utf-8")
    dialogs.folder = str(sample_copy)
    try:
        menu_action(window, "File", "Open data folder").trigger()
        wait_until(lambda: "0 new patients" in window.demand_panel.headline.text(),
                   what="the demand for no housing")
        figure = window.demand_panel.canvas.figure
        notes = [t.get_text() for ax in figure.axes for t in ax.texts]
        assert notes.count(NOTHING) == 2
        assert all(not ax.get_yticks().size for ax in figure.axes)
    finally:
        menu_action(window, "File", "Open the illustrative sample").trigger()


def test_the_trend_is_existing_pressure_on_its_own_line(window):
    panel = window.demand_panel
    before = medway_total(window, "capital_cost_gbp")
    panel.trend.click()
    head = panel.headline.text()
    assert "Existing pressure (not attributable to new dwellings" in head
    assert "8,088 new patients" in head
    # the new dwellings' £ is not changed by the trend
    assert medway_total(window, "capital_cost_gbp") == pytest.approx(before)
    assert medway_total(window, "existing_capital_gbp") > 0
    panel.trend.click()
    assert "Existing pressure" not in panel.headline.text()


def test_by_group_uses_the_plans_one_grouping(window):
    """The area chooser's "by extended group" takes the grouping the CLI and the PDF use
    (Plan.groups_everywhere), and says where it came from."""
    panel = window.demand_panel
    groups, note = panel.ws.plan.groups_everywhere()
    panel.by.setCurrentIndex(panel.by.findData("group"))
    try:
        wait_until(lambda: panel.result is not None and panel.result.by == "group")
        assert sorted(panel.result.areas) == sorted(set(groups.values()))
        assert f"Extended groups: {note}" in panel.headline.text()
        t = panel.results.frame
        assert set(t["area"]) - {"Medway"} == set(groups.values())
    finally:
        panel.by.setCurrentIndex(panel.by.findData("locality"))
        wait_until(lambda: panel.result.by == "locality")
