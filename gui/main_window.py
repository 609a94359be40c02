"""The main window: the map in the middle, layers left, details right, tables below.

Importing this module needs Qt only: the panels, tables and plan (pandas, geopandas,
folium…) are imported as the window is built, so that at start-up (gui/app.py) the window
can show before the data and those libraries have loaded.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget,
)

from gui.file_commands import FileCommands
from gui.map_view import MapView
from gui.plan_views import PlanViews

APP_NAME = "Medway Estates Planner"
# The docks the window starts with (title, edge, name): shown empty while the data loads.
FIRST_DOCKS = (("Layers", Qt.DockWidgetArea.LeftDockWidgetArea, "layers"),
               ("Details", Qt.DockWidgetArea.RightDockWidgetArea, "details"),
               ("Tables", Qt.DockWidgetArea.BottomDockWidgetArea, "tables"))


class _FirstPaint(QObject):
    """Emits the window's ``shown`` once its first paint is done, then stops listening."""

    def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, watched.shown.emit)
        return False


class MainWindow(FileCommands, PlanViews, QMainWindow):
    mapReady = Signal(dict)
    panelsReady = Signal()
    shown = Signal()             # first on screen (start-up measures it)
    mapShown = Signal()          # the data's layers first drawn (start-up measures it)
    APP_NAME = APP_NAME

    def __init__(self, dataset=None, parent=None, *, loading: str = "", preview=None):
        """The window over ``dataset``. Without one (start-up, gui/app.py) it is only the
        frame, to show at once: the map page warming (or ``preview``'s page, the map the
        last start with the same data drew: gui/map_preview.py), empty docks and
        ``loading`` in the status bar; ``show_first_dataset`` then builds the rest."""
        super().__init__(parent)
        self.installEventFilter(_FirstPaint(self))
        self._preview = preview
        if dataset is None:
            self._build_frame(loading)
            return
        self._build(dataset)

    def _build_frame(self, loading: str) -> None:
        self.settings = QSettings()
        self.map = MapView(self)
        self.setCentralWidget(self.map)
        self.map.ready.connect(self._first_map_drawn)
        # The web engine starts while the data loads (on the kept map, if there is one).
        self.map.warm_up(loading, self._preview.page if self._preview else None)
        self.setWindowTitle(f"{APP_NAME} — {loading}")
        for title in ("&File", "&Edit", "&View", "&Help"):
            self.menuBar().addMenu(title).setEnabled(False)
        from gui.window_layout import keep_docked
        for title, area, name in FIRST_DOCKS:       # empty: the map and status bar say why
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            dock.setWidget(QWidget(dock))
            keep_docked(dock)
            self.addDockWidget(area, dock)
        self.statusBar().showMessage(loading)
        self._place()
        self._size_first_docks()            # where the panels will be: no jump when filled
        self.panels_ready = False

    def _first_map_drawn(self, _counts) -> None:
        self.map.ready.disconnect(self._first_map_drawn)
        self.mapShown.emit()

    def _place(self) -> None:
        """Where and how large the window was last time (else 1400 × 900, or maximised on
        a screen smaller than that)."""
        from gui.window_layout import first_size, screen_room
        size, shrunk = first_size(screen_room(self))
        self.resize(size)
        if shrunk:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def show_first_dataset(self, dataset) -> None:
        """Fill the start-up frame in: the panels, menus and map of ``dataset``."""
        self.statusBar().clearMessage()
        self._build(dataset)

    def _build(self, dataset) -> None:
        from gui.workspace import Workspace
        self.workspace = Workspace(dataset, self)
        self._site_groups: dict[str, str] = {}
        framed = hasattr(self, "map")           # the start-up frame is on screen already
        if not framed:
            self.settings = QSettings()
            self.map = MapView(self)
            self.setCentralWidget(self.map)
        self._build_panels()
        self._build_find()
        self._build_actions()
        self._build_status()
        self.map.ready.connect(self._on_map_ready)
        self.map.failed.connect(self._on_map_failed)
        self.map.featureClicked.connect(self._on_feature_clicked)
        self.workspace.replaced.connect(self._show_dataset)
        self.workspace.edited.connect(self._on_edited)
        self.workspace.stateChanged.connect(self._on_state)
        self.workspace.refused.connect(self.show_status)
        self.workspace.undo_stack.indexChanged.connect(self._clear_stale_error)
        self.last_error = ""
        if not framed:
            self._place()
        self._show_dataset()
        # The planning panels import scikit-learn, SciPy and matplotlib (over a second):
        # they are built just after the map first shows, so the planner sees Medway at once.
        self._pending_panel = None
        self.panels_ready = False

    @property
    def dataset(self):
        return self.workspace.dataset

    # -------------------------------------------------------------- construction
    def _dock(self, title: str, widget, area, name: str, scroll: bool = False) -> QDockWidget:
        """A dock for ``widget``; ``scroll``: inside a scroll area, so a tall panel scrolls
        instead of making the window taller than a laptop screen."""
        from gui.panel import scrolling
        from gui.window_layout import keep_docked
        dock = self.findChild(QDockWidget, name)     # shown empty while the data loaded
        if dock is None:
            dock = QDockWidget(title, self)
            dock.setObjectName(name)
            self.addDockWidget(area, dock)
        placeholder = dock.widget()
        dock.setWidget(scrolling(widget, dock) if scroll else widget)
        if placeholder is not None:
            placeholder.deleteLater()
        keep_docked(dock)
        return dock

    def _build_panels(self) -> None:
        from gui.details_panel import DetailsPanel
        from gui.layers_panel import LayersPanel
        from gui.tables import HOUSING_COLUMNS, LOCALITY_COLUMNS, PRACTICE_COLUMNS, TablePanel
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
        from gui.housing_sites import HousingSites
        self.housing_sites = HousingSites(self, self.housing_table)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.practices_table, "Practices")
        self.tabs.addTab(self.localities_table, "Localities")
        self.tabs.addTab(self.housing_table, "Housing sites")
        from gui.estate_table import EstateTable
        self.estate_table = EstateTable(self)
        self.tabs.addTab(self.estate_table, "Estate")
        self.tables_dock = self._dock("Tables", self.tabs,
                                      Qt.DockWidgetArea.BottomDockWidgetArea, "tables")
        self._size_first_docks()

    def _size_first_docks(self) -> None:
        for name, size, orientation in (("layers", 230, Qt.Orientation.Horizontal),
                                        ("details", 420, Qt.Orientation.Horizontal),
                                        ("tables", 260, Qt.Orientation.Vertical)):
            self.resizeDocks([self.findChild(QDockWidget, name)], [size], orientation)

    def _build_planning_panels(self) -> None:
        """Planning tools as tabs beside Details: each shows and edits one model."""
        from gui.demand_panel import DemandPanel
        from gui.groups_panel import GroupsPanel
        from gui.hubs_panel import HubsPanel
        self.groups_panel = GroupsPanel(self)
        self.groups_panel.status.connect(self.show_status)
        self.groups_dock = self._dock("Groups", self.groups_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea, "groups",
                                      scroll=True)
        self.tabifyDockWidget(self.details_dock, self.groups_dock)
        self.hubs_panel = HubsPanel(self)
        self.hubs_panel.status.connect(self.show_status)
        self.hubs_dock = self._dock("Hubs", self.hubs_panel,
                                    Qt.DockWidgetArea.RightDockWidgetArea, "hubs", scroll=True)
        self.tabifyDockWidget(self.details_dock, self.hubs_dock)
        self.demand_panel = DemandPanel(self)
        self.demand_panel.status.connect(self.show_status)
        # In a scroll area too: its row of controls (~1,060 px) must not set the width of
        # the whole right-hand dock and squeeze the map on a laptop.
        self.demand_dock = self._dock("Demand", self.demand_panel,
                                      Qt.DockWidgetArea.RightDockWidgetArea, "demand",
                                      scroll=True)
        self.tabifyDockWidget(self.details_dock, self.demand_dock)
        from gui.capacity_panel import add_capacity_panel
        add_capacity_panel(self)
        for name in ("demand", "groups", "existing_groups", "catchments", "suggested",
                     "straight_lines"):     # titles and first state: their declarations
            self.layers_panel.add_declared(name)
        for dock in (self.groups_dock, self.demand_dock, self.hubs_dock):
            self.view_menu.addAction(dock.toggleViewAction())
        from gui.window_layout import size_docks
        size_docks(self)
        from gui.wheel_guard import guard
        guard(self)             # every combo and spin box of the window, panels included
        self.details_dock.raise_()
        if self._pending_panel:
            self.show_panel(self._pending_panel)
        self.panels_ready = True
        self.panelsReady.emit()

    def _build_actions(self) -> None:
        menu = self.menuBar()
        menu.clear()                        # the start-up frame's placeholders
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
        from gui.timetable_import import add_import_timetable_action
        add_import_timetable_action(self, file_menu)
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
        from gui.presentation import Presentation
        self.presentation = Presentation(self)
        self.find_action = self._action(edit_menu, "&Find…", self.focus_find,
                                        QKeySequence.StandardKey.Find,
                                        "Find a practice, hub, housing site, ward or "
                                        "locality by name or code and zoom the map to it")
        view_menu.addSeparator()
        from gui.window_layout import reset_layout
        self.reset_layout_action = self._action(
            view_menu, "&Reset layout", lambda: reset_layout(self), None,
            "Put every panel back where it started (docked, the right-hand panels tabbed) "
            "and show all of Medway")
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
        for label in (self.data_label, self.map_label):   # folder names are not markup
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.map_label)
        self.statusBar().addPermanentWidget(self.data_label)

    # -------------------------------------------------------------- data
    def _show_dataset(self) -> None:
        from gui.tables import housing_frame, practices_frame
        ds = self.dataset
        label = ds.label
        if hasattr(self, "scenarios"):
            self.scenarios._update_title()
        else:
            self.setWindowTitle(f"{APP_NAME} — {label}")
        if ds.is_sample:
            self.data_label.setStyleSheet("color: #b71c1c; font-weight: bold")
            self.data_label.setText(label)
        else:
            self.data_label.setStyleSheet("")
            self.data_label.setText(f"Data: {label}")
        self.data_label.setToolTip("The data shown on the map and in every table")
        self.map_label.setText("Map loading…")
        # The page first: the web engine lays it out on the other core while the tables fill.
        target = getattr(self, "locality_target", None)
        self._show_map(ds, target.map_band(self.workspace.plan) if target else None)
        self.practices_table.set_frame(practices_frame(ds, self._site_groups))
        self._show_localities()
        self.housing_table.set_frame(housing_frame(ds))
        self.details.clear_details()
        self._refresh_find()
        for warning in ds.warnings:
            self.statusBar().showMessage(warning, 15000)

    def _show_map(self, ds, band) -> None:
        """Draw ``ds``'s map; at start-up, keep the last start's page when it is this one
        (same data, program and band), else keep this page for the next start."""
        preview, self._preview = self._preview, None
        if preview is not None and preview.fits(band) and self.map.keep_page():
            return
        self.map.show_dataset(ds, band=band)
        if preview is not None:
            from gui.map_preview import keep
            keep(preview, self.map.html_path, band)

    # -------------------------------------------------------------- edits
    def _on_map_ready(self, counts: dict) -> None:
        self._show_counts()
        self._restyle_localities(self.localities_table.model.frame)   # the table's, as is
        if counts.get("wards"):
            self.layers_panel.add_declared("wards")
        else:
            self.layers_panel.remove_layer("wards")
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

    # -------------------------------------------------------------- presentation
    def toggle_presentation(self, on: bool | None = None) -> None:
        """Projector mode (gui/presentation.py); Esc or F11 leaves."""
        on = (not self.presentation.on) if not isinstance(on, bool) else on
        self.presentation.set(on)

    @property
    def _presenting(self) -> bool:
        return self.presentation.on

    # -------------------------------------------------------------- find
    def _build_find(self) -> None:
        from gui.find_box import FindBox
        self.find_box = FindBox(self)
        self.find_box.found.connect(self.go_to)
        self.find_box.notFound.connect(
            lambda text: self.statusBar().showMessage(f"Nothing called “{text}” in this data",
                                                      8000))
        bar = self.addToolBar("Find")
        bar.setObjectName("find")
        bar.addWidget(self.find_box)
        self.find_bar = bar

    def focus_find(self) -> None:
        self.find_bar.show()
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    def go_to(self, place) -> None:
        """Zoom the map to a found place and select it (details and table follow)."""
        from gui.find_box import KINDS
        self.map.zoom_to(place.layer, place.item_id)
        if place.layer != "wards":
            self._select(place.layer, place.item_id, from_table=False)
        self.statusBar().showMessage(f"{KINDS[place.layer]}: {place.name}", 8000)

    def _refresh_find(self) -> None:
        from rendering.map_context import ward_features
        from gui.find_box import places
        self._wards = ward_features(self.dataset)
        self.find_box.set_places(places(self.dataset, self._wards))

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
        from gui.worker import cancel_tasks
        if hasattr(self, "scenarios") and not self.scenarios.closing():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        cancel_tasks(self)        # a grouping or suggestion still running stops first
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
