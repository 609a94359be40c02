"""The workspace a planner opens: the sample's map, its layers, selection both ways, edits."""
from __future__ import annotations

import re

import pytest

from tests.gui_helpers import js, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def fresh_state(window):
    """Each test starts with every layer visible, nothing selected and no edits."""
    yield
    while window.workspace.undo_stack.canUndo():
        window.workspace.undo_stack.undo()
    for name in ("localities", "branch_links", "housing", "practices", "hubs"):
        window.layers_panel.set_checked(name, True)
    window.practices_table.filter.clear()


def test_map_reports_every_layer_drawn(window):
    ds = window.dataset
    counts = js(window, "medway.counts()")
    assert counts["localities"] == len(ds.localities) == 6
    assert counts["practices"] == len(ds.practices) == 73
    assert counts["branch_links"] == len(ds.branches()) == 22
    assert counts["hubs"] == len(ds.hubs) == 6
    assert counts["housing"] == len(ds.housing) == 16
    assert counts["labels"] == 6          # one label per locality
    assert js(window, "typeof L") == "object"


def test_title_and_status_say_the_data_is_illustrative(window):
    assert "Illustrative sample" in window.windowTitle()
    assert "Illustrative sample" in window.data_label.text()
    assert js(window, "document.querySelector('.medway-badge').textContent").startswith(
        "Illustrative sample")


def test_clicking_a_practice_on_the_map_selects_its_table_row(window):
    code = window.dataset.main_practices()["practice_code"].iloc[10]
    assert js(window, f"medway.click('practices', '{code}')") is True
    wait_until(lambda: window.practices_table.selected_key() == code, what="table selection")
    name = window.dataset.practices.set_index("practice_code").at[code, "name"]
    assert name in window.details.toPlainText()
    assert "Registered patients" in window.details.toPlainText()


def test_selecting_a_row_highlights_it_on_the_map(window):
    table = window.practices_table
    code = window.dataset.practices["practice_code"].iloc[30]
    row = table.model.row_of("practice_code", code)
    table.view.selectRow(table.proxy.mapFromSource(table.model.index(row, 0)).row())
    wait_until(lambda: (js(window, "medway.selected()") or {}).get("id") == code,
               what="map selection")
    assert js(window, f"medway.styleOf('practices', '{code}').color") == "#ffd600"


def test_table_filter_keeps_only_matching_practices(window):
    table = window.practices_table
    table.filter.setText("Lordswood")
    shown = {table.proxy.index(r, 3).data() for r in range(table.proxy.rowCount())}
    assert shown == {"Lordswood"}
    assert table.proxy.rowCount() == (window.dataset.practices["locality"] == "Lordswood").sum()


def test_unticking_a_layer_hides_it_on_the_map(window):
    assert js(window, "medway.visibleCounts().housing") == 16
    window.layers_panel.set_checked("housing", False)
    wait_until(lambda: js(window, "medway.isVisible('housing')") is False, what="hidden")
    assert js(window, "medway.visibleCounts().housing") == 0
    assert js(window, "medway.visibleCounts().practices") == 73   # others untouched
    window.layers_panel.set_checked("housing", True)
    wait_until(lambda: js(window, "medway.isVisible('housing')") is True, what="shown")


def test_page_uses_no_network_scripts_styles_or_tiles(window):
    html = window.map.html_path.read_text(encoding="utf-8")
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert refs, "expected local script/style references"
    assert not [r for r in refs if re.match(r"(https?:)?//", r)], refs
    assert not re.search(r"tile\.|\{z\}/\{x\}/\{y\}", html)


def test_no_network_request_was_made_and_one_would_be_blocked(window):
    guard = window.map.guard
    assert guard.requests, "the interceptor should have seen the page's local loads"
    assert guard.blocked == []
    assert all(not u.startswith(("http:", "https:")) for u in guard.requests)
    # A page script cannot even reach the interceptor (local pages may not load remote URLs).
    js(window, "fetch('http://127.0.0.1:9/offline-probe').catch(function(){}); true")
    # And the guard blocks and records a navigation (loopback: nothing leaves the host).
    from PySide6.QtCore import QUrl
    from gui.map_view import MapView
    probe = MapView()
    probe.load(QUrl("http://127.0.0.1:9/offline-probe"))
    wait_until(lambda: any("offline-probe" in u for u in probe.guard.blocked),
               what="blocked probe")
    probe.dispose()
    probe.deleteLater()
    assert guard.blocked == []


