"""Scenarios in the window: save, reopen with every edit, compare, refuse a bad file, recover."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models import scenario as sc
from geo.canonical import load_sample
from tests.gui_helpers import close_window, open_window, wait_until

pytestmark = pytest.mark.gui


def make_edits(window):
    """A hub moved, Lodge Hill switched on, a list size changed, a grouping with a lock."""
    ws = window.workspace
    window.hubs_panel.move_hub("HLC-STR", 51.40, 0.50)
    row = window.housing_table.model.row_of("site_id", "H16")
    col = [c.key for c in window.housing_table.model.columns].index("include")
    window.housing_table.model.setData(window.housing_table.model.index(row, col),
                                       Qt.CheckState.Checked.value,
                                       Qt.ItemDataRole.CheckStateRole)
    ws.set_value("practices", "X80003", "list_size", 5000)
    mains = ws.dataset.main_practices()["practice_code"].tolist()
    ws.set_state("groups", {c: ("A" if i % 2 else "B") for i, c in enumerate(mains)}, "g")
    window.groups_panel.note_selection(mains[0])
    window.groups_panel.note_selection(mains[1])
    window.groups_panel._lock_together()
    window.groups_panel.min_size.setValue(25_000)


def test_save_then_open_restores_every_edit(window, tmp_path):
    make_edits(window)
    assert "*" in window.windowTitle()                   # unsaved changes shown
    path = tmp_path / "option-b.scenario.json"
    assert window.scenarios.save_as(str(path), "Option B")
    assert "*" not in window.windowTitle() and "Option B" in window.windowTitle()
    saved_groups = dict(window.workspace.groups)
    window.scenarios.new()                               # back to the data as loaded
    ds = window.dataset
    assert ds.hubs.set_index("hub_id").at["HLC-STR", "latitude"] != 51.40
    assert not ds.housing.set_index("site_id").at["H16", "include"]
    assert window.workspace.groups == {}
    assert window.scenarios.open(str(path))
    ds = window.dataset
    hub = ds.hubs.set_index("hub_id").loc["HLC-STR"]
    assert (hub["latitude"], hub["longitude"]) == (51.40, 0.50)
    assert ds.housing.set_index("site_id").at["H16", "include"]
    assert ds.practices.set_index("practice_code").at["X80003", "list_size"] == 5000
    assert window.workspace.groups == saved_groups
    assert window.groups_panel.locks.together and window.groups_panel.min_size.value() == 25_000
    assert window.groups_panel.model.rowCount() == 2     # the groups panel shows them
    assert str(path) in window.scenarios.recent()


def test_comparison_shows_two_scenarios_side_by_side(window, tmp_path):
    window.scenarios.new()
    base_path = tmp_path / "base.scenario.json"
    window.scenarios.save_as(str(base_path), "Base")
    window.hubs_panel.delete_hub("HLC-GIL")
    dialog = window.scenarios.compare([str(base_path)])
    table = window.scenarios.last_comparison
    assert list(table.columns) == ["Base (open)", "Base", sc.DIFF_COLUMN]
    assert table.loc["hubs"].iloc[0] == 5 and table.loc["hubs"].iloc[1] == 6
    assert table.loc["hubs", sc.DIFF_COLUMN]
    assert not table.loc["dwellings in projections", sc.DIFF_COLUMN]
    assert dialog.differences == int(table[sc.DIFF_COLUMN].sum()) > 0
    dialog.close()


def test_a_corrupt_scenario_is_refused_and_changes_nothing(window, tmp_path):
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-RAI")
    before = window.dataset.hubs.copy()
    bad = tmp_path / "bad.scenario.json"
    bad.write_text('{"format": "medway-scenario", "version": 1, "name": "x", "hubs": [',
                   encoding="utf-8")
    assert window.scenarios.open(str(bad)) is False
    assert "bad.scenario.json" in window.last_error
    assert window.dataset.hubs.equals(before)
    newer = tmp_path / "newer.scenario.json"
    newer.write_text('{"format": "medway-scenario", "version": 99, "name": "x", '
                     '"data": {"kind": "sample"}}', encoding="utf-8")
    assert window.scenarios.open(str(newer)) is False
    assert "newer" in window.last_error.lower()


def test_autosave_is_offered_back_after_a_crash(window):
    from gui.scenarios import settings_dir
    sc.clear_recovery(settings_dir())
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-LOR")
    window.scenarios.autosave()
    assert sc.find_recovery(settings_dir()) is not None
    # a new window (as after a crash and restart) gets the work back
    other = open_window(load_sample())
    try:
        assert other.scenarios.offer_recovery()
        assert "HLC-LOR" not in set(other.dataset.hubs["hub_id"])
        assert "*" in other.windowTitle()                # recovered, not yet saved
    finally:
        other.workspace.undo_stack.setClean()
        close_window(other)
    wait_until(lambda: True)
