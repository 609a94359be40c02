"""GUI tasks under stress: the window closed mid-task, many tasks back to back, Cancel
pressed on a long loop, the app quitting with work running; a hostile folder name in the
status bar. Tasks are driven as the window drives them (TaskBar + its Cancel button)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.gui_helpers import eventually
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from gui.worker import Task, TaskBar
from tests.hostile_kit import tried

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app():
    from gui.app import make_application
    return make_application()


@pytest.fixture
def thread_errors():
    """Exceptions raised in any thread (e.g. 'Signal source has been deleted')."""
    seen = []
    old = threading.excepthook
    threading.excepthook = lambda args: seen.append(args.exc_value)
    yield seen
    threading.excepthook = old


def long_loop(seconds: float):
    def work(progress, cancelled):
        end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < end:
            i += 1
            if i % 50 == 0:
                progress(0.5, f"step {i}")   # a model reports progress now and then
            time.sleep(0.001)
        return i
    return work


def test_closing_the_window_mid_task_is_silent(app, thread_errors):
    tried()
    window = QWidget()
    task = Task(long_loop(0.5), window)
    job = task._job
    task.start()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    assert job.cancel.is_set()            # the work was told to stop
    job.thread.join(3)
    assert not job.thread.is_alive()
    QApplication.processEvents()
    assert thread_errors == []


def test_cancel_button_takes_effect_within_a_second(app):
    tried()
    window = QWidget()
    bar = TaskBar(window)
    task = Task(long_loop(30), window)
    got = []
    task.cancelled.connect(lambda: got.append(time.monotonic()))
    bar.watch(task)
    task.start()
    assert eventually(lambda: bar.label.text().startswith("step"))
    pressed = time.monotonic()
    QTest.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    assert eventually(lambda: got, 1.0) and got[0] - pressed < 1.0
    task._job.thread.join(1.0)
    assert not task._job.thread.is_alive()  # the loop stopped at its next progress report
    assert bar.isHidden()


def test_many_tasks_back_to_back(app, thread_errors):
    tried(50)
    window = QWidget()
    results = []
    for n in range(50):
        task = Task(lambda progress, cancelled, n=n: n * n, window)
        task.done.connect(results.append)
        task.start()
    assert eventually(lambda: len(results) == 50, 10)
    assert sorted(results) == [n * n for n in range(50)]
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert thread_errors == []


def test_quitting_with_tasks_running_exits_cleanly(tmp_path):
    tried(25)
    script = textwrap.dedent("""
        import os, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from gui.app import make_application
        from gui.worker import Task
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QWidget
        app = make_application()
        window = QWidget()
        def work(progress, cancelled):
            while True:
                progress(0.1, "busy")
                sum(range(2000))
        tasks = [Task(work, window) for _ in range(25)]
        for t in tasks:
            t.start()
        QTimer.singleShot(300, app.quit)
        app.exec()
        print("quit")
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Fatal" not in proc.stderr and "RuntimeError" not in proc.stderr, proc.stderr


def test_status_bar_shows_a_folder_name_as_text(window):
    """A folder named like markup is shown literally, never rendered."""
    tried()
    assert window.data_label.textFormat() == Qt.TextFormat.PlainText
    assert window.map_label.textFormat() == Qt.TextFormat.PlainText


def test_a_hundred_thousand_signal_emits_do_not_abort():
    """PySide6 6.12 drops a reference to True on every emit (bool_dealloc abort)."""
    tried()
    script = textwrap.dedent("""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from gui.app import make_application
        from PySide6.QtCore import QObject, Signal
        app = make_application()
        class Source(QObject):
            changed = Signal(float, str)
        source = Source()
        source.changed.connect(lambda *_: None)
        for _ in range(100_000):
            source.changed.emit(0.5, "x")
        print("ok")
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "ok" in proc.stdout, proc.stderr[-500:]


# ------------------------------------------------ issue 25: one line on screen, traceback logged

def _raise(exc):
    try:
        raise exc
    except type(exc) as caught:
        return caught


def test_an_uncaught_error_shows_one_line_and_logs_the_traceback(app, dialogs, monkeypatch):
    import sys

    from gui.error_log import install_excepthook, log_path
    tried()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)   # restored after the test
    install_excepthook()
    exc = _raise(RuntimeError("map layer vanished\nsecond line of detail"))
    sys.excepthook(type(exc), exc, exc.__traceback__)
    assert dialogs.asked[-1] == ("warning", "Something went wrong")
    shown = dialogs.messages[-1]
    assert "\n" not in shown and "Traceback" not in shown
    assert shown.startswith("RuntimeError: map layer vanished") and str(log_path()) in shown
    log = log_path().read_text()
    assert "Traceback (most recent call last)" in log and "second line of detail" in log


def test_a_report_that_fails_shows_one_line(window, dialogs, tmp_path, monkeypatch):
    """File → Export report… whose writer fails unexpectedly: one line, not a traceback."""
    import rendering.report
    tried()

    def broken(*a, **k):
        raise KeyError("glyph\nTraceback-looking detail")
    monkeypatch.setattr(rendering.report, "write_pdf", broken)
    dialogs.save_path = str(tmp_path / "board.pdf")
    task = window.export_report()
    assert eventually(lambda: not task.running, 60)
    title, text = dialogs.asked[-1][1], dialogs.messages[-1]
    assert title == "The report was not written"
    error = text.split("\n\nNothing was changed.")[0]
    assert "\n" not in error and "Traceback (most recent" not in error, error
    assert error.startswith("KeyError:")
    assert not (tmp_path / "board.pdf").exists()
