"""What the Groups panel shows besides its controls: territories on the map with labels, the
colour key in the table, the comparison with an existing grouping, and the group list export.

Territories (models/grouping/territories.py) are the area nearest each group's practices,
clipped to the localities; the existing grouping (e.g. the real Primary Care Networks) is
drawn over them as dashed outlines and compared in a small table, never replacing the
user's groups.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QTableView, QVBoxLayout

from rendering import webmap
from rendering.map_layers.registry import layer
from geo.identity_cache import IdentityCache
from gui.frame_model import Column, FrameModel, one_dp, whole
from models.grouping import compare_groupings, group_territories, site_groups
from models.grouping.territories import study_area

_AREAS = IdentityCache(1)


def boundary_of(ds):
    """The study area (union of the localities, EPSG:27700), computed once per dataset."""
    return _AREAS.get((ds.localities,), None, lambda: study_area(ds.localities)
                      if len(ds.localities) else None)


class GroupModel(FrameModel):
    """The group table, with each group's map colour beside its name (the colour key)."""

    colours: dict[str, str] = {}

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.DecorationRole and index.isValid()
                and self.columns[index.column()].key == "group"):
            name = self.frame.iloc[index.row()]["group"]
            colour = self.colours.get(name)
            return QColor(colour) if colour else None
        return super().data(index, role)


def draw_groups(view, ds, mapping: dict, table: pd.DataFrame) -> dict[str, str]:
    """Territories of the groups, labelled "name · patients", on the map's groups overlay.
    Returns the colours used (the key)."""
    per_site = site_groups(ds.practices, mapping).to_dict()
    colours = webmap.group_colours(g for g in per_site.values() if g)
    if table.empty:
        view.remove_overlay("groups")
        return colours
    areas = group_territories(ds.practices, mapping, boundary_of(ds))
    bad = set(table.loc[~table["within_bounds"].astype(bool), "group"])
    tips, labels = {}, {}
    for r in table.itertuples():
        tips[r.group] = [["Group", r.group], ["Patients", f"{r.list_size:,.0f}"],
                         ["Practices", str(r.practices)], ["Against bounds", r.outside_text],
                         ["Mean distance", f"{r.mean_distance_km:.2f} km"]]
        # Outside the bounds the exact figure: 29,975 never reads "30.0k" (inside them).
        labels[r.group] = (f"{r.group} · {r.list_size / 1000:,.1f}k" if r.within_bounds else
                           f"{r.group} · {r.list_size:,.0f} "
                           f"({'below' if r.outside_by < 0 else 'above'})")
    view.set_overlay("groups", layer("groups").features(areas, colours, tips, bad, labels))
    return colours


# ---------------------------------------------------------------- comparison

COMPARE_TABLE = [
    Column("grouping", "Grouping"),
    Column("groups", "Groups", whole, align_right=True),
    Column("within_text", "Within bounds", tip="Groups whose list size is within the bounds"),
    Column("mean_distance_km", "Mean km", one_dp, "Patient-weighted mean straight-line "
           "distance to the group's patient-weighted centre", align_right=True),
    Column("contiguous_groups", "Contiguous", whole, "Groups whose territory is one patch",
           align_right=True),
]

EXISTING = {"pcns": "Primary Care Networks (pcns.csv)",
            "groups": "Groups in the data folder (groups.csv)"}


def existing_mapping(ds, key: str | None) -> dict[str, str]:
    if key == "pcns" and ds.pcns is not None:
        return dict(zip(ds.pcns["practice_code"].astype(str), ds.pcns["pcn_name"]))
    if key == "groups" and ds.groups is not None:
        return dict(zip(ds.groups["practice_code"].astype(str), ds.groups["group"]))
    return {}


