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
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
