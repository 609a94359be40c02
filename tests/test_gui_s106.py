"""Contribution request… in the window: reached from the Housing sites table (button and
right-click) and from a right-click on the map, practices ticked in and out (undoable,
saved in the scenario) and the pack exported, as a planner does it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.gui_helpers import click_map, click_widget, land_point, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _clean(window, undo_all):
    """Every test starts from the sample as loaded, with no request open."""
    yield
    dialog = getattr(window, "contribution_dialog", None)
    if dialog is not None:
        dialog.close()


def open_from_table(window, site: str):
    window.tabs.setCurrentWidget(window.housing_table)
    assert window.housing_table.select_key(site)
    click_widget(window.housing_sites.contribution_button)
    dialog = window.contribution_dialog
    wait_until(dialog.isVisible, what="the contribution dialog")
    return dialog


def ticks(dialog) -> dict[str, bool]:
    t = dialog.table
    return {t.item(i, 0).data(Qt.ItemDataRole.UserRole):
            t.item(i, 0).checkState() == Qt.CheckState.Checked for i in range(t.rowCount())}


def test_housing_table_button_opens_the_request_and_ticks_are_undoable(window):
    dialog = open_from_table(window, "H05")
    assert "Rochester Riverside" in dialog.windowTitle()
    assert "No contribution justified" in dialog.figures.text()
    before = ticks(dialog)
    counted = [c for c, on in before.items() if on]
    assert len(counted) == 9 and not all(before.values())   # 9 within 2 km, some beyond
    # untick the nearest practice: select its box and press Space, as a person would
    dialog.table.setCurrentCell(0, 0)
    QTest.keyClick(dialog.table, Qt.Key.Key_Space)
    first = dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole)
    assert ticks(dialog)[first] is False
    assert window.workspace.plan.contribution["H05"] == {"in": [], "out": [first]}
    assert window.workspace.undo_stack.undoText().startswith(f"Tick {first} out of")
    window.workspace.undo_stack.undo()
    assert ticks(dialog) == before and window.workspace.plan.contribution == {}


def test_the_figures_follow_an_edit_of_the_site(window):
    dialog = open_from_table(window, "H05")
    window.workspace.set_value("housing", "H05", "dwellings", 600)
    assert dialog.app.dwellings == 600
    assert "New patients 1,440" in dialog.figures.text()


def test_right_click_on_a_site_offers_the_request(window):
    window.tabs.setCurrentWidget(window.housing_table)
    view = window.housing_table.view
    row = window.housing_table.proxy.mapFromSource(
        window.housing_table.model.index(window.housing_table.model.row_of("site_id", "H11"),
                                         0)).row()
    pos = view.visualRect(view.model().index(row, 1)).center()
    QApplication.sendEvent(view.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos)))
    menu = window.housing_sites.menu
    wait_until(menu.isVisible, what="the table's menu")
    action = next(a for a in menu.actions() if a.text() == "Contribution request…")
    action.trigger()
    menu.close()
    dialog = window.contribution_dialog
    assert "Rainham Mark" in dialog.windowTitle() and dialog.isVisible()


def test_unticking_the_practices_with_room_turns_it_into_a_request(window):
    dialog = open_from_table(window, "H05")
    assert "No contribution justified" in dialog.figures.text()
    spare = dict(zip(dialog.frame["practice_code"], dialog.frame["spare_patients"]))
    for row in range(dialog.table.rowCount()):
        item = dialog.table.item(row, 0)
        code = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked and spare[code] > 0:
            dialog.table.setCurrentCell(row, 0)
            QTest.keyClick(dialog.table, Qt.Key.Key_Space)
    assert "Request: £" in dialog.figures.text()
    assert "spare capacity 0" in dialog.figures.text()


def test_export_pack_writes_the_pdf_and_workings(window, dialogs, tmp_path):
    dialog = open_from_table(window, "H07")
    dialogs.save_path = str(tmp_path / "chatham.pdf")
    click_widget(dialog.export_button)
    task = dialog.task
    assert task is not None
    wait_until(lambda: not task.running, 120, "the pack to be written")
    assert (tmp_path / "chatham.pdf").stat().st_size > 10_000
    assert (tmp_path / "chatham.xlsx").exists()
    assert "Saved the 4-page pack" in dialog.figures.text()


def test_right_click_on_the_map_opens_a_new_application(window):
    lat, lon = land_point(window, "Chatham")
    window.map_menu = None
    click_map(window, lat, lon, Qt.MouseButton.RightButton)
    wait_until(lambda: getattr(window, "map_menu", None) is not None, what="the map's menu")
    menu = window.map_menu
    action = next(a for a in menu.actions() if a.text() == "New application here…")
    action.trigger()
    menu.close()
    dialog = window.contribution_dialog
    assert dialog.isVisible() and dialog.new
    assert dialog.app.latitude == pytest.approx(lat, abs=1e-3)
    dialog.dwellings.selectAll()
    QTest.keyClicks(dialog.dwellings, "350")
    QTest.keyClick(dialog.dwellings, Qt.Key.Key_Tab)
    assert dialog.app.dwellings == 350
    assert "New patients 840" in dialog.figures.text()


def test_the_catchment_can_be_counted_by_drive_time_and_the_pack_says_so(
        window, dialogs, tmp_path):
    """The sample has roads: Catchment → Drive time counts practices by road, in the
    figures and in the workings exported."""
    import openpyxl
    dialog = open_from_table(window, "H05")
    assert "km (straight line)" in dialog.heading.text()
    assert dialog.by.model().item(1).isEnabled()
    dialog.by.setFocus()
    QTest.keyClick(dialog.by, Qt.Key.Key_Down)          # Straight line → Drive time
    assert dialog.by.currentData() == "drive"
    assert "minutes' drive by road" in dialog.heading.text()
    assert any(" min" in dialog.table.item(i, 2).text() for i in range(dialog.table.rowCount()))
    assert dialog.result is not None and dialog.result.mode == "drive"
    dialogs.save_path = str(tmp_path / "by-road.pdf")
    click_widget(dialog.export_button)
    task = dialog.task
    wait_until(lambda: (tmp_path / "by-road.xlsx").exists() and not task.running, 120,
               "the pack")
    book = openpyxl.load_workbook(tmp_path / "by-road.xlsx")
    text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row
                    if c.value is not None)
    assert "catchment_drive_minutes" in text
