"""Groups panel: extended practice groups — run the grouping, see metrics, edit by hand.

Shows one model, the grouping (practice → group) with its locks, held by the workspace so
every run, move and lock is one undoable step. Grouping runs off the GUI thread; metrics
are recomputed at once after any change and drawn on the map as coloured practices and
labelled group territories (out-of-bounds groups outlined red); an existing grouping is
compared beside it (gui/groups_view.py), and the group list can be exported.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QListWidget, QMenu, QMessageBox, QPushButton, QSpinBox, QVBoxLayout,
)

from rendering import webmap
from gui.frame_model import Column, one_dp, whole
from gui.groups_locks import LockEditing
from gui.groups_view import (
    Comparison, GroupModel, boundary_of, draw_groups, other_localities, write_group_list,
)
from gui.panel import Panel
from gui.worker import TaskBar
from models import grouping
from models.grouping import group_metrics, overall_metrics, site_groups

SOURCE = ("Extended practice groups of 20,000–60,000 patients: Kent & Medway STP (Nov 2016), "
          "local care Tier 1; 30,000–50,000 in the Medway Model (Medway CCG Operational "
          "Plan 2017–19, ch. 3)")

GROUP_TABLE = [
    Column("group", "Group"),
    Column("list_size", "Patients", whole, "Sum of the group's practice list sizes",
           align_right=True),
    Column("practices", "Practices", whole, align_right=True),
    Column("sites", "Sites", whole, "Practices plus their branch surgeries", align_right=True),
    Column("outside_text", "Against bounds", tip=SOURCE),
    Column("mean_distance_km", "Mean km", one_dp, "Patient-weighted mean straight-line "
           "distance of its practices to the group's patient-weighted centre",
           align_right=True),
    Column("max_distance_km", "Max km", one_dp, "Farthest practice from the centre",
           align_right=True),
    Column("hull_area_km2", "Area km²", one_dp, "Convex hull of all its sites",
           align_right=True),
    Column("contiguous_text", "Contiguous?", tip="Yes when the group's territory (the area "
           "nearer its practices than any other, within the localities) is one patch; "
           "otherwise the practices cut off from it"),
    Column("localities", "Localities"),
]


class GroupsPanel(LockEditing, Panel):
    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self._optimising = False         # "Optimise further" is running
        self.recent: list[str] = []      # last practices the user selected (for locks)
        self.problems: list[str] = []   # the last run's shortfalls, shown while its
        self._problems_of: dict = {}      # grouping is the one shown (not after Undo)
        self._build()
        self.ws.stateChanged.connect(self._on_state)
        self.ws.replaced.connect(self._on_replaced)
        self.ws.edited.connect(lambda layer, *_: layer == "practices" and self.refresh())
        self.map.featureContextMenu.connect(self._on_context)
        self.refresh()

    # -------------------------------------------------------------- layout
    def _build(self) -> None:
        lo, hi = self.ws.plan.grouping_bounds()
        self.min_size = self._spin(0, 1_000_000, lo, "Smallest group, registered patients "
                                   "(default: the locality target, Operational Plan ch. 3)")
        self.max_size = self._spin(0, 2_000_000, hi, "Largest group, registered patients "
                                   "(default: the locality target, Operational Plan ch. 3)")
        self.n_groups = QSpinBox(self)
        self.n_groups.setRange(0, 500)
        self.n_groups.setSpecialValueText("Choose for me")
        self.n_groups.setToolTip("Number of groups; 'Choose for me' finds the fewest groups "
                                 "that all fit the bounds, with the most compact result")
        self.within = QCheckBox("Keep groups within localities", self)
        self.within.setToolTip("Never put practices from different localities in one group")
        self.contiguous = QCheckBox("Keep groups contiguous", self)
        self.contiguous.setToolTip("Each group's territory stays one patch of map")
        self.contiguous.toggled.connect(lambda _on: self._settings_edited())
        self.seed = self._spin(0, 99_999, 0, "Same data + same seed → same groups (the "
                               "plan's default is 0)")
        for box in (self.min_size, self.max_size, self.n_groups, self.seed):
            box.setKeyboardTracking(False)      # one change per Enter/arrow, not per digit
            box.valueChanged.connect(lambda _v: self._settings_edited())
        self.within.toggled.connect(lambda _on: self._settings_edited())
        self.run_button = QPushButton("Run grouping", self)
        self.run_button.setToolTip("Group the practices (runs in the background)")
        self.run_button.clicked.connect(self.run)
        self.optimise_button = QPushButton("Optimise further", self)
        self.optimise_button.setToolTip(
            f"Search longer with the same settings ({grouping.FURTHER_STARTS} further "
            "starts, the best of all their groups combined); the groups change only if a "
            "shorter grouping is found (runs in the background; undoable)")
        self.optimise_button.clicked.connect(self.optimise)
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setToolTip("Remove the grouping (undoable)")
        self.clear_button.clicked.connect(
            lambda: self.ws.set_state("groups", {}, "Clear the grouping"))
        self.export_button = QPushButton("Export groups…", self)
        self.export_button.setToolTip("Write the group list with its measures to a CSV or "
                                      "Excel file")
        self.export_button.clicked.connect(lambda: self.export_groups())
        self.comparison = Comparison(self)
        self.comparison.combo.activated.connect(lambda _i: self._compare_with_chosen())
        self.taskbar = TaskBar(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = GroupModel(GROUP_TABLE, self)
        self.model.flag_tip = "Outside the size bounds"
        self.table = self.table_view(self.model)
        self.table.setMinimumHeight(170)
        # manual edits
        self.target = QComboBox(self)
        self.target.setToolTip("Group to move the selected practice to")
        self.move_button = QPushButton("Move selected practice", self)
        self.move_button.setToolTip("Move the practice selected on the map or in the "
                                    "Practices table (its branches go with it); or right-"
                                    "click a practice on the map")
        self.move_button.clicked.connect(self._move_selected)
        self.lock_button = QPushButton("Lock in its group", self)
        self.lock_button.setToolTip("Keep the selected practice in its current group when "
                                    "the grouping is run again")
        self.lock_button.clicked.connect(self._lock_selected)
        self.together_button = QPushButton("Lock last two together", self)
        self.together_button.setToolTip("Keep the last two practices you selected in the "
                                        "same group (e.g. they share a nurse team)")
        self.together_button.clicked.connect(self._lock_together)
        self.apart_button = QPushButton("Keep last two apart", self)
        self.apart_button.clicked.connect(self._lock_apart)
        self.locks_list = QListWidget(self)
        self.locks_list.setToolTip("Locks honoured by the next run; select one and press "
                                   "Remove to drop it")
        self.locks_list.setMaximumHeight(54)
        self.unlock_button = QPushButton("Remove lock", self)
        self.unlock_button.clicked.connect(self._remove_lock)

        params = QGroupBox("Grouping", self)
        form = QFormLayout(params)
        form.addRow("Minimum patients", self.min_size)
        form.addRow("Maximum patients", self.max_size)
        form.addRow("Number of groups", self.n_groups)
        form.addRow(self.within)
        form.addRow(self.contiguous)
        form.addRow("Seed", self.seed)
        row = QHBoxLayout()            # two rows of two: the panel fits a 1366 px screen
        row.addWidget(self.run_button)
        row.addWidget(self.optimise_button)
        form.addRow(row)
        row = QHBoxLayout()
        row.addWidget(self.clear_button)
        row.addWidget(self.export_button)
        form.addRow(row)
        form.addRow(self.taskbar)
        edits = QGroupBox("Edit by hand", self)
        el = QVBoxLayout(edits)
        r1 = QHBoxLayout()
        r1.addWidget(self.target, 1)
        r1.addWidget(self.move_button)
        el.addLayout(r1)
        r2 = QHBoxLayout()           # two short rows: the panel fits a 1366 px screen
        r2.addWidget(self.lock_button)
        r2.addStretch(1)
        el.addLayout(r2)
        r2 = QHBoxLayout()
        r2.addWidget(self.together_button)
        r2.addWidget(self.apart_button)
        el.addLayout(r2)
        r3 = QHBoxLayout()
        r3.addWidget(self.locks_list, 1)
        r3.addWidget(self.unlock_button)
        el.addLayout(r3)
        layout = QVBoxLayout(self)
        layout.addWidget(params)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.comparison)
        layout.addWidget(edits)
        for w in (self.min_size, self.max_size):
            w.valueChanged.connect(lambda _: self.refresh())

    def _spin(self, lo, hi, value, tip) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(lo, hi)
        box.setSingleStep(1000 if hi > 100_000 else 1)
        box.setGroupSeparatorShown(True)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    # -------------------------------------------------------------- running
    def settings(self) -> dict:
        """The plan's grouping settings (bounds resolved from the assumptions if unset)."""
        return self.ws.plan.grouping_settings()

    def _settings_edited(self) -> None:
        """A settings control changed: one undoable change of the plan's settings."""
        new = {"min_size": self.min_size.value(), "max_size": self.max_size.value(),
               "n_groups": self.n_groups.value() or None,
               "within_localities": self.within.isChecked(), "seed": self.seed.value(),
               "contiguous": self.contiguous.isChecked()}
        old = {"contiguous": False, **self.settings()}   # unset = off
        changed = [k for k in new if new[k] != old.get(k)]
        if changed:
            self.ws.set_state("grouping", {**self.ws.plan.grouping, **new},
                              "Grouping: set " + ", ".join(k.replace("_", " ")
                                                           for k in changed))

    def _compare_with_chosen(self) -> None:
        """The grouping compared with is part of the plan (saved in the scenario, undoable)."""
        key = self.comparison.key
        if key != self.ws.plan.grouping.get("compare_with"):
            label = self.comparison.combo.currentText()
            self.ws.set_state("grouping", {**self.ws.plan.grouping, "compare_with": key},
                              f"Compare with {label}" if key else "Stop comparing groupings")
        if key:                 # asked for: its outlines shown (the layer starts unticked)
            self.window.layers_panel.set_checked("existing_groups", True)
        self.refresh()

    def _sync_settings(self) -> None:
        """Show the plan's settings (after undo, redo or opening a scenario too)."""
        s = self.settings()
        for box, value in ((self.min_size, s["min_size"]), (self.max_size, s["max_size"]),
                           (self.n_groups, s["n_groups"] or 0), (self.seed, s["seed"] or 0),
                           (self.within, bool(s["within_localities"])),
                           (self.contiguous, bool(s.get("contiguous")))):
            box.blockSignals(True)
            if isinstance(box, QCheckBox):
                box.setChecked(value)
            else:
                box.setValue(int(value))
            box.blockSignals(False)

    def run(self) -> None:
        self.optimise_button.setEnabled(False)
        task = self.start_task(self._work(), self._on_result, title="Grouping",
                               button=self.run_button, taskbar=self.taskbar)
        for sig in (task.done, task.failed, task.cancelled):
            sig.connect(lambda *_: self.optimise_button.setEnabled(
                bool(self.ws.groups) and not self._optimising))

    def _work(self, starts: int | None = None):
        """The grouping with the plan's settings and locks, as background work."""
        practices = self.ws.dataset.practices.copy()
        s, locks = self.settings(), self.ws.plan.grouping_locks()
        area = boundary_of(self.ws.dataset) if s.get("contiguous") else None

        def work(progress, cancel):
            return grouping.group_practices(
                practices, s["min_size"], s["max_size"], s["n_groups"],
                within_localities=s["within_localities"], locks=locks, seed=s["seed"],
                strict=False, contiguous=bool(s.get("contiguous")), boundary=area,
                progress=progress, cancel=cancel, starts=starts)
        return work

    def optimise(self) -> None:
        """Optimise further: the same settings searched longer; applied (one undoable
        step) only when it has no more groups outside the bounds and a shorter mean
        distance than the grouping shown."""
        self._optimising = True
        task = self.start_task(self._work(grouping.FURTHER_STARTS), self._on_optimised,
                               title="Optimise further", button=self.optimise_button,
                               taskbar=self.taskbar)
        for sig in (task.done, task.failed, task.cancelled):
            sig.connect(lambda *_: setattr(self, "_optimising", False))

    def _on_optimised(self, result) -> None:
        ds, lo, hi = self.ws.dataset, self.min_size.value(), self.max_size.value()
        now = overall_metrics(ds.practices, self.ws.groups, lo, hi)
        new = result.summary
        outside_now = now["groups"] - now["groups_within_bounds"]
        outside_new = new["groups"] - new["groups_within_bounds"]
        shorter = new["mean_distance_km"] < now["mean_distance_km"] - 5e-4
        if not self.ws.groups or outside_new > outside_now or (
                outside_new == outside_now and not shorter):
            self.status.emit(f"Optimise further: no shorter grouping found (mean distance "
                             f"{now['mean_distance_km']:.2f} km); the groups are unchanged")
            return
        self.problems = list(result.problems)
        self._problems_of = dict(result.mapping)
        self.ws.set_state("groups", result.mapping,
                          f"Optimise the grouping further ({now['mean_distance_km']:.2f} → "
                          f"{new['mean_distance_km']:.2f} km)")
        self.status.emit(f"Optimise further: mean distance {now['mean_distance_km']:.2f} → "
                         f"{new['mean_distance_km']:.2f} km ({result.n_groups} groups)")

    def _on_result(self, result) -> None:
        self.problems = list(result.problems)
        self._problems_of = dict(result.mapping)    # the grouping they describe
        n = result.n_groups
        self.ws.set_state("groups", result.mapping,
                          f"Group practices into {n} groups "
                          f"({self.min_size.value():,}–{self.max_size.value():,})")
        if not result.feasible:
            self.window.show_applied_with_warning(
                "Some groups are outside the bounds", "; ".join(result.problems),
                f"the best grouping found ({n} groups) is shown on the map and in the table")

    def export_groups(self, path: str | None = None) -> str | None:
        """Export groups…: the group list with its measures (CSV, or XLSX with a sheet of
        practices too), to ``path`` or where the user chooses."""
        if not self.ws.groups:
            self.status.emit("No grouping to export yet: run the grouping first")
            return None
        path = path or self.ask_export_path()
        if not path:
            return None
        try:
            write_group_list(path, self.ws.dataset, self.ws.groups, self.model.frame)
        except OSError as exc:
            self.window.show_error("Export groups", f"{path}: cannot be written "
                                   f"({exc.strerror})")
            return None
        self.status.emit(f"Wrote {len(self.model.frame)} groups to {path}")
        return path

    def ask_export_path(self) -> str | None:
        """The save dialog, starting in the open data's folder (tests replace this)."""
        start = Path(self.ws.dataset.folder or ".") / "groups-export.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export groups", str(start),
                                              "CSV (*.csv);;Excel workbook (*.xlsx)")
        return path or None

    # -------------------------------------------------------------- showing
    def refresh(self) -> None:
        ds, mapping = self.ws.dataset, self.ws.groups
        lo, hi = self.min_size.value(), self.max_size.value()
        self.comparison.fill(ds, self.ws.plan.grouping.get("compare_with"))
        names = sorted(set(mapping.values()), key=grouping.group_sort_key)
        self.target.clear()
        self.target.addItems(names + ["(new group)"])
        self.export_button.setEnabled(bool(mapping))
        self.optimise_button.setEnabled(bool(mapping) and self.run_button.isEnabled()
                                        and not self._optimising)
        if not mapping:
            self.model.set_frame(pd.DataFrame(columns=[c.key for c in GROUP_TABLE]))
            self.summary.setText("No grouping yet: set the bounds and press <b>Run grouping"
                                 "</b>, or compare with an existing grouping below.")
            self.map.remove_overlay("groups")
            self._restyle({})
            self.window.refresh_group_column({})
            self.comparison.show_for(self.map, ds, {}, lo, hi)
            return
        table = group_metrics(ds.practices, mapping, lo, hi, boundary=boundary_of(ds))
        overall = overall_metrics(ds.practices, mapping, lo, hi, table)
        table["outside_text"] = [
            ("within" if ok else (f"below by {-gap:,.0f}" if gap < 0 else f"above by {gap:,.0f}"))
            + (f", {note}" if note else "")
            for ok, gap, note in zip(table["within_bounds"], table["outside_by"], table["note"])]
        table["contiguous_text"] = ["yes" if c else f"no ({', '.join(i)} cut off)" if len(i)
                                    else "no" for c, i in zip(table["contiguous"],
                                                              table["intruders"])]
        flagged = set(table.index[~table["within_bounds"].astype(bool)].tolist())
        self._one_area_layer()
        self.model.colours = draw_groups(self.map, ds, mapping, table)
        self.model.set_frame(table, flagged)
        self.table.resizeColumnsToContents()
        self.summary.setText(
            f"<b>{overall['groups_within_bounds']} of {overall['groups']} groups</b> within "
            f"{lo:,}–{hi:,} patients; size spread (CV) {overall['size_cv']:.2f}; "
            f"patient-weighted mean distance to group centre "
            f"{overall['mean_distance_km']:.2f} km; {overall['contiguous_groups']} contiguous"
            + (f"; {overall['unassigned_practices']} practices unassigned"
               if overall["unassigned_practices"] else "")
            + (f"<br><span style='color:#b71c1c'>{'; '.join(self.problems)}</span>"
               if self.problems and mapping == self._problems_of else "")
            + f"<br><span style='color:#666'>Bounds: {SOURCE}.</span>")
        per_site = site_groups(ds.practices, mapping).to_dict()
        self._restyle(per_site)
        self.window.refresh_group_column(per_site)
        self.comparison.show_for(self.map, ds, mapping, lo, hi)

    def _one_area_layer(self) -> None:
        """The first time territories are drawn, the hub catchments are set aside, so the
        map does not blend catchments, territories and locality fills at once; ticking
        "Hub catchments" brings them back (and they stay)."""
        layers = self.window.layers_panel
        if getattr(self, "_areas_sorted", False):
            return
        self._areas_sorted = True
        if layers.is_checked("catchments"):
            layers.set_checked("catchments", False)
            self.status.emit("Hub catchments are hidden while the groups are drawn; tick "
                             "them in Layers to see both")

    def _restyle(self, per_site: dict) -> None:
        self.map.restyle("practices", webmap.group_practice_styles(self.ws.dataset, per_site))

    # -------------------------------------------------------------- edits and locks
    def note_selection(self, code: str) -> None:
        """The main window tells us which practice the user selected last."""
        parent = self.ws.dataset.practices.set_index("practice_code")["parent_code"].get(code)
        code = parent or code
        if code in self.recent:
            self.recent.remove(code)
        self.recent.append(code)
        self.recent = self.recent[-2:]

    def move(self, code: str, group: str) -> bool:
        """Move a practice (its branches follow); asks first when "within localities" is
        set and the target group lies in another locality."""
        mapping = self.ws.state("groups")
        if group == "(new group)":
            n = 1
            while f"New {n}" in set(mapping.values()):
                n += 1
            group = f"New {n}"
        leaving = (other_localities(self.ws.dataset, code, group, mapping)
                   if self.settings().get("within_localities") else "")
        who = self._named(code)
        if leaving and not self.confirm(
                "Move out of its locality?",
                f"Groups are kept within localities, but {group} is in {leaving}. Move "
                f"{who} there anyway?"):
            self.status.emit(f"{who} was not moved")
            return False
        new = grouping.move_practice(self.ws.dataset.practices, mapping, code, group)
        self.ws.set_state("groups", new, f"Move {who} to {group}")
        return True

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _move_selected(self) -> None:
        if not self.recent:
            self.status.emit("Select a practice on the map or in the Practices table first")
            return
        self.move(self.recent[-1], self.target.currentText())

    def _on_context(self, layer: str, code: str) -> None:
        if layer != "practices" or not self.ws.groups:
            return
        self.note_selection(code)
        menu = QMenu(self)
        sub = menu.addMenu("Move to group")
        here = self.ws.groups.get(self.recent[-1])
        for name in sorted(set(self.ws.groups.values()), key=grouping.group_sort_key) + [
                "(new group)"]:
            action = sub.addAction(self._move_label(name, here),
                                   lambda g=name: self.move(self.recent[-1], g))
            action.setEnabled(name != here)
        menu.addAction("Lock in its group", self._lock_selected)
        self.practice_menu = menu
        menu.popup(QCursor.pos())

    def _move_label(self, name: str, here: str | None) -> str:
        """A Move to group entry with the group's size (patients, practices), so the lead
        sees where a move lands; the practice's own group says so."""
        frame = self.model.frame
        row = frame[frame["group"] == name] if "group" in frame else frame.iloc[0:0]
        if row.empty:
            return name
        patients, practices = row["list_size"].iloc[0], row["practices"].iloc[0]
        size = ("unknown patients" if pd.isna(patients) else f"{patients:,.0f} patients")
        text = f"{name} · {size} · {practices:.0f} practice{'s' if practices != 1 else ''}"
        return text + " (its group now)" if name == here else text

    def _on_state(self, key: str) -> None:
        if key == "groups":
            self.refresh()
        elif key == "locks":
            self._show_locks()
        elif key in ("grouping", "assumptions"):
            self._sync_settings()
            if self.comparison.key != self.ws.plan.grouping.get("compare_with"):
                self.refresh()          # the comparison chosen (or undone, or opened)

    def _on_replaced(self) -> None:
        self.recent, self.problems = [], []
        self._sync_settings()
        self._show_locks()
        self.refresh()
