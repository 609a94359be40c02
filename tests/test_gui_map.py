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
