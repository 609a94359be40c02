"""Long work off the GUI thread, with progress and cancel (grouping, optimiser, import).

The model function takes ``progress(fraction, message)`` and ``cancelled()`` callables
(models stay Qt-free); this wraps it in a QRunnable and turns its outcome into signals.
"""
from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from geo.errors import DataError
from geo.progress import Cancelled




class Task(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn, parent=None):
        super().__init__(parent)
        self._fn = fn
        self._cancel = False
        self.running = False

    def cancel(self) -> None:
        self._cancel = True

    def is_cancelled(self) -> bool:
        return self._cancel

    def start(self) -> None:
        self.running = True
        # A plain Python thread, not QThreadPool: pyproj keeps per-thread state that crashed
        # (segfault) when a pool thread ran a second task; a fresh thread per task is clean.
        threading.Thread(target=self._run, name="medway-task", daemon=True).start()

    def _run(self) -> None:
        try:
            result = self._fn(lambda f, m="": self.progress.emit(float(f), str(m)),
                              self.is_cancelled)
        except Exception as exc:  # reported to the user, never swallowed
            self.running = False
            if self._cancel or isinstance(exc, Cancelled) or \
                    type(exc).__name__ == "Cancelled":   # grouping's own, until it uses ours
                self.cancelled.emit()
            elif isinstance(exc, (DataError, ValueError)):
                self.failed.emit(str(exc))
            else:
                self.failed.emit(f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
            return
        self.running = False
        if self._cancel:
            self.cancelled.emit()
        else:
            self.done.emit(result)


class TaskBar(QWidget):
    """A progress bar with a Cancel button, shown while a task runs."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.label = QLabel(self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop this calculation; nothing is changed")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar, 2)
        layout.addWidget(self.label, 3)
        layout.addWidget(self.cancel_button)
        self.task: Task | None = None
        self.hide()

    def watch(self, task: Task) -> None:
        self.task = task
        self.bar.setValue(0)
        self.label.setText("Starting…")
        self.cancel_button.setEnabled(True)
        self.cancel_button.clicked.connect(task.cancel)
        task.progress.connect(self._progress)
        for sig in (task.done, task.failed, task.cancelled):
            sig.connect(self.hide)
        self.show()

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.label.setText(message)
