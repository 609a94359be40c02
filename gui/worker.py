"""Long work off the GUI thread, with progress and cancel (grouping, optimiser, import).

The model function takes ``progress(fraction, message)`` and ``cancel()`` callables (models
stay Qt-free; geo/progress.py) and raises ``geo.progress.Cancelled`` to stop. The worker
thread touches no Qt object: it puts its progress and outcome on a queue that the Task
(living in the window, on the GUI thread) drains with a timer. A finished Task deletes
itself. Only ``geo.errors.UserError`` (bad input, a request that cannot be met) is shown as
the user's mistake; anything else is reported as a bug, with its type and traceback.
Closing the window cancels and joins its tasks (``cancel_tasks``); deleting a Task cancels
its work, so a late result has nowhere to go and nothing to crash; Cancel takes effect at
once (the window is told immediately, the thread stops at its next progress or cancel
check); at exit running work is cancelled and joined before Python shuts down.
"""
from __future__ import annotations

import queue
import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from geo.errors import UserError
from geo.progress import Cancelled
from gui import qt_fixes  # noqa: F401  (PySide6 emit refcount bug: see the module)

POLL_MS = 50                 # how often the window takes news from the worker
EXIT_JOIN_SECONDS = 2.0      # how long exit waits for cancelled work to stop


class _Job:
    """The Qt-free half of a task: runs ``fn`` in a thread and queues what happened."""

    running: set["_Job"] = set()
    lock = threading.Lock()

    def __init__(self, fn, with_found: bool = False):
        self.fn = fn
        self.with_found = with_found
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self.cancel = threading.Event()
        self.last_progress = 0.0
        self.thread = threading.Thread(target=self.run, name="medway-task", daemon=True)

    def progress(self, fraction, message="") -> None:
        if self.cancel.is_set():
            raise Cancelled()        # stop at the next progress report
        now = time.monotonic()
        if now - self.last_progress >= POLL_MS / 1000:   # a tight loop queues ~20/s
            self.last_progress = now
            self.events.put(("progress", (float(fraction), str(message))))

    def found(self, value) -> None:
        """A first answer the window can show while the work goes on (e.g. checking it)."""
        if not self.cancel.is_set():
            self.events.put(("found", value))

    def run(self) -> None:
        try:
            args = (self.progress, self.cancel.is_set) + ((self.found,) if self.with_found
                                                          else ())
            result = self.fn(*args)
        except Exception as exc:  # reported to the user, never swallowed
            if self.cancel.is_set() or isinstance(exc, Cancelled):
                self.events.put(("cancelled", None))
            elif isinstance(exc, UserError):
                self.events.put(("failed", str(exc)))
            else:       # one line for the planner; the traceback goes to the log
                from gui.error_log import describe
                self.events.put(("failed", describe(exc)))
        else:
            self.events.put(("cancelled", None) if self.cancel.is_set() else ("done", result))
        finally:
            self.fn = None
            with _Job.lock:
                _Job.running.discard(self)

    def start(self) -> None:
        with _Job.lock:
            _Job.running.add(self)
        self.thread.start()


def cancel_tasks(owner: QObject, timeout: float = EXIT_JOIN_SECONDS) -> None:
    """Cancel every task ``owner`` (a window) holds and wait (briefly) for their threads:
    called when the window closes, before its panels and their Qt objects go."""
    tasks = owner.findChildren(Task)
    for task in tasks:
        task.cancel()
    for task in tasks:
        task.join(timeout)


def stop_all_tasks(timeout: float = EXIT_JOIN_SECONDS) -> None:
    """Cancel every running task and wait (briefly) for the threads to end."""
    with _Job.lock:
        jobs = list(_Job.running)
    for job in jobs:
        job.cancel.set()
    for job in jobs:
        job.thread.join(timeout)


try:   # before Python joins threads at exit (the documented atexit runs too late)
    threading._register_atexit(stop_all_tasks)
except (AttributeError, RuntimeError):   # pragma: no cover - other Pythons
    import atexit
    atexit.register(stop_all_tasks)


class Task(QObject):
    progress = Signal(float, str)
    found = Signal(object)       # a first answer, before ``done`` (``with_found`` work)
    done = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn, parent=None, with_found: bool = False):
        """``fn(progress, cancel)``, or ``fn(progress, cancel, found)`` ``with_found``."""
        super().__init__(parent)
        self._job = _Job(fn, with_found)
        self._finished = False
        self.running = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._drain)
        job = self._job
        self.destroyed.connect(lambda *_: job.cancel.set())   # window closed: stop work

    def cancel(self) -> None:
        """Stop: the window hears 'cancelled' now; the thread ends at its next check."""
        self._job.cancel.set()
        if self.running and not self._finished:
            self._finish()
            self.cancelled.emit()

    def join(self, timeout: float = EXIT_JOIN_SECONDS) -> None:
        """Wait (at most ``timeout`` s) for the worker thread to end."""
        if self._job.thread.is_alive():
            self._job.thread.join(timeout)

    def start(self) -> None:
        self.running = True
        self._timer.start()
        # A plain Python thread, not QThreadPool: pyproj keeps per-thread state that crashed
        # (segfault) when a pool thread ran a second task; a fresh thread per task is clean.
        self._job.start()

    def _finish(self) -> None:
        self._finished = True
        self.running = False
        self._timer.stop()
        self.deleteLater()      # the outcome is emitted now; nothing keeps a done task

    def _drain(self) -> None:
        latest = None      # only the newest progress is shown: one emit per tick at most
        while not self._finished:
            try:
                kind, payload = self._job.events.get_nowait()
            except queue.Empty:
                break
            if kind == "progress":
                latest = payload
                continue
            if kind == "found":
                self.found.emit(payload)
                continue
            if latest is not None:
                self.progress.emit(*latest)
                latest = None
            self._finish()
            if kind == "done":
                self.done.emit(payload)
            elif kind == "failed":
                self.failed.emit(payload)
            else:
                self.cancelled.emit()
            return
        if latest is not None:
            self.progress.emit(*latest)


class TaskBar(QWidget):
    """A progress bar with a Cancel button, shown while a task runs."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop this calculation; nothing is changed")
        self.cancel_button.clicked.connect(self._cancel)   # the task watched now, only
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
        task.progress.connect(self._progress)
        for sig in (task.done, task.failed, task.cancelled):
            sig.connect(lambda *_, t=task: self._ended(t))
        self.show()

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _ended(self, task: Task) -> None:
        if task is self.task:       # a newer task may be watched already
            self.task = None
            self.hide()

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if message:
            self.label.setText(message)
