"""Helpers for driving the real window and its web page in tests."""
from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication


def wait_until(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


def js(window, code: str, timeout: float = 10.0):
    """Evaluate JavaScript in the map page and return its (JSON-convertible) result."""
    box = []
    window.map.run_js(code, box.append)
    wait_until(lambda: box, timeout, f"JavaScript: {code}")
    return box[0]


def open_window(dataset):
    from gui.app import make_application
    from gui.main_window import MainWindow
    make_application()
    window = MainWindow(dataset)
    window.show()
    assert window.wait_for_map(60000), f"map not ready: {window.map.errors}"
    return window


def close_window(window) -> None:
    """Close a test's window without the unsaved-changes question (a module's window
    outlives each test's answered dialogs)."""
    window.workspace.undo_stack.setClean()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def menu_actions(window):
    """Every command in the menu bar, submenus included: (path, action)."""
    found = []

    def walk(menu, path):
        for action in menu.actions():
            if action.isSeparator():
                continue
            name = path + [action.text().replace("&", "")]
            if action.menu() is not None:
                walk(action.menu(), name)
            else:
                found.append((" → ".join(name), action))
    for top in window.menuBar().actions():
        walk(top.menu(), [top.text().replace("&", "")])
    return found


def menu_action(window, menu_title: str, text: str):
    """The action a person would click: found in the menu bar by its visible text."""
    for path, action in menu_actions(window):
        top, _, rest = path.partition(" → ")
        if top == menu_title and rest.split(" → ")[-1].rstrip("…").startswith(text):
            return action
    raise AssertionError(f"no {menu_title} → {text} in the menu bar")


def status_text(window) -> str:
    """What the status bar shows: the message and the permanent labels."""
    from PySide6.QtWidgets import QLabel
    labels = [w.text() for w in window.statusBar().findChildren(QLabel) if w.isVisible()]
    return " | ".join([window.statusBar().currentMessage()] + labels)
