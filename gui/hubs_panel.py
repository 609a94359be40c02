"""Hubs tool: place, drag and delete hubs on the map; catchments, access, suggested sites.

The panel shows one model, the hub layer (through the workspace, so every change is one
undoable step), and the measures models/hubs/ computes from it. Dragging a hub streams
positions from the page; the table and catchments follow live, and the move is recorded
when the mouse is released.
"""
from __future__ import annotations

import dataclasses
import html

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QPushButton, QSpinBox, QVBoxLayout,
)

from rendering import webmap
from rendering.map_layers.registry import layer
from gui import hubs_travel
from gui.frame_model import Column, FrameModel, one_dp, whole
from gui.hub_changes import ChangeModel
from gui.hub_editing import HubEditing
from gui.panel import Panel
from gui.worker import TaskBar
from models import hubs as hubmodel
from models.hubs import straight_line
from models.hubs.p_median import BOUND_PENDING, NO_BOUND

HUB_TABLE = [   # the figures a planner reads first (in view on a laptop), codes last
    Column("name", "Name", tip="The hub's name (click the hub for its full details)"),
    Column("served_patients", "Patients now", whole,
           "Registered patients of the practices in the catchment (practices.csv list sizes)",
           align_right=True),
    Column("served_patients_with_growth", "With growth", whole,
           "Plus new patients from included housing sites: dwellings × persons per dwelling "
           "× registration share (the planning assumptions, Demand panel)",
           align_right=True),
    Column("over_capacity_text", "Over capacity?", tip="Patients now / with growth above "
           "the hub's capacity"),
    Column("capacity_patients", "Capacity", whole, "hubs.csv capacity_patients",
           align_right=True),
    Column("practices_served", "Practices", whole, "Practice sites whose nearest hub this is",
           align_right=True),
    Column("mean_distance_km", "Mean km", one_dp,
           "Patient-weighted mean straight-line distance to this hub (EPSG:27700)",
           align_right=True),
    Column("max_distance_km", "Max km", one_dp, "Farthest site in the catchment",
           align_right=True),
    Column("mean_minutes", "Mean min", one_dp, "Patient-weighted mean travel time to this "
           "hub (drive or walk time by road, or public transport — the median over the "
           "window's departures — as chosen in 'Access by'; blank for straight line)",
           align_right=True),
    Column("status", "Status"),
    Column("hub_id", "Hub"),
]
# Under a suggestion: while its bound is worked out (Accept waits), and once it may be taken.
CHECKING_NOTE = " (Cancel keeps these sites, unchecked.)"
ACCEPT_NOTE = "<br>Press <b>Accept suggestion</b> to add the sites."
NAME_WIDTH = 130      # px: the Hubs table's name column at most (full name: Details)


