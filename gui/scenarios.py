"""Scenarios in the window: New/Open/Save/Save As/Recent/Duplicate, autosave and recovery,
the unsaved-changes prompt, and side-by-side comparison of up to three scenarios.

The scenario file format and its safety live in models/scenario.py; this is the view.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QFileDialog, QInputDialog, QLabel, QMessageBox,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from geo.errors import DataError
from models import scenario as sc

AUTOSAVE_MS = 2 * 60 * 1000
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
        self.name = "Untitled scenario"
        self.notes = ""
        self.path: Path | None = None
        self._build_menu(menu)
        self.ws.replaced.connect(self._on_replaced)
        self.ws.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.autosave)
        self.timer.start(AUTOSAVE_MS)
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
        self.ws.undo_stack.setClean()
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
        if QApplication.platformName() == "offscreen":
            return True        # no one to ask (tests, screenshots); autosave has it
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
        self.name, self.notes, self.path = "Untitled scenario", "", None
        self.ws.replace(self.base.copy())
        self.ws.undo_stack.setClean()
        self._update_title()

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
        sc.clear_recovery(settings_dir())
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
        if name is None:
            name = Path(path).name.removesuffix(sc.SUFFIX).removesuffix(".json") \
                if self.name == "Untitled scenario" else self.name
        return self._write(Path(path), name)

    def duplicate(self, path: str | None = None) -> bool:
        name = f"Copy of {self.name}"
        if path is None and QApplication.platformName() != "offscreen":
            name, ok = QInputDialog.getText(self.window, "Duplicate scenario", "Name:",
                                            text=name)
            if not ok:
                return False
        return self.save_as(path, name)

    def _write(self, path: Path, name: str) -> bool:
        try:
            scenario = self.current(name)
            sc.save_scenario(scenario, path)
        except (DataError, OSError) as exc:
            self.window.show_error("The scenario was not saved", str(exc))
            return False
        self.name, self.path = name, Path(path)
        self.window.settings.setValue("scenarios/last_dir", str(Path(path).parent))
        self._remember(Path(path))
        self.ws.undo_stack.setClean()
        sc.clear_recovery(settings_dir())
        self._update_title()
        self.window.statusBar().showMessage(f"Saved '{name}' to {path}", 8000)
        return True

    def autosave(self) -> None:
        """Every few minutes, if anything changed: a recovery file, offered after a crash."""
        if self.ws.undo_stack.isClean():
            return
        try:
            sc.write_recovery(self.current(), settings_dir())
        except (DataError, OSError) as exc:
            self.window.statusBar().showMessage(f"Autosave failed: {exc}", 8000)

    def offer_recovery(self) -> bool:
        found = sc.find_recovery(settings_dir())
        if not found:
            return False
        _, scenario = found
        if QApplication.platformName() != "offscreen":
            answer = QMessageBox.question(
                self.window, "Recover unsaved work?",
                f"The app did not close cleanly last time. Recover '{scenario.name}' "
                f"(autosaved {scenario.modified})?")
            if answer != QMessageBox.StandardButton.Yes:
                sc.clear_recovery(settings_dir())
                return False
        try:
            self._apply(scenario, None)
        except DataError as exc:
            self.window.show_error("The autosave could not be recovered", str(exc))
            return False
        self.ws.undo_stack.resetClean()      # recovered work is not saved yet
        self._update_title()
        return True

    def closing(self) -> bool:
        """Called from the window's closeEvent; False keeps the window open."""
        if not self.maybe_save():
            return False
        if self.ws.undo_stack.isClean() or QApplication.platformName() != "offscreen":
            sc.clear_recovery(settings_dir())
        return True

    # -------------------------------------------------------------- comparison
    def compare(self, paths: list[str] | None = None) -> QDialog | None:
        from models.measures import key_measures
        from models.plan import Plan
        if paths is None:
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
            rows[label] = key_measures(plan)
        table = sc.compare_scenarios(rows)
        dialog = CompareDialog(table, self.window)
        dialog.show()
        self.last_comparison = table
        return dialog

    def _measures_of_current(self) -> dict:
        from models.measures import key_measures
        return key_measures(self.ws.plan)

    # -------------------------------------------------------------- misc
    def _start_dir(self) -> str:
        return str(self.window.settings.value("scenarios/last_dir", str(Path.home())))

    @staticmethod
    def _slug(name: str) -> str:
        return "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip() or \
            "scenario"

    def _on_replaced(self) -> None:
        self._update_title()

    def _on_clean_changed(self, _clean: bool) -> None:
        try:
            self._update_title()
        except RuntimeError:     # the window is being torn down
            pass

    def _update_title(self) -> None:
        star = "" if self.ws.undo_stack.isClean() else " *"
        self.window.setWindowTitle(f"{self.name}{star} — {self.window.APP_NAME} — "
                                   f"{self.ws.dataset.label}")


class CompareDialog(QDialog):
    """Scenarios side by side; rows where they differ are highlighted."""

    def __init__(self, table, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare scenarios")
        self.resize(820, 560)
        names = [c for c in table.columns if c != sc.DIFF_COLUMN]
        self.table = QTableWidget(len(table), len(names) + 1, self)
        self.table.setHorizontalHeaderLabels(["Measure"] + names)
        highlight = QBrush(QColor("#fff3cd"))
        for r, (measure, row) in enumerate(table.iterrows()):
            cells = [measure] + [_fmt(row[n]) for n in names]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if row[sc.DIFF_COLUMN]:
                    item.setBackground(highlight)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.differences = int(table[sc.DIFF_COLUMN].sum())
        note = QLabel(f"{self.differences} of {len(table)} measures differ (highlighted). "
                      "Distances are straight-line in British National Grid metres.", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        copy_button = QPushButton("Copy table", self)
        copy_button.clicked.connect(lambda: QApplication.clipboard().setText(
            table.to_csv(sep="\t")))
        buttons.addButton(copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