class Comparison(QGroupBox):
    """An existing grouping beside the user's: dashed outlines on the map and a table."""

    def __init__(self, parent=None):
        super().__init__("Compare with an existing grouping", parent)
        self.combo = QComboBox(self)
        self.combo.setToolTip("Draw an existing grouping (e.g. the real Primary Care "
                              "Networks) over yours as dashed outlines and compare the two; "
                              "your groups are kept")
        self.model = FrameModel(COMPARE_TABLE, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.agreement = QLabel(self)
        self.agreement.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.combo)
        layout.addWidget(self.table)
        layout.addWidget(self.agreement)

    @property
    def key(self) -> str | None:
        return self.combo.currentData()

    def _fit_rows(self) -> None:
        """As tall as its rows (two or three), so every grouping compared is in view."""
        t = self.table
        rows = sum(t.rowHeight(r) for r in range(self.model.rowCount()))
        bar = t.horizontalScrollBar().sizeHint().height()
        t.setFixedHeight(t.horizontalHeader().height() + rows + bar + 2 * t.frameWidth())

    def fill(self, ds, keep: str | None = None) -> None:
        """Offer what the data folder holds, with ``keep`` (the plan's choice) chosen if it
        is there."""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem("None", None)
        for key, label in EXISTING.items():
            if existing_mapping(ds, key):
                self.combo.addItem(label, key)
        at = self.combo.findData(keep)
        self.combo.setCurrentIndex(max(at, 0))
        self.combo.setEnabled(self.combo.count() > 1)
        self.combo.blockSignals(False)
        self.setVisible(self.combo.count() > 1)

    def show_for(self, view, ds, mapping: dict, lo: float, hi: float) -> None:
        other = existing_mapping(ds, self.key)
        self.table.setVisible(bool(other))
        self.agreement.setVisible(bool(other))
        if not other:
            view.remove_overlay("existing_groups")
            return
        label = self.combo.currentText().split(" (")[0]
        area = boundary_of(ds)
        frames = {"Your groups": mapping, label: other} if mapping else {label: other}
        frame, ari, n = compare_groupings(ds.practices, frames, lo, hi, boundary=area)
        frame["within_text"] = [f"{w} of {g} ({s:.0%})" if g else "—" for w, g, s in zip(
            frame["groups_within_bounds"], frame["groups"], frame["share_within_bounds"])]
        self.model.set_frame(frame)
        self.table.resizeColumnsToContents()
        self._fit_rows()
        self.agreement.setText(
            f"Agreement (adjusted Rand index, 1 = identical, 0 = chance): <b>{ari:.2f}</b> "
            f"over {n} practices" if mapping and n >= 2 else
            "Run or load a grouping to compare it with this one.")
        areas = group_territories(ds.practices, other, area)
        view.set_overlay("existing_groups", layer("existing_groups").features(areas))


def other_localities(ds, code: str, group: str, mapping: dict) -> str:
    """The target group's localities when they differ from the practice's ('' if not):
    moving there takes the practice out of its locality."""
    p = ds.practices.astype({"practice_code": str}).set_index("practice_code")
    if code not in p.index:
        return ""
    main = p.at[code, "parent_code"] or code
    own = p.at[main, "locality"] if main in p.index else ""
    theirs = {p.at[c, "locality"] for c, g in mapping.items() if g == group and c in p.index}
    theirs.discard("")
    return ", ".join(sorted(theirs)) if theirs and theirs != {own} else ""


# ---------------------------------------------------------------- export

def write_group_list(path: str | Path, ds, mapping: dict, table: pd.DataFrame) -> Path:
    """The group list with its metrics (and, in XLSX, the practices of each group), written
    atomically; the format follows the file's suffix (.csv or .xlsx)."""
    from geo.atomic import atomic_path
    path = Path(path)
    mains = ds.practices[ds.practices["parent_code"].fillna("") == ""]
    members = mains.assign(group=mains["practice_code"].astype(str).map(mapping))
    members = members[members["group"].notna()]
    listing = members.groupby("group")["practice_code"].apply(lambda c: " ".join(map(str, c)))
    out = table.drop(columns=["outside_text", "contiguous_text"], errors="ignore").copy()
    out["intruders"] = [" ".join(i) if isinstance(i, list) else str(i)
                        for i in out["intruders"]]
    out["member_practices"] = out["group"].map(listing).fillna("")
    with atomic_path(path) as tmp:
        if path.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
                out.to_excel(xl, sheet_name="groups", index=False)
                members[["practice_code", "name", "list_size", "locality", "group"]].to_excel(
                    xl, sheet_name="practices", index=False)
        else:
            out.to_csv(tmp, index=False)
    return path
