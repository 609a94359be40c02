"""Optimise further (Groups panel), as a primary care lead uses it: after a grouping, or a
hand edit that spoiled one, the button searches longer in the background and replaces the
groups only with a shorter grouping (one undoable step); otherwise it says so and changes
nothing. Each test starts from a clean window and leaves it clean."""
from __future__ import annotations

import re

import pytest

from tests.gui_helpers import wait_until
from tests.test_gui_groups import (  # noqa: F401 (clean: the same autouse fixture)
    PANEL, clean, click, move_the_largest_practice, run_grouping, select_on_map,
)

pytestmark = pytest.mark.gui


def shown_km(panel) -> float:
    """The mean distance the summary line shows."""
    return float(re.search(r"mean distance to group centre ([\d.]+) km",
                           panel.summary.text()).group(1))


def optimise(window) -> None:
    panel = window.groups_panel
    assert panel.optimise_button.isEnabled()
    window.statusBar().clearMessage()
    click(panel.optimise_button)
    wait_until(lambda: panel.optimise_button.isEnabled()
               and "Optimise further" in window.statusBar().currentMessage(),
               timeout=120, what="optimise further")


@pytest.mark.slow
def test_optimise_further_mends_a_spoiled_grouping_and_undo_restores_it(window):
    run_grouping(window)
    panel = window.groups_panel
    code, _, _ = move_the_largest_practice(window)   # a hand edit that breaks a bound
    spoiled, spoiled_km = dict(window.workspace.groups), shown_km(panel)
    assert panel.model.flag_rows
    depth = window.workspace.undo_stack.index()
    optimise(window)
    assert window.workspace.undo_stack.index() == depth + 1
    assert "Optimise the grouping further" in window.workspace.undo_stack.undoText()
    table = panel.model.frame
    assert table["list_size"].between(30_000, 50_000).all() and not panel.model.flag_rows
    assert shown_km(panel) < spoiled_km
    assert "→" in window.statusBar().currentMessage()
    window.workspace.undo_stack.undo()
    assert window.workspace.groups == spoiled


@pytest.mark.slow
def test_optimise_further_twice_leaves_the_groups_alone_the_second_time(window):
    """The same settings and seed search the same way, so a second press finds nothing
    shorter: it says so and makes no change (nothing to undo)."""
    run_grouping(window)
    optimise(window)
    mapping, depth = dict(window.workspace.groups), window.workspace.undo_stack.index()
    optimise(window)
    assert "no shorter grouping found" in window.statusBar().currentMessage()
    assert window.workspace.groups == mapping
    assert window.workspace.undo_stack.index() == depth


def test_optimise_further_waits_for_a_grouping(window):
    assert not window.groups_panel.optimise_button.isEnabled()
