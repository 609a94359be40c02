"""The window's dock layout: panels stay docked (a dragged title bar never floats one over
the map), the right-hand panels stay tabbed together, and View → Reset layout puts every
panel back where it started, sized so the map keeps most of a laptop screen."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget

# Shares of the window the side and bottom panels get at most on Reset layout (the map
# keeps the rest: ~half of a 1366×768 screen, more on larger ones; at 1366 px the right
# panels get the width their controls need, so none scrolls sideways).
LEFT_SHARE, RIGHT_SHARE, BOTTOM_SHARE = 0.14, 0.30, 0.22
LEFT_PX, RIGHT_PX, BOTTOM_PX = 230, 460, 260
RIGHT_DOCKS = ("details", "groups", "hubs", "demand")
FIRST_SIZE = QSize(1400, 900)      # the window's size the first time (no saved geometry)


def first_size(room: QSize | None) -> tuple[QSize, bool]:
    """The first window size and whether it had to shrink: 1400 × 900, or the screen's free
    area where that is smaller (a 1366 × 768 laptop), so no edge starts off screen."""
    if room is None or room.isEmpty():
        return FIRST_SIZE, False
    size = FIRST_SIZE.boundedTo(room)
    return size, size != FIRST_SIZE


def screen_room(window) -> QSize | None:
    """The free area of the window's screen (without the task bar); None off screen (the
    offscreen platform's pretend screen is not a size to fit)."""
    screen = window.screen()
    if screen is None or QGuiApplication.platformName() in ("offscreen", "minimal"):
        return None
    return screen.availableGeometry().size()


def keep_docked(dock: QDockWidget) -> None:
    """Movable between the window's edges and closable, never floating."""
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                     | QDockWidget.DockWidgetFeature.DockWidgetMovable)
    dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)


def right_docks(window) -> list[QDockWidget]:
    return [d for d in (getattr(window, f"{n}_dock", None) for n in RIGHT_DOCKS) if d]


def front_dock(window) -> QDockWidget | None:
    """The right-hand panel whose tab is in front (tabbed panels all count as 'visible')."""
    return next((d for d in right_docks(window)
                 if d.isVisible() and not d.visibleRegion().isEmpty()), None)


def size_docks(window) -> None:
    """Side and bottom panels at their default share of the window."""
    w, h = window.width(), window.height()
    window.resizeDocks([window.layers_dock], [min(LEFT_PX, int(w * LEFT_SHARE))],
                       Qt.Orientation.Horizontal)
    window.resizeDocks([window.details_dock], [min(RIGHT_PX, int(w * RIGHT_SHARE))],
                       Qt.Orientation.Horizontal)
    window.resizeDocks([window.tables_dock], [min(BOTTOM_PX, int(h * BOTTOM_SHARE))],
                       Qt.Orientation.Vertical)


def reset_layout(window) -> None:
    """View → Reset layout: every panel docked and shown where it started (Layers left,
    Details/Groups/Hubs/Demand tabbed right, Tables below), Details in front, default
    sizes, and all of Medway in view."""
    left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea,
                           Qt.DockWidgetArea.RightDockWidgetArea,
                           Qt.DockWidgetArea.BottomDockWidgetArea)
    for dock, area in ((window.layers_dock, left), (window.tables_dock, bottom),
                       *((d, right) for d in right_docks(window))):
        dock.setFloating(False)
        window.addDockWidget(area, dock)
        dock.show()
    first, *rest = right_docks(window)
    for dock in rest:
        window.tabifyDockWidget(first, dock)
    size_docks(window)
    first.raise_()
    window.map.fit()
