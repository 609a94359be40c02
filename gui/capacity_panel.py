"""Capacity tab: space and capacity by year from the estate register.

A chart of rooms needed against rooms available by year, per area (models/capacity,
drawn by rendering/capacity_page.py as in the PDF), the table of gaps (utilisation now and
the year each area's gap opens), the year × area figures, and the map mode that colours
sites by utilisation or condition. Recomputed on every change of the plan; the panel keeps
no copy of it.
"""
from __future__ import annotations

import html

import pandas as pd
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QGridLayout, QLabel, QPushButton, QTabWidget,
    QVBoxLayout,
)

from geo.errors import DataError
from gui.frame_model import Column, FrameModel, one_dp, whole
from gui.panel import Panel, scrolling
from models.capacity.by_year import CapacityError, plan_capacity
from models.display import number, share
from rendering.capacity_page import draw_capacity, method_text
from rendering.map_layers.estate import site_colours
from rendering.map_layers.registry import layer

ESTATE = layer("estate")       # the map hook: declared in rendering/map_layers/registry.py
MAP_LAYER, MAP_TITLE = ESTATE.id, ESTATE.title

GAP_COLUMNS = [
    Column("area", "Area"),
    Column("known_text", "Practices known", tip="Practices whose every site has rooms in "
           "the register / all practices in the area"),
    Column("utilisation_now", "Utilisation now", share, "Face-to-face bookings ÷ all open "
           "room hours, today's lists", align_right=True),
    Column("rooms_available", "Rooms", lambda v: number(v), "Clinical rooms in the "
           "register (practices known, and hubs)", align_right=True),
    Column("rooms_needed_now", "Needed now", lambda v: number(v, 1), "Bookings ÷ what one "
           "room hosts at the utilisation target", align_right=True),
    Column("rooms_short_last", "Short at end", lambda v: number(v, 1), "Rooms needed − "
           "available in the last year shown; negative = spare", align_right=True),
    Column("rooms_topdown_now", "Top-down now", lambda v: number(v), "The flat ratio: "
           "1.2 rooms per 1,000 patients (cross-check)", align_right=True),
    Column("m2_available", "m² GIA", lambda v: number(v), "Register GIA", align_right=True),
    Column("gap_opens", "Gap opens", tip="First year rooms needed exceed rooms available "
           "('now' = already short; unknown = no register rows)"),
    Column("imd_score", "IMD (list-weighted)", lambda v: number(v, 1), "Deprivation beside "
           "the gap: practice IMD scores weighted by list (OHID Fingertips 93553); higher = "
           "more deprived", align_right=True),
]
YEAR_COLUMNS = [
    Column("year", "Year"), Column("area", "Area"),
    Column("patients", "Patients", whole, "Registered patients with the housing growth "
           "(and the ONS trend, if on)", align_right=True),
    Column("new_patients", "New (housing)", whole, "Housing-led new patients (incremental "
           "to the trend when it is on)", align_right=True),
    Column("trend_patients", "Trend", whole, "Growth of today's lists with the ONS "
           "projection", align_right=True),
    Column("utilisation", "Utilisation", share, align_right=True),
    Column("rooms_available", "Rooms", one_dp, align_right=True),
    Column("rooms_needed", "Rooms needed", one_dp, align_right=True),
    Column("rooms_short", "Rooms short", one_dp, "negative = spare", align_right=True),
    Column("m2_needed", "m² needed", whole, align_right=True),
    Column("rooms_topdown", "Top-down rooms", one_dp, align_right=True),
    Column("m2_topdown", "Top-down m²", whole, align_right=True),
]


def add_capacity_panel(window) -> None:
    """Build the Capacity tab beside Details, its map layer and its View menu entry."""
    window.capacity_panel = CapacityPanel(window)
    window.capacity_panel.status.connect(lambda m: window.statusBar().showMessage(m, 8000))
    window.capacity_dock = window._dock("Capacity", window.capacity_panel,
                                        Qt.DockWidgetArea.RightDockWidgetArea, "capacity",
                                        scroll=True)   # scrolls on a laptop screen
    window.tabifyDockWidget(window.details_dock, window.capacity_dock)
    window.layers_panel.add_declared(MAP_LAYER)
    window.view_menu.addAction(window.capacity_dock.toggleViewAction())


