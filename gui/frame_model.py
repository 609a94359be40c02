"""A read-mostly Qt table model over a pandas DataFrame, with per-column display rules.

Sorting uses the raw value (Qt.UserRole) so numbers sort as numbers; display uses the
column's formatter (thousands separators, units). Editable columns call ``on_edit`` instead
of writing to the frame themselves, so every edit goes through the undo stack.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

SORT_ROLE = Qt.ItemDataRole.UserRole
FLAG_BRUSH = QBrush(QColor("#ffcdd2"))


def whole(v) -> str:
    return "" if pd.isna(v) else f"{v:,.0f}"


def one_dp(v) -> str:
    return "" if pd.isna(v) else f"{v:,.1f}"


def text(v) -> str:
    return "" if pd.isna(v) else str(v)


@dataclass
class Column:
    key: str
    header: str
    fmt: Callable = text
    tip: str = ""
    editable: bool = False
    check: bool = False          # shown as a checkbox (bool column)
    align_right: bool = False


class FrameModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.frame = pd.DataFrame(columns=[c.key for c in columns])
        self._cells: dict[str, list] = {c.key: [] for c in columns}
        self.flag_rows: set[int] = set()
        self.flag_tip = ""
        self.on_edit: Callable[[int, str, object], bool] | None = None

    def set_frame(self, frame: pd.DataFrame, flag_rows: set[int] | None = None) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        # Each shown column as a plain list: a view asks for every cell's text, alignment,
        # colour… many times (sizing the columns ~17,000 calls), and pandas' scalar lookup
        # cost most of a second of start-up.
        self._cells = {c.key: self.frame[c.key].tolist() for c in self.columns
                       if c.key in self.frame.columns}
        self.flag_rows = flag_rows or set()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tip or None
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        value = self._cells[col.key][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return None if col.check else col.fmt(value)
        if role == Qt.ItemDataRole.EditRole:
            # Text, so the editor is a plain box showing the figure as the table does
            # ("5000", not a spin box at "5000.00" that a wheel can take below zero); the
            # edit's own checks refuse what is not a number.
            if col.check:
                return value
            if pd.isna(value):
                return ""
            if isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and float(value).is_integer():
                return f"{float(value):.0f}"
            return str(value)
        if role == Qt.ItemDataRole.CheckStateRole and col.check:
            return Qt.CheckState.Checked if bool(value) else Qt.CheckState.Unchecked
        if role == SORT_ROLE:
            if pd.isna(value):
                return float("-inf") if col.align_right else ""
            return bool(value) if col.check else value
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.flag_rows:
            return FLAG_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.row() in self.flag_rows and self.flag_tip:
                return self.flag_tip
            return col.tip or None
        return None

    def flags(self, index):
        base = super().flags(index)
        col = self.columns[index.column()]
        if col.editable and self.on_edit is not None:
            base |= Qt.ItemFlag.ItemIsUserCheckable if col.check else Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802
        col = self.columns[index.column()]
        if not (col.editable and self.on_edit):
            return False
        if role == Qt.ItemDataRole.CheckStateRole and col.check:
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        return bool(self.on_edit(index.row(), col.key, value))

    def row_of(self, key_column: str, value) -> int | None:
        hits = (self.frame[key_column] == value).to_numpy().nonzero()[0]
        return int(hits[0]) if len(hits) else None


class FilterProxy(QSortFilterProxyModel):
    """Case-insensitive text filter over all columns, numeric-aware sorting."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
