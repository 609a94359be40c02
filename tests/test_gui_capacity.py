"""The estate register and the Capacity tab as a planner uses them: the Estate table shows
a site with no register row as unknown, a cell typed into it changes the capacity chart and
gaps at once, Edit → Undo takes it back; the map colours sites by utilisation or condition
with a legend; the export writes the sheets."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.gui_helpers import js, tick_layer, wait_until
from tests.test_gui_plan import menu_action

pytestmark = pytest.mark.gui

PANEL = "capacity"


@pytest.fixture(autouse=True)
def _clean(undo_all):
    """Every test starts from the sample as loaded."""


def type_into(table, key: str, column: str, text: str) -> None:
    """Double-click-edit a cell as a person does: open its editor, type, press Enter."""
    row = table.model.row_of(table.key, key)
    col = [c.key for c in table.model.columns].index(column)
    index = table.proxy.mapFromSource(table.model.index(row, col))
    table.view.scrollTo(index)
    table.view.setCurrentIndex(index)
    table.view.edit(index)
    editor = table.view.indexWidget(index) or table.view.focusWidget()
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)


def shown(table, key: str, column: str) -> str:
    model = table.model
    col = [c.key for c in model.columns].index(column)
    return model.data(model.index(model.row_of(table.key, key), col))


def gap(window, area: str) -> str:
    areas = window.capacity_panel.result.areas.set_index("area")
    return areas.at[area, "gap_opens"]


def chart_titles(window) -> list[str]:
    return [ax.get_title() for ax in window.capacity_panel.figure.axes]


def test_the_capacity_chart_shows_utilisation_now_and_the_year_each_gap_opens(window):
    panel = window.capacity_panel
    assert window.capacity_dock.isVisible()
    assert "Utilisation now 65%" in panel.headline.text()
    assert "Strood 2018" in panel.headline.text() and "Chatham 2019" in panel.headline.text()
    titles = chart_titles(window)
    assert "Strood\ngap: 2018" in titles and "Medway\ngap: none by 2021" in titles
    strood = next(ax for ax in panel.figure.axes if ax.get_title().startswith("Strood"))
    labels = [line.get_label() for line in strood.get_lines()]
    assert "needed (room sessions)" in labels and "top-down (1.2 per 1,000)" in labels
    panel.tabs.setCurrentWidget(panel.gaps_view)
    model = panel.gaps
    row = model.row_of("area", "Strood")
    col = [c.key for c in model.columns].index("gap_opens")
    assert model.data(model.index(row, col)) == "2018"
    panel.by.setCurrentIndex(panel.by.findData("site"))        # the planner picks by site
    wait_until(lambda: panel.result.by == "site", what="by site")
    assert any(t.startswith("X80") for t in chart_titles(window))
    panel.by.setCurrentIndex(panel.by.findData("locality"))


def test_a_register_edit_in_the_estate_table_moves_the_gap_and_undo_puts_it_back(window,
                                                                                 dialogs):
    window.tabs.setCurrentWidget(window.estate_table)
    table = window.estate_table
    assert shown(table, "X80024", "register_text") == "no row — unknown"
    assert shown(table, "X80024", "clinical_rooms") == "unknown"
    assert gap(window, "Strood") == "2018"
    type_into(table, "X80001", "clinical_rooms", "40")          # Halling, in Strood
    wait_until(lambda: shown(table, "X80001", "clinical_rooms") == "40", what="edited")
    assert gap(window, "Strood").startswith("none by")
    assert "Strood\ngap: none by 2021" in chart_titles(window)
    assert window.workspace.undo_stack.undoText().startswith("Set clinical rooms of X80001")
    menu_action(window, "Edit", "Undo").trigger()
    wait_until(lambda: shown(table, "X80001", "clinical_rooms") == "1", what="undone")
    assert gap(window, "Strood") == "2018"
    # A site with no row gets one from its first edit; a bad value is refused, nothing changes.
    type_into(table, "X80024", "clinical_rooms", "10000")
    wait_until(lambda: ("warning", "Edit refused") in dialogs.asked, what="refused")
    assert "from 0 to 300" in dialogs.messages[-1]
    assert shown(table, "X80024", "register_text") == "no row — unknown"
    type_into(table, "X80024", "condition", "b")
    wait_until(lambda: shown(table, "X80024", "condition") == "B", what="row added")
    assert shown(table, "X80024", "register_text") == "yes"
    assert shown(table, "X80024", "clinical_rooms") == "unknown"    # still unknown, not 0


def test_details_shows_the_register_and_a_hub_capacity_comes_from_it(window):
    window.tabs.setCurrentWidget(window.estate_table)
    table = window.estate_table
    table.select_key("HLC-ROC")
    table._on_row("HLC-ROC")
    text = window.details.toPlainText()
    assert "Clinical rooms" in text and "Condition" in text
    before = window.dataset.hubs.set_index("hub_id").at["HLC-ROC", "capacity_patients"]
    QTest.mouseClick(table.hub_button, Qt.MouseButton.LeftButton)
    after = window.dataset.hubs.set_index("hub_id").at["HLC-ROC", "capacity_patients"]
    assert after != before and 1000 < after < 20000
    menu_action(window, "Edit", "Undo").trigger()
    assert window.dataset.hubs.set_index("hub_id").at["HLC-ROC",
                                                      "capacity_patients"] == before


def test_the_map_colours_sites_by_utilisation_or_condition_with_a_legend(window):
    from gui.capacity_panel import MAP_LAYER, MAP_TITLE
    panel = window.capacity_panel
    tick_layer(window, MAP_TITLE, True)
    wait_until(lambda: (js(window, "medway.counts()").get(MAP_LAYER) or 0) > 70,
               what="estate layer drawn")
    wait_until(lambda: MAP_TITLE in js(window, "medway.legendTitles()"), what="legend")
    colours = panel.site_colours()
    assert colours["X80024"][1] == "utilisation unknown"
    panel.colour.setCurrentIndex(panel.colour.findData("condition"))
    colours = panel.site_colours()
    assert colours["X80024"][1] == "unknown" and colours["X80001"][1].startswith("C")
    assert any("condition" in row[1] for row in panel.legend()["rows"])
    tick_layer(window, MAP_TITLE, False)
    panel.colour.setCurrentIndex(panel.colour.findData("utilisation"))


def test_export_writes_the_capacity_sheets(window, tmp_path):
    out = tmp_path / "capacity.xlsx"
    assert window.capacity_panel.export(str(out))
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"Capacity by year", "Capacity areas", "Estate register"} <= set(sheets)
    assert sheets["Capacity assumptions"]["source"].notna().all()
