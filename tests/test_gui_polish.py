"""Workshop polish (issue #24, minor items), each reached as a person does: the wheel over a
panel's controls, Tab through the window, the seed's default, a click on a hub in edit mode,
other data with hub editing on, the save dialogs' names, the names a planner reads, the
road-approximation boxes, the site form."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea

from tests.gui_helpers import (_settle, click_feature, menu_action, show_on_map,
                               wait_until)

pytestmark = pytest.mark.gui
PANEL = "groups"


def _wheel(widget, steps: int = -3) -> None:
    """Turn the mouse wheel over the middle of ``widget`` (negative: towards you)."""
    pos = QPointF(widget.rect().center())
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    QApplication.processEvents()


def test_the_wheel_scrolls_the_panel_not_the_values_it_passes(window):
    size = window.size()
    window.resize(1366, 728)
    window.show_panel("groups")
    _settle(200)
    panel = window.groups_panel
    area = panel.parent().parent()
    assert isinstance(area, QScrollArea)
    window.map.setFocus()
    before = (panel.min_size.value(), panel.seed.value(), panel.comparison.combo.currentIndex())
    bar = area.verticalScrollBar()
    bar.setValue(0)
    for box in (panel.min_size, panel.seed, panel.comparison.combo):
        _wheel(box)
    assert (panel.min_size.value(), panel.seed.value(),
            panel.comparison.combo.currentIndex()) == before
    assert bar.maximum() == 0 or bar.value() > 0          # the panel scrolled instead
    # once clicked (focused), the wheel changes the value as usual
    QTest.mouseClick(panel.seed, Qt.MouseButton.LeftButton)
    _wheel(panel.seed, 1)
    assert panel.seed.value() != before[1]
    panel.seed.setValue(before[1])
    window.resize(size)


def test_the_seed_reads_the_plans_default_from_launch(window):
    assert window.groups_panel.seed.value() == window.workspace.plan.grouping_settings()[
        "seed"] == 0


def test_tab_reaches_the_panels_without_entering_the_map(window):
    window.find_box.setFocus()
    proxy = window.map.focusProxy() or window.map
    for _ in range(8):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() not in (window.map, proxy)


def test_clicking_a_hub_in_edit_mode_records_nothing(window, undo_all):
    window.show_panel("hubs")
    panel = window.hubs_panel
    panel.edit_box.setChecked(True)
    try:
        depth = window.workspace.undo_stack.count()
        hub = window.dataset.hubs.set_index("hub_id").loc["HLC-GIL"]
        show_on_map(window, (hub["latitude"], hub["longitude"]))
        click_feature(window, "hubs", "HLC-GIL")
        _settle(300)
        st = window.workspace.undo_stack
        assert st.count() == depth, [st.text(i) for i in range(st.count())]
    finally:
        panel.edit_box.setChecked(False)


def test_opening_other_data_turns_hub_editing_off(window):
    window.hubs_panel.edit_box.setChecked(True)
    menu_action(window, "File", "Open the illustrative sample").trigger()
    wait_until(lambda: window.map.is_ready, 60, "the map")
    assert not window.hubs_panel.edit_box.isChecked()
    assert window.map.editing is None


def test_the_pdf_is_offered_under_the_scenarios_name(window, dialogs, tmp_path):
    window.scenarios.rename("Option C")
    menu_action(window, "File", "Export report (PDF)").trigger()
    kind, title = dialogs.asked[-1]
    assert kind == "save" and dialogs.start_dirs[-1].endswith("Option C.pdf")
    window.scenarios.new()


def test_lock_list_and_move_prompt_name_the_practices(window, dialogs, undo_all):
    from models.display import practice_label
    mains = window.dataset.main_practices()
    a, b = mains["practice_code"].iloc[0], mains["practice_code"].iloc[1]
    window.workspace.set_state("groups", {c: ("G1" if i % 2 else "G2") for i, c in
                                          enumerate(mains["practice_code"])}, "g")
    panel = window.groups_panel
    panel.note_selection(a)
    panel.note_selection(b)
    panel._lock_together()
    text = panel.locks_list.item(0).text()
    name_a = mains.set_index("practice_code").at[a, "name"]
    assert name_a in text and practice_label(window.dataset.practices, a) in text
    assert name_a in window.workspace.undo_stack.undoText()


def test_road_boxes_are_off_when_travel_times_do_not_use_them(window):
    panel = window.hubs_panel
    assert panel.road_graph() is None
    assert panel.circuity.isEnabled() and panel.speed.isEnabled()


def test_the_add_site_form_has_room_for_a_name(window, monkeypatch):
    from gui.housing_sites import SiteDialog
    seen = {}

    def look(dialog):
        seen["width"] = dialog.name.minimumWidth()
        seen["guarded"] = bool(dialog.dwellings.property("wheelGuarded"))
        return 0
    monkeypatch.setattr(SiteDialog, "exec", look)
    window.tabs.setCurrentWidget(window.housing_table)
    QTest.mouseClick(window.housing_sites.add_button, Qt.MouseButton.LeftButton)
    assert seen["width"] >= 250 and seen["guarded"]


def test_a_hover_tip_stays_inside_the_map_and_goes_when_the_mouse_leaves(window):
    from tests.gui_helpers import _map_target, js
    ds = window.dataset
    code = ds.main_practices().sort_values("longitude")["practice_code"].iloc[-1]
    row = ds.practices.set_index("practice_code").loc[code]
    # bring the easternmost practice to 12 px from the map's right edge
    js(window, f"(function(){{ var p = medway.map.latLngToContainerPoint([{row.latitude}, "
               f"{row.longitude}]); medway.map.panBy([p.x - (medway.map.getSize().x - 12), 0],"
               " {animate: false}); return true; })()")
    _settle(200)
    js(window, "medway.closeHoverTips()")    # a tip an earlier test left open moved with the pan
    x, y = js(window, f"(function(){{ var p = medway.map.latLngToContainerPoint("
                      f"[{row.latitude}, {row.longitude}]); return [p.x, p.y]; }})()")
    target = _map_target(window)
    QTest.mouseMove(target, QPoint(round(x), round(y)))
    wait_until(lambda: js(window, "medway.hoverTipRect()") is not None, 5, "the hover tip")
    _settle(300)      # the window may still be laying out after earlier tests: the tip
    QTest.mouseMove(target, QPoint(round(x) - 1, round(y)))    # follows the mouse's next move
    _settle(200)
    r = js(window, "medway.hoverTipRect()")
    assert r["left"] >= 0 and r["right"] <= r["width"] and r["top"] >= 0, r
    QTest.mouseMove(window.layers_panel.viewport(), QPoint(20, 20))   # onto a panel
    _settle(200)
    if js(window, "medway.hoverTipRect()") is not None:     # the leave, as Qt sends it
        QApplication.sendEvent(target, QEvent(QEvent.Type.Leave))
    wait_until(lambda: js(window, "medway.hoverTipRect()") is None, 5, "the tip gone")
    menu_action(window, "View", "Zoom to Medway").trigger()
