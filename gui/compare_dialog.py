"""The side-by-side comparison of up to three scenarios (File → Compare scenarios…)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication, QDialog, QDialogButtonBox, QLabel, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout,
)

from models import scenario as sc
from models.measures import measure_text


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
            cells = [measure] + [measure_text(measure, row[n]) for n in names]
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
                      "Distances are straight-line in British National Grid metres (or road "
                      "minutes where the Hubs tab measures access by road); demand and £ "
                      "are for the housing each scenario includes, by the last year of its "
                      "projection.", self)
        note.setWordWrap(True)
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