class HubsPanel(HubEditing, Panel):
    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.plan = None
        self._issued: set[str] = set()     # hub ids used in this scenario, never reused
        self._build()
        self.ws.stateChanged.connect(self._on_state)
        self.ws.replaced.connect(self._on_replaced)
        self.ws.edited.connect(lambda *_: self.refresh())
        self.map.featureDragged.connect(self._on_drag)
        self.map.featureClicked.connect(
            lambda layer, fid: self._draw_bands(fid) if layer == "hubs" else None)
        self.map.featureContextMenu.connect(self._on_context)
        self.map.mapClicked.connect(self._on_map_click)
        self.refresh()

    @property
    def baseline(self) -> pd.DataFrame:
        """The hub layout later layouts are compared with (the plan's)."""
        return self.ws.plan.layout_baseline()

    # -------------------------------------------------------------- layout
    def _build(self) -> None:
        self.edit_box = QCheckBox("Edit hubs on the map", self)
        self.edit_box.setToolTip("When ticked: click the map to add a hub, drag a hub to move "
                                 "it, right-click a hub to delete it or change its status")
        self.edit_box.toggled.connect(self._set_editing)
        self.catchments_box = QCheckBox("Show catchments", self)
        self.catchments_box.setChecked(False)      # off on the opening map (its layer too)
        self.catchments_box.setToolTip("Areas nearer to each hub than to any other "
                                       "(Voronoi cells, straight line), clipped to Medway; "
                                       "the same as the 'Hub catchments' layer")
        # One owner of the catchments' visibility: the layer's tick box (Layers panel).
        layers = self.window.layers_panel
        self.catchments_box.toggled.connect(lambda on: layers.set_checked("catchments", on))
        layers.toggled.connect(self._on_layer_toggled)
        self.circuity = QDoubleSpinBox(self)
        self.circuity.setRange(1.0, 2.5)
        self.circuity.setSingleStep(0.05)
        self.circuity.setValue(self.ws.plan.value("road_circuity"))
        self.circuity.setToolTip("Road distance ≈ straight line × this factor (an "
                                 "approximation; 1.2–1.4 is typical in built-up areas)")
        self.speed = QDoubleSpinBox(self)
        self.speed.setRange(5, 100)
        self.speed.setSuffix(" km/h")
        self.speed.setValue(self.ws.plan.value("drive_speed_kmh"))
        self.speed.setToolTip("Average door-to-door speed, to express rough minutes "
                              "(an uncertain assumption: edit for local knowledge)")
        for w, key in ((self.circuity, "road_circuity"), (self.speed, "drive_speed_kmh")):
            w.setKeyboardTracking(False)
            w.valueChanged.connect(lambda v, key=key: self._set_assumption(key, v))
        self.travel = hubs_travel.TravelChoice(self)
        self.travel.update_roads(self.ws.dataset.folder)
        self.travel.currentIndexChanged.connect(lambda _: self._travel_changed())
        self.travel.window.sync(self.ws.plan.value("transit_window_start_h"))
        self.travel.window.changed.connect(self._travel_changed)
        self.travel.window.start_changed.connect(
            lambda h: self._set_assumption("transit_window_start_h", h))
        self.bands_box = QCheckBox("Time bands around the selected hub", self)
        self.bands_box.setToolTip("10, 15 and 20 minutes by road (15, 30 and 45 by public "
                                  "transport) around the hub clicked on the map")
        self.bands_box.setChecked(True)
        self.bands_box.toggled.connect(lambda _: self._draw_bands())
        self.access = QLabel(self)
        self.access.setWordWrap(True)
        self.access.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = FrameModel(HUB_TABLE, self)
        self.model.flag_tip = "Served patients above the hub's capacity"
        self.table = self.table_view(self.model)
        self.table.setMinimumHeight(150)
        self.table.selectionModel().selectionChanged.connect(self._on_row)
        self.delete_button = QPushButton("Delete hub", self)
        self.delete_button.setToolTip("Remove the selected hub (Delete key); undo with Ctrl+Z")
        self.delete_button.clicked.connect(self.delete_selected)
        # Optimiser
        self.k = QSpinBox(self)
        self.k.setRange(1, 10)
        self.k.setValue(2)
        self.k.setToolTip("How many new hub sites to suggest")
        self.candidates = QComboBox(self)
        self.candidates.addItem("Practice sites", "practices")
        self.candidates.addItem("Grid every 1 km over the localities", "grid")
        self.candidates.addItem("Practice sites + 1 km grid", "both")
        self.keep_planned = QCheckBox("Keep planned hubs too", self)
        self.keep_planned.setChecked(True)
        self.suggest_button = QPushButton("Suggest sites", self)
        self.suggest_button.setToolTip("Choose new sites that minimise the patient-weighted "
                                       "distance to the nearest hub (p-median), keeping the "
                                       "existing hubs")
        self.suggest_button.clicked.connect(self.suggest)
        self.accept_button = QPushButton("Accept suggestion", self)
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self.accept_plan)
        self.plan_label = QLabel(self)
        self.plan_label.setWordWrap(True)
        self.taskbar = TaskBar(self)
        # Comparison
        self.baseline_button = QPushButton("Set current layout as baseline", self)
        self.baseline_button.setToolTip("Compare later layouts against this one")
        self.baseline_button.clicked.connect(self.set_baseline)
        self.compare_model = ChangeModel(self)
        self.compare_table = self.table_view(self.compare_model)

        top = QHBoxLayout()
        top.addWidget(self.edit_box)
        top.addWidget(self.catchments_box)
        top.addWidget(self.delete_button)
        form = QFormLayout()
        form.addRow("Access by", self.travel)
        form.addRow("Public transport on", self.travel.window)
        form.addRow(self.bands_box)
        form.addRow("Road circuity factor", self.circuity)
        form.addRow("Average speed", self.speed)
        opt = QGroupBox("Suggest new hub sites", self)
        ol = QFormLayout(opt)
        ol.addRow("New sites", self.k)
        ol.addRow("Candidates", self.candidates)
        ol.addRow(self.keep_planned)
        row = QHBoxLayout()
        row.addWidget(self.suggest_button)
        row.addWidget(self.accept_button)
        ol.addRow(row)
        ol.addRow(self.taskbar)
        ol.addRow(self.plan_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.access)
        layout.addWidget(self.table, 3)
        layout.addWidget(opt)
        layout.addWidget(self.baseline_button)
        layout.addWidget(QLabel("Baseline → current (every measure):", self))
        layout.addWidget(self.compare_table, 2)

    # -------------------------------------------------------------- measures
    def demand(self):
        return self.ws.plan.demand_points()

    def layout_of(self, hubs: pd.DataFrame, demand: pd.DataFrame):
        graph = self.road_graph()
        if graph is not None:
            return hubs_travel.layout_by_time(demand, hubs, graph)
        return self.ws.plan.evaluate_hubs(hubs, demand)

    # -------------------------------------------------------------- travel time (roads)
    def road_graph(self):
        """The drive/walk graph chosen in 'Access by' (None: straight line)."""
        return self.travel.graph(self.ws.plan.assumptions)

    def roads_changed(self) -> None:
        """A road extract was imported (or the data changed): offer the road modes."""
        self.travel.update_roads(self.ws.dataset.folder)
        hubs_travel.enable_straight_line_boxes((self.circuity, self.speed), self.travel)
        self.refresh()

    def _travel_changed(self) -> None:
        hubs_travel.enable_straight_line_boxes((self.circuity, self.speed), self.travel)
        self.refresh()
        self._draw_bands()

    def _draw_bands(self, hub_id: str | None = None) -> None:
        graph = self.road_graph()
        hub_id = hub_id or self.selected_hub()
        hubs = getattr(self, "_hubs_shown", self.ws.dataset.hubs)
        row = hubs[hubs["hub_id"] == hub_id] if hub_id else hubs.iloc[0:0]
        if graph is None or not self.bands_box.isChecked() or row.empty:
            self.map.remove_overlay("time_bands")
            return
        hub = next(row.itertuples())
        bands = layer("time_bands")
        timetable = graph.label() if graph.mode == "transit" else None
        self.map.set_overlay("time_bands", bands.features(
            hubs_travel.band_areas(graph, hub), hub.hub_id, hub.name, graph.mode, timetable),
            legend=bands.legend_section(graph.mode))

    def _set_assumption(self, key: str, value: float) -> None:
        """The road factor and speed are planning assumptions: one undoable change."""
        plan = self.ws.plan
        if abs(plan.value(key) - value) < 1e-9:
            return
        try:
            new = plan.assumptions.with_value(key, value)
        except ValueError as exc:
            self.window.show_error("Assumption refused", str(exc))
            self._sync_assumptions()
            return
        self.ws.set_state("assumptions", new,
                          f"Set {plan.assumptions[key].label} to {value:g}")

    def _sync_assumptions(self) -> None:
        self.travel.window.sync(self.ws.plan.value("transit_window_start_h"))
        grid = f"{self.ws.plan.value('candidate_grid_km'):g} km"     # the plan's spacing
        self.candidates.setItemText(1, f"Grid every {grid} over the localities")
        self.candidates.setItemText(2, f"Practice sites + {grid} grid")
        for box, key in ((self.circuity, "road_circuity"), (self.speed, "drive_speed_kmh")):
            box.blockSignals(True)
            box.setValue(self.ws.plan.value(key))
            box.blockSignals(False)

    def refresh(self, hubs: pd.DataFrame | None = None) -> None:
        """Recompute every measure for ``hubs`` (default: the workspace's hub layer)."""
        hubs = self.ws.dataset.hubs if hubs is None else hubs
        if hubs.empty:
            self.model.set_frame(pd.DataFrame(columns=[c.key for c in HUB_TABLE]))
            self.access.setText("No hubs: add one on the map (tick 'Edit hubs on the map').")
            self.map.remove_overlay("catchments")
            return
        demand = self.demand()       # once per refresh: it runs on every drag step
        layout = self.layout_of(hubs, demand)
        per_hub = layout.per_hub.copy()
        over = per_hub["over_capacity"].fillna(False).astype(bool)
        over_g = per_hub["over_capacity_with_growth"].fillna(False).astype(bool)
        per_hub["over_capacity_text"] = [
            "now" if a else ("with growth" if b else "") for a, b in zip(over, over_g)]
        flagged = set(per_hub.index[over | over_g].tolist())
        if "mean_minutes" not in per_hub:
            per_hub["mean_minutes"] = float("nan")      # straight line: no minutes
        self.model.set_frame(per_hub, flagged)
        self.table.resizeColumnsToContents()
        # A long hub name must not push the served patients out of view (full name: Details).
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), NAME_WIDTH))
        self._hubs_shown = hubs
        by_road = self.road_graph() is not None
        if by_road:
            self.leaving = straight_line.leaving_lines(layout.assigned.iloc[0:0], hubs,
                                                       self.ws.dataset.localities)
            self.access.setText(hubs_travel.access_text(layout, self.travel.mode,
                                                        self.road_graph()))
        else:
            self.leaving = straight_line.leaving_lines(layout.assigned, hubs,
                                                       self.ws.dataset.localities)
            self.access.setText(self._straight_access_text(layout))
        if demand.attrs.get("growth_note"):     # why growth counts fewer homes than listed
            self.access.setText(self.access.text() + "<br>Housing growth: "
                                + html.escape(demand.attrs["growth_note"]))
        self._draw_catchments()
        self._compare(hubs, demand)

    def _straight_access_text(self, layout) -> str:
        a = layout.access["now"]
        g = layout.access["with_growth"]
        return (
            f"<b>Access now</b> (straight line): patient-weighted mean "
            f"<b>{a['mean_distance_km']:.2f} km</b>; within 1 km {a['share_within_1km']:.0%}, "
            f"2 km {a['share_within_2km']:.0%}, 5 km {a['share_within_5km']:.0%}. "
            f"With housing growth: mean {g['mean_distance_km']:.2f} km. Road ≈ "
            f"{a['mean_road_km_approx']:.1f} km, ≈ {a['mean_drive_min_approx']:.0f} min "
            f"(approximation: ×{self.ws.plan.value('road_circuity'):.2f} circuity at "
            f"{self.ws.plan.value('drive_speed_kmh'):.0f} km/h)."
            + (f"<br><span style='color:#b71c1c'>⚠ {straight_line.summary_text(self.leaving)}"
               "</span>" if len(self.leaving) else ""))

    def _on_layer_toggled(self, name: str, on: bool) -> None:
        if name == "catchments" and self.catchments_box.isChecked() != on:
            self.catchments_box.blockSignals(True)
            self.catchments_box.setChecked(on)
            self.catchments_box.blockSignals(False)

    def _draw_catchments(self) -> None:
        """Catchment cells, each labelled with its hub; shown while the layer is ticked."""
        hubs = getattr(self, "_hubs_shown", self.ws.dataset.hubs)
        if hubs.empty:
            self.map.remove_overlay("catchments")
            return
        graph = self.road_graph()
        if graph is not None and getattr(self, "_dragging", False):
            return
        cells = (hubs_travel.catchment_cells(graph, hubs, self.ws.dataset.localities)
                 if graph is not None else
                 hubmodel.catchment_polygons(hubs, self.ws.dataset.localities))
        leaving = getattr(self, "leaving", None)
        notes = straight_line.per_hub_note(leaving) if leaving is not None else {}
        self.map.set_overlay("catchments", layer("catchments").features(cells, notes))
        if graph is None and leaving is not None and len(leaving):
            self.map.set_overlay("straight_lines", layer("straight_lines").features(leaving))
        else:
            self.map.remove_overlay("straight_lines")

    def _compare(self, hubs: pd.DataFrame, demand: pd.DataFrame) -> None:
        if self.baseline is None or self.baseline.empty:
            self.compare_model.show(pd.DataFrame(columns=["scope", "name", "measure",
                                                          "before", "after", "change"]))
            return
        self.compare_model.show(hubmodel.compare_layouts(demand, self.baseline, hubs,
                                                         **self.ws.plan.hub_settings()))

    def set_baseline(self) -> None:
        self.ws.set_state("baseline", self.ws.dataset.hubs.copy(),
                          "Set the current hub layout as the baseline")
        self.status.emit("Baseline set: later hub layouts are compared with this one")

    def _on_row(self, *_):
        hub_id = self.selected_hub()
        if hub_id:
            self.map.select("hubs", hub_id)
            self._draw_bands(hub_id)

    def _on_state(self, key: str) -> None:
        if key == "assumptions":
            self._sync_assumptions()
        elif key == "hubs":
            self.map.replace_layer("hubs", webmap.layer_json(self.ws.dataset, "hubs"))
        if key in ("hubs", "housing", "assumptions", "baseline"):
            self.refresh()

    def _on_replaced(self) -> None:
        self.edit_box.setChecked(False)     # other data: a click must not add a hub to it
        self._sync_assumptions()
        self.travel.update_roads(self.ws.dataset.folder)
        hubs_travel.enable_straight_line_boxes((self.circuity, self.speed), self.travel)
        self.map.remove_overlay("time_bands")
        self.plan = None
        self._issued = set()
        self.plan_label.clear()
        self.accept_button.setEnabled(False)
        self.map.remove_overlay("suggested")
        self.refresh()

    # -------------------------------------------------------------- optimiser
    def suggest(self) -> None:
        # Hubs the user placed (proposed) stay where they are: suggestions complement them.
        keep = ("existing", "planned", "proposed") if self.keep_planned.isChecked() else \
            ("existing", "proposed")
        problem = self.ws.plan.siting_problem(          # read here, solved off the GUI thread
            self.k.value(), candidates=self.candidates.currentData(), keep=keep,
            used_ids=tuple(self.used_ids()), travel=self.road_graph())

        def work(progress, cancel, found):
            return problem.solve(progress=progress, cancel=cancel, on_answer=found)
        self.plan = None                    # the last suggestion goes as a new one starts
        self.accept_button.setEnabled(False)
        self.plan_label.clear()
        self.map.remove_overlay("suggested")
        task = self.start_task(work, self._on_plan, title="Suggest sites",
                               button=self.suggest_button, taskbar=self.taskbar,
                               on_found=self._on_first_answer)
        task.cancelled.connect(self._on_check_cancelled)

    def _on_first_answer(self, plan) -> None:
        """The sites are shown as soon as they are found; how close they are to the best
        possible (the bound) is worked out after, and Accept waits for it."""
        self._show_plan(plan, CHECKING_NOTE, can_accept=False)

    def _on_check_cancelled(self) -> None:
        """Cancel while the answer was being checked keeps the answer, unchecked."""
        if self.plan is not None and self.plan.bound_method == BOUND_PENDING:
            result = dataclasses.replace(self.plan.result, bound_method=NO_BOUND)
            self._show_plan(dataclasses.replace(self.plan, result=result),
                            "<br>The check was cancelled. " + ACCEPT_NOTE)

    def _on_plan(self, plan) -> None:
        self._show_plan(plan, ACCEPT_NOTE)

    def _show_plan(self, plan, note: str, can_accept: bool = True) -> None:
        self.plan = plan
        self.map.set_overlay("suggested", layer("suggested").features(plan.added))
        # The table, catchments and "Access now" stay on the hubs in the plan: the
        # suggestion's own figures are shown beside it, as what accepting would give.
        after = self.layout_of(self._with_localities(self._accepted(plan)), self.demand())
        a = after.access["now"]
        unit = ("min", "mean_minutes") if "mean_minutes" in a else ("km", "mean_distance_km")
        self.plan_label.setText(
            f"<b>Suggestion (not applied yet)</b> — if accepted, access would be: mean "
            f"{a[unit[1]]:.2f} {unit[0]}.<br>" + plan.summary().replace("\n", "<br>")
            + note)
        self.accept_button.setEnabled(can_accept)

    def _accepted(self, plan) -> pd.DataFrame:
        """Every hub on the map now (existing, planned and the user's own) plus the
        suggested sites, each new one under an id never used in this scenario."""
        hubs = self.ws.state("hubs")
        new = plan.hubs[~plan.hubs["hub_id"].isin(hubs["hub_id"])].copy()
        clash = new["hub_id"].isin(self.used_ids()) & new["hub_id"].str.startswith("NEW-")
        if clash.any():
            new.loc[clash, "hub_id"] = hubmodel.next_hub_ids(self.used_ids(), int(clash.sum()))
        return pd.concat([hubs, new[hubs.columns.intersection(new.columns)]],
                         ignore_index=True)

    def accept_plan(self) -> None:
        if self.plan is None:
            return
        hubs = self._accepted(self.plan)
        n = len(hubs) - len(self.ws.dataset.hubs)
        self._issued |= set(hubs["hub_id"])
        self.ws.set_state("hubs", self._with_localities(hubs),
                          f"Accept {n} suggested hub site{'s' if n != 1 else ''}")
        self.plan = None
        self.accept_button.setEnabled(False)
        self.plan_label.setText(f"Accepted: {n} suggested site{'s' if n != 1 else ''} added "
                                "(Ctrl+Z takes them back).")
        self.map.remove_overlay("suggested")

