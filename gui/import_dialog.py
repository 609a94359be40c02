"""File → Import…: pick the published files, edit the ward → locality table, preview, OK.

Nothing in the app changes until OK: Preview runs the import off the GUI thread (progress
bar + Cancel) and shows the report; OK is enabled only for a preview of the current inputs,
and ``dataset()`` then returns the imported Dataset for the main window to open.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget,
)

from geo.errors import DataError
from geo.io_boundaries import check_ward_table, read_ward_table
from gui.worker import Task, TaskBar
from geo.importer import ImportInputs, detect_inputs, run_import
from geo.sources import SOURCES

# key, label, file filter, tooltip: one row per declared source (geo/sources.py)
INPUTS = [(s.key, s.label, s.file_filter, s.help[:1].upper() + s.help[1:]) for s in SOURCES]


class WardTableModel(QAbstractTableModel):
    """The ward → locality table; the locality column is editable and feeds the dissolve."""

    HEADERS = ["ward_code", "ward_name", "locality"]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frame = pd.DataFrame(columns=self.HEADERS)
        self.edited = False

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame[self.HEADERS].reset_index(drop=True).copy()
        self.edited = False
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ["Ward code", "Ward", "Locality (editable)"][section]
        return super().headerData(section, orientation, role)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return str(self.frame.iat[index.row(), index.column()])
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.column() == 2:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or index.column() != 2:
            return False
        self.frame.iat[index.row(), 2] = str(value).strip()
        self.edited = True
        self.dataChanged.emit(index, index)
        return True


class ImportDialog(QDialog):
    """Choose files → Preview (in the background) → OK gives ``dataset()``."""

    def __init__(self, parent=None, start_folder: str | Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import real data")
        self.resize(1100, 760)
        self._start = str(start_folder or Path.home())
        self._result = None
        self._task: Task | None = None
        self.edits: dict[str, QLineEdit] = {}

        files = QGroupBox("Published files (* required)")
        grid = QGridLayout(files)
        folder_btn = QPushButton("Choose folder…")
        folder_btn.setToolTip("Pick a folder; files are recognised by their names")
        folder_btn.clicked.connect(self._choose_folder)
        grid.addWidget(folder_btn, 0, 0)
        grid.addWidget(QLabel("Commissioner code"), 0, 1, Qt.AlignmentFlag.AlignRight)
        self.commissioner = QLineEdit("09W")
        self.commissioner.setToolTip("ODS commissioner code to keep (Medway CCG = 09W); "
                                     "blank keeps every practice in the file")
        self.commissioner.setMaximumWidth(80)
        self.commissioner.textChanged.connect(self._invalidate)
        grid.addWidget(self.commissioner, 0, 2, Qt.AlignmentFlag.AlignLeft)
        for row, (key, label, filt, tip) in enumerate(INPUTS, start=1):
            grid.addWidget(QLabel(label), row, 0)
            edit = QLineEdit()
            edit.setToolTip(tip)
            edit.setPlaceholderText(tip)
            edit.textChanged.connect(self._invalidate)
            self.edits[key] = edit
            grid.addWidget(edit, row, 1, 1, 2)
            browse = QPushButton("Browse…")
            browse.clicked.connect(lambda _=False, k=key, f=filt: self._browse(k, f))
            grid.addWidget(browse, row, 3)
        self.edits["ward_localities"].editingFinished.connect(self.load_ward_table)
        self.edits["ward_localities"].textChanged.connect(self._ward_path_changed)

        self.ward_model = WardTableModel(self)
        self.ward_model.dataChanged.connect(self._invalidate)
        self.ward_view = QTableView()
        self.ward_view.setModel(self.ward_model)
        self.ward_view.horizontalHeader().setStretchLastSection(True)
        self.ward_view.setToolTip("Edit a locality name to move a ward; the wards of each "
                                  "locality are dissolved into its polygon")
        ward_box = QGroupBox("Ward → locality (an assumption: edit it here)")
        QVBoxLayout(ward_box).addWidget(self.ward_view)

        self.report_view = QPlainTextEdit()
        self.report_view.setReadOnly(True)
        self.report_view.setFont(QFont("DejaVu Sans Mono", 9))
        self.report_view.setPlaceholderText("Press Preview to read the files; nothing in the "
                                            "app changes until OK.")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(files)
        lv.addWidget(ward_box, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(QLabel("Preview"))
        rv.addWidget(self.summary)
        rv.addWidget(self.report_view, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 540])

        self.preview_button = QPushButton("Preview")
        self.preview_button.setToolTip("Read every file and show what would be imported")
        self.preview_button.clicked.connect(self.preview)
        self.task_bar = TaskBar(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Open imported data")
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.preview_button)
        bottom.addWidget(self.task_bar, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

    # ------------------------------------------------------------ inputs
    def set_path(self, key: str, path: str | Path | None) -> None:
        self.edits[key].setText(str(path) if path else "")
        if key == "ward_localities":
            self.load_ward_table()

    def set_folder(self, folder: str | Path) -> dict:
        """Fill the inputs whose files are recognised in ``folder``; return what was found."""
        found = detect_inputs(folder)
        for key, path in found.items():
            self.set_path(key, path)
        self.status.setText(f"Recognised {len(found)} files in {folder}"
                            + ("" if "epraccur" in found else "; no epraccur file found"))
        return found

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of published files",
                                                  self._start)
        if folder:
            self._start = folder
            self.set_folder(folder)

    def _browse(self, key: str, filt: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose file", self._start,
                                              f"{filt};;All files (*)")
        if path:
            self._start = str(Path(path).parent)
            self.set_path(key, path)

    def _ward_path_changed(self, text: str) -> None:
        if text and Path(text).is_file():
            self.load_ward_table()

    def load_ward_table(self) -> None:
        path = self.edits["ward_localities"].text().strip()
        if not path:
            self.ward_model.set_frame(pd.DataFrame(columns=WardTableModel.HEADERS))
            return
        try:
            self.ward_model.set_frame(read_ward_table(path))
        except DataError as exc:
            self._show_error(str(exc))

    def inputs(self) -> ImportInputs:
        values = {key: (edit.text().strip() or None) for key, edit in self.edits.items()}
        return ImportInputs(commissioner=self.commissioner.text().strip() or None, **values)

    # ------------------------------------------------------------ preview
    def _invalidate(self, *_args) -> None:
        if self._result is not None:
            self.summary.setText("Inputs changed: press Preview again.")
        self._result = None
        self.ok_button.setEnabled(False)

    def preview(self) -> None:
        if self._task is not None and self._task.running:
            return
        self._invalidate()
        self.status.setText("")
        self.report_view.setPlainText("")
        inputs = self.inputs()
        table = None
        if len(self.ward_model.frame):
            try:
                table = check_ward_table(self.ward_model.frame.copy(),
                                         "ward table (edited)" if self.ward_model.edited
                                         else Path(inputs.ward_localities or "").name)
            except DataError as exc:
                self._show_error(str(exc))
                return

        def work(progress, cancel):
            return run_import(inputs, ward_table=table, progress=progress, cancel=cancel)

        self._task = Task(work, self)
        self._task.done.connect(self._preview_done)
        self._task.failed.connect(self._show_error)
        self._task.cancelled.connect(lambda: self.status.setText("Preview cancelled; "
                                                                 "nothing changed."))
        for sig in (self._task.done, self._task.failed, self._task.cancelled):
            sig.connect(lambda *_: self.preview_button.setEnabled(True))
        self.preview_button.setEnabled(False)
        self.task_bar.watch(self._task)
        self._task.start()

    def _preview_done(self, result) -> None:
        self._result = result
        rep = result.report
        counts = "; ".join(f"{k}: {v:,}" for k, v in rep.counts.items())
        self.summary.setText(counts)
        self.report_view.setPlainText(rep.text() + "\n" + self._judged(result.dataset))
        self.status.setText("Preview ready. Press “Open imported data” to use it "
                            "(the current data is replaced only then).")
        self.ok_button.setEnabled(True)

    def _judged(self, ds) -> str:
        """The localities against the target, judged as the window judges them (on the
        measure chosen in View → Judge locality target on; the registered list by
        default), never flagging practices outside every locality."""
        from PySide6.QtCore import QSettings

        from gui.locality_target import SETTING
        from models.assumptions import default_assumptions
        from models.localities import BASES, TARGET_SOURCE, locality_summary
        basis = QSettings().value(SETTING, "registered")
        basis = basis if basis in BASES else "registered"
        a = default_assumptions()
        low, high = a.value("locality_min_population"), a.value("locality_max_population")
        frame = locality_summary(ds, low, high, basis)
        lines = [f"Localities against the {low:,.0f}–{high:,.0f} target, judged on "
                 f"{BASES[basis]} ({TARGET_SOURCE}):"]
        for r in frame[frame["is_locality"]].itertuples():
            lines.append(f"  {r.locality}: {r.flag or 'within the target'}")
        return "\n".join(lines)

    def _show_error(self, message: str) -> None:
        self.status.setText(f"<span style='color:#b71c1c'>Cannot import: "
                            f"{_escape(message)}</span>")
        self.ok_button.setEnabled(False)

    # ------------------------------------------------------------ outcome
    def is_busy(self) -> bool:
        return self._task is not None and self._task.running

    def result_ready(self) -> bool:
        return self._result is not None

    def dataset(self):
        """The imported Dataset after a successful preview (None before)."""
        return self._result.dataset if self._result is not None else None

    def report(self):
        return self._result.report if self._result is not None else None

    def reject(self) -> None:
        if self._task is not None and self._task.running:
            self._task.cancel()
        super().reject()


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br>"))
