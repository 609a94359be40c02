"""The Hubs tab's travel-time side: the "Access by" choice (straight line, drive time, walk
time, public transport), the road graph or timetable network for it, the access sentence,
catchments by time and the time bands drawn around the selected hub. Without an imported
road layer only "Straight line" is offered, and everything reads as it always did; without
an imported timetable "Public transport" is disabled with a tooltip saying how to add one.
Public transport also has its window: the day (chosen automatically inside the feed's
validity and shown; a day outside it is refused with a line saying so) and the start time
(the transit_window_start_h assumption, so a change is undoable).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QTimeEdit, QWidget

from geo.errors import DataError
from geo.io_gtfs import load_feed
from geo.roads import load_roads
from models.transit import layout as transit
from models.transit.access import TRANSIT_BANDS_MIN, network_for
from models.transit.service_day import check_day, default_day
from models.travel import TIME_BANDS_MIN
from models.travel_access import evaluate_by_time, graph_for, time_bands, time_catchments

MODES = (("straight", "Straight line"), ("drive", "Drive time by road"),
         ("walk", "Walk time by road"), ("transit", "Public transport"))
TRANSIT = 3
NO_TIMETABLE_TIP = ("Public transport needs a timetable: File → Import timetable… (a GTFS zip, "
                    "e.g. the Bus Open Data Service's regional export)")


class TransitWindow(QWidget):
    """The day and start of the departure window, with a line for a refused day."""

    changed = Signal()
    start_changed = Signal(float)        # hours after midnight (an assumption)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.day = QDateEdit(self)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.start = QTimeEdit(self)
        self.start.setDisplayFormat("HH:mm")
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.day)
        row.addWidget(self.start)
        row.addWidget(self.note, 1)
        self.feed = None
        self.chosen: date | None = None
        self.day.dateChanged.connect(self._day_changed)
        self.start.timeChanged.connect(
            lambda t: self.start_changed.emit(t.hour() + t.minute() / 60))

    def set_feed(self, feed) -> None:
        self.feed = feed
        self.setEnabled(feed is not None)
        self.setToolTip("" if feed is not None else NO_TIMETABLE_TIP)
        self.chosen = default_day(feed) if feed is not None else None
        self.day.blockSignals(True)
        if self.chosen is not None:
            self.day.setDate(QDate(self.chosen.year, self.chosen.month, self.chosen.day))
            self.day.setToolTip(f"Chosen automatically: the weekday of the timetable with the "
                                f"most trips. {feed.label()}")
        self.day.blockSignals(False)
        self.note.setText("")

    def sync(self, hours: float) -> None:
        self.start.blockSignals(True)
        self.start.setTime(QTime(int(hours), int(round(hours % 1 * 60)) % 60))
        self.start.blockSignals(False)

    def _day_changed(self, qd: QDate) -> None:
        picked = date(qd.year(), qd.month(), qd.day())
        try:
            check_day(self.feed, picked)
        except ValueError as exc:
            self.note.setText(f"Refused: {exc}")
            self.day.blockSignals(True)
            self.day.setDate(QDate(self.chosen.year, self.chosen.month, self.chosen.day))
            self.day.blockSignals(False)
            return
        self.note.setText("")
        self.chosen = picked
        self.changed.emit()


class TravelChoice(QComboBox):
    """Straight line / drive / walk / public transport; road modes only when the folder
    has roads, public transport only when it has a timetable."""

    def __init__(self, parent=None):
        super().__init__(parent)
        for mode, label in MODES:
            self.addItem(label, mode)
        # as wide as the room allows, not as the longest mode's name: the panel fits 1366 px
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)
        self.layers = None
        self.feed = None
        self.window = TransitWindow(parent)

    @property
    def mode(self) -> str:
        return self.currentData()

    def update_roads(self, folder) -> None:
        try:
            self.layers = load_roads(folder)
        except DataError:
            self.layers = None
        try:
            self.feed = load_feed(folder)
        except DataError:
            self.feed = None
        model = self.model()
        for i in (1, 2):
            model.item(i).setEnabled(self.layers is not None)
        model.item(TRANSIT).setEnabled(self.feed is not None)
        model.item(TRANSIT).setToolTip(self.feed.label() if self.feed is not None
                                       else NO_TIMETABLE_TIP)
        self.window.set_feed(self.feed)
        if self.feed is None and self.currentIndex() == TRANSIT:
            self.setCurrentIndex(0)
        if self.layers is None and self.currentIndex() in (1, 2):
            self.setCurrentIndex(0)
        tips = []
        if self.layers is None:
            tips.append("Straight line: import a road extract (File → Import roads…) for drive "
                        "and walk times")
        else:
            tips.append(f"Access measured on the roads: {self.layers.label()}. Speeds, "
                        "junction delay, parking and walking speed are assumptions "
                        "(Assumptions table)")
        tips.append(self.feed.label() if self.feed is not None else NO_TIMETABLE_TIP)
        self.setToolTip(".\n".join(tips))

    def graph_available(self) -> bool:
        """The chosen mode has its data (roads, timetable): graph() is not None."""
        if self.mode == "transit":
            return self.feed is not None
        return self.mode != "straight" and self.layers is not None

    def graph(self, assumptions):
        if self.mode == "transit" and self.feed is not None:
            return network_for(self.feed, assumptions, self.window.chosen,
                               roads=self.layers)
        if self.mode in ("straight", "transit") or self.layers is None:
            return None
        return graph_for(self.layers, self.mode, assumptions)


NOT_USED = {"drive": "drive times come from the road network and its speed assumptions",
            "walk": "walk times come from the road network and the walking speed",
            "transit": "public-transport times come from the timetable"}


def enable_straight_line_boxes(boxes, choice: TravelChoice) -> None:
    """Road circuity and average speed turn straight lines into rough road km and minutes:
    enabled only while 'Access by' is straight line, with a tip saying why otherwise."""
    mode = choice.mode if choice.graph_available() else "straight"
    for box in boxes:
        box.setEnabled(mode == "straight")
        tip = box.toolTip().split("\n\nNot used")[0]
        box.setToolTip(tip + (f"\n\nNot used with '{choice.currentText()}': "
                              f"{NOT_USED[mode]}." if mode in NOT_USED else ""))


def layout_by_time(demand, hubs, graph):
    if graph.mode == "transit":
        return transit.evaluate_by_transit(demand, hubs, graph)
    return evaluate_by_time(demand, hubs, graph)


def access_text(layout, mode: str, graph=None, bands=TIME_BANDS_MIN) -> str:
    if mode == "transit":
        return transit.access_text(layout, graph)
    a, g = layout.access["now"], layout.access["with_growth"]
    shares = ", ".join(f"{b} min {a[f'share_within_{b}min']:.0%}" for b in bands)
    return (f"<b>Access now</b> ({mode} time by road, quickest hub): patient-weighted mean "
            f"<b>{a['mean_minutes']:.1f} min</b>; within {shares}. With housing growth: "
            f"mean {g['mean_minutes']:.1f} min, within {bands[0]} min "
            f"{g[f'share_within_{bands[0]}min']:.0%}. Straight line to that hub: mean "
            f"{a['mean_distance_km']:.2f} km.")


def catchment_cells(graph, hubs, localities):
    if graph.mode == "transit":
        return transit.transit_catchments(graph, hubs, localities)
    return time_catchments(graph, hubs, localities)


def band_areas(graph, hub_row):
    """The 10/15/20-minute areas (15/30/45 by public transport) around one hub: minutes,
    geometry (drawn by rendering/map_layers/hubs.py)."""
    lonlat = (float(hub_row.longitude), float(hub_row.latitude))
    if graph.mode == "transit":
        return transit.transit_bands(graph, lonlat, graph.feed.source.get("box_bng"),
                                     TRANSIT_BANDS_MIN)
    return time_bands(graph, lonlat)
