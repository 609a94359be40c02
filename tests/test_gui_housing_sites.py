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
