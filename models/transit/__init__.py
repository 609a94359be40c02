"""Access by public transport from a published timetable (GTFS, geo/io_gtfs.py).

One module per concept: service_day (which trips run on a day; the default day; validity),
connections (a day's connections and the changes between them), scan (the profile
Connection Scan Algorithm, many targets at once), access (door-to-hub minutes over a
window of departures: the TransitNetwork), layout (the Hubs tab's figures, bands and
catchments by public transport).
"""
