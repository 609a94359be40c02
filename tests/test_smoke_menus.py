"""Every command in the menu bar, triggered once as a person would (the action found in the
menu bar), with its dialogs answered: nothing may raise inside a slot (PySide reports slot
exceptions through sys.excepthook, which conftest turns into a failure), and each command
leaves a trace the user can see."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.gui_helpers import menu_actions, wait_until

pytestmark = pytest.mark.gui


def close_modal_dialogs(tries: int = 20) -> None:
    """Cancel a modal dialog the command opens (as a user pressing Cancel); gives up
    after a second if none appears."""
    def reject(left=tries):
        dialog = QApplication.activeModalWidget()
        if dialog is not None and hasattr(dialog, "reject"):
            dialog.reject()
        elif left:
            QTimer.singleShot(50, lambda: reject(left - 1))
    QTimer.singleShot(50, reject)


def answers_for(path: str, tmp_path) -> dict:
    """What the user types into the dialogs of the command at ``path``."""
    name = path.split(" → ")[-1].rstrip("…").replace("&", "")
    out = {"save_path": "", "open_paths": [], "text": None}
    if name.startswith("Export data"):
        out["save_path"] = str(tmp_path / "smoke.xlsx")
    elif name.startswith("Export report"):
        out["save_path"] = str(tmp_path / "smoke.pdf")
    elif name.startswith("Export map as HTML"):
        out["save_path"] = str(tmp_path / "smoke.html")
    elif name.startswith("Export map as PNG"):
        out["save_path"] = str(tmp_path / "smoke.png")
    elif name.startswith(("Save scenario", "Duplicate")):
        out["save_path"] = str(tmp_path / f"{name.split()[0]}.scenario.json")
        out["text"] = "Smoke copy"
    elif name.startswith("Rename"):
        out["text"] = "Smoke test"
    elif name.startswith("Compare"):
        out["open_paths"] = [str(tmp_path / "Save.scenario.json")]
    return out


def test_every_menu_command_runs_without_an_error(window, dialogs, slot_errors, tmp_path):
    found = menu_actions(window)
    assert len(found) >= 25, [p for p, _ in found]
    quit_action = None
    ran = []
    for path, action in found:
        if path.endswith("Quit"):
            quit_action = action
            continue
        if not action.isEnabled():
            continue
        for key, value in answers_for(path, tmp_path).items():
            setattr(dialogs, key, value)
        close_modal_dialogs()
        action.trigger()
        QApplication.processEvents()
        assert not slot_errors, f"{path}: {slot_errors}"
        ran.append(path)
        if window.isFullScreen() or window.presentation_action.isChecked():
            window.toggle_presentation(False)
        for widget in QApplication.topLevelWidgets():      # the comparison window
            if widget is not window and widget.isVisible() and widget.isWindow() \
                    and widget.windowTitle() == "Compare scenarios":
                widget.close()
    task = window.report_task
    if task is not None:
        wait_until(lambda: not task.running, 60, "the report")
    assert (tmp_path / "smoke.pdf").exists() and (tmp_path / "smoke.xlsx").exists()
    assert (tmp_path / "smoke.html").exists() and (tmp_path / "smoke.png").exists()
    assert (tmp_path / "Save.scenario.json").exists()
    assert ("text", "Duplicate scenario") in dialogs.asked     # it asks for a name
    assert any(p.endswith("Compare scenarios…") for p in ran)
    assert len(ran) >= 20
    # Quit last: a clean window closes without asking.
    window.workspace.undo_stack.setClean()
    assert quit_action is not None
    quit_action.trigger()
    QApplication.processEvents()
    assert not window.isVisible()
    assert not slot_errors
