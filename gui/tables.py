"""Table panels: practices, localities and housing sites, each a filterable sortable view."""
from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget,
)

from geo.dataset import DEFAULT_BUILD_YEARS, is_branch
from gui.frame_model import Column, FilterProxy, FrameModel, whole
from models.display import money, number
from models.localities import TARGET_SOURCE, locality_summary


def known_whole(v) -> str:
    """Unknown is not zero: NaN reads 'unknown'; None (not applicable, a branch) '—'."""
    return "—" if v is None else number(v)


def known_one_dp(v) -> str:
    return "—" if v is None else number(v, 1)


def known_gps(v) -> str:
    """A headcount reads as a whole number, an FTE/WTE to one decimal."""
    if v is None:
        return "—"
    return number(v, 0 if number(v, 1).endswith(".0") else 1)


def known_money(v) -> str:
    return "—" if v is None else money(v)


SUPPLY_TIP = ("GPs: NHS Digital GP workforce, fully qualified GPs as FTE (where only a "
              "headcount is published: headcount × FTE per head, 'est.'; else practices.csv "
              "GP WTE). Unknown = no figure, never 0.")

PRACTICE_COLUMNS = [
    Column("practice_code", "Code", tip="ODS code; branch sites are PARENT-Bn"),
    Column("name", "Name"),
    Column("kind", "Site", tip="Main practice or branch surgery"),
    Column("locality", "Locality", tip="Locality polygon containing the site"),
    Column("list_size", "List size", known_whole, "Registered patients (practices.csv, "
           "list_size); 'unknown' where the list-size file had no figure. Branches: '—', their "
           "patients are on the parent's list. Double-click to edit.",
           editable=True, align_right=True),
    Column("gp_wte", "GP WTE", known_one_dp, "Whole-time-equivalent GPs (practices.csv, "
           "gp_wte); 'unknown' where not given. Double-click to edit.", editable=True,
           align_right=True),
    Column("gps", "GPs", known_gps, SUPPLY_TIP, align_right=True),
    Column("patients_per_gp", "Patients per GP", known_whole,
           "List size ÷ GPs, where both are known", align_right=True),
    Column("weighted_list", "Need-weighted list", known_whole,
           "List size × weighted ÷ registered patients (Carr-Hill weighting, NHS Payments to "
           "General Practice)", align_right=True),
    Column("imd_score", "IMD score", known_one_dp, "Practice deprivation score (OHID "
           "Fingertips 93553); higher = more deprived", align_right=True),
    Column("premises_gbp", "Premises £/yr", known_money, "Premises payments (NHS Payments to "
           "General Practice): a proxy for the existing estate, not a floor area",
           align_right=True),
    Column("group", "Group", tip="Extended practice group (Groups panel); branches follow "
           "their parent. Double-click and type a group name to move the practice.",
           editable=True),
    Column("parent_code", "Parent", tip="Main practice of a branch"),
]

LOCALITY_COLUMNS = [
    Column("locality", "Locality"),
    Column("registered_patients", "Registered patients", whole,
           "Sum of practice list sizes in the locality", align_right=True),
    Column("residents", "Census residents", number, "Usual residents (population.csv, "
           "census small areas placed in the locality); unknown when the data has none",
           align_right=True),
    Column("practices", "Practices", whole, align_right=True),
    Column("branches", "Branches", whole, align_right=True),
    Column("hlc", "HLC / hub"),
    Column("gps_text", "GPs", tip=SUPPLY_TIP + " (n unknown) = practices without a figure"),
    Column("patients_per_gp", "Patients per GP", known_whole,
           "Patients ÷ GPs over the practices with both figures", align_right=True),
    Column("weighted_list", "Need-weighted list", known_whole,
           "Sum of the practices' need-weighted lists", align_right=True),
    Column("gap_text", "GPs short of benchmark", tip="Patients of practices with both "
           "figures ÷ registered patients per GP WTE (assumption, with its low–high range) − "
           "their GPs; positive = short. Today's lists, before new housing (the Demand tab "
           "adds the new patients)."),
    Column("imd_score", "IMD score", known_one_dp, "List-weighted practice deprivation "
           "score; higher = more deprived", align_right=True),
    Column("premises_gbp", "Premises £/yr", known_money, "Premises payments, a proxy for the "
           "existing estate", align_right=True),
    Column("flag", "Against the target", tip=TARGET_SOURCE + ". Judged on the measure "
           "chosen in View → Judge locality target on."),
]

