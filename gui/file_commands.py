"""The window's File commands: open data (folder, sample, import), where file dialogs
start, errors shown to the user, and every export (data, report, map as HTML or PNG).

A mixin of MainWindow: it uses the window's workspace, settings, status bar and scenarios.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from geo.errors import DataError

# geopandas (reading data) and folium (writing a map) are imported where used: the window
# is on screen before either is needed (start-up, gui/app.py).


class FileCommands:
    """Open, import and export, as the File menu offers them."""

    def open_folder(self, folder: str | Path) -> bool:
        """Open a canonical folder; on bad data say why and keep what is open."""
        if not self.scenarios.maybe_save():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            from geo.canonical import load_folder
            ds = load_folder(folder)
        except DataError as exc:
            QApplication.restoreOverrideCursor()
            self.show_error("The folder could not be opened", str(exc))
            return False
        QApplication.restoreOverrideCursor()
        self.settings.setValue("data/last_folder", str(folder))
        self.open_dataset(ds)
        return True

    def open_dataset(self, ds) -> None:
        """Show new data as a fresh, untitled scenario."""
        self.scenarios.start_untitled()
        self.workspace.replace(ds)
        self.workspace.undo_stack.setClean()

    def open_sample(self) -> None:
        if self.scenarios.maybe_save():
            from geo.canonical import load_sample
            self.open_dataset(load_sample())

    def choose_folder(self) -> None:
        folder = self.dataset.folder
        start = str(Path(folder).parent) if folder and not self.dataset.is_sample else \
            self.start_dir("data/last_folder")
        folder = QFileDialog.getExistingDirectory(self, "Open data folder", start)
        if folder:
            self.open_folder(folder)

    def start_dir(self, setting: str) -> str:
        """Where a file dialog opens: the open scenario's folder, else the open data's,
        else the folder last used for this, else Documents (never the program folder)."""
        scenario = getattr(getattr(self, "scenarios", None), "path", None)
        if scenario is not None:
            return str(Path(scenario).parent)
        if self.dataset.folder and not self.dataset.is_sample:
            return str(self.dataset.folder)
        last = self.settings.value(setting, "")
        if last and Path(last).is_dir():
            return str(last)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        return documents if documents and Path(documents).is_dir() else str(Path.home())

    def show_status(self, message: str) -> None:
        """A panel's message, on one line of the status bar."""
        self.statusBar().showMessage(status_line(message), 8000)

    def show_error(self, title: str, message: str) -> None:
        """A refusal: nothing was changed."""
        self.last_error = message
        self.statusBar().showMessage(status_line(message), 20000)
        QMessageBox.warning(self, title, message + "\n\nNothing was changed.")

    def show_applied_with_warning(self, title: str, message: str, undo_text: str) -> None:
        """A change that was made but falls short (e.g. a grouping whose bounds could not
        all be met): says so, and how to go back, never "Nothing was changed"."""
        self.statusBar().showMessage(status_line(f"{title}: {message}"), 20000)
        QMessageBox.warning(self, title, f"{message}\n\nThe change was made: {undo_text}. "
                            "Edit → Undo (Ctrl+Z) puts back what was there before.")

    def _clear_stale_error(self, *_index) -> None:
        """A good edit after a refused one: the old complaint no longer applies."""
        if self.last_error and self.statusBar().currentMessage() == self.last_error:
            self.statusBar().clearMessage()
        self.last_error = ""

    def _save_path(self, title: str, suffix: str, filters: str) -> str | None:
        scenarios = getattr(self, "scenarios", None)
        named = scenarios is not None and (scenarios.path is not None or scenarios.renamed)
        stem = (scenarios._slug(scenarios.name) if named else
                "medway-report" if suffix == ".pdf" else "medway-map")
        start = str(Path(self.start_dir("export/last_dir")) / f"{stem}{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, title, start, filters)
        if path:
            self.settings.setValue("export/last_dir", str(Path(path).parent))
        return path or None

    def import_files(self) -> bool:
        """File → Import…: nothing changes until the user accepts the preview."""
        from gui.import_dialog import ImportDialog
        if not self.scenarios.maybe_save():
            return False
        dialog = ImportDialog(self, self.settings.value("data/last_import_folder", None))
        if dialog.exec() != ImportDialog.DialogCode.Accepted or not dialog.result_ready():
            return False
        ds = dialog.dataset()
        self.open_dataset(ds)
        self.statusBar().showMessage("Imported: choose File → Export data… to save it as a "
                                     "data folder", 15000)
        return True

    def export_data(self, path: str | None = None) -> bool:
        """Everything the scenario holds: the data with its edits, practices with group and
        catchment hub, groups with metrics, hubs with patients served and access, demand
        by year × area, the assumptions."""
        from rendering.plan_tables import export_plan
        if not isinstance(path, str) or not path:
            path, chosen = QFileDialog.getSaveFileName(
                self, "Export data", str(Path(self.start_dir("export/last_dir"))
                                         / "medway-data.gpkg"),
                "GeoPackage (*.gpkg);;Excel workbook (*.xlsx);;Folder of CSV files (*)")
            if not path:
                return False
        try:
            written = export_plan(self.workspace.plan, path, scenario=self.scenarios.name)
        except (DataError, OSError, ValueError) as exc:
            self.show_error("Export failed", str(exc))
            return False
        self.settings.setValue("export/last_dir", str(Path(path).parent))
        self.statusBar().showMessage(f"Exported {len(written)} file(s) to {path}", 8000)
        return True

    def export_report(self, path: str | None = None):
        """The board-paper PDF, drawn in the background from a snapshot of the plan (the
        window stays usable; progress and Cancel in the status bar). Returns the task."""
        from gui.background import export_report_task
        if self.report_task is not None and self.report_task.running:
            self.statusBar().showMessage("A report is already being written", 5000)
            return None
        path = path or self._save_path("Export report", ".pdf", "PDF (*.pdf)")
        if not path:
            return None
        task = export_report_task(self.workspace.plan, self.scenarios.name, path, self)
        task.done.connect(lambda pages: self.statusBar().showMessage(
            f"Saved the {pages}-page report to {path}", 8000))
        task.failed.connect(lambda msg: self.show_error("The report was not written", msg))
        task.cancelled.connect(lambda: self.statusBar().showMessage(
            "Report cancelled; no file was written", 8000))
        self.task_bar.watch(task)
        self.report_task = task
        task.start()
        return task

    def export_html(self, path: str | None = None) -> bool:
        path = path or self._save_path("Export map as HTML", ".html", "Web page (*.html)")
        if not path:
            return False
        from geo.atomic import atomic_path
        from rendering import webmap
        with atomic_path(path) as tmp:
            webmap.write_map_html(self.dataset, tmp, inline=True, bridge=False,
                                  band=self.locality_target.map_band(self.workspace.plan))
        self.statusBar().showMessage(f"Saved the map to {path}", 8000)
        return True

    def export_png(self, path: str | None = None) -> bool:
        path = path or self._save_path("Export map as PNG", ".png", "PNG image (*.png)")
        if not path:
            return False
        from geo.atomic import atomic_path
        try:
            with atomic_path(path) as tmp:
                if not self.map.grab().save(str(tmp), "PNG"):
                    raise OSError(f"could not write {path}")   # nothing to put in place
        except OSError as exc:
            self.show_error("Export failed", str(exc))
            return False
        self.statusBar().showMessage(f"Saved the map picture to {path}", 8000)
        return True


STATUS_CHARS = 140      # about what the status bar shows beside its labels at 1366 px


def status_line(message: str, limit: int = STATUS_CHARS) -> str:
    """A message cut to one line the status bar can show (the whole text is in the box
    that comes with it)."""
    line = " ".join(str(message).split())
    return line if len(line) <= limit else line[:limit - 1].rstrip(" ,;:") + "…"
