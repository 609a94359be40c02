"""The Estate table (a tab beside Practices, Localities and Housing sites): one row per site
— main and branch surgeries and hubs — with its estate register figures, editable by
double-click. Every edit is one undoable step (the plan's register swapped whole through
``SetState("estate", …)``); a site with no register row reads "unknown", never 0.
"""
from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from PySide6.QtCore import Qt

from gui.frame_model import Column, FrameModel
from gui.tables import TablePanel
from models.capacity.register import sites, with_value
from models.display import number

UNKNOWN = "unknown"


def _known(fmt):
    return lambda v: UNKNOWN if v is None or (not isinstance(v, str) and pd.isna(v)) \
        else fmt(v)


def _text(v) -> str:
    return UNKNOWN if v in ("", None) else str(v)


EDIT = " Double-click to edit (blank = unknown); Ctrl+Z undoes."
ESTATE_COLUMNS = [
    Column("site_code", "Site", tip="Practice or branch code, or hub id"),
    Column("name", "Name"),
    Column("kind", "Kind", tip="practice, branch or hub"),
    Column("locality", "Locality"),
    Column("register_text", "In register", tip="'no row — unknown': the estates return "
           "has no row for this site, so its capacity is unknown (never 0)"),
    Column("gia_m2", "m² GIA", _known(lambda v: number(v)), "Gross internal area." + EDIT,
           editable=True, align_right=True),
    Column("clinical_rooms", "Clinical rooms", _known(lambda v: number(v)),
           "Consulting and treatment rooms." + EDIT, editable=True, align_right=True),
    Column("hours_per_week", "Hours a week", _known(lambda v: number(v, 1)),
           "Opening hours per week (blank: core hours are assumed in the capacity model)."
           + EDIT, editable=True, align_right=True),
    Column("tenure", "Tenure", _text, "owned, leased, NHS Property Services, Community "
           "Health Partnerships, LIFT or other." + EDIT, editable=True),
    Column("lease_end", "Lease end", _text, "Date the lease ends (2031-03-31)." + EDIT,
           editable=True),
    Column("condition", "Condition", _text, "NHS estate condition category A (as new) to D "
           "(unacceptable)." + EDIT, editable=True),
    Column("notes", "Notes", lambda v: str(v or ""), "Free text." + EDIT, editable=True),
]


def estate_frame(ds) -> pd.DataFrame:
    frame = sites(ds)
    frame["register_text"] = frame["in_register"].map({True: "yes",
                                                        False: "no row — unknown"})
    frame["clinical_rooms"] = frame["clinical_rooms"].astype(object).where(
        frame["clinical_rooms"].notna(), None)
    return frame


class EstateModel(FrameModel):
    """Cells are edited as text (a line edit, even where the figure is unknown): the
    register checks what is typed and says why a value is refused."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            value = super().data(index, role)
            if value is None:
                return ""
            return f"{value:g}" if isinstance(value, float) else str(value)
        return super().data(index, role)


class EstateTable(TablePanel):
    """The register as a table; edits go to the plan through the workspace."""

    def __init__(self, window):
        super().__init__(ESTATE_COLUMNS, "site_code",
                         "Filter sites by code, name, locality, tenure or condition…")
        self.window = window
        self.ws = window.workspace
        self.model = EstateModel(ESTATE_COLUMNS, self)
        self.proxy.setSourceModel(self.model)
        self.model.on_edit = self._edit
        self.model.flag_tip = "No register row: capacity unknown"
        self.hub_button = QPushButton("Set hub capacity from register", self)
        self.hub_button.setToolTip("Select a hub: its capacity (patients) becomes what its "
                                   "rooms can host at the utilisation target, as the "
                                   "Capacity tab counts it (undoable)")
        self.hub_button.clicked.connect(lambda: self.set_hub_capacity())
        row = QHBoxLayout()
        row.addWidget(self.hub_button)
        row.addStretch(1)
        self.layout().addLayout(row)
        self.rowSelected.connect(self._on_row)
        self.ws.replaced.connect(self.refresh)
        self.ws.stateChanged.connect(lambda key: key in ("estate", "hubs") and self.refresh())
        self.ws.edited.connect(lambda layer, *_: layer in ("practices", "hubs")
                               and self.refresh())
        self.refresh()

    def refresh(self) -> None:
        frame = estate_frame(self.ws.dataset)
        missing = set(frame.index[~frame["in_register"]].tolist())
        self.set_frame(frame, missing)

    def _edit(self, row: int, column: str, value) -> bool:
        code = str(self.model.frame.at[row, "site_code"])
        try:
            register = with_value(self.ws.dataset, code, column, value)
        except ValueError as exc:
            self.window.show_error("Edit refused", str(exc))
            return False
        label = column.replace("_", " ")
        self.ws.set_state("estate", register, f"Set {label} of {code} to {value}")
        return True

    def _on_row(self, code: str) -> None:
        if not getattr(self.window, "panels_ready", False):
            return
        layer = "hubs" if code in set(self.ws.dataset.hubs["hub_id"].astype(str)) \
            else "practices"
        self.window._select(layer, code, from_table=True)

    def set_hub_capacity(self) -> bool:
        from models.capacity.spare import hub_capacity_patients
        code = self.selected_key()
        ds = self.ws.dataset
        if code is None or code not in set(ds.hubs["hub_id"].astype(str)):
            self.window.show_error("No hub selected", "Select a hub's row in the Estate "
                                                      "table, then set its capacity")
            return False
        patients = hub_capacity_patients(ds, self.ws.assumptions, code)
        if patients is None:
            self.window.show_error("Capacity unknown", f"{code} has no clinical rooms in "
                                   "the estate register: enter them first")
            return False
        try:
            self.ws.set_value("hubs", code, "capacity_patients", round(patients))
        except ValueError as exc:
            self.window.show_error("Edit refused", str(exc))
            return False
        self.window.statusBar().showMessage(
            f"{code}: capacity set to {patients:,.0f} patients from its register", 8000)
        return True


def estate_rows(ds, code: str) -> list[tuple[str, str, str]]:
    """The Details panel's estate register rows for a site (label, value, source)."""
    hit = sites(ds)
    hit = hit[hit["site_code"] == code]
    if hit.empty:
        return []
    r = hit.iloc[0]
    source = "estate register (capacity.csv, edited in the Estate table)"
    if not r["in_register"]:
        return [("Estate register", "no row — capacity unknown (not 0)", source)]
    fmt = {c.key: c.fmt for c in ESTATE_COLUMNS}
    return [("Clinical rooms", fmt["clinical_rooms"](r["clinical_rooms"]
                                                     if pd.notna(r["clinical_rooms"])
                                                     else None), source),
            ("Floor area", fmt["gia_m2"](r["gia_m2"]) + " m² GIA"
             if pd.notna(r["gia_m2"]) else UNKNOWN, source),
            ("Opening hours", fmt["hours_per_week"](r["hours_per_week"]) + " a week"
             if pd.notna(r["hours_per_week"]) else "unknown (core hours assumed)", source),
            ("Tenure", _text(r["tenure"]) + (f", lease ends {r['lease_end']}"
                                             if r["lease_end"] else ""), source),
            ("Condition", _text(r["condition"]), "NHS estate condition category A–D")] + (
        [("Estate notes", str(r["notes"]), source)] if r["notes"] else [])