HOUSING_COLUMNS = [
    Column("site_id", "Site"),
    Column("name", "Name"),
    Column("locality", "Locality"),
    Column("dwellings", "Dwellings", whole, "Net new dwellings (housing_sites.csv)",
           editable=True, align_right=True),
    Column("status", "Status"),
    Column("start_year", "Start year", lambda v: "unknown" if pd.isna(v) else f"{int(v)}",
           "First planning year of completions. "
           "Double-click to edit (sites whose completions are given year by year keep them).",
           editable=True, align_right=True),
    Column("build_years", "Build years", lambda v: f"default ({DEFAULT_BUILD_YEARS})"
           if pd.isna(v) else f"{v:,.0f}", "Years over which the dwellings complete, evenly; "
           "blank = the default. Double-click to edit.", editable=True, align_right=True),
    Column("include", "In projections", tip="Untick to keep the site on the map but out of "
           "the demand projections (sites the data marks include=false start out)",
           editable=True, check=True),
]


SIZING_ROWS = 20


class TablePanel(QWidget):
    """A filter box over a sortable table; emits ``rowSelected(key)``."""

    rowSelected = Signal(str)

    def __init__(self, columns: list[Column], key: str, placeholder: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.model = FrameModel(columns, self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)   # file order until asked
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        # Columns fit the first rows (and those in view), not every row: sizing to all
        # rows asked Python for each cell's text and font ~17,000 times at start-up.
        self.view.horizontalHeader().setResizeContentsPrecision(SIZING_ROWS)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)
        layout.addWidget(self.note)
        self._quiet = False

    def set_frame(self, frame: pd.DataFrame, flag_rows=None) -> None:
        keep = self.selected_key()
        self._quiet = True
        self.model.set_frame(frame, flag_rows)
        self.view.resizeColumnsToContents()
        if keep is not None:
            self.select_key(keep)
        self._quiet = False

    def selected_key(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        src = self.proxy.mapToSource(rows[0])
        return str(self.model.frame.at[src.row(), self.key])

    def select_key(self, value: str) -> bool:
        """Select (and scroll to) the row with this key, without emitting rowSelected."""
        row = self.model.row_of(self.key, value)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():   # filtered out: clear the filter so it can be shown
            self.filter.clear()
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        quiet, self._quiet = self._quiet, True
        self.view.selectionModel().select(
            proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.setCurrentIndex(proxy_index)
        self.view.scrollTo(proxy_index)
        self._quiet = quiet
        return True

    def _on_selection(self, *_):
        if self._quiet:
            return
        key = self.selected_key()
        if key is not None:
            self.rowSelected.emit(key)


SUPPLY_FIELDS = ["gps", "patients_per_gp", "weighted_list", "imd_score", "premises_gbp"]


def practices_frame(ds, site_groups: dict[str, str] | None = None) -> pd.DataFrame:
    from models.supply import list_known, practice_supply
    frame = ds.practices.copy()
    branch = is_branch(frame)
    frame["kind"] = branch.map({True: "branch", False: "practice"})
    frame["list_size"] = (frame["list_size"].astype(float).where(list_known(frame))
                          .astype(object).where(~branch, None))   # a branch: '—', not 0
    frame["gp_wte"] = pd.to_numeric(frame["gp_wte"], errors="coerce").astype(object)
    prac, _ = practice_supply(ds)
    per = prac.set_index("practice_code")
    for col in SUPPLY_FIELDS:
        values = frame["practice_code"].map(per[col]).astype(object)
        frame[col] = values.where(~branch, None)
    frame.loc[branch, "gp_wte"] = None
    groups = site_groups or {}
    frame["group"] = [groups.get(code, "") for code in frame["practice_code"]]
    return frame


def localities_frame(ds, low: float | None = None, high: float | None = None,
                     basis: str = "registered") -> tuple[pd.DataFrame, set[int]]:
    """The Localities table: both population measures, the target judged on ``basis``
    (gui/locality_target.py), GP supply; rows to flag (never the pseudo-row)."""
    from models.assumptions import Assumptions
    from models.supply import area_supply, gp_text, practice_supply
    summary = locality_summary(ds, low, high, basis)
    prac, _ = practice_supply(ds)
    names = list(summary["locality"])
    area = area_supply(prac, names, prac["locality"].replace("", "(outside every locality)"),
                       Assumptions()).set_index("area")
    for col in ("patients_per_gp", "weighted_list", "imd_score", "premises_gbp"):
        summary[col] = summary["locality"].map(area[col])
    summary["gap_text"] = [
        f"{number(area.at[n, 'gp_gap'], 1)} ({number(area.at[n, 'gp_gap_low'], 1)} to "
        f"{number(area.at[n, 'gp_gap_high'], 1)})" if n in area.index else "unknown"
        for n in names]
    summary["gps_text"] = [
        gp_text(area.at[n, "gps"], area.at[n, "gp_basis"])
        + (f" ({int(area.at[n, 'gps_unknown'])} unknown)"
                                     if area.at[n, "gps_unknown"] else "")
        if n in area.index else "unknown" for n in names]
    flagged = set(summary.index[summary["out_of_band"]].tolist())
    return summary, flagged


def housing_frame(ds) -> pd.DataFrame:
    from models.housing_sites import status_shown
    frame = ds.housing.copy()
    frame["status"] = status_shown(frame)      # "not permissioned · in projections"
    return frame
