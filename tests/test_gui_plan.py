"""The window shows the Plan and nothing else: controls follow undo/redo, and background
results for a plan that has changed since are dropped — driven as a person would."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.gui_helpers import wait_until

pytestmark = pytest.mark.gui

PANEL = "demand"


@pytest.fixture(autouse=True)
def _clean(undo_all):
    """Every test starts from the sample as loaded."""


def menu_action(window, menu_title: str, text: str):
    """The action a person would click: found in the menu bar by its visible text."""
    for top in window.menuBar().actions():
        if top.text().replace("&", "") == menu_title:
            for action in top.menu().actions():
                if action.text().replace("&", "").rstrip("…").startswith(text):
                    return action
    raise AssertionError(f"no {menu_title} → {text} in the menu bar")


def medway(window, measure="new_patients"):
    return window.demand_panel.result.totals().set_index("area").at["Medway", measure]


def click(widget):
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton,
                     pos=widget.rect().center() - widget.rect().center() / 2)


def test_the_excluded_sites_box_follows_undo_and_redo(window):
    box = window.demand_panel.lodge
    assert "Lodge Hill" in box.text() and not box.isChecked()
    click(box)
    assert box.isChecked() and medway(window) == pytest.approx(20088)
    menu_action(window, "Edit", "Undo").trigger()
    assert not box.isChecked(), "the box must show the value after undo"
    assert medway(window) == pytest.approx(8088)
    menu_action(window, "Edit", "Redo").trigger()
    assert box.isChecked() and medway(window) == pytest.approx(20088)
    menu_action(window, "Edit", "Undo").trigger()
    click(box)                                   # the next click works at once
    assert box.isChecked() and medway(window) == pytest.approx(20088)


def test_one_undo_takes_back_the_whole_switch(window):
    click(window.demand_panel.lodge)
    assert window.workspace.undo_stack.count() == 1


def type_into(spin, text: str) -> None:
    """Select the box's text, type a value and press Enter, as a person would."""
    spin.selectAll()
    QTest.keyClicks(spin, text)
    QTest.keyClick(spin, Qt.Key.Key_Return)


def test_grouping_settings_live_in_the_plan_and_follow_undo(window):
    window.show_panel("groups")
    spin = window.groups_panel.min_size
    type_into(spin, "35000")
    assert window.workspace.plan.grouping_bounds()[0] == 35_000
    menu_action(window, "Edit", "Undo").trigger()
    assert spin.value() == 30_000 and window.workspace.plan.grouping_bounds()[0] == 30_000


def test_the_road_factor_is_an_assumption_shared_with_the_report(window):
    window.show_panel("hubs")
    spin = window.hubs_panel.circuity
    type_into(spin, "1.5")
    assert window.workspace.assumptions.value("road_circuity") == pytest.approx(1.5)
    assert "×1.50 circuity" in window.hubs_panel.access.text()
    menu_action(window, "Edit", "Undo").trigger()
    assert spin.value() == pytest.approx(1.3)


def test_a_grouping_finished_after_an_edit_is_not_applied(window):
    window.show_panel("groups")
    panel = window.groups_panel
    before = dict(window.workspace.groups)
    click(panel.run_button)
    # While it runs the planner edits a list size in the Practices table.
    table = window.practices_table.model
    code = window.dataset.main_practices()["practice_code"].iloc[0]
    row = table.row_of("practice_code", code)
    col = [c.key for c in table.columns].index("list_size")
    assert table.setData(table.index(row, col), "7000")
    wait_until(lambda: panel.run_button.isEnabled(), 30, "the grouping to finish")
    assert window.workspace.groups == before
    assert "not applied" in window.statusBar().currentMessage()


def test_a_suggestion_for_the_previous_data_is_not_applied(window, monkeypatch):
    window.show_panel("hubs")
    panel = window.hubs_panel
    click(panel.suggest_button)
    menu_action(window, "File", "Open the illustrative sample").trigger()   # other data
    wait_until(lambda: panel.suggest_button.isEnabled(), 60, "the suggestion to finish")
    assert panel.plan is None and not panel.accept_button.isEnabled()
    assert "not applied" in window.statusBar().currentMessage()
    assert panel.plan_label.text() == ""


def test_the_map_keeps_most_of_a_laptop_window_whichever_panel_is_shown(window):
    """The planning panels share the right-hand dock; none may squeeze the map."""
    from PySide6.QtWidgets import QApplication
    size = window.size()
    try:
        window.resize(1400, 900)
        for panel in ("demand", "hubs", "groups", "details", "capacity"):
            window.show_panel(panel)
            QApplication.processEvents()
            assert window.map.width() >= 500, (panel, window.map.width())
    finally:
        window.resize(size)


def test_the_window_fits_a_1366_by_768_laptop_screen(window):
    """The tall planning panels scroll inside their dock rather than making the window
    taller than a laptop screen (768 px less a task bar)."""
    from PySide6.QtWidgets import QApplication, QScrollArea
    size = window.size()
    try:
        for panel in ("groups", "hubs", "demand", "details", "capacity"):
            window.show_panel(panel)
            QApplication.processEvents()
            assert window.minimumSizeHint().height() <= 728, panel
        window.resize(1366, 728)
        QApplication.processEvents()
        assert window.height() <= 728
        window.show_panel("groups")
        QApplication.processEvents()
        area = window.groups_panel.parent().parent()
        assert isinstance(area, QScrollArea)
        assert area.verticalScrollBar().maximum() > 0    # the panel scrolls, all of it
    finally:
        window.resize(size)
