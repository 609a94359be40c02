"""Contribution request…: the S106 figures for a housing site or a new application, with its
catchment practices as tick boxes and Export pack… (PDF + the XLSX workings beside it).

Opened from the Housing sites table (button and right-click) and from a right-click on the
map ("New application here…"). Ticking a practice in or out is one undoable step of the
plan (saved in the scenario); the pack is written in the background from a snapshot.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMenu,
    QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
)

from geo.bounds import DWELLINGS_MAX
from geo.errors import DataError
from models.contribution import (
    ContributionError, assess, catchment, new_application, parse_mix, site_application,
    with_choice,
)
from models.display import number

HEADERS = ["Counted", "Practice", "km", "List", "GPs head / FTE", "Patients per GP",
           "Premises m²", "Spare patients"]


def _basis(text: str) -> str:
    return {"estate": "rooms", "proxy": "proxy"}.get(str(text).split(" ")[0].rstrip(":"),
                                                      "unknown")


class ContributionDialog(QDialog):
    """One development's request: its catchment (tick boxes), the figures, Export pack…"""

    def __init__(self, window, app, new: bool = False):
        super().__init__(window)
        self.window, self.ws, self.app, self.new = window, window.workspace, app, new
        self.result = None
        self.task = None
        self.setWindowTitle(f"Contribution request — {app.name}")
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        if new:
            form = QFormLayout()
            self.name = QLineEdit(app.name, self)
            self.dwellings = QSpinBox(self)
            self.dwellings.setRange(1, DWELLINGS_MAX)
            self.dwellings.setValue(app.dwellings)
            self.dwellings.setGroupSeparatorShown(True)
            self.mix = QLineEdit(self)
            self.mix.setPlaceholderText("optional, e.g. 1:20,2:40,3:30,4:10 (bedrooms:share)")
            form.addRow("Name", self.name)
            form.addRow("Dwellings", self.dwellings)
            form.addRow("Bedroom mix", self.mix)
            layout.addLayout(form)
            for signal in (self.name.editingFinished, self.mix.editingFinished,
                           self.dwellings.valueChanged):
                signal.connect(self._application_changed)
        self.by = catchment_choice_box(self, self.ws.plan)
        self.by.currentIndexChanged.connect(lambda _i: self.refresh())
        by_row = QHBoxLayout()
        by_row.addWidget(QLabel("Catchment:", self))
        by_row.addWidget(self.by)
        by_row.addStretch(1)
        layout.addLayout(by_row)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.itemChanged.connect(self._ticked)
        layout.addWidget(self.table, 1)
        self.figures = QLabel(self)
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.figures)
        row = QHBoxLayout()
        self.export_button = QPushButton("Export pack…", self)
        self.export_button.setToolTip("Write the PDF evidence pack and, beside it, the XLSX "
                                      "workings")
        self.export_button.clicked.connect(lambda: self.export())
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(close)
        layout.addLayout(row)
        self.ws.stateChanged.connect(self._on_state)
        self.ws.edited.connect(self._on_edited)
        self.refresh()

    # -------------------------------------------------------------- figures
    def _on_edited(self, layer: str = "", *_) -> None:
        self._on_state("housing" if layer == "housing" else "contribution")

    def _on_state(self, key: str) -> None:
        """Re-read the plan (a data site's own figures too) while the dialog is open."""
        if not self.isVisible():
            return
        if key == "housing" and self.app.site_id:
            try:
                self.app = site_application(self.ws.plan, self.app.site_id)
            except ContributionError:
                self.close()          # the site was removed (or has no dwellings now)
                return
        self.refresh()

    def refresh(self) -> None:
        """Re-read the plan: the catchment's ticks and the figures."""
        plan = self.ws.plan
        graph = self.graph()
        frame = catchment(plan, self.app.latitude, self.app.longitude, self.app.key, graph)
        self.frame = frame
        self.table.blockSignals(True)
        self.table.setRowCount(len(frame))
        for i, r in enumerate(frame.itertuples()):
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Checked if r.included else
                               Qt.CheckState.Unchecked)
            tick.setData(Qt.ItemDataRole.UserRole, r.practice_code)
            far = f"{r.distance_km:.2f}" + (f" / {r.minutes:.0f} min"
                                            if graph is not None and r.minutes == r.minutes
                                            else "")
            cells = [f"{r.name} ({r.practice_code})", far,
                     f"{number(r.list_size)} ({r.list_date})",
                     f"{number(r.gp_headcount)} / {number(r.gps, 1)} {r.gp_basis} ({r.gp_date})",
                     number(r.patients_per_gp), f"{number(r.premises_m2)} "
                     f"({_basis(r.premises_basis)})",
                     number(r.spare_patients)]
            self.table.setItem(i, 0, tick)
            for j, text in enumerate(cells, 1):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(i, j, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        a = plan.assumptions
        self.heading.setText(
            f"<b>{self.app.name}</b> — {self.app.dwellings:,} dwellings at "
            f"{self.app.latitude:.5f}, {self.app.longitude:.5f}. Practices within "
            + (f"{a.value('catchment_drive_minutes'):g} minutes' drive by road"
               if graph is not None else
               f"{a.value('catchment_radius_km'):g} km (straight line)")
            + " are counted; tick practices in or out (undoable, saved in the scenario). "
            f"Data: {plan.dataset.label}")
        try:
            self.result = assess(plan, self.app, graph=graph)
        except ContributionError as exc:
            self.result = None
            self.figures.setText(f"<span style='color:#b71c1c'>{exc.reason}</span>")
            self.export_button.setEnabled(False)
            return
        c = self.result
        head = (f"<b>Request: £{c.request_gbp:,.0f}</b> (£{c.value('per_dwelling'):,.0f} per "
                f"dwelling, £{c.value('per_resident'):,.0f} per new resident)"
                if c.justified else "<b>No contribution justified</b>: the catchment's "
                                    "spare capacity absorbs the new patients")
        self.figures.setText(
            f"{head}<br>New patients {c.value('patients'):,.0f} · spare capacity "
            f"{c.value('spare'):,.0f} · not absorbed {c.value('net'):,.0f} → "
            f"{c.value('net_m2'):,.1f} m², {c.value('net_rooms'):.1f} rooms, "
            f"{c.value('net_gp_fte'):.2f} GP FTE<br>Project: {c.project}")
        self.export_button.setEnabled(True)

    def graph(self):
        """The drive-time road graph when the catchment is by road, else None."""
        if self.by.currentData() != "drive":
            return None
        from geo.roads import load_roads
        from models.travel_access import graph_for
        plan = self.ws.plan
        return graph_for(load_roads(plan.dataset.folder), "drive", plan.assumptions)

    def _ticked(self, item) -> None:
        if item.column() != 0:
            return
        included = {self.table.item(i, 0).data(Qt.ItemDataRole.UserRole)
                    for i in range(self.table.rowCount())
                    if self.table.item(i, 0).checkState() == Qt.CheckState.Checked}
        code = item.data(Qt.ItemDataRole.UserRole)
        verb = "in" if item.checkState() == Qt.CheckState.Checked else "out of"
        choices = with_choice(self.ws.plan, self.app.key, self.frame, included)
        self.ws.set_state("contribution", choices,
                          f"Tick {code} {verb} the S106 catchment of {self.app.name}")

    def _application_changed(self, *_):
        try:
            mix = parse_mix(self.mix.text()) if self.mix.text().strip() else ()
            self.app = new_application(self.ws.plan, self.app.latitude, self.app.longitude,
                                       self.dwellings.value(), mix=mix,
                                       name=self.name.text())
        except DataError as exc:
            self.figures.setText(f"<span style='color:#b71c1c'>{exc}</span>")
            self.export_button.setEnabled(False)
            return
        self.setWindowTitle(f"Contribution request — {self.app.name}")
        self.refresh()

    # -------------------------------------------------------------- export
    def export(self, path: str | None = None):
        """Ask for the PDF's name; write it and the workbook beside it in the background.
        Returns the task (None when nothing is written)."""
        if self.result is None:
            return None
        if not path:
            stem = "".join(ch if ch.isalnum() else "-" for ch in self.app.name).strip("-")
            start = str(Path(self.window.start_dir("export/last_dir"))
                        / f"s106-{stem or 'pack'}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, "Export contribution pack", start,
                                                  "PDF (*.pdf)")
            if not path:
                return None
        path = Path(path).with_suffix(".pdf")
        task = pack_task(self.ws.plan, self.window.scenarios.name, self.app, path, self,
                         graph=self.graph())
        task.done.connect(lambda pages: self._exported(path, pages))
        task.failed.connect(lambda msg: self.window.show_error("The pack was not written",
                                                               msg))
        self.window.task_bar.watch(task)
        self.task = task
        task.start()
        return task

    def _exported(self, path: Path, pages: int) -> None:
        text = (f"Saved the {pages}-page pack to {path} and the workings to "
                f"{path.with_suffix('.xlsx').name}")
        self.figures.setText(self.figures.text() + f"<br><i>{text}</i>")
        self.window.statusBar().showMessage(text, 8000)


def pack_task(plan, scenario: str, app, path: Path, parent=None, graph=None):
    """A Task writing the pack and workbook for ``app`` from a snapshot of ``plan``
    (``graph``: the drive-time road graph when the catchment is by road)."""
    from gui.background import snapshot
    from gui.worker import Task
    from rendering.s106_pack import write_pack
    from rendering.s106_sheet import write_workings
    frozen = snapshot(plan, scenario)

    def work(progress, cancelled):
        progress(0.05, "Working out the contribution")
        c = assess(frozen, app, graph=graph)
        progress(0.2, "Drawing the pack")
        pages = write_pack(frozen, c, path, scenario)
        progress(0.9, "Writing the workings")
        write_workings(frozen, c, path.with_suffix(".xlsx"), scenario)
        return pages
    return Task(work, parent)


def catchment_choice_box(parent, plan) -> QComboBox:
    """Straight line (the NHS England 2 km convention) or drive time by road, offered only
    when the data folder has roads."""
    from geo.errors import DataError as RoadsError
    from geo.roads import load_roads
    a = plan.assumptions
    box = QComboBox(parent)
    box.addItem(f"Straight line ({a.value('catchment_radius_km'):g} km)", "straight")
    box.addItem(f"Drive time ({a.value('catchment_drive_minutes'):g} min by road)", "drive")
    try:
        roads = load_roads(plan.dataset.folder) if plan.dataset.folder else None
    except RoadsError:
        roads = None
    item = box.model().item(1)
    item.setEnabled(roads is not None)
    item.setToolTip(f"Practices within a drive on {roads.label()}" if roads is not None else
                    "Import roads (File → Import roads…) to count practices by drive time")
    box.setToolTip("Which practices absorb the new patients: within the straight-line "
                   "radius, or within the drive time by road (assumptions "
                   "catchment_radius_km, catchment_drive_minutes)")
    return box


# ---------------------------------------------------------------- opening it

def _show(window, app, new: bool) -> ContributionDialog:
    old = getattr(window, "contribution_dialog", None)
    if old is not None:
        old.close()
        old.deleteLater()
    dialog = ContributionDialog(window, app, new)
    window.contribution_dialog = dialog
    dialog.show()
    return dialog


def open_for_site(window, site_id: str | None) -> ContributionDialog | None:
    """Housing sites → Contribution request… for the selected site."""
    if site_id is None:
        window.show_error("No site selected", "Select a housing site in the table, then "
                                              "Contribution request…")
        return None
    try:
        app = site_application(window.workspace.plan, site_id)
    except ContributionError as exc:
        window.show_error("No contribution request", str(exc))
        return None
    return _show(window, app, new=False)


def open_new_application(window, lat: float, lon: float) -> ContributionDialog | None:
    """The map → New application here…: 100 dwellings to start with, editable."""
    try:
        app = new_application(window.workspace.plan, lat, lon, 100)
    except ContributionError as exc:
        window.show_error("No contribution request", exc.reason)
        return None
    return _show(window, app, new=True)


def show_map_menu(window, lat: float, lon: float, first=()) -> QMenu:
    """The menu a right-click on the map opens at that place (``first``: other panels'
    (text, tooltip, slot) for the place, listed above)."""
    menu = QMenu(window)
    for text, tip, slot in first:
        menu.addAction(text, slot).setToolTip(tip)
    action = menu.addAction("New application here…")
    action.setToolTip("A contribution request (S106) for new homes at this point")
    action.triggered.connect(lambda: open_new_application(window, lat, lon))
    window.map_menu = menu
    menu.popup(QCursor.pos())
    return menu
