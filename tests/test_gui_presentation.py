"""Presentation mode for a room (issue #24 item 9): the legend open, area layers not blended;
leaving restores exactly what it changed — the tab in front (Demand stays Demand), the
legend, the layer ticks."""
from __future__ import annotations

import pytest

from tests.gui_helpers import _settle, js, menu_action, tick_layer, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def grouped(window, undo_all):
    """A grouping in the plan (territories drawn), as in a workshop."""
    mains = window.dataset.main_practices()["practice_code"].tolist()
    window.workspace.set_state("groups", {c: f"G{1 + i % 4}" for i, c in enumerate(mains)},
                               "Group")
    wait_until(lambda: (js(window, "medway.counts().groups") or 0) > 0, what="territories")
    yield window


def test_presenting_opens_the_legend_unblends_and_leaving_restores_it_all(grouped):
    w = grouped
    w.show_panel("demand")
    js(w, "medway.setLegendCollapsed(true)")
    _settle(100)
    from gui.window_layout import front_dock
    assert front_dock(w) is w.demand_dock
    tick_layer(w, "Hub catchments", True)      # both drawn, as a planner may choose
    _settle(100)
    menu_action(w, "View", "Presentation mode").trigger()
    wait_until(w.isFullScreen, what="full screen")
    wait_until(lambda: js(w, "medway.legendCollapsed()") is False, what="legend open")
    assert not w.layers_panel.is_checked("catchments")          # not blended with groups
    wait_until(lambda: js(w, "medway.isVisible('catchments')") is False, what="catchments off")
    assert js(w, "medway.isVisible('groups')")
    menu_action(w, "View", "Presentation mode").trigger()       # F11 again: leave
    wait_until(lambda: not w.isFullScreen(), what="left presentation")
    _settle(200)
    from gui.window_layout import front_dock
    assert front_dock(w) is w.demand_dock                        # Demand still in front
    assert w.layers_panel.is_checked("catchments")
    wait_until(lambda: js(w, "medway.legendCollapsed()") is True, what="legend closed again")


def test_the_first_window_fits_a_laptop_screen():
    """1400 × 900 by default; on a 1366 × 768 screen (less its task bar) it shrinks to the
    free area and the window starts maximised, so no edge is off screen."""
    from PySide6.QtCore import QSize
    from gui.window_layout import first_size
    assert first_size(None) == (QSize(1400, 900), False)
    assert first_size(QSize(1920, 1040)) == (QSize(1400, 900), False)
    assert first_size(QSize(1366, 728)) == (QSize(1366, 728), True)
