"""Adding and removing housing sites from the Housing sites table: two buttons under the
table, a right-click on the map ("Add housing site here…") and a small form that places a
site by postcode (OS Code-Point Open) or by the point clicked; each change is one undoable
step of the plan."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QMenu, QPushButton, QSpinBox,
)

from geo.bounds import BUILD_YEARS_MAX, DWELLINGS_MAX, YEAR_MAX, YEAR_MIN
from models.housing_sites import next_site_id, with_site, without_site


POSTCODE_FILE = "data/postcode_file"      # QSettings: the Code-Point Open file last used


class SiteDialog(QDialog):
    """Name, place (WGS84: the point right-clicked, a postcode placed with OS Code-Point
    Open, or the middle of the localities), dwellings, phasing."""

    def __init__(self, parent, latitude: float, longitude: float, first_year: int,
                 settings=None):
        super().__init__(parent)
        self.setWindowTitle("Add a housing site")
        self.settings = settings
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("e.g. Chatham Waterfront phase 2")
        self.postcode = QLineEdit(self)
        self.postcode.setPlaceholderText("e.g. ME4 4TR")
        self.postcode.setToolTip("Place the site at this postcode's centre (OS Code-Point "
                                 "Open); the latitude and longitude below follow")
        self.place_button = QPushButton("Place", self)
        self.place_button.setAutoDefault(False)
        self.place_button.clicked.connect(lambda: self.place())
        self.postcode_file = QLineEdit(self)
        self.postcode_file.setReadOnly(True)
        self.postcode_file.setPlaceholderText("OS Code-Point Open CSV (e.g. me.csv)")
        self.postcode_file.setText(str(settings.value(POSTCODE_FILE, "") or "")
                                   if settings is not None else "")
        self.choose_button = QPushButton("Choose…", self)
        self.choose_button.setAutoDefault(False)
        self.choose_button.clicked.connect(lambda: self.choose_file())
        self.message = QLabel(self)      # one line: where the postcode put the site, or why not
        self.message.setWordWrap(True)
        self.placed = ""                 # the postcode the coordinates come from
        self.dwellings = QSpinBox(self)
        self.dwellings.setRange(1, DWELLINGS_MAX)
        self.dwellings.setValue(100)
        self.dwellings.setGroupSeparatorShown(True)
        self.start_year = QSpinBox(self)
        self.start_year.setRange(YEAR_MIN, YEAR_MAX)
        self.start_year.setValue(first_year)
        self.start_year.setToolTip("Planning year of the first completions (2017 = 2017/18)")
        self.build_years = QSpinBox(self)
        self.build_years.setRange(0, BUILD_YEARS_MAX)
        self.build_years.setSpecialValueText("default (5)")
        self.build_years.setToolTip("Years over which the dwellings are completed evenly")
        self.latitude, self.longitude = QDoubleSpinBox(self), QDoubleSpinBox(self)
        for box, value, lo, hi in ((self.latitude, latitude, 49.8, 60.9),
                                   (self.longitude, longitude, -8.7, 1.9)):
            box.setDecimals(5)
            box.setRange(lo, hi)
            box.setSingleStep(0.001)
            box.setValue(value)
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        row = QHBoxLayout()
        row.addWidget(self.postcode, 1)
        row.addWidget(self.place_button)
        form.addRow("Postcode", row)
        row = QHBoxLayout()
        row.addWidget(self.postcode_file, 1)
        row.addWidget(self.choose_button)
        form.addRow("Postcode file", row)
        form.addRow(self.message)
        form.addRow("Dwellings", self.dwellings)
        form.addRow("First completions", self.start_year)
        form.addRow("Build-out years", self.build_years)
        form.addRow("Latitude (WGS84)", self.latitude)
        form.addRow("Longitude (WGS84)", self.longitude)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.name.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 40))
        from gui.wheel_guard import guard
        guard(self)

    def choose_file(self) -> bool:
        """Pick the OS Code-Point Open area file (as published; remembered)."""
        start = str(Path(self.postcode_file.text()).parent) if self.postcode_file.text() \
            else ""
        path, _ = QFileDialog.getOpenFileName(self, "OS Code-Point Open file", start,
                                              "Code-Point Open CSV (*.csv);;All files (*)")
        if not path:
            return False
        self.postcode_file.setText(path)
        if self.settings is not None:
            self.settings.setValue(POSTCODE_FILE, path)
        return True

    def place(self) -> bool:
        """Put the site at the postcode typed; a refusal is one line here and changes
        nothing."""
        from geo.errors import DataError
        from geo.io_postcodes import place_postcode
        postcode = self.postcode.text().strip()
        if not postcode:
            return self._say("Type a postcode to place the site there")
        if not self.postcode_file.text():
            return self._say("Choose the OS Code-Point Open file (Postcode file → Choose…) "
                             "to place a postcode")
        try:
            lat, lon = place_postcode(self.postcode_file.text(), postcode)
        except DataError as exc:
            return self._say(str(exc))
        self.latitude.setValue(lat)
        self.longitude.setValue(lon)
        self.placed = postcode
        self.message.setStyleSheet("")
        self.message.setText(f"Placed at {postcode.upper()}: {lat:.5f}, {lon:.5f} "
                             f"({Path(self.postcode_file.text()).name})")
        return True

    def _say(self, line: str) -> bool:
        self.message.setStyleSheet("color: #b71c1c")
        self.message.setText(line)
        return False

    def accept(self) -> None:
        """OK (or Enter) with a postcode typed but not yet placed places it first."""
        typed = self.postcode.text().strip()
        if typed and typed != self.placed and not self.place():
            return
        super().accept()


class HousingSites:
    """The Add site… / Remove site buttons of the Housing sites table."""

    def __init__(self, window, table):
        self.window, self.table = window, table
        self.ws = window.workspace
        self.used_ids: set[str] = set()     # ids stay unique even after an undo
        self.add_button = QPushButton("Add site…", table)
        self.add_button.setToolTip("Add a housing site to the plan (undoable)")
        self.add_button.clicked.connect(lambda: self.add())
        self.remove_button = QPushButton("Remove site", table)
        self.remove_button.setToolTip("Take the selected site out of the plan (undoable)")
        self.remove_button.clicked.connect(lambda: self.remove())
        # S106: the selected site's contribution request (gui/contribution_dialog.py), from
        # this button, the table's right-click menu and a right-click on the map.
        self.contribution_button = QPushButton("Contribution request…", table)
        self.contribution_button.setToolTip("The developer contribution (S106) to request "
                                            "for the selected site, with its evidence pack")
        self.contribution_button.clicked.connect(lambda: self.contribution())
        table.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.view.customContextMenuRequested.connect(self._table_menu)
        window.map.mapContextMenu.connect(self._map_menu)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.contribution_button)
        row.addStretch(1)
        table.layout().addLayout(row)
        self.ws.replaced.connect(self.used_ids.clear)

    def add(self, at: tuple[float, float] | None = None) -> bool:
        """The form, at ``at`` (lat, lon: a right-click on the map) or else the middle of
        the localities; OK adds the site as one undoable step."""
        ds = self.ws.dataset
        if at is None:
            centre = ds.localities.to_crs(27700).union_all().centroid
            from geo.crs import to_wgs84
            lon, lat = to_wgs84([centre.x], [centre.y])
            at = (float(lat[0]), float(lon[0]))
        years = ds.housing["start_year"].dropna()
        first = int(years.min()) if len(years) else YEAR_MIN + 30
        dialog = SiteDialog(self.window, at[0], at[1], first, self.window.settings)
        self.dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        site_id = next_site_id(ds.housing, self.used_ids)
        try:
            housing = with_site(ds, name=dialog.name.text(), latitude=dialog.latitude.value(),
                                longitude=dialog.longitude.value(),
                                dwellings=dialog.dwellings.value(),
                                start_year=dialog.start_year.value(),
                                build_years=dialog.build_years.value() or None,
                                site_id=site_id)
        except ValueError as exc:
            self.window.show_error("The site was not added", str(exc))
            return False
        self.used_ids.add(site_id)
        self.ws.set_state("housing", housing, f"Add housing site {dialog.name.text().strip()}")
        self.table.select_key(site_id)
        return True

    def contribution(self):
        from gui.contribution_dialog import open_for_site
        return open_for_site(self.window, self.table.selected_key())

    def _table_menu(self, pos) -> None:
        """Right-click on a site: select it and offer its contribution request."""
        index = self.table.view.indexAt(pos)
        if index.isValid():
            self.table.view.selectRow(index.row())
        menu = QMenu(self.table)
        menu.addAction("Contribution request…", lambda: self.contribution())
        self.menu = menu
        menu.popup(self.table.view.viewport().mapToGlobal(pos))

    def _map_menu(self, lat: float, lon: float) -> None:
        from gui.contribution_dialog import show_map_menu
        show_map_menu(self.window, lat, lon, first=[(
            "Add housing site here…", "A new housing site at this point (undoable)",
            lambda: self.add((lat, lon)))])

    def remove(self) -> bool:
        site = self.table.selected_key()
        if site is None:
            self.window.show_error("No site selected",
                                   "Select a housing site in the table, then Remove site")
            return False
        name = self.ws.dataset.housing.set_index("site_id").at[site, "name"]
        self.ws.set_state("housing", without_site(self.ws.dataset, site),
                          f"Remove housing site {name}")
        return True
