"""The main window: the map in the middle, layers left, details right, tables below."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget,
)

from geo import webmap
from geo.errors import DataError
from gui.details_panel import DetailsPanel
from gui.layers_panel import LayersPanel
from gui.map_view import MapView
from gui.tables import (
    HOUSING_COLUMNS, LOCALITY_COLUMNS, PRACTICE_COLUMNS, TablePanel, housing_frame,
    practices_frame,
)
from gui.workspace import Workspace
from geo.canonical import load_folder, load_sample

APP_NAME = "Medway Estates Planner"


class MainWindow(QMainWindow):
    mapReady = Signal(dict)
    panelsReady = Signal()
    APP_NAME = APP_NAME

    def __init__(self, dataset, parent=None):
        super().__init__(parent)
        self.workspace = Workspace(dataset, self)
        self._presenting = False
        self._site_groups: dict[str, str] = {}
        self.settings = QSettings()
        self.map = MapView(self)
        self.setCentralWidget(self.map)
        self._build_panels()
        self._build_actions()
        self._build_status()
        self.map.ready.connect(self._on_map_ready)
        self.map.failed.connect(self._on_map_failed)
        self.map.featureClicked.connect(self._on_feature_clicked)
        self.workspace.replaced.connect(self._show_dataset)
        self.workspace.edited.connect(self._on_edited)
        self.workspace.stateChanged.connect(self._on_state)
        self.workspace.undo_stack.indexChanged.connect(self._clear_stale_error)
        self.last_error = ""
        self.resize(1400, 900)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self._show_dataset()
        # The planning panels import scikit-learn, SciPy and matplotlib (over a second):
        # they are built just after the map first shows, so the planner sees Medway at once.
        self._pending_panel = None
        self.panels_ready = False

    @property
    def dataset(self):
        return self.workspace.dataset

    # -------------------------------------------------------------- construction
    def _dock(self, title: str, widget, area, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_panels(self) -> None:
        self.layers_panel = LayersPanel(self)
        self.layers_panel.toggled.connect(self.map.set_layer_visible)
        self.layers_dock = self._dock("Layers", self.layers_panel,
                                      Qt.DockWidgetArea.LeftDockWidgetArea, "layers")
        self.details = DetailsPanel(self)
        self.details_dock = self._dock("Details", self.details,
                                       Qt.DockWidgetArea.RightDockWidgetArea, "details")
        self.practices_table = TablePanel(PRACTICE_COLUMNS, "practice_code",
                                          "Filter practices by code, name or locality…")
        self.practices_table.model.on_edit = self._edit_from_table("practices")
        self.practices_table.rowSelected.connect(
            lambda code: self._select("practices", code, from_table=True))
        self.localities_table = TablePanel(LOCALITY_COLUMNS, "locality", "Filter localities…")
        self.localities_table.model.flag_tip = "Outside the locality target"
        self.localities_table.rowSelected.connect(
            lambda name: self._select("localities", name, from_table=True))
        self.housing_table = TablePanel(HOUSING_COLUMNS, "site_id", "Filter housing sites…")
        self.housing_table.model.on_edit = self._edit_from_table("housing")
        self.housing_table.rowSelected.connect(
            lambda sid: self._select("housing", sid, from_table=True))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.practices_table, "Practices")
        self.tabs.addTab(self.localities_table, "Localities")
        self.tabs.addTab(self.housing_table, "Housing sites")
        self.tables_dock = self._dock("Tables", self.tabs,
                                      Qt.DockWidgetArea.BottomDockWidgetArea, "tables")
        self.resizeDocks([self.layers_dock], [230], Qt.Orientation.Horizontal)
        self.resizeDocks([self.details_dock], [420], Qt.Orientation.Horizontal)
        self.resizeDocks([self.tables_dock], [260], Qt.Orientation.Vertical)

    def _build_planning_panels(self) -> None:
        """Planning tools as tabs beside Details: each shows and edits one model."""
        from gui.demand_panel import DemandPanel
        from gui.groups_panel import GroupsPanel
        from gui.hubs_panel import HubsPanel
        self.groups_panel = GroupsPanel(self)
        self.groups_panel.status.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.groups_dock = self._dock("Groups", self.groups_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea, "groups")
        self.tabifyDockWidget(self.details_dock, self.groups_dock)
        self.hubs_panel = HubsPanel(self)
        self.hubs_panel.status.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.hubs_dock = self._dock("Hubs", self.hubs_panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea, "hubs")
        self.tabifyDockWidget(self.details_dock, self.hubs_dock)
        self.demand_panel = DemandPanel(self)
        self.demand_panel.status.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.demand_dock = self._dock("Demand", self.demand_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea, "demand")
        self.tabifyDockWidget(self.details_dock, self.demand_dock)
        self.layers_panel.add_layer("demand", "GP WTE needed (shading)", visible=False)
        self.layers_panel.add_layer("groups", "Extended group outlines")
        self.layers_panel.add_layer("catchments", "Hub catchments", visible=False)
        self.layers_panel.add_layer("suggested", "Suggested hub sites")
        for dock in (self.groups_dock, self.demand_dock, self.hubs_dock):
            self.view_menu.addAction(dock.toggleViewAction())
        self.resizeDocks([self.details_dock], [420], Qt.Orientation.Horizontal)
        self.details_dock.raise_()
        if self._pending_panel:
            self.show_panel(self._pending_panel)
        self.panels_ready = True
        self.panelsReady.emit()

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.open_action = self._action(file_menu, "&Open data folder…", self.choose_folder,
                                        QKeySequence.StandardKey.Open,
                                        "Open a folder in the canonical format "
                                        "(practices.csv, hubs.csv, housing_sites.csv, "
                                        "localities.geojson)")
        self._action(file_menu, "Open the illustrative &sample", self.open_sample, None,
                     "Go back to the embedded illustrative sample")
        self._action(file_menu, "&Import published files…", self.import_files,
                     QKeySequence("Ctrl+I"), "Turn NHS/ONS/council files (epraccur, GP "
                     "sites, list sizes, PCNs, wards, census, brownfield) into a data folder")
        from gui.roads_import import add_import_roads_action
        add_import_roads_action(self, file_menu)
        self._action(file_menu, "&Export data…", self.export_data, QKeySequence("Ctrl+E"),
                     "All layers as GeoPackage (QGIS), XLSX workbook (Excel), or a folder of "
                     "CSV/GeoJSON files")
        from gui.scenarios import ScenarioController
        self.scenarios = ScenarioController(self, file_menu)
        file_menu.addSeparator()
        self._action(file_menu, "Export &report (PDF)…", self.export_report,
                     QKeySequence("Ctrl+P"), "The board-paper PDF: map, localities, groups, "
                     "hubs, demand with chart, assumptions with sources")
        self._action(file_menu, "Export map as &HTML…", self.export_html, None,
                     "A standalone map (Leaflet inlined) that opens in any browser offline")
        self._action(file_menu, "Export map as &PNG…", self.export_png, None,
                     "A picture of the map as it is shown now")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence("Ctrl+Q"))
        edit_menu = menu.addMenu("&Edit")
        undo = self.workspace.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.workspace.undo_stack.createRedoAction(self, "&Redo")
        # Both conventions: Ctrl+Shift+Z (the platform's) and Ctrl+Y (Windows, Office).
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self.delete_hub_action = self._action(edit_menu, "&Delete selected hub",
                                              lambda: self.hubs_panel.delete_selected(),
                                              QKeySequence.StandardKey.Delete,
                                              "Remove the hub selected on the map or in "
                                              "the Hubs table")
        self.undo_action, self.redo_action = undo, redo
        view_menu = menu.addMenu("&View")
        self.zoom_in_action = self._action(view_menu, "Zoom &in", lambda: self.map.zoom(0.5),
                                           None, "Zoom the map in (+)")
        self.zoom_in_action.setShortcuts([QKeySequence("+"), QKeySequence("="),
                                          QKeySequence.StandardKey.ZoomIn])
        self.zoom_out_action = self._action(view_menu, "Zoom &out",
                                            lambda: self.map.zoom(-0.5), None,
                                            "Zoom the map out (-)")
        self.zoom_out_action.setShortcuts([QKeySequence("-"),
                                           QKeySequence.StandardKey.ZoomOut])
        self._action(view_menu, "Zoom to &Medway", self.map.fit, QKeySequence("Ctrl+0"))
        self.presentation_action = self._action(
            view_menu, "&Presentation mode", self.toggle_presentation, QKeySequence("F11"),
            "Map full screen with larger text, panels hidden (F11 or Esc to leave)")
        self.presentation_action.setCheckable(True)
        view_menu.addSeparator()
        for dock in (self.layers_dock, self.details_dock, self.tables_dock):
            view_menu.addAction(dock.toggleViewAction())
        from gui.locality_target import LocalityTarget
        view_menu.addSeparator()
        self.locality_target = LocalityTarget(self, view_menu)
        self.locality_target.changed.connect(lambda _b: self._show_localities(restyle=True))
        self.view_menu = view_menu      # the planning panels add theirs when built
        help_menu = menu.addMenu("&Help")
        self._action(help_menu, "&About", self.about)

    def _action(self, menu, text, slot, shortcut=None, tip="") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        # triggered(bool) must not land in a slot's first parameter (a path, a list of
        # paths…): every menu command is called with no arguments.
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)      # shortcuts keep working with the menu bar hidden
        return action

    def _build_status(self) -> None:
        from gui.worker import TaskBar
        self.task_bar = TaskBar(self)
        self.report_task = None
        self.statusBar().addPermanentWidget(self.task_bar)
        self.data_label = QLabel(self)
        self.map_label = QLabel("Map loading…", self)
        self.statusBar().addPermanentWidget(self.map_label)
        self.statusBar().addPermanentWidget(self.data_label)

    # -------------------------------------------------------------- data
    def _show_dataset(self) -> None:
        ds = self.dataset
        label = ds.label
        if hasattr(self, "scenarios"):
            self.scenarios._update_title()
        else:
            self.setWindowTitle(f"{APP_NAME} — {label}")
        if ds.is_sample:
            self.data_label.setText(f"<b style='color:#b71c1c'>{label}</b>")
        else:
            self.data_label.setText(f"Data: {label}")
        self.data_label.setToolTip("The data shown on the map and in every table")
        self.map_label.setText("Map loading…")
        self.practices_table.set_frame(practices_frame(ds, self._site_groups))
        self._show_localities()
        self.housing_table.set_frame(housing_frame(ds))
        self.details.clear_details()
        for warning in ds.warnings:
            self.statusBar().showMessage(warning, 15000)
        self.map.show_dataset(ds)

    def open_folder(self, folder: str | Path) -> bool:
        """Open a canonical folder; on bad data say why and keep what is open."""
        if not self.scenarios.maybe_save():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
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
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())

    def show_error(self, title: str, message: str) -> None:
        self.last_error = message
        self.statusBar().showMessage(message, 20000)
        QMessageBox.warning(self, title, message + "\n\nNothing was changed.")

    def _clear_stale_error(self, *_index) -> None:
        """A good edit after a refused one: the old complaint no longer applies."""
        if self.last_error and self.statusBar().currentMessage() == self.last_error:
            self.statusBar().clearMessage()
        self.last_error = ""

    # -------------------------------------------------------------- edits
    def _edit_from_table(self, layer: str):
        table = {"practices": lambda: self.practices_table,
                 "housing": lambda: self.housing_table}[layer]

        def edit(row: int, column: str, value) -> bool:
            panel = table()
            item_id = str(panel.model.frame.at[row, panel.key])
            if column == "group":            # a hand move, through the Groups panel
                return self._move_to_group(item_id, str(value).strip())
            try:
                self.workspace.set_value(layer, item_id, column, value)
            except ValueError as exc:
                self.show_error("Edit refused", str(exc))
                return False
            return True
        return edit

    def _move_to_group(self, code: str, group: str) -> bool:
        if not self.workspace.groups:
            self.show_error("No grouping", "Run the grouping (Groups tab) before moving "
                                           "practices between groups")
            return False
        if not group:
            self.show_error("Edit refused", "type the name of a group, e.g. G2, or a new "
                                            "name to start a new group")
            return False
        self.groups_panel.move(code, group)
        return True

    def _on_edited(self, layer: str, item_id: str, column: str) -> None:
        """Refresh the tables and restyle the map through the page (no reload)."""
        ds = self.dataset
        self._show_counts()
        if layer == "practices":
            self.practices_table.set_frame(practices_frame(ds, self._site_groups))
            self._show_localities()
            self._restyle_layer("practices")
            self._show_localities(restyle=True)
        elif layer == "housing":
            self.housing_table.set_frame(housing_frame(ds))
            self._restyle_layer("housing")
        if self.details.current:
            self.details.show_item(ds, *self.details.current)

    def _on_state(self, key: str) -> None:
        self._show_counts()
        if key in ("hubs", "assumptions"):      # HLC column; the target band
            self._show_localities(restyle=True)

    def _show_localities(self, restyle: bool = False) -> None:
        """The Localities table (both measures, judged on the chosen one) and, once the map
        is up, its outlines and tips judged the same way."""
        plan = self.workspace.plan
        frame, flagged = self.locality_target.summary(plan)
        flag_col = next(c for c in LOCALITY_COLUMNS if c.key == "flag")
        flag_col.header = self.locality_target.flag_header(plan)
        self.localities_table.set_frame(frame, flagged)
        if restyle and self.map.is_ready:
            styles, tips = self.locality_target.map_styles(plan)
            self.map.restyle("localities", styles)
            self.map.call("retip", "localities", tips)

    def refresh_group_column(self, per_site: dict[str, str]) -> None:
        """The Groups panel tells the Practices table which group each site is in."""
        self._site_groups = dict(per_site)
        self.practices_table.set_frame(practices_frame(self.dataset, self._site_groups))

    def _restyle_layer(self, layer: str) -> None:
        collection = webmap.LAYER_BUILDERS[layer](self.dataset)
        styles = {f["properties"]["id"]: f["properties"]["style"]
                  for f in collection["features"]}
        if layer == "practices" and self._site_groups:     # keep the group colours
            styles = webmap.group_practice_styles(self.dataset, self._site_groups)
        tips = {f["properties"]["id"]: f["properties"]["tip"] for f in collection["features"]}
        self.map.restyle(layer, styles)
        self.map.call("retip", layer, tips)

    # -------------------------------------------------------------- selection
    def _on_feature_clicked(self, layer: str, item_id: str) -> None:
        self._select(layer, item_id, from_table=False)

    def _select(self, layer: str, item_id: str, from_table: bool) -> None:
        if layer == "branch_links":
            layer = "practices"
        extra = []
        if layer == "practices" and item_id in self._site_groups:
            extra.append(("Extended group", self._site_groups[item_id], "Groups panel"))
        self.details.show_item(self.dataset, layer, item_id, extra)
        table = {"practices": self.practices_table, "localities": self.localities_table,
                 "housing": self.housing_table}.get(layer)
        if layer == "practices":
            self.groups_panel.note_selection(item_id)
        if from_table:
            self.map.select(layer, item_id)
        elif table is not None:
            table.select_key(item_id)
            self.tabs.setCurrentWidget(table)

    # -------------------------------------------------------------- map state
    def _on_map_ready(self, counts: dict) -> None:
        self._show_counts()
        self._show_localities(restyle=True)
        shown = self.layers_panel.visible_layers()
        for name in self.layers_panel.all_layers():   # toggles survive a reload
            if name not in shown:
                self.map.set_layer_visible(name, False)
        self.mapReady.emit(counts)
        if not hasattr(self, "groups_panel"):
            QTimer.singleShot(0, self._build_planning_panels)

    def _show_counts(self) -> None:
        """What the plan holds now (not what the map held when it first loaded)."""
        if not self.map.is_ready:
            return
        ds = self.dataset
        self.map_label.setText(f"Map ready: {len(ds.localities)} localities, "
                               f"{len(ds.hubs)} hubs, {len(ds.practices)} practice sites, "
                               f"{len(ds.housing)} housing sites")

    def _on_map_failed(self, reason: str) -> None:
        self.map_label.setText("Map failed to load")
        self.show_error("The map could not be shown", reason)

    # -------------------------------------------------------------- exports
    def _save_path(self, title: str, suffix: str, filters: str) -> str | None:
        stem = "medway-report" if suffix == ".pdf" else "medway-map"
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
            written = export_plan(self.workspace.plan, path)
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
        with atomic_path(path) as tmp:
            webmap.write_map_html(self.dataset, tmp, inline=True, bridge=False)
        self.statusBar().showMessage(f"Saved the map to {path}", 8000)
        return True

    def export_png(self, path: str | None = None) -> bool:
        path = path or self._save_path("Export map as PNG", ".png", "PNG image (*.png)")
        if not path:
            return False
        from geo.atomic import atomic_path
        with atomic_path(path) as tmp:
            if not self.map.grab().save(str(tmp), "PNG"):
                self.show_error("Export failed", f"could not write {path}")
                return False
        self.statusBar().showMessage(f"Saved the map picture to {path}", 8000)
        return True

    # -------------------------------------------------------------- presentation
    def toggle_presentation(self, on: bool | None = None) -> None:
        """Projector mode: map full screen, panels hidden, larger text; Esc or F11 leaves."""
        on = (not self._presenting) if on is None or not isinstance(on, bool) else on
        if on == self._presenting:
            return
        self._presenting = on
        self.presentation_action.setChecked(on)
        docks = [d for d in self.findChildren(QDockWidget)]
        if on:
            self._docks_before = [d for d in docks if d.isVisible()]
            for d in docks:
                d.hide()
            self.menuBar().hide()
            self.map.setZoomFactor(1.5)
            self.showFullScreen()
        else:
            for d in getattr(self, "_docks_before", docks):
                d.show()
            self.menuBar().show()
            self.map.setZoomFactor(1.0)
            self.showNormal()

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self._presenting:
            self.toggle_presentation(False)
            return
        super().keyPressEvent(event)

    def show_panel(self, name: str) -> None:
        """Bring a side panel to the front: details, hubs, groups or demand."""
        dock = getattr(self, f"{name}_dock", None)
        if dock is None:
            self._pending_panel = name      # shown once the planning panels exist
        else:
            dock.show()
            dock.raise_()

    def about(self) -> None:
        QMessageBox.about(self, APP_NAME,
                          f"<b>{APP_NAME}</b><br>Planning primary care estates for the Medway "
                          "Model: six localities, Healthy Living Centres, extended practice "
                          "groups and GP demand from housing growth.<br><br>Works offline: "
                          "no map tiles, no network.<br>Data shown: "
                          f"{self.dataset.label}")

    def closeEvent(self, event):  # noqa: N802
        if not self.scenarios.closing():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.map.dispose()
        super().closeEvent(event)

    def wait_for_map(self, timeout_ms: int = 30000) -> bool:
        """Block (running the event loop) until the map is ready and the planning panels
        are built; for the CLI and tests."""
        from PySide6.QtCore import QEventLoop
        if self.map.is_ready and self.panels_ready:
            return True
        loop = QEventLoop()
        timer = QTimer(singleShot=True)
        timer.timeout.connect(loop.quit)
        self.panelsReady.connect(loop.quit)
        self.map.failed.connect(loop.quit)
        timer.start(timeout_ms)
        loop.exec()
        return self.map.is_ready and self.panels_ready
