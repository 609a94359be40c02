"""The Groups panel as a primary care lead uses it: run, read metrics, move, lock, undo."""
from __future__ import annotations

import pytest

from tests.gui_helpers import js, wait_until

pytestmark = pytest.mark.gui


PANEL = "groups"


def run_grouping(window, **settings):
    panel = window.groups_panel
    for key, value in settings.items():
        getattr(panel, key).setValue(value) if hasattr(getattr(panel, key), "setValue") \
            else getattr(panel, key).setChecked(value)
    depth = window.workspace.undo_stack.index()
    panel.run()
    wait_until(lambda: panel.run_button.isEnabled()
               and window.workspace.undo_stack.index() > depth, timeout=60, what="grouping")


def test_running_the_grouping_puts_every_group_within_bounds_and_on_the_map(window):
    run_grouping(window, min_size=30_000, max_size=50_000)
    table = window.groups_panel.model.frame
    assert len(table) >= 6
    assert table["within_bounds"].all()
    assert table["list_size"].between(30_000, 50_000).all()
    assert table["list_size"].sum() == window.dataset.main_practices()["list_size"].sum()
    assert f"{len(table)} of {len(table)} groups" in window.groups_panel.summary.text()
    wait_until(lambda: js(window, "medway.counts().groups") == len(table), what="hulls")
    # practices take their group's colour; the Practices table shows the group too
    code = window.dataset.main_practices()["practice_code"].iloc[0]
    colour = js(window, f"medway.styleOf('practices', '{code}').fillColor")
    assert colour != "#1f4e9c"
    groups = window.practices_table.model.frame.set_index("practice_code")["group"]
    assert groups[code] == window.workspace.groups[code]
    branch = window.dataset.branches().iloc[0]
    assert groups[branch["practice_code"]] == groups[branch["parent_code"]]


def test_moving_a_practice_by_hand_updates_metrics_and_undo_restores(window):
    panel = window.groups_panel
    mapping = dict(window.workspace.groups)
    mains = window.dataset.main_practices().set_index("practice_code")
    code = max(mapping, key=lambda c: mains.at[c, "list_size"])   # the largest practice
    source = mapping[code]
    target = next(g for g in sorted(set(mapping.values())) if g != source)
    before = panel.model.frame.set_index("group")["list_size"]
    panel.move(code, target)
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


def test_a_lock_together_is_honoured_by_the_next_run(window):
    panel = window.groups_panel
    mains = window.dataset.main_practices()
    a, b = mains["practice_code"].iloc[0], mains["practice_code"].iloc[-1]   # far apart
    panel.note_selection(a)
    panel.note_selection(b)
    panel._lock_together()
    assert panel.locks_list.count() == 1
    run_grouping(window, min_size=20_000, max_size=60_000)
    assert window.workspace.groups[a] == window.workspace.groups[b]


def test_within_localities_never_mixes_localities(window):
    panel = window.groups_panel
    panel.locks_list.setCurrentRow(0)
    panel._remove_lock()
    run_grouping(window, min_size=20_000, max_size=60_000, within=True)
    mains = window.dataset.main_practices().set_index("practice_code")
    by_group = {}
    for code, group in window.workspace.groups.items():
        by_group.setdefault(group, set()).add(mains.at[code, "locality"])
    assert all(len(locs) == 1 for locs in by_group.values())


def test_locks_are_undoable(window):
    panel = window.groups_panel
    n = panel.locks_list.count()
    mains = window.dataset.main_practices()["practice_code"]
    panel.note_selection(mains.iloc[2])
    panel.note_selection(mains.iloc[3])
    panel._lock_apart()
    assert panel.locks_list.count() == n + 1
    assert (mains.iloc[2], mains.iloc[3]) in window.workspace.locks.apart
    window.workspace.undo_stack.undo()
    assert panel.locks_list.count() == n
    assert (mains.iloc[2], mains.iloc[3]) not in window.workspace.locks.apart


def test_typing_a_group_in_the_practices_table_moves_the_practice(window):
    run_grouping(window, min_size=30_000, max_size=50_000)
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
