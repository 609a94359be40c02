"""File → Import timetable…: add a bus and train timetable (GTFS) to the open data folder.

The planner picks a GTFS feed as published (a zip, e.g. a Bus Open Data Service regional
export, or its unzipped folder); it is checked and read in the background (progress and
Cancel, as File → Import roads…), clipped to the localities plus the transit_margin_km
assumption and written as timetable/ in the data folder. The Hubs tab then offers "Public
transport" under Access by. A refused feed or Cancel leaves the folder as it was.
"""
from __future__ import annotations

from gui.roads_import import RoadsImportDialog, open_import_dialog


class TimetableImportDialog(RoadsImportDialog):
    TITLE = "Import timetable"
    PLACEHOLDER = "a GTFS zip, e.g. the region's export from the Bus Open Data Service"
    INTRO = ("Bus and train timetables for access by public transport. Give a GTFS feed as "
             "published (a .zip with stops, routes, trips, stop_times and calendar files). "
             "It is clipped to the localities plus a margin and stored in the data folder as "
             "timetable/.")
    FILTER = "GTFS timetables (*.zip);;All files (*)"
    CHOOSER = "Timetable"
    SAMPLE = ("A timetable is stored in a data folder: open one (File → Open data folder…) "
              "to import a timetable for its area.")

    MARGIN = "transit_margin_km"

    @staticmethod
    def reader():
        from geo.io_gtfs import import_timetable
        return import_timetable

    def summary(self, feed) -> str:
        c = feed.counts()
        return (f"Imported {c['stops']:,} stops, {c['routes']:,} routes and {c['trips']:,} "
                f"trips into {self.folder} ({feed.label()}).")


def add_import_timetable_action(window, menu) -> None:
    """File → Import timetable…, beside Import roads…."""
    window._action(menu, "Import &timetable…", lambda: open_timetable_dialog(window), None,
                   "Add a bus and train timetable (GTFS) to the data folder: access by "
                   "public transport")


def open_timetable_dialog(window) -> TimetableImportDialog:
    return open_import_dialog(window, TimetableImportDialog, "timetable_dialog",
                              timetable_changed)


def timetable_changed(window) -> None:
    """The Hubs tab re-reads the folder and offers public transport."""
    hubs = getattr(window, "hubs_panel", None)
    if hubs is not None and hasattr(hubs, "roads_changed"):
        hubs.roads_changed()
