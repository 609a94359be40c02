"""Two windows at once: the first owns the crash autosave; the second never offers, clears or
overwrites it (issue #24, item 1). The first window is a real child process holding the lock
and an autosave, as an open app does; it is then killed (-9) like a crashed one."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from geo import autosave_owner
from geo.canonical import load_sample
from models import scenario as sc
from tests.gui_helpers import (click_widget, close_window, open_window, press_in_next_box,
                               status_text, wait_until)

pytestmark = [pytest.mark.gui, pytest.mark.slow,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX")]
WRITER = Path(__file__).resolve().parent / "scenario_writer.py"
PANEL = "hubs"


@pytest.fixture
def first_window(window, tmp_path):
    """Another open window (a live process) that has autosaved work: HLC-LOR deleted."""
    from gui.scenarios import settings_dir
    folder = settings_dir()
    sc.clear_recovery(folder)
    autosave_owner.release(folder)          # the module's window has not claimed it
    window.scenarios.new()
    window.hubs_panel.delete_hub("HLC-LOR")
    work = tmp_path / "work.scenario.json"
    sc.save_scenario(window.scenarios.current("Work in the first window"), work)
    window.workspace.undo_stack.undo()
    window.workspace.undo_stack.setClean()
    proc = subprocess.Popen([sys.executable, str(WRITER), "window", str(folder), str(work)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "autosaved", proc.stderr.read()
    yield proc, folder
    proc.kill()
    proc.communicate(timeout=10)


def _start_second(choice: str):
    """A second window starting up (as run_app does), the planner pressing ``choice``."""
    second = open_window(load_sample())
    seen = press_in_next_box(choice)
    assert second.scenarios.offer_recovery() is False
    return second, seen


def test_a_second_window_keeps_its_own_autosave_and_the_first_ones_survives(
        first_window, dialogs, window):
    proc, folder = first_window
    second, seen = _start_second("Separate autosave")
    try:
        assert seen and "already open" in seen[0] and str(proc.pid) in seen[0]
        assert ("question", "Recover unsaved work?") not in dialogs.asked
        second.show_panel("hubs")
        second.hubs_panel.table.selectRow(0)
        click_widget(second.hubs_panel.delete_button)           # an edit in the second
        own = autosave_owner.separate_folder(folder)
        wait_until(lambda: sc.find_recovery(own) is not None, 15, "the second's autosave")
        assert sc.find_recovery(folder)[1].name == "Work in the first window"
    finally:
        close_window(second)                                     # a clean exit
    assert sc.find_recovery(folder)[1].name == "Work in the first window"
    assert autosave_owner.owner(folder) == proc.pid
    # The first window dies (kill -9): its work is offered back at the next start.
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    from PySide6.QtWidgets import QMessageBox
    dialogs.answers["Recover unsaved work?"] = QMessageBox.StandardButton.Yes
    assert window.scenarios.offer_recovery()
    assert "HLC-LOR" not in set(window.dataset.hubs["hub_id"])
    # a time a person reads, not "2026-12-03T09:41:07+00:00"
    prompt = dialogs.messages[dialogs.asked.index(("question", "Recover unsaved work?"))]
    assert "T" not in prompt.split("autosaved")[1] and " at " in prompt
    window.scenarios.new()


def test_a_read_only_second_window_changes_nothing(first_window, dialogs):
    proc, folder = first_window
    second, seen = _start_second("Read-only")
    try:
        assert "(read-only)" in second.windowTitle()
        second.show_panel("hubs")
        before = second.hubs_panel.model.rowCount()
        second.hubs_panel.table.selectRow(0)
        click_widget(second.hubs_panel.delete_button)
        assert second.hubs_panel.model.rowCount() == before
        assert "read-only" in status_text(second)
    finally:
        close_window(second)
    assert sc.find_recovery(folder)[1].name == "Work in the first window"
    assert autosave_owner.owner(folder) == proc.pid
