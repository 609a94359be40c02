"""The window on a laptop screen (issue #24 items 6 and 7): the Hubs table shows served
patients at 1400–1600 px; View → Reset layout; the map re-fits after a window or panel
resize; panels stay docked and tabbed, and ✕ on one tabbed panel closes only that one."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QDockWidget

from tests.gui_helpers import _settle, js, menu_action, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def laptop(window):
    """The window at a laptop size; put back (and the layout reset) afterwards."""
    size = window.size()
    yield window
    window.resize(size)
    menu_action(window, "View", "Reset layout").trigger()
    _settle(200)


def _in_view(table, header_text: str) -> bool:
    header = table.horizontalHeader()
    model = table.model()
    col = next(c for c in range(model.columnCount())
               if model.headerData(c, Qt.Orientation.Horizontal) == header_text)
    left = header.sectionViewportPosition(col)
    return left >= 0 and left + header.sectionSize(col) <= table.viewport().width()


@pytest.mark.parametrize("width", [1400, 1600])
def test_served_patients_are_in_view_in_the_hubs_table(laptop, width):
    w = laptop
    w.resize(width, 900)
    menu_action(w, "View", "Reset layout").trigger()
    w.show_panel("hubs")
    _settle(200)
    table = w.hubs_panel.table
    assert _in_view(table, "Name")
    assert _in_view(table, "Patients now"), [table.horizontalHeader().sectionSize(c)
                                             for c in range(5)]
    assert _in_view(table, "With growth")


def test_reset_layout_puts_every_panel_back_and_the_map_keeps_room(laptop):
    w = laptop
    w.resize(1366, 728)
    w.layers_dock.toggleViewAction().trigger()            # closed from the View menu
    w.tables_dock.toggleViewAction().trigger()
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, w.hubs_dock)   # moved away
    _settle(100)
    menu_action(w, "View", "Reset layout").trigger()
    _settle(300)
    for dock in w.findChildren(QDockWidget):
        assert not dock.isFloating()
        assert dock.toggleViewAction().isChecked(), dock.windowTitle()
    tabbed = set(w.tabifiedDockWidgets(w.details_dock))
    assert {w.groups_dock, w.hubs_dock, w.demand_dock} <= tabbed
    assert w.details_dock.isVisible()                    # Details in front
    for panel in ("demand", "hubs", "groups", "details"):
        w.show_panel(panel)
        _settle(100)
        share = w.map.width() * w.map.height() / (w.width() * w.height())
        assert share >= 0.35, (panel, w.map.width(), w.map.height())


def test_panels_never_float_over_the_map(window):
    for dock in window.findChildren(QDockWidget):
        assert not dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable, \
            dock.windowTitle()


def test_closing_one_tabbed_panel_leaves_the_others(laptop):
    w = laptop
    w.show_panel("hubs")
    _settle(100)
    close = next(b for b in w.hubs_dock.findChildren(QAbstractButton)
                 if b.objectName() == "qt_dockwidget_closebutton")
    QTest.mouseClick(close, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert not w.hubs_dock.toggleViewAction().isChecked()
    for dock in (w.details_dock, w.groups_dock, w.demand_dock):
        assert dock.toggleViewAction().isChecked(), dock.windowTitle()
    assert any(d.isVisible() for d in (w.details_dock, w.groups_dock, w.demand_dock))


def test_the_map_fits_medway_again_after_a_resize(laptop):
    w = laptop
    menu_action(w, "View", "Zoom to Medway").trigger()
    wait_until(lambda: js(w, "medway.showsAllOfMedway()"), what="all of Medway")
    w.resize(1366, 728)
    wait_until(lambda: js(w, "medway.showsAllOfMedway()"), 5, "re-fitted after the resize")
    w.tables_dock.toggleViewAction().trigger()           # a panel closed: the map grows
    w.tables_dock.toggleViewAction().trigger()           # and shrinks back
    _settle(400)
    wait_until(lambda: js(w, "medway.showsAllOfMedway()"), 5, "re-fitted after the panel")
    # once the planner zooms in, the view is theirs: a resize keeps it
    menu_action(w, "View", "Zoom in").trigger()
    _settle(400)
    w.resize(1500, 800)
    _settle(500)
    assert js(w, "medway.isFitted()") is False


@pytest.mark.parametrize("panel", ["hubs", "groups", "demand", "capacity"])
def test_no_panel_scrolls_sideways_on_a_1366_screen(laptop, panel):
    """A panel wider than its dock scrolls sideways and, once a control on its right takes
    the focus, cuts the labels on its left ('nsport on', 'uity factor')."""
    from PySide6.QtWidgets import QScrollArea
    w = laptop
    w.resize(1366, 768)
    menu_action(w, "View", "Reset layout").trigger()
    w.show_panel(panel)
    _settle(300)
    widget = getattr(w, f"{panel}_panel")
    area = next(a for a in w.findChildren(QScrollArea) if a.widget() is widget)
    wait_until(lambda: area.viewport().width() > 200, 5, "the panel laid out")
    assert area.horizontalScrollBar().maximum() == 0, \
        (area.viewport().width(), widget.minimumSizeHint().width())
