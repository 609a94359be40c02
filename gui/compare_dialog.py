"""The side-by-side comparison of up to three scenarios (File → Compare scenarios…)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from models import scenario as sc


class CompareDialog(QDialog):
    """Scenarios side by side; rows where they differ are highlighted."""

    def __init__(self, table, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare scenarios")
        self.resize(820, 560)
        names = [c for c in table.columns if c != sc.DIFF_COLUMN]
        self.table = QTableWidget(len(table), len(names) + 1, self)
        self.table.setHorizontalHeaderLabels(["Measure"] + names)
        highlight = QBrush(QColor("#fff3cd"))
        for r, (measure, row) in enumerate(table.iterrows()):
            cells = [measure] + [_fmt(row[n]) for n in names]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if row[sc.DIFF_COLUMN]:
                    item.setBackground(highlight)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.differences = int(table[sc.DIFF_COLUMN].sum())
        note = QLabel(f"{self.differences} of {len(table)} measures differ (highlighted). "
                      "Distances are straight-line in British National Grid metres.", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        copy_button = QPushButton("Copy table", self)
        copy_button.clicked.connect(lambda: QApplication.clipboard().setText(
            table.to_csv(sep="\t")))
        buttons.addButton(copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
