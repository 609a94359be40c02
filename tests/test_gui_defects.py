"""Defects of the window found while reading the code (issue #21), each with the user's
steps: undo after a grouping, a failed PNG export, one practice edit, a late page."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QTest

from tests.gui_helpers import menu_action, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def clean(window, undo_all):
    yield


def test_after_undo_the_groups_panel_no_longer_shows_the_runs_problems(window):
    window.show_panel("groups")
    panel = window.groups_panel
    panel.min_size.setValue(49_000)        # bounds the sample cannot meet everywhere
    panel.max_size.setValue(50_000)
    depth = window.workspace.undo_stack.index()
    QTest.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.run_button.isEnabled()
               and window.workspace.undo_stack.index() > depth, 60, "grouping")
    assert panel.problems and "#b71c1c" in panel.summary.text()
    menu_action(window, "Edit", "Undo").trigger()
    assert not window.workspace.groups
    assert "#b71c1c" not in panel.summary.text()
    menu_action(window, "Edit", "Redo").trigger()      # the run is back, and its problems
    assert "#b71c1c" in panel.summary.text()


def test_a_failed_png_export_says_so_once_and_raises_nothing(window, dialogs, tmp_path,
                                                              monkeypatch):
    monkeypatch.setattr(window.map, "grab", lambda *a: QPixmap())   # nothing to save
    dialogs.save_path = str(tmp_path / "map.png")
    assert window.export_png() is False
    assert ("warning", "Export failed") in dialogs.asked
    assert not (tmp_path / "map.png").exists()
    assert list(tmp_path.iterdir()) == []             # no temporary file left either


def test_one_practice_edit_works_out_the_locality_summary_once(window, monkeypatch):
    import gui.tables
    calls = []
    real = gui.tables.locality_summary
    monkeypatch.setattr(gui.tables, "locality_summary",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    table = window.practices_table.model
    code = window.dataset.main_practices()["practice_code"].iloc[0]
    row = table.row_of("practice_code", code)
    col = [c.key for c in table.columns].index("list_size")
    assert table.setData(table.index(row, col), "7000")
    assert len(calls) == 1


def test_a_replaced_pages_ready_message_is_ignored(window):
    """Data opened twice quickly: the first page's late 'ready' must not be taken for the
    current page's (its calls would go to a page being replaced)."""
    view = window.map
    got = []
    view.ready.connect(got.append)
    stale = f"/tmp/x/map-{view._generation - 1}.html"
    view.bridge.pageReady(json.dumps({"practices": 1}), stale)
    assert got == [] and view.counts != {"practices": 1}
    view.bridge.pageReady(json.dumps(view.counts), str(view.html_path))
    assert len(got) == 1
