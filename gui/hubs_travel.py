"""The Hubs tab's travel-time side: the "Access by" choice (straight line, drive time, walk
time), the road graph for it, the access sentence, catchments by time and the time bands
drawn around the selected hub. Without an imported road layer only "Straight line" is
offered, and everything reads as it always did.
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from geo.roads import load_roads
from geo.errors import DataError
from models.travel import TIME_BANDS_MIN
from models.travel_access import evaluate_by_time, graph_for, time_bands, time_catchments

MODES = (("straight", "Straight line"), ("drive", "Drive time by road"),
         ("walk", "Walk time by road"))
# Darkest for the nearest band; faint fills so the planning layers stay readable.
BAND_COLOURS = {10: "#1b5e20", 15: "#558b2f", 20: "#9e9d24"}


class TravelChoice(QComboBox):
    """Straight line / drive / walk; road modes only when the folder has roads."""

    def __init__(self, parent=None):
        super().__init__(parent)
        for mode, label in MODES:
            self.addItem(label, mode)
        self.layers = None

    @property
    def mode(self) -> str:
        return self.currentData()

    def update_roads(self, folder) -> None:
        try:
            self.layers = load_roads(folder)
        except DataError:
            self.layers = None
        model = self.model()
        for i in (1, 2):
            model.item(i).setEnabled(self.layers is not None)
        if self.layers is None:
            self.setCurrentIndex(0)
            self.setToolTip("Straight line: import a road extract (File → Import roads…) "
                            "for drive and walk times")
        else:
            self.setToolTip(f"Access measured on the roads: {self.layers.label()}. Speeds, "
                            "junction delay, parking and walking speed are assumptions "
                            "(Assumptions table)")

    def graph(self, assumptions):
        if self.mode == "straight" or self.layers is None:
            return None
        return graph_for(self.layers, self.mode, assumptions)


def layout_by_time(demand, hubs, graph):
    return evaluate_by_time(demand, hubs, graph)


def access_text(layout, mode: str, bands=TIME_BANDS_MIN) -> str:
    a, g = layout.access["now"], layout.access["with_growth"]
    shares = ", ".join(f"{b} min {a[f'share_within_{b}min']:.0%}" for b in bands)
    return (f"<b>Access now</b> ({mode} time by road, quickest hub): patient-weighted mean "
            f"<b>{a['mean_minutes']:.1f} min</b>; within {shares}. With housing growth: "
            f"mean {g['mean_minutes']:.1f} min, within {bands[0]} min "
            f"{g[f'share_within_{bands[0]}min']:.0%}. Straight line to that hub: mean "
            f"{a['mean_distance_km']:.2f} km.")


def catchment_cells(graph, hubs, localities):
    return time_catchments(graph, hubs, localities)


def band_features(graph, hub_row) -> dict:
    """The 10/15/20-minute areas around one hub as an overlay."""
    bands = time_bands(graph, (float(hub_row.longitude), float(hub_row.latitude)))
    feats = []
    for row in bands.itertuples():
        if row.geometry.is_empty:
            continue
        colour = BAND_COLOURS.get(int(row.minutes), "#33691e")
        feats.append({"type": "Feature", "geometry": row.geometry.__geo_interface__,
                      "properties": {"id": f"{hub_row.hub_id}-{int(row.minutes)}", "style": {
                          "color": colour, "weight": 1.5, "fillColor": colour,
                          "fillOpacity": 0.12},
                          "tip": [["Within", f"{int(row.minutes)} minutes ({graph.mode})"],
                                  ["Of hub", str(hub_row.name)]]}})
    return {"type": "FeatureCollection", "features": feats}
