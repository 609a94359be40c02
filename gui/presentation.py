"""Presentation mode for a projector: the map full screen, panels and bars hidden, larger
text. Esc or F11 leaves, even while the map has the keyboard focus (a shortcut of the
window, not a key handler the web view would swallow). Presenting turns hub editing off,
so a click in front of a room never adds a stray hub; leaving restores the window state
as it was (maximised stays maximised)."""
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
            w.menuBar().show()
            w.map.setZoomFactor(1.0)
            w.setWindowState(self._state)
            if self._state == Qt.WindowState.WindowNoState:
                w.showNormal()
