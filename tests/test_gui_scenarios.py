"""Scenarios in the window: save, reopen with every edit, compare, refuse a bad file, recover."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from models import scenario as sc
from geo.canonical import load_sample
from tests.gui_helpers import close_window, menu_action, open_window, wait_until

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


def test_autosave_is_offered_back_after_a_crash(window, dialogs):
    from PySide6.QtWidgets import QMessageBox

    from gui.scenarios import settings_dir
    dialogs.answers["Recover unsaved work?"] = QMessageBox.StandardButton.Yes
    sc.clear_recovery(settings_dir())
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-LOR")
    window.scenarios.autosave()
    assert sc.find_recovery(settings_dir()) is not None
    # a new window (as after a crash and restart) gets the work back
    other = open_window(load_sample())
    try:
        assert other.scenarios.offer_recovery()
        assert ("question", "Recover unsaved work?") in dialogs.asked
        assert "HLC-LOR" not in set(other.dataset.hubs["hub_id"])
        assert "*" in other.windowTitle()                # recovered, not yet saved
    finally:
        other.workspace.undo_stack.setClean()
        close_window(other)
    wait_until(lambda: True)


# ------------------------------------------------------------------ through the menu bar

def test_compare_from_the_file_menu_opens_the_comparison(window, dialogs, tmp_path):
    window.scenarios.new()
    saved = tmp_path / "Base.scenario.json"
    dialogs.save_path = str(saved)
    menu_action(window, "File", "Save scenario as").trigger()
    window.hubs_panel.delete_hub("HLC-GIL")
    dialogs.open_paths = [str(saved)]
    menu_action(window, "File", "Compare scenarios").trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.isVisible() and w.windowTitle() == "Compare scenarios")
    cells = {dialog.table.item(r, 0).text(): [dialog.table.item(r, c).text()
                                              for c in (1, 2)]
             for r in range(dialog.table.rowCount())}
    assert cells["hubs"] == ["5", "6"]
    header = [dialog.table.horizontalHeaderItem(c).text() for c in (1, 2)]
    assert header == ["Base (open)", "Base"]
    dialog.close()


def test_duplicate_asks_for_a_name_and_carries_on_in_the_copy(window, dialogs, tmp_path):
    window.scenarios.new()
    dialogs.text = "Option B copy"
    dialogs.save_path = str(tmp_path / "copy.scenario.json")
    menu_action(window, "File", "Duplicate scenario").trigger()
    assert ("text", "Duplicate scenario") in dialogs.asked
    assert window.windowTitle().startswith("Option B copy — ")
    assert sc.load_scenario(tmp_path / "copy.scenario.json").name == "Option B copy"
    dialogs.text = None                                    # Cancel: nothing happens
    menu_action(window, "File", "Duplicate scenario").trigger()
    assert window.windowTitle().startswith("Option B copy — ")


def test_save_as_names_the_scenario_after_the_file_unless_renamed(window, dialogs, tmp_path):
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-GIL")
    dialogs.save_path = str(tmp_path / "Option B.scenario.json")
    menu_action(window, "File", "Save scenario as").trigger()
    assert window.windowTitle().startswith("Option B — ")
    dialogs.save_path = str(tmp_path / "Option C.scenario.json")
    menu_action(window, "File", "Save scenario as").trigger()
    assert window.windowTitle().startswith("Option C — ")
    assert sc.load_scenario(tmp_path / "Option C.scenario.json").name == "Option C"
    dialogs.text = "Strood hub, board version"
    menu_action(window, "File", "Rename scenario").trigger()
    assert window.windowTitle().startswith("Strood hub, board version * — ")
    dialogs.save_path = str(tmp_path / "option-d.scenario.json")
    menu_action(window, "File", "Save scenario as").trigger()     # the user's name stays
    assert window.windowTitle().startswith("Strood hub, board version — ")
    assert sc.load_scenario(tmp_path / "option-d.scenario.json").name == \
        "Strood hub, board version"


def test_autosave_follows_shortly_after_each_change(window):
    from gui.scenarios import AUTOSAVE_DELAY_MS, settings_dir
    assert AUTOSAVE_DELAY_MS <= 10_000
    sc.clear_recovery(settings_dir())
    window.scenarios.new()
    window.scenarios.autosave_timer.setInterval(200)     # the same timer, made quick
    try:
        window.hubs_panel.delete_hub("HLC-LOR")
        assert window.scenarios.autosave_timer.isActive()
        assert sc.find_recovery(settings_dir()) is None       # debounced, not at once
        wait_until(lambda: sc.find_recovery(settings_dir()) is not None, 5, "autosave")
        _, saved = sc.find_recovery(settings_dir())
        assert "HLC-LOR" not in {h["hub_id"] for h in saved.hubs}
    finally:
        window.scenarios.autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        window.workspace.undo_stack.setClean()
        sc.clear_recovery(settings_dir())


def test_file_dialogs_start_in_the_scenario_folder(window, dialogs, tmp_path):
    window.scenarios.new()
    folder = tmp_path / "board"
    folder.mkdir()
    dialogs.save_path = str(folder / "Option B.scenario.json")
    menu_action(window, "File", "Save scenario as").trigger()
    for command in ("Export data", "Export map as PNG", "Open scenario"):
        menu_action(window, "File", command).trigger()
        assert dialogs.start_dirs[-1].startswith(str(folder)), (command, dialogs.start_dirs)


def test_redo_answers_ctrl_y_and_ctrl_shift_z(window):
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-RAI")
    window.raise_()
    window.activateWindow()
    wait_until(lambda: QApplication.activeWindow() is window, 5, "the window active")
    for keys in (QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")):
        menu_action(window, "Edit", "Undo").trigger()
        assert "HLC-RAI" in set(window.dataset.hubs["hub_id"])
        assert keys in window.redo_action.shortcuts()
        QTest.keySequence(window, keys)
        wait_until(lambda: "HLC-RAI" not in set(window.dataset.hubs["hub_id"]), 3,
                   f"redo by {keys.toString()}")


def test_a_recent_scenario_opens_from_the_file_menu(window, dialogs, tmp_path):
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-GIL")
    dialogs.save_path = str(tmp_path / "Recent one.scenario.json")
    menu_action(window, "File", "Save scenario as").trigger()
    window.scenarios.new()
    assert "HLC-GIL" in set(window.dataset.hubs["hub_id"])
    recent = menu_action(window, "File", str(tmp_path / "Recent one"))
    recent.trigger()
    assert "HLC-GIL" not in set(window.dataset.hubs["hub_id"])
    assert window.windowTitle().startswith("Recent one — ")
    assert not [a for a in dialogs.asked if a[0] == "open"]     # no file dialog needed