def test_editing_a_list_size_restyles_the_map_without_reloading(window):
    ds = window.dataset
    code = ds.main_practices().sort_values("list_size")["practice_code"].iloc[0]
    before = js(window, f"medway.styleOf('practices', '{code}').radius")
    js(window, "window.__samePage = 42")
    table = window.practices_table
    row = table.model.row_of("practice_code", code)
    col = [c.key for c in table.model.columns].index("list_size")
    assert table.model.setData(table.model.index(row, col), "20000")
    wait_until(lambda: js(window, f"medway.styleOf('practices', '{code}').radius") > before,
               what="restyle")
    assert js(window, "window.__samePage") == 42          # same page: restyled, not rebuilt
    loc = ds.practices.set_index("practice_code").at[code, "locality"]
    summary = window.localities_table.model.frame.set_index("locality")
    assert summary.at[loc, "registered_patients"] == ds.practices.loc[
        ds.practices["locality"] == loc, "list_size"].sum()
    window.workspace.undo_stack.undo()
    wait_until(lambda: abs(js(window, f"medway.styleOf('practices', '{code}').radius")
                           - before) < 1e-6, what="undo restyle")


def test_a_refused_edit_changes_nothing(window):
    table = window.practices_table
    branch = window.dataset.branches()["practice_code"].iloc[0]
    row = table.model.row_of("practice_code", branch)
    col = [c.key for c in table.model.columns].index("list_size")
    assert not table.model.setData(table.model.index(row, col), "500")
    assert "branch" in window.last_error
    assert not window.workspace.undo_stack.canUndo()
    assert window.dataset.practices.set_index("practice_code").at[branch, "list_size"] == 0


def test_excluding_a_housing_site_greys_it_on_the_map(window):
    table = window.housing_table
    sid = "H05"
    row = table.model.row_of("site_id", sid)
    col = [c.key for c in table.model.columns].index("include")
    from PySide6.QtCore import Qt
    assert table.model.setData(table.model.index(row, col), Qt.CheckState.Unchecked.value,
                               Qt.ItemDataRole.CheckStateRole)
    wait_until(lambda: js(window, f"medway.styleOf('housing', '{sid}').fillColor")
               == "#9e9e9e", what="greyed")
    assert not window.dataset.housing.set_index("site_id").at[sid, "include"]


def test_localities_outside_the_target_are_flagged(window):
    frame = window.localities_table.model.frame
    flagged = set(frame.loc[~frame["within_target"], "locality"])
    assert flagged == {"Strood", "Lordswood"}     # 56,000 and 28,000 in the sample
    rows = window.localities_table.model.flag_rows
    assert {frame.at[r, "locality"] for r in rows} == flagged


def test_opening_a_bad_folder_keeps_the_open_dataset(window, sample_copy):
    (sample_copy / "practices.csv").write_text("practice_code,name\nX1,Only\n")
    before = window.dataset
    assert window.open_folder(sample_copy) is False
    assert window.dataset is before
    assert "practices.csv" in window.last_error and "latitude" in window.last_error
    assert "Illustrative sample" in window.windowTitle()


# ------------------------------------------------------------ acting on the map as a person

@pytest.fixture
def editing_off(window):
    from tests.gui_helpers import make_room_for_the_map
    make_room_for_the_map(window)
    yield
    window.hubs_panel.edit_box.setChecked(False)
    if window.presentation.on:
        window.toggle_presentation(False)
    window.showNormal()


def test_in_edit_mode_a_click_inside_a_locality_adds_a_hub_there(window, editing_off):
    from tests.gui_helpers import click_map, click_widget, hub_count, land_point
    window.show_panel("hubs")
    lat, lon = land_point(window, "Rainham")
    click_map(window, lat, lon)                      # not editing: selects the locality
    wait_until(lambda: window.details.current == ("localities", "Rainham"), what="selected")
    before = hub_count(window)
    click_widget(window.hubs_panel.edit_box)
    assert window.hubs_panel.edit_box.isChecked()
    click_map(window, lat, lon)
    wait_until(lambda: hub_count(window) == before + 1, what="hub added")
    new = window.dataset.hubs.iloc[-1]
    assert new["locality"] == "Rainham" and new["status"] == "proposed"
    assert abs(new["latitude"] - lat) < 0.001 and abs(new["longitude"] - lon) < 0.001
    wait_until(lambda: js(window, "medway.counts().hubs") == before + 1, what="hub drawn")
    assert "Add hub" in window.workspace.undo_stack.undoText()


def test_dragging_a_hub_in_edit_mode_moves_it(window, editing_off):
    from tests.gui_helpers import click_widget, drag_map, land_point
    window.show_panel("hubs")
    click_widget(window.hubs_panel.edit_box)
    js(window, "medway.map.fitBounds(medway.layers.localities.getBounds(), {animate: false})"
               " && true")
    hub = window.dataset.hubs.set_index("hub_id").loc["HLC-RAI"]
    to = land_point(window, "Rainham")
    drag_map(window, (hub["latitude"], hub["longitude"]), to)
    wait_until(lambda: "Move hub" in window.workspace.undo_stack.undoText(), what="moved")
    moved = window.dataset.hubs.set_index("hub_id").loc["HLC-RAI"]
    assert abs(moved["latitude"] - to[0]) < 0.002 and abs(moved["longitude"] - to[1]) < 0.002


def _press_escape_on_the_map(window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    window.activateWindow()
    window.map.setFocus()
    target = window.map.focusProxy() or window.map
    target.setFocus()
    QApplication_processEvents()
    assert window.focusWidget() in (target, window.map), window.focusWidget()
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_Escape)   # through the window system
    QApplication_processEvents()


