"""Demand panel: GP demand from new dwellings, recomputed on every change.

Shows one model, the planning assumptions (editable, each with its unit and source; every
edit undoable), and what models/demand.py makes of them with the housing sites: a year ×
area table, stacked bars of new patients, the cumulative GP WTE needed with its low–high
band, and a choropleth of the need on the map. Every column says how it is worked out.
"""
from __future__ import annotations

import html
import time

import pandas as pd
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton,
    QSpinBox, QSplitter, QTabWidget, QVBoxLayout,
)

from geo.errors import DataError
from gui.frame_model import Column, FrameModel, one_dp, whole
from gui.panel import Panel, scrolling
from models import demand as dm
from models.housing_sites import permission_note
from models.assumptions import TREND_COMPOUND_RATE
from models.assumptions import Assumptions
from models.display import known, money, money_range, number
from models.housing import phasing_note
from rendering.charts import draw_gp_wte_band, draw_new_patients
from rendering.map_layers.registry import layer

RESULT_COLUMNS = [
    Column("year", "Year", lambda v: f"{int(v)}/{(int(v) + 1) % 100:02d}",
           "Planning year in which the dwellings complete (2017 = 2017/18)"),
    Column("area", "Area"),
    Column("new_dwellings", "New dwellings", whole, "Completions that year (housing sites "
           "file, phased by year; build-out delay applied)", align_right=True),
    Column("new_patients", "New patients", whole, "New dwellings × persons per dwelling × "
           "registration share", align_right=True),
    Column("cumulative_patients", "Cumulative patients", whole,
           "All new patients up to and including this year", align_right=True),
    Column("gp_wte_needed", "GP WTE needed", one_dp,
           "Cumulative patients ÷ registered patients per GP WTE", align_right=True),
    Column("gp_wte_range", "GP WTE low–high", tip="Every uncertain assumption at its "
           "demand-lowering / demand-raising end"),
    Column("consultations", "Consultations", whole, "Cumulative patients × consultations "
           "per patient-year × share with a GP", align_right=True),
    Column("gp_hours", "GP hours", whole, "Consultations × minutes per consultation "
           "(× length trend if on) ÷ 60", align_right=True),
    Column("rooms_needed", "Rooms", one_dp, "Cumulative patients ÷ 1,000 × clinical rooms "
           "per 1,000 patients", align_right=True),
    Column("floorspace_m2", "Floorspace m²", whole, "Cumulative patients ÷ 1,000 × m² per "
           "1,000 patients", align_right=True),
    Column("capital_cost_gbp", "Capital cost", money, "Floorspace × £ per m² (rounded: an "
           "estimate)", align_right=True),
]
ASSUMPTION_COLUMNS = [
    Column("assumption", "Assumption"),
    Column("unit", "Unit"),
    Column("low", "Low", lambda v: f"{v:,.3g}", align_right=True),
    Column("value used", "Value used", lambda v: f"{v:,.4g}", "Double-click to edit; "
           "edited values are marked in reports", editable=True, align_right=True),
    Column("high", "High", lambda v: f"{v:,.3g}", align_right=True),
    Column("edited_text", "Edited?"),
    Column("source", "Source"),
]


