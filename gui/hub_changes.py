"""The Hubs panel's baseline → current table as a planner reads it: measures in words,
shares as percentages (changes in percentage points), and a change coloured by what it
means — an improvement green, a worsening amber, never the red of a fault."""
from __future__ import annotations

import re

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from gui.frame_model import Column, FrameModel
from models.display import known

BETTER = QBrush(QColor("#dcedc8"))     # light green: closer, more within reach
WORSE = QBrush(QColor("#ffe0b2"))      # light amber: worth a look, not an error
MEASURES = {
    "patients": "Patients",
    "mean_distance_km": "Mean distance to nearest hub (km)",
    "max_distance_km": "Farthest distance to a hub (km)",
    "mean_road_km_approx": "Mean road distance ≈ (km)",
    "mean_drive_min_approx": "Mean drive ≈ (min)",
    "demand points changing hub": "Sites changing hub",
    "hubs": "Hubs",
    "served_patients": "Patients served now",
    "served_patients_with_growth": "Patients served with growth",
    "practices_served": "Practice sites served",
    "over_capacity": "Over capacity now (1 = yes)",
    "over_capacity_with_growth": "Over capacity with growth (1 = yes)",
}
LOWER_IS_BETTER = ("distance", "road_km", "drive_min", "over_capacity")
HIGHER_IS_BETTER = ("share_within",)
SUFFIX = {"(now)": "now", "(with growth)": "with growth"}


def measure_label(raw: str) -> str:
    """'share_within_2km (with growth)' → 'Patients within 2 km, with growth'."""
    base, _, when = str(raw).partition(" (")
    when = when.rstrip(")")
    m = re.fullmatch(r"share_within_(\d+(?:\.\d+)?)km", base)
    label = f"Patients within {m.group(1)} km (%)" if m else MEASURES.get(base, base)
    return f"{label}, {when}" if when else label


def is_share(raw: str) -> bool:
    return str(raw).startswith("share_within")


def direction(raw: str, change) -> int:
    """+1 an improvement, -1 a worsening, 0 no change or neither."""
    if not known(change) or abs(float(change)) < 1e-9:
        return 0
    sign = 1 if float(change) > 0 else -1
    if any(k in str(raw) for k in HIGHER_IS_BETTER):
        return sign
    if any(k in str(raw) for k in LOWER_IS_BETTER):
        return -sign
    return 0


def _num(v, signed: bool = False, unit: str = "") -> str:
    if isinstance(v, str):
        return v
    if not known(v):
        return "—"
    v = float(v)
    if unit.strip() in ("%", "pts"):          # percentages: one decimal is enough
        v = round(v, 1)
    digits = 0 if abs(v) >= 1000 or float(v).is_integer() else \
        (1 if unit.strip() in ("%", "pts") else 2)
    text = f"{v:+,.{digits}f}" if signed else f"{v:,.{digits}f}"
    return text + unit


COMPARE_TABLE = [
    Column("scope", "Scope"), Column("name", "Name"), Column("label", "Measure"),
    Column("before_text", "Baseline", align_right=True),
    Column("after_text", "Current", align_right=True),
    Column("change_text", "Change", align_right=True,
           tip="Green: better access (shorter distance, more patients within reach); "
               "amber: worse. Shares are percentages, their changes percentage points."),
]


def readable(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, int]]:
    """The table with words and percentages, and each row's direction (+1/-1)."""
    t = table.reset_index(drop=True).copy()
    share = t["measure"].map(is_share)
    t["label"] = t["measure"].map(measure_label)
    for col in ("before", "after", "change"):
        values = pd.to_numeric(t[col], errors="coerce")
        t[col + "_pct"] = values.where(~share, values * 100)
    t["before_text"] = [_num(v, unit="%" if s else "") for v, s in zip(t["before_pct"], share)]
    t["after_text"] = [_num(v, unit="%" if s else "") for v, s in zip(t["after_pct"], share)]
    t["change_text"] = [_num(v, signed=True, unit=" pts" if s else "")
                        for v, s in zip(t["change_pct"], share)]
    moves = {i: direction(m, c) for i, (m, c) in enumerate(zip(t["measure"], t["change"]))}
    return t, {i: d for i, d in moves.items() if d}


class ChangeModel(FrameModel):
    """Rows coloured by whether the change is better (green) or worse (amber)."""

    def __init__(self, parent=None):
        super().__init__(COMPARE_TABLE, parent)
        self.moves: dict[int, int] = {}

    def show(self, table: pd.DataFrame) -> None:
        frame, self.moves = readable(table)
        self.set_frame(frame)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            move = self.moves.get(index.row(), 0)
            return BETTER if move > 0 else WORSE if move < 0 else None
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            move = self.moves.get(index.row(), 0)
            if move:
                return "Better than the baseline" if move > 0 else "Worse than the baseline"
        return super().data(index, role)
