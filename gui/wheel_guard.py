"""The mouse wheel scrolls panels, never a value it happens to pass over: over a combo box
or spin box that has not been clicked (no keyboard focus) the wheel scrolls the panel
around it, as in a web form. One filter, put on every such control of the window and of its
dialogs, so they all behave alike."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox,
                               QWidget)

GUARDED = (QAbstractSpinBox, QComboBox)


def _control(obj) -> QWidget | None:
    """The combo or spin box ``obj`` is (or is the text field of)."""
    for w in (obj, obj.parent() if isinstance(obj, QObject) else None):
        if isinstance(w, GUARDED):
            return w
    return None


class WheelGuard(QObject):
    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.Wheel:
            return False
        control = _control(obj)
        if control is None or control.hasFocus():
            return False
        area = control.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:
            QApplication.sendEvent(area.verticalScrollBar(), event)
        return True           # the value stays as it is


def guard(root: QWidget) -> WheelGuard:
    """Guard every combo and spin box under ``root`` (a window or dialog, once built).

    A filter on each control rather than on the application: an application-wide Python
    event filter sees every event of the web view and crashes PySide under load."""
    keeper = getattr(root, "_wheel_guard", None)
    if keeper is None:
        keeper = WheelGuard(root)
        root._wheel_guard = keeper
    for control in root.findChildren(QAbstractSpinBox) + root.findChildren(QComboBox):
        if not control.property("wheelGuarded"):
            control.setProperty("wheelGuarded", True)
            control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # the wheel gives no focus
            control.installEventFilter(keeper)
    return keeper