class DemandPanel(Panel):
    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.result = None
        self.groups_note = ""   # where the by-group areas came from (groups_everywhere)
        self.last_ms = 0.0
        self._build()
        self.ws.edited.connect(lambda *_: self.refresh())
        self.ws.replaced.connect(self.refresh)
        self.ws.stateChanged.connect(self._on_state)
        self.refresh()

    @property
    def assumptions(self) -> Assumptions:
        """The plan's assumptions (the panel keeps no copy)."""
        return self.ws.assumptions

    def refresh(self) -> None:
        """Show the plan: the controls as the plan has them (after undo too), then figures."""
        self._sync_controls()
        self.recompute()

    def _sync_controls(self) -> None:
        plan = self.ws.plan
        excluded = plan.excluded_by_default()
        housing = plan.dataset.housing.set_index("site_id")
        names = [str(housing.at[s, "name"]) for s in excluded if s in housing.index]
        self.lodge.setEnabled(bool(names))
        # The names go to the tooltip: in the box they would widen the panel past a 1366 px
        # screen (the panel then scrolls sideways and cuts its labels).
        self.lodge.setText(f"Include sites excluded by default ({len(names)})" if names else
                           "Include sites excluded by default (none)")
        self.lodge.setToolTip("Switch " + (", ".join(names) if names else "the excluded "
                              "housing sites") + " into the projections; each site can also "
                              "be ticked in the Housing sites table")
        on = bool(names) and all(bool(housing.at[s, "include"]) for s in excluded
                                 if s in housing.index)
        for box, value in ((self.lodge, on), (self.weighted, bool(
                self.assumptions.options.get("need_weighted_lists"))),
                           (self.trend, bool(self.assumptions.options.get(
                               "apply_length_trend")))):
            box.blockSignals(True)
            box.setChecked(value)
            box.blockSignals(False)
        options = self.assumptions.options
        self.trend_method.blockSignals(True)
        self.trend_method.setCurrentIndex(max(self.trend_method.findData(
            options.get("length_trend_method", "compound")), 0))
        self.trend_method.blockSignals(False)
        for w, value in ((self.range_end, None), (self.start_year,
                                                  options.get("phasing_start_year") or 0),
                         (self.build_years, options.get("phasing_build_years") or 0)):
            w.blockSignals(True)
            if value is None:
                w.setCurrentIndex(max(w.findData(options.get("dwellings_range_end",
                                                             "high")), 0))
            else:
                w.setValue(int(value))
            w.blockSignals(False)

    # -------------------------------------------------------------- layout
    def _build(self) -> None:
        self.by = QComboBox(self)
        for key, text in (("locality", "by locality"), ("group", "by extended group"),
                          ("hub", "by hub catchment")):
            self.by.addItem(text, key)
        self.by.setToolTip("Areas: the locality a site lies in; the extended group whose "
                           "practices are nearest (patient-weighted); or the nearest hub")
        self.by.currentIndexChanged.connect(lambda _: self.recompute())
        self.shade = QComboBox(self)
        for key, text in (("gp_wte_needed", "Map: GP WTE needed"),
                          ("imd_score", "Map: deprivation (IMD)"),
                          ("gp_gap", "Map: GPs short of benchmark")):
            self.shade.addItem(text, key)
        self.shade.setToolTip("What shades the localities on the map")
        self.shade.currentIndexChanged.connect(
            lambda _: self.result is not None and self._draw_choropleth(self.result))
        self.weighted = QCheckBox("Need-weighted lists", self)
        self.weighted.setToolTip("Count GP need on the need-weighted (Carr-Hill) lists of the "
                                 "NHS Payments file rather than the registered lists")
        self.weighted.toggled.connect(self._toggle_weighted)
        self.trend = QCheckBox("Longer consultations trend", self)
        self.trend.setToolTip("Apply the consultation-length trend (8.4 → 11.7 min, "
                              "1992/93–2006/07, NHS IC GP Workload Survey, quoted in the "
                              "Medway CCG Operational Plan 2017–19 ch. 3)")
        self.trend.toggled.connect(self._toggle_trend)
        self.trend_method = QComboBox(self)
        self.trend_method.addItem(f"compound ({TREND_COMPOUND_RATE:.1%}/yr)", "compound")
        self.trend_method.addItem("simple (+14% in 5 years, as the plan)", "simple")
        self.trend_method.setToolTip("Compound: the 1993–2007 rise as a yearly rate, "
                                     "compounded. Simple: the same rise spread evenly, the "
                                     "reading that gives the Operational Plan's +14%")
        self.trend_method.currentIndexChanged.connect(self._set_trend_method)
        self.lodge = QCheckBox("Include sites excluded by default", self)
        self.lodge.setToolTip("Switch the excluded housing sites into the projections; "
                              "each site can also be ticked in the Housing sites table")
        self.lodge.toggled.connect(self._toggle_excluded)
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("Export…", self)
        self.export_button.setToolTip("Save the results table and the assumptions sheet "
                                      "(XLSX workbook or CSV)")
        self.export_button.clicked.connect(lambda: self.export())
        self.results = FrameModel(RESULT_COLUMNS, self)
        self.results_view = self.table_view(self.results)
        self.assumption_model = FrameModel(ASSUMPTION_COLUMNS, self)
        self.assumption_model.on_edit = self._edit_assumption
        self.assumption_view = self.table_view(self.assumption_model)
        self.figure = Figure(figsize=(5, 4), tight_layout=True)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(170)
        tabs = QTabWidget(self)
        tabs.addTab(self.canvas, "Charts")
        tabs.addTab(self.results_view, "Year × area")
        tabs.addTab(self.assumption_view, "Assumptions")
        self.tabs = tabs
        # Controls in short rows, combo boxes allowed to shrink: the panel shares the right
        # dock with the others and must leave the map most of the window.
        phasing = self._phasing_row()
        top = QGridLayout()
        for i, w in enumerate((self.by, self.shade, self.export_button, self.weighted,
                               self.trend, self.trend_method)):
            top.addWidget(w, i // 2, i % 2)     # two a row: the panel fits 1366 px
        for w in (self.by, self.shade, self.trend_method, self.range_end):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(12)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(phasing)
        layout.addWidget(self.lodge)
        # The figures and their warnings scroll in their own area, and a splitter lets the
        # planner give the charts more room: a long headline no longer squashes them.
        words = scrolling(self.headline, self)
        words.setMinimumHeight(60)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(words)
        split.addWidget(tabs)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.splitter = split
        self._split_placed = False
        layout.addWidget(split, 1)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        """First shown: about six lines of figures above the charts (then the planner's)."""
        super().showEvent(event)
        if not self._split_placed:
            self._split_placed = True
            total = sum(self.splitter.sizes())
            words = min(110, total // 3)
            self.splitter.setSizes([words, max(0, total - words)])

    def _phasing_row(self) -> QHBoxLayout:
        """Housing phasing assumptions: range end, start year, build years (0 = as data)."""
        self.range_end = QComboBox(self)
        self.range_end.addItem("Dwellings: top of each range", "high")
        self.range_end.addItem("Dwellings: bottom of each range", "low")
        self.range_end.setToolTip("Brownfield registers give a minimum and maximum of net "
                                  "dwellings per site; which end the projection uses")
        self.start_year = QSpinBox(self)
        self.start_year.setRange(0, 2100)
        self.start_year.setSpecialValueText("Start year: as data")
        self.start_year.setPrefix("Start year: ")
        self.start_year.setToolTip("First completion year for sites without per-year "
                                   "completions (as data = each site's own start_year)")
        self.build_years = QSpinBox(self)
        self.build_years.setRange(0, 50)
        self.build_years.setSpecialValueText("Build years: as data")
        self.build_years.setPrefix("Build years: ")
        self.build_years.setToolTip("Years over which such a site is built evenly (as data "
                                    "= the site's own, else 5)")
        for w in (self.range_end, self.start_year, self.build_years):
            signal = w.currentIndexChanged if isinstance(w, QComboBox) else w.editingFinished
            signal.connect(self._edit_phasing)
        rows = QGridLayout()          # two a row, as the controls above: fits 1366 px
        rows.addWidget(self.range_end, 0, 0, 1, 2)
        rows.addWidget(self.start_year, 1, 0)
        rows.addWidget(self.build_years, 1, 1)
        return rows

    def _edit_phasing(self, *_):
        start = self.start_year.value()
        build = self.build_years.value()
        wanted = {"dwellings_range_end": self.range_end.currentData(),
                  "phasing_start_year": start if start >= 1990 else None,
                  "phasing_build_years": build or None}
        if all(self.assumptions.options.get(k) == v for k, v in wanted.items()):
            return
        try:
            new = self.assumptions.with_options(**wanted)
        except (DataError, ValueError) as exc:
            self.window.show_error("Phasing refused", str(exc))
            return
        self.ws.set_state("assumptions", new, "Housing phasing changed")

    # -------------------------------------------------------------- model
    def recompute(self) -> None:
        """Run the projection for the current data, assumptions and area choice."""
        by = self.by.currentData()
        start = time.perf_counter()
        self.groups_note = ""
        try:
            groups = None
            if by == "group":       # the one grouping the CLI and the PDF use too
                groups, self.groups_note = self.ws.plan.groups_everywhere()
            result = self.ws.plan.project_demand(by, groups)
        except (dm.DemandError, DataError, ValueError, RuntimeError) as exc:
            self.result = None
            self.headline.setText(f"<span style='color:#b71c1c'>{exc}</span>")
            self.results.set_frame(pd.DataFrame(columns=[c.key for c in RESULT_COLUMNS]))
            self.map.remove_overlay("demand")
            return
        self.last_ms = (time.perf_counter() - start) * 1000
        self.result = result
        self._show(result)

    def _show(self, r) -> None:
        t = r.table.copy()
        t["gp_wte_range"] = [f"{lo:,.1f}–{hi:,.1f}" for lo, hi in
                             zip(t["gp_wte_needed_low"], t["gp_wte_needed_high"])]
        medway_rows = set(t.index[t["area"] == dm.MEDWAY].tolist())
        self.results.set_frame(t, medway_rows)
        self.results.flag_tip = "All of Medway (the sum of the areas)"
        tot = r.totals().set_index("area")
        m = tot.loc[dm.MEDWAY]
        a = self.assumptions
        sample = " <b style='color:#b71c1c'>(illustrative sample)</b>" \
            if self.ws.dataset.is_sample else ""
        self.headline.setText(
            "Demand from new dwellings"
            + (f" completed after the list sizes' date ({r.list_date})" if r.list_date
               else "") + ": "
            f"<b>{m['new_dwellings']:,.0f} dwellings → {m['new_patients']:,.0f} new "
            f"patients</b> ({m['new_patients_low']:,.0f}–{m['new_patients_high']:,.0f}) "
            f"= dwellings × {a.value('persons_per_dwelling'):g} persons × "
            f"{a.value('registration_share'):.0%} registering;{sample} "
            f"<b>{m['gp_wte_needed']:,.1f} GP WTE</b> "
            f"({m['gp_wte_needed_low']:,.1f}–{m['gp_wte_needed_high']:,.1f}) at "
            f"{a.value('patients_per_gp_wte'):,.0f} patients per GP WTE; "
            f"{m['rooms_needed']:,.1f} rooms, {m['floorspace_m2']:,.0f} m², "
            + money_range(m["capital_cost_gbp"], m["capital_cost_gbp_low"],
                          m["capital_cost_gbp_high"])
            + f". Medway's own ratio today: {self._own_ratio(r)}. "
            + "".join(f"<br>{html.escape(line, quote=False)}"
                      for line in dm.cost_lines(r) + [dm.rooms_line(r)] + [
                          permission_note(self.ws.dataset.housing)] if line)
            + "".join(f"<br><b>{html.escape(line, quote=False)}</b>"
                      for line in dm.attribution_lines(r))
            + (f"<br>Extended groups: {html.escape(self.groups_note, quote=False)}"
               if self.groups_note else "")
            + f"<br>{html.escape(r.trend_note, quote=False)}<br>Housing phasing: "
            f"{html.escape(phasing_note(self.ws.dataset.housing, a.options), quote=False)}. "
            f"<span style='color:#666'>Recomputed in {self.last_ms:.0f} ms.</span>"
            + "".join(f"<br><span style='color:#8a6d3b'>⚠ {w}</span>" for w in r.warnings))
        frame = a.to_frame()
        frame["edited_text"] = frame["edited"].map({True: "edited", False: ""})
        self.assumption_model.set_frame(frame, set(frame.index[frame["edited"]].tolist()))
        self.assumption_model.flag_tip = "Edited by the user (marked in reports)"
        self._draw_charts(r)
        self._draw_choropleth(r)

    @staticmethod
    def _own_ratio(r) -> str:
        b = r.baseline.iloc[-1]
        if not known(r.medway_ratio):
            return "unknown (no practice has both a list and a GP figure)"
        return (f"{number(r.medway_ratio)} patients per GP ({int(b['practices_in_ratio'])} "
                f"of {int(b['practices'])} practices with both figures)")

    def _draw_charts(self, r) -> None:
        fig = self.figure
        fig.clear()
        ax1, ax2 = fig.add_subplot(2, 1, 1), fig.add_subplot(2, 1, 2)
        draw_new_patients(ax1, r)
        draw_gp_wte_band(ax2, r)
        if self.ws.dataset.is_sample:
            fig.suptitle("Illustrative sample data", fontsize=8, color="#b71c1c")
        self.canvas.draw_idle()

    def _draw_choropleth(self, r) -> None:
        """GP WTE needed by the end of the horizon, shaded by area, on the map."""
        if r.by != "locality":
            self.map.remove_overlay("demand")
            return
        key = self.shade.currentData() or "gp_wte_needed"
        self.map.set_overlay("demand", layer("demand").features(
            r, self.ws.dataset.localities, key))

    # -------------------------------------------------------------- edits
    def _edit_assumption(self, row: int, column: str, value) -> bool:
        key = self.assumption_model.frame.at[row, "key"]
        try:
            new = self.assumptions.with_value(key, float(str(value).replace(",", "")))
        except (DataError, ValueError) as exc:
            self.window.show_error("Assumption refused", str(exc))
            return False
        label = self.assumption_model.frame.at[row, "assumption"]
        self.ws.set_state("assumptions", new, f"Set {label} to {value}")
        return True

    def _toggle_weighted(self, on: bool) -> None:
        if bool(self.assumptions.options.get("need_weighted_lists")) == on:
            return
        self.ws.set_state("assumptions",
                          self.assumptions.with_options(need_weighted_lists=on),
                          "Need-weighted lists " + ("on" if on else "off"))

    def _set_trend_method(self, _index: int) -> None:
        method = self.trend_method.currentData()
        if self.assumptions.options.get("length_trend_method") == method:
            return
        self.ws.set_state("assumptions",
                          self.assumptions.with_options(length_trend_method=method),
                          f"Consultation-length trend: {method}")

    def _toggle_trend(self, on: bool) -> None:
        if bool(self.assumptions.options.get("apply_length_trend")) == on:
            return
        self.ws.set_state("assumptions", self.assumptions.with_options(apply_length_trend=on),
                          "Consultation-length trend " + ("on" if on else "off"))

    def _toggle_excluded(self, on: bool) -> None:
        """Switch every site the data excludes by default in (or out) as one undoable step."""
        housing = self.ws.dataset.housing.set_index("site_id")
        edits = [(sid, "include", on) for sid in self.ws.plan.excluded_by_default()
                 if sid in housing.index and bool(housing.at[sid, "include"]) != on]
        self.ws.set_values("housing", edits, "Include sites excluded by default" if on
                           else "Exclude the sites excluded by default")

    def _on_state(self, key: str) -> None:
        if key in ("assumptions", "groups", "hubs", "housing"):
            self.refresh()

    # -------------------------------------------------------------- export
    def export(self, path: str | None = None) -> bool:
        if self.result is None:
            return False
        if not isinstance(path, str) or not path:
            start = self.window.start_dir("export/last_dir") + "/medway-demand.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, "Export demand", start,
                                                  "Excel workbook (*.xlsx);;CSV (*.csv)")
            if not path:
                return False
        from rendering.sheets import export_demand
        try:
            written = export_demand(self.result, path, self.ws.dataset.label,
                                    ds=self.ws.dataset,
                                    scenario=getattr(self.window.scenarios, "name", ""))
        except OSError as exc:
            self.window.show_error("Export failed", str(exc))
            return False
        self.status.emit("Saved " + ", ".join(str(p) for p in written))
        return True
