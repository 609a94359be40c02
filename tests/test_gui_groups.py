"""The Groups panel as a primary care lead uses it: run, read metrics and the map, move, lock,
compare with the real networks, export, undo. Each test starts from a clean window and
leaves it clean (undo_all), so the file passes alone and in any order."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from tests.gui_helpers import close_window, js, open_window, wait_until

pytestmark = pytest.mark.gui

PANEL = "groups"


@pytest.fixture(autouse=True)
def clean(window, undo_all):
    """Every test starts with no grouping and no locks, whatever ran before."""
    while window.workspace.undo_stack.canUndo():
        window.workspace.undo_stack.undo()
    assert not window.workspace.groups
    yield


def set_spin(box, value) -> None:
    """Type a value into a spin box and press Enter, as a user does."""
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, str(value))
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == value


def click(button) -> None:
    """Click a button; a check box is clicked on its tick box, as a user aims."""
    from PySide6.QtWidgets import QCheckBox
    if isinstance(button, QCheckBox):
        QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(7, button.height() // 2))
    else:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def run_grouping(window, lo=30_000, hi=50_000, within=False, contiguous=False):
    panel = window.groups_panel
    set_spin(panel.min_size, lo)
    set_spin(panel.max_size, hi)
    for box, on in ((panel.within, within), (panel.contiguous, contiguous)):
        if box.isChecked() != on:
            click(box)
    before = dict(window.workspace.groups)
    depth = window.workspace.undo_stack.index()
    click(panel.run_button)
    wait_until(lambda: panel.run_button.isEnabled()
               and window.workspace.undo_stack.index() > depth, timeout=60, what="grouping")
    assert window.workspace.groups != before or before
    return panel.model.frame


def select_on_map(window, code: str) -> None:
    """Click a practice on the map (the page fires the same click a mouse would)."""
    assert js(window, f"medway.click('practices', '{code}')")
    wait_until(lambda: window.groups_panel.recent[-1:] == [code], what=f"selecting {code}")


def test_running_the_grouping_shows_labelled_territories_within_bounds(window):
    table = run_grouping(window)
    panel = window.groups_panel
    assert len(table) >= 6
    assert table["within_bounds"].all()
    assert table["list_size"].between(30_000, 50_000).all()
    assert table["list_size"].sum() == window.dataset.main_practices()["list_size"].sum()
    assert f"{len(table)} of {len(table)} groups" in panel.summary.text()
    # one territory and one label per group; each label names the group and its size
    wait_until(lambda: js(window, "medway.counts().groups") == 2 * len(table),
               what="territories")
    labels = js(window, "Array.from(document.querySelectorAll('.medway-group-label'))"
                        ".map(function (e) { return e.textContent; })")
    assert sorted(labels) == sorted(f"{r.group} · {r.list_size / 1000:,.1f}k"
                                    for r in table.itertuples())
    # no two labels printed over each other: the less important one waits for a zoom-in
    wait_until(lambda: js(window, "medway.labelClashes()") == 0, what="labels decluttered")
    shown = js(window, "Array.from(document.querySelectorAll('.medway-group-label'))"
                       ".filter(function (e) { return e.style.visibility !== 'hidden'; })"
                       ".length")
    assert shown == len(table)                       # group names come first
    # contiguity is judged on territories: the tip says which practices are cut off
    assert set(table["contiguous_text"]) <= {"yes"} | {t for t in table["contiguous_text"]
                                                        if "cut off" in t}
    # the colour key: each group's name carries its map colour
    model = panel.model
    for row in range(model.rowCount()):
        swatch = model.data(model.index(row, 0), Qt.ItemDataRole.DecorationRole)
        assert isinstance(swatch, QColor)
        assert swatch.name() == model.colours[model.frame.iloc[row]["group"]].lower()
    code = window.dataset.main_practices()["practice_code"].iloc[0]
    colour = js(window, f"medway.styleOf('practices', '{code}').fillColor")
    assert colour == model.colours[window.workspace.groups[code]]
    groups = window.practices_table.model.frame.set_index("practice_code")["group"]
    assert groups[code] == window.workspace.groups[code]
    branch = window.dataset.branches().iloc[0]
    assert groups[branch["practice_code"]] == groups[branch["parent_code"]]


def move_the_largest_practice(window) -> tuple[str, str, str]:
    """Select the largest practice on the map and move it to another group with the panel's
    Move button, as a lead does; (its code, its group before, the group it went to)."""
    panel = window.groups_panel
    mains = window.dataset.main_practices().set_index("practice_code")
    mapping = dict(window.workspace.groups)
    code = max(mapping, key=lambda c: mains.at[c, "list_size"])
    source = mapping[code]
    target = next(g for g in sorted(set(mapping.values())) if g != source)
    select_on_map(window, code)
    panel.target.setCurrentText(target)
    click(panel.move_button)
    return code, source, target


def test_moving_a_practice_by_hand_updates_metrics_and_undo_restores(window):
    run_grouping(window)
    panel = window.groups_panel
    mapping = dict(window.workspace.groups)
    mains = window.dataset.main_practices().set_index("practice_code")
    before = panel.model.frame.set_index("group")["list_size"]
    code, source, target = move_the_largest_practice(window)
    after = panel.model.frame.set_index("group")["list_size"]
    size = mains.at[code, "list_size"]
    assert after[source] == before[source] - size
    assert after[target] == before[target] + size
    flagged = {panel.model.frame.at[r, "group"] for r in panel.model.flag_rows}
    expect = {g for g in (source, target) if not 30_000 <= after[g] <= 50_000}
    assert flagged == expect and expect       # the move breaks a bound and is flagged red
    window.workspace.undo_stack.undo()
    assert window.workspace.groups == mapping
    assert panel.model.frame.set_index("group")["list_size"].equals(before)


def test_moving_out_of_its_locality_asks_first(window, dialogs):
    run_grouping(window, 20_000, 60_000, within=True)
    panel = window.groups_panel
    mapping = dict(window.workspace.groups)
    mains = window.dataset.main_practices().set_index("practice_code")
    code = next(iter(mapping))
    target = next(g for c, g in mapping.items()
                  if mains.at[c, "locality"] != mains.at[code, "locality"])
    select_on_map(window, code)
    panel.target.setCurrentText(target)
    title = "Move out of its locality?"
    dialogs.answers[title] = QMessageBox.StandardButton.No
    click(panel.move_button)
    assert ("question", title) in dialogs.asked
    assert "within localities" in dialogs.messages[-1] and target in dialogs.messages[-1]
    assert window.workspace.groups == mapping            # "No": nothing moved
    name = mains.at[code, "name"]                         # names, not only codes
    assert f"{name} ({code}) was not moved" in window.statusBar().currentMessage()
    assert name in dialogs.messages[-1]
    dialogs.answers[title] = QMessageBox.StandardButton.Yes
    click(panel.move_button)
    assert window.workspace.groups[code] == target


def test_a_lock_together_is_honoured_by_the_next_run(window):
    panel = window.groups_panel
    mains = window.dataset.main_practices()
    a, b = mains["practice_code"].iloc[0], mains["practice_code"].iloc[-1]   # far apart
    select_on_map(window, a)
    select_on_map(window, b)
    click(panel.together_button)
    assert panel.locks_list.count() == 1
    run_grouping(window, 20_000, 60_000)
    assert window.workspace.groups[a] == window.workspace.groups[b]


def test_within_localities_never_mixes_localities(window):
    run_grouping(window, 20_000, 60_000, within=True)
    mains = window.dataset.main_practices().set_index("practice_code")
    by_group = {}
    for code, group in window.workspace.groups.items():
        by_group.setdefault(group, set()).add(mains.at[code, "locality"])
    assert all(len(locs) == 1 for locs in by_group.values())


def test_keep_contiguous_gives_one_patch_per_group(window):
    table = run_grouping(window, contiguous=True)
    assert table["contiguous"].all() and table["within_bounds"].all()
    assert set(table["contiguous_text"]) == {"yes"}


def test_locks_are_undoable(window):
    panel = window.groups_panel
    mains = window.dataset.main_practices()["practice_code"]
    select_on_map(window, mains.iloc[2])
    select_on_map(window, mains.iloc[3])
    click(panel.apart_button)
    assert panel.locks_list.count() == 1
    assert (mains.iloc[2], mains.iloc[3]) in window.workspace.locks.apart
    window.workspace.undo_stack.undo()
    assert panel.locks_list.count() == 0
    assert (mains.iloc[2], mains.iloc[3]) not in window.workspace.locks.apart


def test_typing_a_group_in_the_practices_table_moves_the_practice(window):
    run_grouping(window)
    table = window.practices_table
    mapping = dict(window.workspace.groups)
    code = next(iter(mapping))
    target = next(g for g in sorted(set(mapping.values())) if g != mapping[code])
    row = table.model.row_of("practice_code", code)
    col = [c.key for c in table.model.columns].index("group")
    assert table.model.setData(table.model.index(row, col), target)
    assert window.workspace.groups[code] == target
    assert window.practices_table.model.frame.set_index("practice_code").at[code,
                                                                            "group"] == target
    window.workspace.undo_stack.undo()
    assert window.workspace.groups[code] == mapping[code]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_groups_writes_the_group_list_with_metrics(window, tmp_path, suffix, dialogs):
    table = run_grouping(window)
    panel = window.groups_panel
    path = tmp_path / f"my groups{suffix}"
    dialogs.save_path = str(path)            # the user types this name in the save dialog
    click(panel.export_button)
    assert dialogs.asked[-1] == ("save", "Export groups")
    assert path.exists()
    written = (pd.read_csv(path) if suffix == ".csv"
               else pd.read_excel(path, sheet_name="groups"))
    assert list(written["group"]) == list(table["group"])
    assert list(written["list_size"]) == list(table["list_size"])
    assert {"within_bounds", "mean_distance_km", "contiguous", "member_practices"} <= set(
        written.columns)
    members = " ".join(written["member_practices"]).split()
    assert sorted(members) == sorted(window.workspace.groups)
    if suffix == ".xlsx":
        practices = pd.read_excel(path, sheet_name="practices")
        assert len(practices) == len(window.workspace.groups)
    assert str(path) in window.statusBar().currentMessage()


@pytest.mark.slow
def test_real_networks_are_compared_beside_the_proposal_without_replacing_it(tmp_path_factory,
                                                                            dialogs):
    """On a folder imported from the real Medway files (with the ePCN partners)."""
    from geo.canonical import load_folder
    from tests.test_supply_real import imported_folder
    win = open_window(load_folder(imported_folder(tmp_path_factory)))
    try:
        win.show_panel("groups")
        table = run_grouping(win)
        mine = dict(win.workspace.groups)
        comparison = win.groups_panel.comparison
        assert comparison.isVisible()
        at = comparison.combo.findData("pcns")
        assert at > 0
        comparison.combo.setCurrentIndex(at)
        comparison.combo.activated.emit(at)
        assert win.workspace.groups == mine               # the user's groups are kept
        rows = comparison.model.frame
        assert list(rows["grouping"]) == ["Your groups", "Primary Care Networks"]
        view = comparison.table          # both rows in view, not one and a scroll bar
        last = view.model().index(len(rows) - 1, 0)
        assert view.viewport().rect().contains(view.visualRect(last))
        assert rows.iloc[0]["groups"] == len(table)
        assert rows.iloc[1]["groups"] == win.dataset.pcns["pcn_name"].nunique()
        assert "adjusted Rand index" in comparison.agreement.text()
        wait_until(lambda: (js(win, "medway.counts().existing_groups") or 0) > 0,
                   what="PCN outlines")
        assert js(win, "medway.counts().groups") == 2 * len(table)
        # Issue #24 item 10: the PCN outlines are labelled with their names …
        names = set(win.dataset.pcns["pcn_name"])
        wait_until(lambda: set(js(win, "medway.overlayLabels('existing_groups')")) == names,
                   what="PCN names on the map")
        # … the comparison is part of the scenario (saved, reopened) …
        import pyogrio
        saved = tmp_path_factory.mktemp("scenario") / "With PCNs.scenario.json"
        assert win.scenarios.save_as(str(saved))
        win.scenarios.new()
        assert comparison.key is None
        assert win.scenarios.open(str(saved))
        assert comparison.key == "pcns" and comparison.table.isVisible()
        # … and the GeoPackage holds the territories and catchments as polygons for QGIS.
        from tests.gui_helpers import menu_action
        out = tmp_path_factory.mktemp("export") / "plan.gpkg"
        dialogs.save_path = str(out)
        menu_action(win, "File", "Export data").trigger()
        wait_until(out.exists, 60, "the GeoPackage")
        found = dict(pyogrio.list_layers(out).tolist())
        assert "Polygon" in found["group_territories"] and "Polygon" in found["hub_catchments"]
        terr = pyogrio.read_dataframe(out, layer="group_territories")
        assert set(terr["group"]) == set(win.workspace.groups.values())
        assert terr.geometry.area.gt(0).all()
        catch = pyogrio.read_dataframe(out, layer="hub_catchments")
        assert set(catch["hub_id"]) <= set(win.dataset.hubs["hub_id"])
        assert catch["served_patients"].sum() > 0
    finally:
        win.workspace.undo_stack.setClean()
        close_window(win)


SHOWN_LABELS = ("(function () { var o = {}; ['.medway-group-label', '.medway-label']"
                ".forEach(function (s) { o[s] = Array.from(document.querySelectorAll(s))"
                ".filter(function (e) { return e.style.visibility !== 'hidden'; }).length; });"
                " return o; })()")


def test_labels_stay_after_moving_a_practice_by_hand(window):
    """Issue #24 item 2: after Move, every group label (and the locality names that were
    shown) are still there, without a zoom: the labels fading out with the replaced
    territories must not hide the new ones."""
    import time

    from tests.gui_helpers import _settle
    run_grouping(window)
    wait_until(lambda: js(window, "medway.labelClashes()") == 0, what="labels decluttered")
    _settle(400)
    before = js(window, SHOWN_LABELS)
    panel = window.groups_panel
    mapping = dict(window.workspace.groups)
    code = sorted(mapping)[3]
    target = next(g for g in sorted(set(mapping.values())) if g != mapping[code])
    select_on_map(window, code)
    panel.target.setCurrentText(target)
    click(panel.move_button)
    assert window.workspace.groups[code] == target
    end = time.monotonic() + 1.5            # the labels must hold through the fade
    while time.monotonic() < end:
        _settle(100)
    after = js(window, SHOWN_LABELS)
    assert after[".medway-group-label"] == before[".medway-group-label"] == len(set(
        window.workspace.groups.values()))
    assert after[".medway-label"] >= before[".medway-label"] - 1


def test_a_grouping_outside_the_bounds_says_it_was_applied(window, dialogs):
    """Issue #24 item 3: bounds that cannot all be met still change the plan, so the
    message says so (and how to undo), never "Nothing was changed."; the status bar gets
    one line, not the whole list of shortfalls."""
    from tests.gui_helpers import status_text
    run_grouping(window, 44_000, 45_000)
    assert window.workspace.groups                          # the plan did change
    kinds = [t for k, t in dialogs.asked if k == "warning"]
    assert "Some groups are outside the bounds" in kinds
    text = dialogs.messages[dialogs.asked.index(("warning", "Some groups are outside the bounds"))]
    assert "Nothing was changed" not in text
    assert "Ctrl+Z" in text and "change was made" in text
    assert len(window.statusBar().currentMessage()) <= 140
    assert "outside the bounds" in status_text(window)


def test_the_map_does_not_blend_catchments_with_group_territories(window):
    """Issue #24: when groups are first drawn, the catchments step aside (one area layer
    over the locality fills); ticking them brings them back and they stay."""
    from tests.gui_helpers import tick_layer
    panel_layers = window.layers_panel
    window.groups_panel._areas_sorted = False            # as on a fresh window
    tick_layer(window, "Hub catchments", True)
    run_grouping(window)
    assert not panel_layers.is_checked("catchments")
    wait_until(lambda: js(window, "medway.isVisible('catchments')") is False, what="hidden")
    assert js(window, "medway.isVisible('groups')")
    tick_layer(window, "Hub catchments", True)           # the planner wants both
    set_spin(window.groups_panel.min_size, 31_000)
    click(window.groups_panel.run_button)
    wait_until(lambda: window.groups_panel.run_button.isEnabled(), 60, "grouping")
    assert panel_layers.is_checked("catchments")
