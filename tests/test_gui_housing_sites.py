"""Housing sites added and removed in the window: the form answered as a person would, the
table, the demand figures and the map follow, Undo takes each back, scenarios keep them."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from geo.canonical import load_sample
from models import scenario as sc
from tests.gui_helpers import js, wait_until
from tests.test_gui_plan import menu_action

pytestmark = pytest.mark.gui

PANEL = "demand"


@pytest.fixture(autouse=True)
def _clean(undo_all):
    """Every test starts from the sample as loaded."""


def medway(window):
    return window.demand_panel.result.totals().set_index("area").at["Medway", "new_patients"]


def fill_site_form(name: str, dwellings: int, start_year: int) -> None:
    """When the form opens, type into it and press OK (as a planner would)."""
    def answer():
        from gui.housing_sites import SiteDialog
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SiteDialog):
            QTimer.singleShot(20, answer)
            return
        QTest.keyClicks(dialog.name, name)
        for box, value in ((dialog.dwellings, dwellings), (dialog.start_year, start_year)):
            box.selectAll()
            QTest.keyClicks(box, str(value))
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        QTest.mouseClick(ok, Qt.MouseButton.LeftButton)
    QTimer.singleShot(20, answer)


def map_housing_ids(window) -> set[str]:
    return set(js(window, "(function(){var out=[];medway.layers['housing'].eachLayer("
                          "function(l){out.push(l.feature.properties.id)});return out})()"))


def test_a_site_added_from_the_table_counts_everywhere_and_undoes(window):
    window.tabs.setCurrentWidget(window.housing_table)
    before = medway(window)
    fill_site_form("Riverside Quarter", 400, 2018)
    QTest.mouseClick(window.housing_sites.add_button, Qt.MouseButton.LeftButton)
    housing = window.dataset.housing.set_index("site_id")
    new = housing[housing["name"] == "Riverside Quarter"]
    assert len(new) == 1 and int(new["dwellings"].iloc[0]) == 400
    site = new.index[0]
    assert window.housing_table.model.row_of("site_id", site) is not None
    assert medway(window) == pytest.approx(before + 400 * 2.4)
    wait_until(lambda: site in map_housing_ids(window), 10, "the new site on the map")
    menu_action(window, "Edit", "Undo").trigger()
    assert site not in set(window.dataset.housing["site_id"])
    assert medway(window) == pytest.approx(before)


def test_a_removed_site_leaves_the_projections_and_undo_brings_it_back(window):
    window.tabs.setCurrentWidget(window.housing_table)
    before = medway(window)
    site = window.dataset.housing.loc[window.dataset.housing["include"], "site_id"].iloc[0]
    dwellings = int(window.dataset.housing.set_index("site_id").at[site, "dwellings"])
    assert window.housing_table.select_key(site)
    QTest.mouseClick(window.housing_sites.remove_button, Qt.MouseButton.LeftButton)
    assert site not in set(window.dataset.housing["site_id"])
    assert medway(window) == pytest.approx(before - dwellings * 2.4)
    menu_action(window, "Edit", "Undo").trigger()
    assert site in set(window.dataset.housing["site_id"])
    assert medway(window) == pytest.approx(before)


def test_added_and_removed_sites_survive_a_scenario(window, tmp_path):
    window.tabs.setCurrentWidget(window.housing_table)
    fill_site_form("Hoo Fields", 250, 2019)
    QTest.mouseClick(window.housing_sites.add_button, Qt.MouseButton.LeftButton)
    gone = window.dataset.housing["site_id"].iloc[0]
    window.housing_table.select_key(gone)
    QTest.mouseClick(window.housing_sites.remove_button, Qt.MouseButton.LeftButton)
    path = tmp_path / "sites.scenario.json"
    sc.save_scenario(window.scenarios.current("Sites"), path)
    plan, warnings = sc.plan_from_scenario(sc.load_scenario(path), load_sample())
    assert warnings == []
    names = set(plan.dataset.housing["name"])
    assert "Hoo Fields" in names and gone not in set(plan.dataset.housing["site_id"])
    assert plan.project_demand().totals().set_index("area").at["Medway", "new_patients"] == \
        pytest.approx(medway(window))


def _when_form_opens(act) -> dict:
    """Run ``act(dialog)`` once the Add site form is up (it is modal); what it returns
    is kept in the dict returned (asserted after the form has closed)."""
    seen: dict = {}

    def answer():
        from gui.housing_sites import SiteDialog
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SiteDialog):
            QTimer.singleShot(20, answer)
            return
        seen.update(act(dialog) or {})
    QTimer.singleShot(20, answer)
    return seen


def _press_ok(dialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    QTest.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_right_click_on_the_map_adds_a_housing_site_there(window):
    from tests.gui_helpers import click_map, land_point
    lat, lon = land_point(window, "Rochester")
    before = medway(window)

    def fill(dialog):
        shown = (dialog.latitude.value(), dialog.longitude.value())
        QTest.keyClicks(dialog.name, "Star Hill Yard")
        dialog.dwellings.selectAll()
        QTest.keyClicks(dialog.dwellings, "120")
        _press_ok(dialog)
        return {"shown": shown}
    window.map_menu = None
    click_map(window, lat, lon, Qt.MouseButton.RightButton)
    wait_until(lambda: getattr(window, "map_menu", None) is not None, what="the map's menu")
    menu = window.map_menu
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["Add housing site here…", "New application here…"]
    seen = _when_form_opens(fill)
    menu.actions()[0].trigger()
    menu.close()
    assert seen["shown"] == (pytest.approx(lat, abs=1e-4), pytest.approx(lon, abs=1e-4))
    housing = window.dataset.housing.set_index("name")
    site = housing.loc["Star Hill Yard"]
    assert (site["latitude"], site["longitude"]) == (pytest.approx(lat, abs=1e-4),
                                                     pytest.approx(lon, abs=1e-4))
    assert site["locality"] == "Rochester" and int(site["dwellings"]) == 120
    assert medway(window) == pytest.approx(before + 120 * 2.4)
    assert window.workspace.undo_stack.undoText() == "Add housing site Star Hill Yard"
    menu_action(window, "Edit", "Undo").trigger()
    assert "Star Hill Yard" not in set(window.dataset.housing["name"])


def test_a_postcode_places_the_site_and_a_bad_one_is_one_line(window, dialogs, tmp_path):
    """OS Code-Point Open as published (no header; postcode, quality, easting, northing)."""
    from geo.crs import to_bng
    from tests.gui_helpers import land_point
    lat, lon = land_point(window, "Gillingham")
    x, y = to_bng([lon], [lat])
    codepoint = tmp_path / "me.csv"
    codepoint.write_text(f'"ME7 9ZX",10,{x[0]:.0f},{y[0]:.0f},"E92000001","E19000002"\n'
                         '"ME7 9ZY",90,0,0,"E92000001","E19000002"\n', encoding="utf-8")
    dialogs.open_path = str(codepoint)
    sites = len(window.dataset.housing)

    def fill(dialog):
        out = {"start": (dialog.latitude.value(), dialog.longitude.value())}
        QTest.keyClicks(dialog.name, "Gillingham Gate")
        QTest.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        QTest.keyClicks(dialog.postcode, "ZZ9 9ZZ")
        QTest.mouseClick(dialog.place_button, Qt.MouseButton.LeftButton)
        out["bad"] = dialog.message.text()
        out["after_bad"] = (dialog.latitude.value(), dialog.longitude.value())
        _press_ok(dialog)                        # refused: the form stays open
        out["still_open"] = dialog.isVisible()
        dialog.postcode.selectAll()
        QTest.keyClicks(dialog.postcode, "me7 9zx")
        QTest.keyClick(dialog.postcode, Qt.Key.Key_Return)     # Enter places, then adds
        out["good"] = dialog.message.text()
        return out
    seen = _when_form_opens(fill)
    window.tabs.setCurrentWidget(window.housing_table)
    QTest.mouseClick(window.housing_sites.add_button, Qt.MouseButton.LeftButton)
    assert "ZZ9 9ZZ" in seen["bad"] and "not in this file" in seen["bad"]
    assert "\n" not in seen["bad"] and "me.csv" in seen["bad"]
    assert seen["after_bad"] == seen["start"] and seen["still_open"]
    assert "ME7 9ZX" in seen["good"]
    site = window.dataset.housing.set_index("name").loc["Gillingham Gate"]
    assert (site["latitude"], site["longitude"]) == (pytest.approx(lat, abs=1e-4),
                                                     pytest.approx(lon, abs=1e-4))
    assert site["locality"] == "Gillingham" and len(window.dataset.housing) == sites + 1
    menu_action(window, "Edit", "Undo").trigger()
    assert len(window.dataset.housing) == sites
