"""One protocol for background work: one Cancelled, one ``progress``/``cancel`` signature,
tasks deleted when done, Cancel wired to the task shown only, only our user-error type shown
as the user's mistake, and a closing window cancels and joins its tasks."""
from __future__ import annotations

import time

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from geo.errors import UserError
from geo.progress import Cancelled
from gui.worker import Task, TaskBar
from tests.gui_helpers import eventually


@pytest.fixture
def app():
    from gui.app import make_application
    return make_application()


def looping(progress, cancel):
    while True:
        progress(0.5, "busy")
        time.sleep(0.002)


def test_there_is_one_cancelled_and_one_user_error():
    import models.grouping
    import models.hubs
    from geo.errors import DataError
    from models.grouping import GroupingError
    assert models.grouping.Cancelled is Cancelled and models.hubs.Cancelled is Cancelled
    assert issubclass(DataError, UserError) and issubclass(GroupingError, UserError)


def test_the_grouping_takes_the_same_cancel_keyword_as_the_optimiser(sample_dir):
    from geo.canonical import load_folder
    from models.grouping import group_practices
    practices = load_folder(sample_dir).practices
    with pytest.raises(Cancelled):
        group_practices(practices, 30_000, 50_000, cancel=lambda: True)


def test_a_finished_task_is_deleted(app):
    window = QWidget()
    task = Task(lambda progress, cancel: 42, window)
    got = []
    task.done.connect(got.append)
    task.start()
    assert eventually(lambda: got == [42])
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(task)
    assert window.findChildren(Task) == []


def test_cancel_stops_only_the_task_shown(app):
    """A bar that watched an earlier task no longer cancels it."""
    window = QWidget()
    bar = TaskBar(window)
    first, second = Task(looping, window), Task(looping, window)
    first_job, second_job = first._job, second._job
    bar.watch(first)
    first.start()
    bar.watch(second)
    second.start()
    QTest.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
    assert second_job.cancel.is_set() and not first_job.cancel.is_set()
    first.cancel()
    for job in (first_job, second_job):
        job.thread.join(2)
        assert not job.thread.is_alive()


@pytest.mark.parametrize("error, shown", [
    (UserError("K is larger than the candidate sites"), "K is larger than the candidate sites"),
    (ValueError("operands could not be broadcast"), "ValueError: operands could not be"),
])
def test_only_our_user_error_reads_as_the_users_mistake(app, error, shown):
    def work(progress, cancel):
        raise error
    window = QWidget()
    task = Task(work, window)
    got = []
    task.failed.connect(got.append)
    task.start()
    assert eventually(lambda: got)
    assert got[0].startswith(shown)
    if type(error) is ValueError:         # a library's error is a bug: named, and logged
        assert "errors.log" in got[0]


@pytest.mark.gui
@pytest.mark.parametrize("which", ["grouping", "suggestion"])
def test_closing_the_window_while_work_runs_cancels_and_joins_it(monkeypatch, which):
    """The window closes mid-grouping or mid-suggestion: the work is told to stop and its
    thread has ended before the window's panels go (it used to crash the app)."""
    import models.grouping
    import models.hubs.siting
    from geo.canonical import load_sample
    from tests.gui_helpers import close_window, open_window
    started = []

    def slow(*args, progress=None, cancel=None, **kwargs):
        started.append(True)
        while True:
            progress(0.3, "working")
            time.sleep(0.002)
    monkeypatch.setattr(models.grouping, "group_practices", slow)
    monkeypatch.setattr(models.hubs.siting.SitingProblem, "solve", slow)
    window = open_window(load_sample())
    panel = window.groups_panel if which == "grouping" else window.hubs_panel
    button = panel.run_button if which == "grouping" else panel.suggest_button
    window.show_panel("groups" if which == "grouping" else "hubs")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert eventually(lambda: started, 10)
    jobs = [t._job for t in window.findChildren(Task)]
    assert jobs
    close_window(window)
    for job in jobs:
        assert job.cancel.is_set() and not job.thread.is_alive()
