"""The window on a folder imported from the real Medway files plus payments, workforce and
deprivation: GP supply, need, deprivation and the estate proxy are shown, unknowns as
'unknown' (never 0, 'nan' or blank)."""
from __future__ import annotations

import re

import pytest

from tests.gui_helpers import close_window, open_window
from tests.test_supply_real import imported_folder


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    from geo.canonical import load_folder
    out = imported_folder(tmp_path_factory)
    w = open_window(load_folder(out))
    yield w
    w.workspace.undo_stack.setClean()        # the tests' edits are not to be saved
    close_window(w)


def _cell(table, key: str, header: str) -> str:
    model = table.model
    row = model.row_of(table.key, key)
    col = [c.header for c in model.columns].index(header)
    return model.data(model.index(row, col))


def test_practices_table_shows_supply_and_unknowns(window):
    t = window.practices_table
    assert _cell(t, "G82133", "List size") == "unknown"      # not in the 2021 list file
    assert _cell(t, "G82133", "GPs") == "unknown"
    assert _cell(t, "G82014", "GPs") not in ("unknown", "", "0.0")
    assert re.fullmatch(r"[\d,]+", _cell(t, "G82014", "Need-weighted list"))
    assert _cell(t, "G82014", "Premises £/yr").startswith("£")
    assert re.fullmatch(r"\d+\.\d", _cell(t, "G82014", "IMD score"))
    assert _cell(t, "G82014-B1", "GPs") == "—"                 # a branch: not applicable
    assert _cell(t, "G82014-B1", "List size") == "—"           # on its parent's list, not 0
    gp_wte = {_cell(t, k, "GP WTE") for k in window.dataset.main_practices()["practice_code"]}
    assert gp_wte == {"unknown"}                              # blank in the real files


def test_localities_table_and_details(window):
    t = window.localities_table
    assert re.fullmatch(r"\d+\.\d FTE est\.( \(\d+ unknown\))?", _cell(t, "Chatham", "GPs"))
    assert re.search(r"-?\d+\.\d \(-?\d+\.\d to -?\d+\.\d\)",
                     _cell(t, "Chatham", "GPs short of benchmark"))
    t.select_key("Chatham")
    window.details.show_item(window.dataset, "localities", "Chatham")
    text = window.details.toPlainText()
    assert "Deprivation (IMD score)" in text and "Premises payments" in text
    assert not re.search(r"\bnan\b", text, re.I)
    window.details.show_item(window.dataset, "practices", "G82133")
    text = window.details.toPlainText()
    assert re.search(r"Registered patients\s+unknown", text)
    assert re.search(r"GPs\s+unknown", text)


def test_demand_panel_headline_and_need_weighting(window):
    panel = window.demand_panel
    head = panel.headline.text()
    assert "per new resident" in head and "BELOW the comparison band" in head
    assert "nan" not in head.lower() and "0.0 GP WTE" not in head
    assert "patients per GP (" in head
    panel.weighted.click()
    assert panel.assumptions.options["need_weighted_lists"] is True
    assert "need-weighted lists" in panel.headline.text()
    panel.weighted.click()
    assert panel.assumptions.options["need_weighted_lists"] is False
    panel.shade.setCurrentIndex(panel.shade.findData("imd_score"))   # deprivation shading
    assert panel.shade.currentText() == "Map: deprivation (IMD)"


def test_phasing_is_editable_in_the_demand_panel(window):
    panel = window.demand_panel
    assert "783 dwellings" in panel.headline.text()
    panel.range_end.setCurrentIndex(panel.range_end.findData("low"))   # bottom of ranges
    assert "663 dwellings" in panel.headline.text()
    assert "low end of each site's range" in panel.headline.text()
    panel.build_years.setValue(3)
    panel.build_years.editingFinished.emit()
    assert "over 3 years (set by the user)" in panel.headline.text()
    panel.range_end.setCurrentIndex(panel.range_end.findData("high"))
    panel.build_years.setValue(0)
    panel.build_years.editingFinished.emit()
    assert "783 dwellings" in panel.headline.text()


def test_trend_simple_method_from_the_panel_gives_the_plans_14_percent(window):
    panel = window.demand_panel
    panel.trend.click()
    panel.trend_method.setCurrentIndex(panel.trend_method.findData("simple"))
    head = panel.headline.text()
    assert "simple: the period's rise spread evenly, 2.81% of the base length a year" in head
    assert "on the whole registered list" in head
    panel.trend_method.setCurrentIndex(panel.trend_method.findData("compound"))
    panel.trend.click()
    assert "trend not applied" in panel.headline.text()


def test_the_opening_map_on_the_real_import_reads_clearly(window):
    """Issue #24: localities, practices, hubs and groups; hub catchments and the compared
    grouping (the PCNs) only when asked."""
    from tests.test_gui_workshop import opening_map_reads_clearly
    opening_map_reads_clearly(window)


def test_sites_without_permission_are_counted_wherever_the_projection_shows(window):
    """Issue #24: the register's 'not permissioned' sites are in projections as imported,
    and the Housing sites table and the Demand headline say so, with their dwellings."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from tests.gui_helpers import wait_until
    housing = window.dataset.housing
    bare = housing[housing["status"] == "not permissioned"]
    assert len(bare) == 10 and bare["include"].all()            # the 2019 register
    sid = bare["site_id"].iloc[0]
    t = window.housing_table
    window.tabs.setCurrentWidget(t)
    assert _cell(t, sid, "Status") == "not permissioned · in projections"
    window.show_panel("demand")
    headline = window.demand_panel.headline
    assert f"10 sites not permissioned ({int(bare['dwellings'].sum()):,} dwellings)" in \
        headline.text()
    # Leave one out as a planner does: its In projections box, then Space.
    col = [c.key for c in t.model.columns].index("include")
    index = t.proxy.mapFromSource(t.model.index(t.model.row_of("site_id", sid), col))
    t.view.scrollTo(index)
    QTest.mouseClick(t.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, t.view.visualRect(index).center())
    QTest.keyClick(t.view, Qt.Key.Key_Space)
    try:
        wait_until(lambda: _cell(t, sid, "Status") == "not permissioned · left out",
                   what="the site left out")
        rest = int(bare["dwellings"].sum() - bare["dwellings"].iloc[0])
        assert f"9 sites not permissioned ({rest:,} dwellings)" in headline.text()
    finally:
        window.workspace.undo_stack.undo()
    assert _cell(t, sid, "Status") == "not permissioned · in projections"
