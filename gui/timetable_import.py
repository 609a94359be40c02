"""File → Import timetable…: add a bus and train timetable (GTFS) to the open data folder.

The planner picks a GTFS feed as published (a zip, e.g. a Bus Open Data Service regional
export, or its unzipped folder); it is checked and read in the background (progress and
Cancel), clipped to the localities plus the transit_margin_km assumption and written as
timetable/ in the data folder. The Hubs tab then offers "Public transport" under Access by.
A refused feed or Cancel leaves the folder as it was.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout,
)

from gui.worker import Task, TaskBar

FILE_FILTER = "GTFS timetables (*.zip);;All files (*)"


class TimetableImportDialog(QDialog):
    imported = Signal(object)        # the Feed written

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.setWindowTitle("Import timetable")
        ds = window.dataset
        self.folder = ds.folder
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText("a GTFS zip, e.g. the region's export from the Bus "
                                          "Open Data Service")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        self.import_button = QPushButton("Import", self)
        self.import_button.clicked.connect(self.start)
        self.taskbar = TaskBar(self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Bus and train timetables for access by public transport. Give a GTFS feed as "
            "published (a .zip with stops, routes, trips, stop_times and calendar files). It "
            "is clipped to the localities plus a margin and stored in the data folder as "
            "timetable/.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        for w in (self.import_button, self.taskbar, self.message, buttons):
            layout.addWidget(w)
        self.task: Task | None = None
        if ds.is_sample or ds.folder is None:
            self.import_button.setEnabled(False)
            self.message.setText("A timetable is stored in a data folder: open one (File → "
                                 "Open data folder…) to import a timetable for its area.")

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "GTFS timetable", "", FILE_FILTER)
        if path:
            self.path_edit.setText(path)

    def start(self) -> None:
        from geo.io_gtfs import import_timetable
        path = self.path_edit.text().strip()
        if not path:
            self.message.setText("Choose a timetable first.")
            return
        localities = self.window.dataset.localities
        margin_m = self.window.workspace.plan.value("transit_margin_km") * 1000.0
        folder = self.folder

        def work(progress, cancelled):
            return import_timetable(path, localities, folder, margin_m=margin_m,
                                    progress=progress, cancel=cancelled)
        self.message.setText("")
        self.task = Task(work, self)
        self.task.done.connect(self._done)
        self.task.failed.connect(lambda msg: self._finished(f"Not imported: {msg}"))
        self.task.cancelled.connect(
            lambda: self._finished("Import cancelled; the data folder is unchanged."))
        self.import_button.setEnabled(False)
        self.taskbar.watch(self.task)
        self.task.start()

    def _finished(self, text: str) -> None:
        self.import_button.setEnabled(True)
        self.message.setText(text)

    def _done(self, feed) -> None:
        c = feed.counts()
        self._finished(f"Imported {c['stops']:,} stops, {c['routes']:,} routes and "
                       f"{c['trips']:,} trips into {self.folder} ({feed.label()}).")
        self.imported.emit(feed)


def add_import_timetable_action(window, menu) -> None:
    """File → Import timetable…, beside Import roads…."""
    window._action(menu, "Import &timetable…", lambda: open_timetable_dialog(window), None,
                   "Add a bus and train timetable (GTFS) to the data folder: access by "
                   "public transport")


def open_timetable_dialog(window) -> TimetableImportDialog:
    dialog = TimetableImportDialog(window)
    dialog.imported.connect(lambda _feed: timetable_changed(window))
    window.timetable_dialog = dialog
    dialog.show()
    return dialog


def timetable_changed(window) -> None:
    hubs = getattr(window, "hubs_panel", None)
    if hubs is not None and hasattr(hubs, "roads_changed"):
        hubs.roads_changed()
