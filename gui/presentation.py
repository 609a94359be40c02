"""Presentation mode for a projector: the map full screen, panels and bars hidden, larger
text. Esc or F11 leaves, even while the map has the keyboard focus (a shortcut of the
window, not a key handler the web view would swallow). Presenting turns hub editing off,
so a click in front of a room never adds a stray hub. To be read from the back of a room
the legend is opened and area layers are not blended (with groups drawn, the catchment and
demand shading are set aside). Leaving restores exactly what it changed: the window state
(maximised stays maximised), the panels and the tab in front, the legend and the layers."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QToolBar

ZOOM_FACTOR = 1.5


class Presentation:
    def __init__(self, window):
        self.window = window
        self.on = False
        self._shown: list = []
        self._state = Qt.WindowState.WindowNoState
        self._layout = None          # the docks and toolbars (saveState), the tab in front
        self._front = None
        self._unticked: list[str] = []
        self._legend_closed = None
        self.leave_action = QAction("Leave presentation mode", window)
        self.leave_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.leave_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_action.setEnabled(False)     # Esc keeps its usual meaning otherwise
        self.leave_action.triggered.connect(lambda: self.set(False))
        window.addAction(self.leave_action)

    def set(self, on: bool) -> None:
        w = self.window
        if on == self.on:
            return
        self.on = on
        w.presentation_action.setChecked(on)
        self.leave_action.setEnabled(on)
        bars = w.findChildren(QDockWidget) + w.findChildren(QToolBar)
        if on:
            hubs = getattr(w, "hubs_panel", None)
            if hubs is not None:
                hubs.edit_box.setChecked(False)
            self._state = w.windowState() & ~Qt.WindowState.WindowFullScreen
            self._shown = [b for b in bars if b.isVisible()]
            self._remember(w)
            for b in bars:
                b.hide()
            w.menuBar().hide()
            w.map.setZoomFactor(ZOOM_FACTOR)
            w.showFullScreen()
            w.map.setFocus()
            QTimer.singleShot(300, w.map.fit)     # Medway fills the screen, not the old view
        else:
            for b in self._shown:
                b.show()
            self._restore(w)
            w.menuBar().show()
            w.map.setZoomFactor(1.0)
            w.setWindowState(self._state)
            if self._state == Qt.WindowState.WindowNoState:
                w.showNormal()

    # -------------------------------------------------------------- what presenting changes
    def _remember(self, w) -> None:
        """Note the layout, the tab in front, the legend, and set the map up for a room."""
        from gui.window_layout import front_dock
        self._layout = w.saveState()
        self._front = front_dock(w)
        panel = w.layers_panel
        blended = ("catchments", "demand") if w.workspace.groups else ("demand",)
        self._unticked = [name for name in blended if panel.is_checked(name)]
        for name in self._unticked:
            panel.set_checked(name, False)
        self._legend_closed = None
        w.map.run_js("medway.legendCollapsed()", self._note_legend)
        w.map.call("setLegendCollapsed", False)

    def _note_legend(self, closed) -> None:
        self._legend_closed = bool(closed)

    def _restore(self, w) -> None:
        if self._layout is not None:
            w.restoreState(self._layout)
        if self._front is not None:
            self._front.raise_()
        for name in self._unticked:
            w.layers_panel.set_checked(name, True)
        self._unticked = []
        if self._legend_closed:
            w.map.call("setLegendCollapsed", True)