class CapacityPanel(Panel):
    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.result = None
        self._build()
        self.ws.edited.connect(lambda *_: self.refresh())
        self.ws.replaced.connect(self._on_replaced)
        self.ws.stateChanged.connect(lambda key: key in ("estate", "assumptions", "groups",
                                                         "hubs", "housing")
                                     and self.refresh())
        self._on_replaced()

    def _build(self) -> None:
        self.by = QComboBox(self)
        for key, text in (("locality", "by locality"), ("hub", "by hub catchment"),
                          ("group", "by extended group"), ("site", "by site")):
            self.by.addItem(text, key)
        self.by.setToolTip("Areas the sites are summed over; 'by site' = each practice with "
                           "its branches, and each hub")
        self.by.currentIndexChanged.connect(lambda _: self.refresh())
        self.colour = QComboBox(self)
        for key, text in (("utilisation", "Map: sites by utilisation"),
                          ("condition", "Map: sites by condition")):
            self.colour.addItem(text, key)
        self.colour.setToolTip("What colours the sites in the map layer "
                               f"'{MAP_TITLE}' (tick it in Layers)")
        self.colour.currentIndexChanged.connect(lambda _: self._draw_map())
        self.trend = QCheckBox("ONS population trend", self)
        self.trend.setToolTip("Grow the lists with the ONS 2022-based projection, housing "
                              "growth incremental to it (import --projection F adds it to "
                              "the data folder)")
        self.trend.toggled.connect(lambda _: self.refresh())
        self.export_button = QPushButton("Export…", self)
        self.export_button.setToolTip("Save the capacity tables and the register (XLSX or "
                                      "CSV)")
        self.export_button.clicked.connect(lambda: self.export())
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figure = Figure(figsize=(6, 5))
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setMinimumHeight(220)
        self.gaps = FrameModel(GAP_COLUMNS, self)
        self.gaps_view = self.table_view(self.gaps)
        self.years = FrameModel(YEAR_COLUMNS, self)
        self.years_view = self.table_view(self.years)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.canvas, "Chart")
        self.tabs.addTab(self.gaps_view, "Gaps")
        self.tabs.addTab(self.years_view, "Year × area")
        top = QGridLayout()
        for i, w in enumerate((self.by, self.colour, self.trend, self.export_button)):
            top.addWidget(w, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        words = scrolling(self.headline, self)
        words.setMinimumHeight(50)
        words.setMaximumHeight(140)
        layout.addWidget(words)
        layout.addWidget(self.tabs, 1)

    # -------------------------------------------------------------- model
    def _projection(self):
        """The data's ONS projection (imported with --projection), or None."""
        return self.ws.dataset.projection

    def _on_replaced(self) -> None:
        self._trend_data = self._projection()
        self.trend.blockSignals(True)
        self.trend.setChecked(False)
        self.trend.setEnabled(self._trend_data is not None)
        self.trend.blockSignals(False)
        if self._trend_data is None:
            self.trend.setToolTip("No population projection in this data folder: add one "
                                  "with `python main.py import … --projection F`")
        self.refresh()

    def refresh(self) -> None:
        by = self.by.currentData()
        projection = self._trend_data if self.trend.isChecked() else None
        try:
            result = plan_capacity(self.ws.plan, by=by, projection=projection)
        except (CapacityError, DataError, ValueError) as exc:
            self.result = None
            self.headline.setText(f"<span style='color:#b71c1c'>{html.escape(str(exc))}"
                                  "</span>")
            self.gaps.set_frame(pd.DataFrame(columns=[c.key for c in GAP_COLUMNS]))
            self.years.set_frame(pd.DataFrame(columns=[c.key for c in YEAR_COLUMNS]))
            self.figure.clear()
            self.canvas.draw_idle()
            return
        self.result = result
        self._show(result)

    def _show(self, r) -> None:
        areas = r.areas.copy()
        areas["known_text"] = [f"{k} of {n}" for k, n in zip(areas["practices_known"],
                                                              areas["practices"])]
        total = set(areas.index[areas["area"] == "Medway"].tolist())
        self.gaps.set_frame(areas, total)
        self.gaps.flag_tip = "All of Medway"
        self.years.set_frame(r.table)
        m = areas[areas["area"] == "Medway"].iloc[0]
        opening = [f"{a} {g}" for a, g in zip(areas["area"], areas["gap_opens"])
                   if a != "Medway" and g not in ("unknown",) and not g.startswith("none")]
        sample = " <b style='color:#b71c1c'>(illustrative sample)</b>" \
            if self.ws.dataset.is_sample else ""
        self.headline.setText(
            f"<b>Utilisation now {share(m['utilisation_now'])}</b> of open room hours "
            f"(target {self.ws.plan.value('room_utilisation_target'):.0%}){sample}; "
            f"{number(m['rooms_available'])} rooms, {number(m['rooms_needed_now'], 1)} "
            f"needed now, {_short_or_spare(m['rooms_short_last'], number)} by "
            f"{m['last_year']} "
            f"(top-down: {number(m['rooms_topdown_now'])} rooms now). <b>Gap opens:</b> "
            + html.escape(", ".join(opening) if opening else "in no area "
                          f"by {m['last_year']}")
            + f". <span style='color:#555'>{html.escape(method_text(self.ws.assumptions))}"
              "</span>"
            + "".join(f"<br><span style='color:#8a6d3b'>⚠ {html.escape(w)}</span>"
                      for w in r.warnings))
        self._draw_chart(r)
        self._draw_map()

    def _draw_chart(self, r) -> None:
        fig = self.figure
        fig.clear()
        draw_capacity(fig, r, rect=(0.08, 0.15, 0.88, 0.72), fontsize=7.5)
        fig.suptitle("Clinical rooms needed against available, by year"
                     + (" — illustrative sample" if self.ws.dataset.is_sample else ""),
                     fontsize=8.5, color="#b71c1c" if self.ws.dataset.is_sample else "black")
        self.canvas.draw_idle()

    # -------------------------------------------------------------- map
    def site_colours(self) -> dict[str, tuple[str, str]]:
        """Site code → (colour, what it means), for the map mode chosen."""
        if self.result is None:
            return {}
        return site_colours(self.result, self.colour.currentData(), self.ws.plan)

    def _draw_map(self) -> None:
        colours = self.site_colours()
        if not colours or not getattr(self.map, "is_ready", False):
            return
        self.map.set_overlay(MAP_LAYER, ESTATE.features(
            self.result.sites, colours, self.ws.dataset.practices), legend=self.legend())

    def legend(self) -> dict:
        """The map legend's section for the mode shown."""
        return ESTATE.legend_section(self.colour.currentData())

    # -------------------------------------------------------------- export
    def export(self, path: str | None = None) -> bool:
        if self.result is None:
            return False
        if not isinstance(path, str) or not path:
            start = self.window.start_dir("export/last_dir") + "/medway-capacity.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, "Export capacity", start,
                                                  "Excel workbook (*.xlsx);;CSV (*.csv)")
            if not path:
                return False
        from rendering.capacity_sheets import export_capacity
        try:
            written = export_capacity(self.result, self.ws.assumptions, path,
                                      self.ws.dataset.label)
        except OSError as exc:
            self.window.show_error("Export failed", str(exc))
            return False
        self.status.emit("Saved " + ", ".join(str(p) for p in written))
        return True


def _short_or_spare(short, number) -> str:
    """Rooms short as a person reads it: a negative shortfall is rooms to spare."""
    try:
        value = float(short)
    except (TypeError, ValueError):
        return "unknown rooms short"
    if value != value:
        return "unknown rooms short"
    return f"{number(value, 1)} short" if value > 0 else f"{number(-value, 1)} spare"
