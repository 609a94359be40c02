"""Scenarios in the window: New/Open/Save/Save As/Rename/Recent/Duplicate, autosave and
recovery, the unsaved-changes prompt, and side-by-side comparison of up to three scenarios.

The scenario file format and its safety live in models/scenario/; this is the view.
"""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from geo import autosave_owner
from geo.errors import DataError
from models import scenario as sc

AUTOSAVE_DELAY_MS = 5000     # after the last change: a burst of edits is written once
UNTITLED = "Untitled scenario"
MAX_RECENT = 8
FILTER = "Medway scenario (*.scenario.json *.json)"


def settings_dir() -> Path:
    path = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation))
    path.mkdir(parents=True, exist_ok=True)
    return path


class ScenarioController(QObject):
    """Owns the current scenario's name and file; wires the File menu and autosave."""

    def __init__(self, window, menu):
        super().__init__(window)
        self.window = window
        self.ws = window.workspace
        self.name = UNTITLED
        self.renamed = False        # True once the user names it: Save As keeps the name
        self.notes = ""
        self.path: Path | None = None
        # The folder this window autosaves to: settings_dir() when it owns it, its own
        # folder when another window does; None until decided (at start-up, or the first
        # autosave).
        self.autosave_dir: Path | None = None
        self._build_menu(menu)
        self.ws.replaced.connect(self._on_replaced)
        self.ws.undo_stack.cleanChanged.connect(self._on_clean_changed)
        # Autosave shortly after each change (debounced), not on a fixed clock.
        self.autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.ws.undo_stack.indexChanged.connect(self._changed)
        self._update_title()

    # -------------------------------------------------------------- menu
    def _build_menu(self, menu) -> None:
        w = self.window
        menu.addSeparator()
        w._action(menu, "&New scenario", self.new, QKeySequence.StandardKey.New,
                  "Start again from the data as loaded")
        w._action(menu, "Open &scenario…", self.open, QKeySequence("Ctrl+Shift+O"))
        self.recent_menu = menu.addMenu("Recent scenarios")
        w._action(menu, "&Save scenario", self.save, QKeySequence.StandardKey.Save)
        w._action(menu, "Save scenario &as…", self.save_as, QKeySequence("Ctrl+Shift+S"))
        w._action(menu, "&Rename scenario…", self.rename, None,
                  "Give the scenario a name of its own (shown in the title, the report and "
                  "comparisons)")
        w._action(menu, "&Duplicate scenario…", self.duplicate, None,
                  "Save a copy under a new name and carry on in the copy")
        w._action(menu, "&Compare scenarios…", self.compare, None,
                  "Key measures of the current scenario and up to two saved ones, side by "
                  "side, differences highlighted")
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent():
            self.recent_menu.addAction(path, lambda p=path: self.open(p))
        self.recent_menu.setEnabled(bool(self.recent()))

    def recent(self) -> list[str]:
        value = self.window.settings.value("scenarios/recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def _remember(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.window.settings.setValue("scenarios/recent", items[:MAX_RECENT])
        self._fill_recent()

    # -------------------------------------------------------------- state ⇄ scenario
    @property
    def base(self):
        """The data as loaded, before any edit (the plan's)."""
        return self.ws.plan.base

    def current(self, name: str | None = None) -> sc.Scenario:
        """What the plan holds, as a scenario."""
        return sc.scenario_from_plan(self.ws.plan, name or self.name, notes=self.notes)

    def _apply(self, scenario: sc.Scenario, path: Path | None) -> None:
        base = sc.open_scenario_data(scenario) if not self._same_data(scenario) else \
            self.base.copy()
        self.ws.undo_stack.clear()
        warnings = sc.load_into_plan(self.ws.plan, scenario, base)   # panels refresh
        self.name, self.notes, self.path = scenario.name, scenario.notes, path
        self.renamed = scenario.name != UNTITLED and (
            path is None or _plain(scenario.name) != _plain(_file_name(path)))
        self.ws.undo_stack.setClean()
        self.autosave_timer.stop()
        self._update_title()
        for warning in warnings:
            self.window.statusBar().showMessage(warning, 15000)

    def _same_data(self, scenario: sc.Scenario) -> bool:
        ref = sc.data_reference(self.base)
        return ref.get("kind") == scenario.data.get("kind") and \
            ref.get("path") == scenario.data.get("path")

    # -------------------------------------------------------------- actions
    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False means the user cancelled."""
        if self.ws.undo_stack.isClean():
            return True
        answer = QMessageBox.question(
            self.window, "Unsaved changes",
            f"Save the changes to '{self.name}' before continuing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return True

    def new(self) -> None:
        if not self.maybe_save():
            return
        self.start_untitled()
        self.ws.replace(self.base.copy())
        self.ws.undo_stack.setClean()
        self._update_title()

    def start_untitled(self) -> None:
        """Fresh data or New: an unnamed scenario with no file."""
        self.name, self.notes, self.path, self.renamed = UNTITLED, "", None, False

    def open(self, path: str | None = None) -> bool:
        if not isinstance(path, str) or not path:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open scenario",
                                                  self._start_dir(), FILTER)
            if not path:
                return False
        if not self.maybe_save():
            return False
        try:
            scenario = sc.load_scenario(path)
            self._apply(scenario, Path(path))
        except DataError as exc:
            self.window.show_error("The scenario could not be opened", str(exc))
            return False
        self._remember(Path(path))
        self._clear_autosave()
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path, self.name)

    def save_as(self, path: str | None = None, name: str | None = None) -> bool:
        if not isinstance(path, str) or not path:
            start = str(Path(self._start_dir()) / (self._slug(self.name) + sc.SUFFIX))
            path, _ = QFileDialog.getSaveFileName(self.window, "Save scenario as", start,
                                                  FILTER)
            if not path:
                return False
        if name is None:       # the name follows the file unless the user chose one
            name = self.name if self.renamed else _file_name(path)
        return self._write(Path(path), name)

    def rename(self, name: str | None = None) -> bool:
        """File → Rename scenario…: the name is the user's from now on."""
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Rename scenario", "Name:",
                                            text=self.name)
            if not ok:
                return False
        name = name.strip()
        if not name or name == self.name:
            return False
        self.name, self.renamed = name, True
        self.ws.undo_stack.resetClean()      # the new name is not saved yet
        self._update_title()
        self.autosave_timer.start()
        return True

    def duplicate(self, path: str | None = None, name: str | None = None) -> bool:
        """Save a copy under a new name (asked for) and carry on in the copy."""
        if name is None:
            name, ok = QInputDialog.getText(self.window, "Duplicate scenario", "Name:",
                                            text=f"Copy of {self.name}")
            if not ok or not name.strip():
                return False
        if not self.save_as(path, name.strip()):
            return False
        self.renamed = True
        return True

    def _write(self, path: Path, name: str) -> bool:
        try:
            scenario = self.current(name)
            sc.save_scenario(scenario, path)
        except (DataError, OSError) as exc:
            self.window.show_error("The scenario was not saved", str(exc))
            return False
        if name != self.name:      # a name from the file: it follows the file again
            self.renamed = False
        self.name, self.path = name, Path(path)
        self.window.settings.setValue("scenarios/last_dir", str(Path(path).parent))
        self._remember(Path(path))
        self.ws.undo_stack.setClean()
        self._clear_autosave()
        self._update_title()
        self.window.statusBar().showMessage(f"Saved '{name}' to {path}", 8000)
        return True

    def autosave(self) -> None:
        """Shortly after a change: a recovery file (written atomically), offered after a
        crash."""
        if self.ws.undo_stack.isClean() or self.ws.read_only:
            return
        try:
            sc.write_recovery(self.current(), self._autosave_folder())
        except (DataError, OSError) as exc:
            self.window.statusBar().showMessage(f"Autosave failed: {exc}", 8000)

    def _autosave_folder(self) -> Path:
        if self.autosave_dir is None:       # never asked (no start-up check): take it if free
            folder = settings_dir()
            self.autosave_dir = folder if autosave_owner.claim(folder) is None else \
                autosave_owner.separate_folder(folder)
        return self.autosave_dir

    def _clear_autosave(self) -> None:
        """Saved or discarded: this window's autosave goes (never another window's)."""
        if self.autosave_dir is not None and not self.ws.read_only:
            sc.clear_recovery(self.autosave_dir)

    def offer_recovery(self) -> bool:
        """At start-up: own the autosave unless another open window does, and offer back
        the work of a window that did not close cleanly (only ever a dead one's)."""
        folder = settings_dir()
        other = autosave_owner.claim(folder)
        if other is not None:
            self._share(folder, other)
            return False
        self.autosave_dir = folder
        orphans = autosave_owner.orphaned_folders(folder)
        for candidate in [folder, *orphans]:
            found = sc.find_recovery(candidate)
            if found:
                recovered = self._offer(candidate, found[1])
                break
        else:
            recovered = False
        for orphan in orphans:          # a dead second window's folder: offered, now gone
            shutil.rmtree(orphan, ignore_errors=True)
        return recovered

    def _offer(self, folder: Path, scenario: sc.Scenario) -> bool:
        answer = QMessageBox.question(
            self.window, "Recover unsaved work?",
            f"The app did not close cleanly last time. Recover '{scenario.name}' "
            f"(autosaved {_when(scenario.modified)})?")
        if answer != QMessageBox.StandardButton.Yes:
            sc.clear_recovery(folder)
            return False
        try:
            self._apply(scenario, None)
        except DataError as exc:
            self.window.show_error("The autosave could not be recovered", str(exc))
            return False
        if folder != self.autosave_dir:     # carried over into this window's own autosave
            self.autosave()
        self.ws.undo_stack.resetClean()      # recovered work is not saved yet
        self._update_title()
        return True

    def _share(self, folder: Path, other: int) -> None:
        """Another window (process ``other``) is open and owns the autosave: this one looks
        only, or keeps an autosave of its own; it never touches the other's."""
        box = QMessageBox(QMessageBox.Icon.Information, "Another window is open",
                          f"{self.window.APP_NAME} is already open in another window "
                          f"(process {other}), which keeps the autosave of unsaved work. "
                          "Open this window read-only (look, change nothing), or with a "
                          "separate autosave of its own?", parent=self.window)
        read_only = box.addButton("Read-only", QMessageBox.ButtonRole.RejectRole)
        box.addButton("Separate autosave", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(read_only)
        box.exec()
        if box.clickedButton() is read_only:
            self.ws.read_only = ("This window is read-only: another window of the app is "
                                 "open and owns the autosave")
            self.autosave_dir = None
        else:
            self.autosave_dir = autosave_owner.separate_folder(folder)
            self.autosave_dir.mkdir(parents=True, exist_ok=True)
        self._update_title()

    def closing(self) -> bool:
        """Called from the window's closeEvent; False keeps the window open."""
        if not self.ws.read_only and not self.maybe_save():
            return False
        self.autosave_timer.stop()
        self._clear_autosave()     # saved or discarded: nothing to recover
        if self.autosave_dir is not None and not self.ws.read_only:
            if self.autosave_dir.name.startswith(autosave_owner.SEPARATE_PREFIX):
                shutil.rmtree(self.autosave_dir, ignore_errors=True)
            else:
                autosave_owner.release(self.autosave_dir)
        return True

    # -------------------------------------------------------------- comparison
    def compare(self, paths: list[str] | None = None) -> QDialog | None:
        from models.measures import key_measures
        from models.plan import Plan
        if not paths:
            paths, _ = QFileDialog.getOpenFileNames(self.window, "Compare with (up to two)",
                                                    self._start_dir(), FILTER)
            if not paths:
                return None
        rows = {f"{self.name} (open)": self._measures_of_current()}
        for path in paths[:2]:
            try:
                scenario = sc.load_scenario(path)
                base = self.base if self._same_data(scenario) else \
                    sc.open_scenario_data(scenario)
                plan = Plan(base)
                sc.load_into_plan(plan, scenario, base)
            except DataError as exc:
                self.window.show_error("A scenario could not be compared", str(exc))
                return None
            label = scenario.name if scenario.name not in rows else f"{scenario.name} ({path})"
            rows[label] = key_measures(plan, travel=self._travel())
        table = sc.compare_scenarios(rows)
        from gui.compare_dialog import CompareDialog   # scikit-learn and SciPy: on demand
        dialog = CompareDialog(table, self.window)
        dialog.show()
        self.last_comparison = table
        return dialog

    def _measures_of_current(self) -> dict:
        from models.measures import key_measures
        return key_measures(self.ws.plan, travel=self._travel())

    def _travel(self) -> str:
        """How the Hubs tab measures access now (straight line, drive or walk)."""
        hubs = getattr(self.window, "hubs_panel", None)
        return getattr(getattr(hubs, "travel", None), "mode", None) or "straight"

    # -------------------------------------------------------------- misc
    def _start_dir(self) -> str:
        return self.window.start_dir("scenarios/last_dir")

    @staticmethod
    def _slug(name: str) -> str:
        return "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip() or \
            "scenario"

    def _changed(self, _index: int) -> None:
        self.autosave_timer.start()         # (re)start: written once the edits pause

    def _on_replaced(self) -> None:
        self._update_title()

    def _on_clean_changed(self, _clean: bool) -> None:
        try:
            self._update_title()
        except RuntimeError:     # the window is being torn down
            pass

    def _update_title(self) -> None:
        star = "" if self.ws.undo_stack.isClean() else " *"
        mode = " (read-only)" if self.ws.read_only else ""
        self.window.setWindowTitle(f"{self.name}{star}{mode} — {self.window.APP_NAME} — "
                                   f"{self.ws.dataset.label}")


def _when(stamp: str) -> str:
    """An ISO time as a person reads it, in local time: '3 December 2026 at 09:41'."""
    try:
        moment = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).astimezone()
    except ValueError:
        return str(stamp)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"


def _file_name(path) -> str:
    """The scenario name a file suggests: 'Option C.scenario.json' → 'Option C'."""
    return Path(path).name.removesuffix(sc.SUFFIX).removesuffix(".json")


def _plain(name: str) -> str:
    """Compare names the way a person would: 'option-b' is 'Option B'."""
    return "".join(c for c in name.lower() if c.isalnum())
