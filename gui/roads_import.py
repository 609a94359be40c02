"""File → Import roads…: add a road and place extract to the open data folder.

The planner picks an OpenStreetMap extract (.osm.pbf as published per county, or .osm) or
OS Open Roads (.gpkg); it is read in the background (progress and Cancel, gui/worker.py),
clipped to the localities plus the road_margin_km assumption and written as roads.gpkg in
the data folder. The map then shows roads, rivers, railways and places, and the Hubs tab
offers drive and walk times. Cancel leaves the folder as it was.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QVBoxLayout,
)

from gui.worker import Task, TaskBar

FILE_FILTER = ("Road extracts (*.osm.pbf *.pbf *.osm *.osm.bz2 *.gpkg);;"
               "OpenStreetMap (*.osm.pbf *.pbf *.osm *.osm.bz2);;OS Open Roads (*.gpkg)")


class RoadsImportDialog(QDialog):
    """A file added to the open data folder in the background; subclasses (the timetable)
    change the texts, the reader (``work``) and the summary (``summary``)."""

    imported = Signal(object)        # the RoadLayers written
    TITLE = "Import roads"
    PLACEHOLDER = "kent-latest.osm.pbf, map.osm or oproad_gb.gpkg"
    INTRO = ("Roads, rivers, railways and place names for the map, and the road network for "
             "drive and walk times. Give an OpenStreetMap extract (.osm.pbf, e.g. the county "
             "extract, or .osm) or OS Open Roads (.gpkg). It is clipped to the localities plus "
             "a margin and stored in the data folder as roads.gpkg.")
    FILTER = FILE_FILTER
    CHOOSER = "Road extract"
    SAMPLE = ("Roads are stored in a data folder. The illustrative sample has illustrative "
              "roads already; open a data folder (File → Open data folder…) to import real "
              "ones.")

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.window = window
        self.setWindowTitle(self.TITLE)
        ds = window.dataset
        self.folder = ds.folder
        self.path_edit = QLineEdit(self)
        self.path_edit.setPlaceholderText(self.PLACEHOLDER)
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
        intro = QLabel(self.INTRO, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.import_button)
        layout.addWidget(self.taskbar)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.task: Task | None = None
        if ds.is_sample or ds.folder is None:
            self.import_button.setEnabled(False)
            self.message.setText(self.SAMPLE)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.CHOOSER, "", self.FILTER)
        if path:
            self.path_edit.setText(path)

    MARGIN = "road_margin_km"        # the assumption: how far beyond the localities

    @staticmethod
    def reader():
        from geo.roads import import_roads
        return import_roads

    def work(self, path):
        """The background work for ``path``: fn(progress, cancel) -> what was written."""
        read = self.reader()
        localities = self.window.dataset.localities
        margin_m = self.window.workspace.plan.value(self.MARGIN) * 1000.0
        folder = self.folder

        def work(progress, cancel):
            return read(path, localities, folder, margin_m=margin_m, progress=progress,
                        cancel=cancel)
        return work

    def summary(self, layers) -> str:
        c = layers.counts()
        return (f"Imported {c['roads']:,} roads and paths, {c['water']:,} rivers and "
                f"coastlines, {c['rail']:,} railway lines, {c['places']:,} places "
                f"into {self.folder} ({layers.label()}).")

    def start(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self.message.setText(f"Choose a {self.CHOOSER.lower()} first.")
            return
        work = self.work(path)
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
        # A long path has no spaces to wrap at: let it break after / and _ instead of
        # running off the dialog's edge; the whole text stays selectable.
        self.message.setText(text.replace("/", "/\u200b").replace("_", "_\u200b"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _done(self, layers) -> None:
        self._finished(self.summary(layers))
        self.imported.emit(layers)


def add_import_roads_action(window, menu) -> None:
    """File → Import roads…, placed by the main window beside its other imports."""
    window._action(menu, "Import &roads…", lambda: open_roads_dialog(window), None,
                   "Add an OpenStreetMap or OS Open Roads extract to the data folder: "
                   "map context and drive/walk times")


def open_import_dialog(window, dialog_class, attribute: str, changed):
    """Show an import dialog of ``dialog_class``; ``changed(window)`` follows an import."""
    dialog = dialog_class(window)
    dialog.imported.connect(lambda _imported: changed(window))
    setattr(window, attribute, dialog)    # kept for tests and to stay alive while open
    dialog.show()
    return dialog


def open_roads_dialog(window) -> RoadsImportDialog:
    return open_import_dialog(window, RoadsImportDialog, "roads_dialog", roads_changed)


def roads_changed(window) -> None:
    """Redraw the map with the new context and let the Hubs tab offer travel times."""
    window.map.show_dataset(window.dataset,
                            band=window.locality_target.map_band(window.workspace.plan))
    hubs = getattr(window, "hubs_panel", None)
    if hubs is not None and hasattr(hubs, "roads_changed"):
        hubs.roads_changed()