def QApplication_processEvents():  # noqa: N802
    from PySide6.QtWidgets import QApplication
    QApplication.processEvents()


def test_escape_leaves_presentation_with_the_map_focused_and_restores_maximised(
        window, editing_off):
    from tests.gui_helpers import click_map, hub_count, land_point, menu_action
    window.showMaximized()
    wait_until(window.isMaximized, what="maximised")
    window.hubs_panel.edit_box.setChecked(True)
    menu_action(window, "View", "Presentation mode").trigger()
    wait_until(window.isFullScreen, what="full screen")
    assert not window.menuBar().isVisible() and not window.layers_dock.isVisible()
    assert not window.hubs_panel.edit_box.isChecked()      # presenting stops hub editing
    before = hub_count(window)
    click_map(window, *land_point(window, "Gillingham"))    # a presenter's click
    assert hub_count(window) == before
    _press_escape_on_the_map(window)
    wait_until(lambda: not window.isFullScreen(), what="left presentation")
    assert window.isMaximized()
    assert window.menuBar().isVisible() and window.layers_dock.isVisible()
    assert not window.presentation_action.isChecked()


def test_circles_keep_their_scale_when_one_list_size_is_edited(window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    ds = window.dataset
    mains = ds.main_practices()
    big = mains.sort_values("list_size")["practice_code"].iloc[-1]
    others = mains["practice_code"].iloc[:5].tolist()
    radius = f"(function(){{var o={{}}; {others!r}.forEach(function(c){{o[c]=" \
             "medway.styleOf('practices', c).radius;}); return o;})()"
    before = js(window, radius)
    table = window.practices_table
    row = table.model.row_of("practice_code", big)
    col = [c.key for c in table.model.columns].index("list_size")
    index = table.proxy.mapFromSource(table.model.index(row, col))
    table.view.scrollTo(index)
    table.view.setCurrentIndex(index)
    table.view.edit(index)
    editor = table.view.focusWidget()
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, "60000")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    wait_until(lambda: ds is window.dataset and window.dataset.practices.set_index(
        "practice_code").at[big, "list_size"] == 60000, what="edited")
    wait_until(lambda: js(window, f"medway.styleOf('practices', '{big}').radius") > 20,
               what="the edited practice's circle grows")
    assert js(window, radius) == before                    # the others keep their size


def test_find_box_zooms_to_a_practice_hub_or_locality(window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    box = window.find_box
    js(window, "medway.fit()")
    zoom0 = js(window, "medway.map.getZoom()")
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    wait_until(box.hasFocus, what="Ctrl+F focuses the Find box")
    code = window.dataset.main_practices()["practice_code"].iloc[3]
    QTest.keyClicks(box, code)
    QTest.keyClick(box, Qt.Key.Key_Return)
    wait_until(lambda: window.practices_table.selected_key() == code, what="practice found")
    wait_until(lambda: js(window, "medway.map.getZoom()") > zoom0, what="zoomed in")
    p = window.dataset.practices.set_index("practice_code").loc[code]
    assert js(window, f"medway.map.getBounds().contains([{p.latitude}, {p.longitude}])")
    assert "Practice" in window.statusBar().currentMessage()

    box.clear()
    QTest.keyClicks(box, "rochester healthy")
    QTest.keyClick(box, Qt.Key.Key_Return)
    wait_until(lambda: window.details.current == ("hubs", "HLC-ROC"), what="hub found")

    box.clear()
    QTest.keyClicks(box, "Lordswood")
    QTest.keyClick(box, Qt.Key.Key_Return)
    wait_until(lambda: window.details.current == ("localities", "Lordswood"), what="locality")
    box.clear()
    QTest.keyClicks(box, "Atlantis")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert "Nothing called" in window.statusBar().currentMessage()


def test_a_broken_page_is_reported_and_a_replaced_one_is_not(monkeypatch):
    """A page without Leaflet tells the window (which says so); a page replaced by newer data
    before it finished (data opened twice in quick succession) is not taken for broken."""
    from geo.canonical import load_sample
    from gui.map_view import MapView
    from rendering import webmap              # the map view imports it when it writes a page
    ds = load_sample()
    view = MapView()
    failures, ready = [], []
    view.failed.connect(failures.append)
    view.ready.connect(ready.append)
    view.resize(800, 600)
    view.show()
    try:
        view.show_dataset(ds)
        view.show_dataset(ds)                  # replaces the first before it finished
        wait_until(lambda: view.is_ready, 60, "the second page")
        assert failures == []
        real = webmap.write_map_html
        monkeypatch.setattr(webmap, "write_map_html",
                            lambda ds, path, band=None: path.write_text("<html>no map</html>"))
        view.show_dataset(ds)
        wait_until(lambda: failures, 30, "the failure to be reported")
        assert "Leaflet did not load" in failures[0]
        monkeypatch.setattr(webmap, "write_map_html", real)
    finally:
        view.close()
        view.deleteLater()
