"""A published bus and train timetable (GTFS), read as published and kept in the data folder.

GTFS (https://gtfs.org/schedule/reference/) is the format of the Bus Open Data Service's
regional exports and of most operators' feeds: a zip (or folder) of CSV files. Read with
pandas: the maintained readers (gtfs-kit, partridge) add plotting, networkx and validation
layers around the same pandas reads, and neither checks what a planner needs told in one
line (a time past 48:00:00, a stop without coordinates, a 2 GB zip), so they would add
weight and still need these checks.

Required: agency, stops, routes, trips, stop_times, and calendar and/or calendar_dates;
frequencies and transfers are kept when present (shapes, fares are not needed and skipped).
Sizes are checked before anything is extracted. The feed is clipped to the study area (the
localities' box plus the ``transit_margin_km`` assumption): stops outside it are dropped
and a trip keeps its stops inside it (a trip left with fewer than two is dropped).

Stored as the folder ``timetable/`` of the data folder (written whole or not at all):
stops.csv, routes.csv, trips.csv, calendar.csv, calendar_dates.csv, frequencies.csv,
transfers.csv, stop_times.npz (trip and stop as row numbers, arrival and departure in
seconds after the service day's noon − 12 h, as GTFS counts) and timetable.json (the file it
came from, agencies, its validity dates, licence, area and counts).

API
---
read_feed(path, *, box=None, progress=None, cancel=None) -> Feed     box: BNG bounds
save_feed(feed, folder) / load_feed(folder) -> Feed | None / has_timetable(folder)
import_timetable(path, localities, folder, *, margin_m, progress, cancel) -> Feed
read_feed_for(path, localities, margin_m) -> Feed     clipped, nothing written
Feed.label() -> "Timetable <file> (<agencies>), valid <start> to <end>"
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from geo.atomic import atomic_folder
from geo.crs import to_bng
from geo.errors import DataError, spreadsheet_row
from geo.progress import check

TIMETABLE_DIR = "timetable"
ABOUT = "timetable.json"
REQUIRED = ("agency", "stops", "routes", "trips", "stop_times")
OPTIONAL = ("calendar", "calendar_dates", "frequencies", "transfers")
MAX_ZIP_BYTES = 1 << 30            # a regional feed is tens of MB; England's is ~0.6 GB
MAX_UNPACKED_BYTES = 2 << 30       # every needed member together, as the zip declares
MAX_SECONDS = 48 * 3600            # GTFS counts past midnight; beyond two days is a typo
LICENCE = "Open Government Licence v3.0 (Bus Open Data Service) unless the feed says other"
COLUMNS = {
    "stops": ["stop_id", "stop_name", "stop_lat", "stop_lon"],
    "routes": ["route_id", "agency_id", "route_short_name", "route_long_name",
               "route_type"],
    "trips": ["trip_id", "route_id", "service_id"],
    "calendar": ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                 "saturday", "sunday", "start_date", "end_date"],
    "calendar_dates": ["service_id", "date", "exception_type"],
    "frequencies": ["trip_id", "start_time", "end_time", "headway_secs"],
    "transfers": ["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"],
}
NEEDED = {"stops": ["stop_id", "stop_lat", "stop_lon"], "routes": ["route_id"],
          "trips": ["trip_id", "route_id", "service_id"],
          "stop_times": ["trip_id", "stop_id", "stop_sequence"],
          "calendar": COLUMNS["calendar"], "calendar_dates": COLUMNS["calendar_dates"],
          "frequencies": COLUMNS["frequencies"], "transfers": ["from_stop_id", "to_stop_id"],
          "agency": []}
DAYS = COLUMNS["calendar"][1:8]


@dataclass
class Feed:
    """A timetable's tables; stop_times as arrays (row numbers into trips and stops)."""

    stops: pd.DataFrame            # stop_id, stop_name, stop_lat, stop_lon
    routes: pd.DataFrame
    trips: pd.DataFrame            # trip_id, route_id, service_id
    stop_times: dict               # trip, stop, seq (int32), arr, dep (int32 seconds)
    calendar: pd.DataFrame
    calendar_dates: pd.DataFrame
    frequencies: pd.DataFrame
    transfers: pd.DataFrame
    source: dict = field(default_factory=dict)

    @property
    def start(self) -> date:
        return date.fromisoformat(self.source["valid_from"])

    @property
    def end(self) -> date:
        return date.fromisoformat(self.source["valid_to"])

    def counts(self) -> dict[str, int]:
        return {"stops": len(self.stops), "routes": len(self.routes), "trips": len(self.trips),
                "stop_times": len(self.stop_times["trip"]),
                "calendar_dates": len(self.calendar_dates),
                "frequencies": len(self.frequencies), "transfers": len(self.transfers)}

    def label(self) -> str:
        """Which feed, whose and for when: every public-transport figure carries this."""
        who = self.source.get("agencies") or []
        names = ", ".join(who[:3]) + (" …" if len(who) > 3 else "")
        return (f"Timetable {self.source.get('file', 'unknown file')}"
                + (f" ({names})" if names else "")
                + f", valid {self.source.get('valid_from')} to {self.source.get('valid_to')}")


# ---------------------------------------------------------------- reading a published feed

class _Files:
    """The feed's members, from a zip or a folder, size-checked before reading."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = None
        if path.is_dir():
            self.names = {p.name: p for p in path.iterdir() if p.suffix == ".txt"}
            total = sum(p.stat().st_size for n, p in self.names.items()
                        if n[:-4] in REQUIRED + OPTIONAL)
        else:
            if not path.is_file():
                raise DataError(str(path), "file not found")
            if path.stat().st_size > MAX_ZIP_BYTES:
                raise DataError(str(path), f"{path.stat().st_size / 2**30:.1f} GB is larger "
                                "than a timetable this app reads (1 GB): export the region's "
                                "feed, not the country's")
            try:
                self.zip = zipfile.ZipFile(path)
                infos = self.zip.infolist()
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise DataError(str(path), f"not a readable zip (truncated or damaged?): "
                                f"{exc}") from None
            # Members may sit in one sub-folder of the zip (some exports do that).
            self.names = {Path(i.filename).name: i for i in infos if not i.is_dir()
                          and i.filename.endswith(".txt")}
            total = sum(i.file_size for n, i in self.names.items()
                        if n[:-4] in REQUIRED + OPTIONAL)
        if total > MAX_UNPACKED_BYTES:
            raise DataError(str(path), f"the feed unpacks to {total / 2**30:.1f} GB, more than "
                            "the 2 GB this app reads: use the region's feed")
        missing = [f"{n}.txt" for n in REQUIRED if f"{n}.txt" not in self.names]
        if missing:
            raise DataError(f"{path.name}/{missing[0]}", "required GTFS file missing "
                            f"(a feed needs {', '.join(n + '.txt' for n in REQUIRED)})")
        if "calendar.txt" not in self.names and "calendar_dates.txt" not in self.names:
            raise DataError(f"{path.name}/calendar.txt", "required GTFS file missing: a feed "
                            "needs calendar.txt or calendar_dates.txt (when services run)")

    def has(self, name: str) -> bool:
        return f"{name}.txt" in self.names

    def read(self, name: str) -> pd.DataFrame:
        where = f"{self.path.name}/{name}.txt"
        member = self.names[f"{name}.txt"]
        try:
            if self.zip is not None:
                raw = self.zip.read(member)
            else:
                raw = member.read_bytes()
            frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False,
                                encoding="utf-8-sig", skipinitialspace=True)
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
            raise DataError(where, f"cannot be read from the zip (truncated?): {exc}") from None
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise DataError(where, f"not a readable CSV: {str(exc).splitlines()[0]}") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        for col in NEEDED.get(name, []):
            if col not in frame.columns:
                raise DataError(where, "required column missing", field=col)
        return frame


def parse_times(values: pd.Series, where: str, column: str) -> np.ndarray:
    """GTFS 'H:MM:SS' (hours may pass 24 for after midnight) → seconds; blank → -1.
    A feed repeats a few thousand distinct times: each is parsed once."""
    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    s = pd.Series(uniq, dtype=str).str.strip()
    blank = (s == "").to_numpy()
    parts = s.str.extract(r"^(\d{1,3}):([0-5]\d):([0-5]\d)$")
    h, m, sec = (pd.to_numeric(parts[i], errors="coerce").fillna(0).to_numpy(int)
                 for i in range(3))
    secs = h * 3600 + m * 60 + sec
    secs[blank] = -1
    bad = (parts[0].isna().to_numpy() & ~blank) | (secs > MAX_SECONDS)
    if bad.any():
        i = int(np.flatnonzero(bad[codes])[0])
        text = s.iloc[codes[i]]
        why = (f"'{text}' is past 48:00:00 (GTFS times count from the service day's start; "
               "two days is the most this app accepts)" if secs[codes[i]] > MAX_SECONDS
               else f"'{text}' is not a time H:MM:SS")
        raise DataError(where, why, spreadsheet_row(i), column)
    return secs[codes].astype(np.int32)


def _ids(values: pd.Series) -> pd.Series:
    """Identifiers with stray spaces removed (each distinct value stripped once)."""
    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    return pd.Series(pd.Series(uniq, dtype=str).str.strip().to_numpy()[codes],
                     index=values.index)


def _numbers(frame: pd.DataFrame, col: str, where: str) -> np.ndarray:
    values = pd.to_numeric(frame[col], errors="coerce")
    bad = values.isna() & (_ids(frame[col]) != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(where, f"'{frame[col].iloc[i]}' is not a number", spreadsheet_row(i),
                        col)
    return values.to_numpy(float)


def _dates(frame: pd.DataFrame, col: str, where: str) -> pd.Series:
    out = pd.to_datetime(frame[col].str.strip(), format="%Y%m%d", errors="coerce")
    if out.isna().any():
        i = int(np.flatnonzero(out.isna().to_numpy())[0])
        raise DataError(where, f"'{frame[col].iloc[i]}' is not a date YYYYMMDD",
                        spreadsheet_row(i), col)
    return out.dt.strftime("%Y%m%d")


def read_feed(path, *, box=None, progress=None, cancel=None) -> Feed:
    """Read, check and (given ``box``, BNG minx, miny, maxx, maxy) clip a GTFS feed."""
    path = Path(path)
    report = progress or (lambda f, m: None)
    files = _Files(path)
    name = path.name
    report(0.02, "Reading stops")
    agency = files.read("agency")
    stops = files.read("stops")
    where = f"{name}/stops.txt"
    kind = stops["location_type"].str.strip() if "location_type" in stops else \
        pd.Series("", index=stops.index)
    stops = stops[kind.isin(["", "0", "1"])].reset_index(drop=True)
    lat, lon = _numbers(stops, "stop_lat", where), _numbers(stops, "stop_lon", where)
    no_xy = ~(np.isfinite(lat) & np.isfinite(lon)) | ((lat == 0) & (lon == 0))
    if no_xy.any():
        i = int(np.flatnonzero(no_xy)[0])
        raise DataError(where, f"stop '{stops['stop_id'].iloc[i]}' has no coordinates",
                        spreadsheet_row(i), "stop_lat")
    if ((np.abs(lat) > 90) | (np.abs(lon) > 180)).any():
        i = int(np.flatnonzero((np.abs(lat) > 90) | (np.abs(lon) > 180))[0])
        raise DataError(where, "coordinates outside the globe", spreadsheet_row(i), "stop_lat")
    if stops["stop_id"].duplicated().any():
        i = int(np.flatnonzero(stops["stop_id"].duplicated().to_numpy())[0])
        raise DataError(where, f"stop_id '{stops['stop_id'].iloc[i]}' appears twice",
                        spreadsheet_row(i), "stop_id")
    stops = pd.DataFrame({"stop_id": stops["stop_id"].str.strip(),
                          "stop_name": stops.get("stop_name", stops["stop_id"]),
                          "stop_lat": lat, "stop_lon": lon})
    check(cancel)
    routes = files.read("routes")
    for col in COLUMNS["routes"]:
        if col not in routes:
            routes[col] = ""
    routes = routes[COLUMNS["routes"]]
    trips = files.read("trips")[COLUMNS["trips"]].copy()
    for col in COLUMNS["trips"]:
        trips[col] = trips[col].str.strip()
    if trips["trip_id"].duplicated().any():
        i = int(np.flatnonzero(trips["trip_id"].duplicated().to_numpy())[0])
        raise DataError(f"{name}/trips.txt", f"trip_id '{trips['trip_id'].iloc[i]}' appears "
                        "twice", spreadsheet_row(i), "trip_id")
    calendar, calendar_dates = _calendars(files, name)
    report(0.1, "Reading stop_times (the largest file)")
    check(cancel)
    st = files.read("stop_times")
    check(cancel)
    report(0.5, f"Checking {len(st):,} stop times")
    times = _stop_times(st, stops, trips, f"{name}/stop_times.txt")
    frequencies = _optional(files, "frequencies", name)
    if len(frequencies):
        w = f"{name}/frequencies.txt"
        parse_times(frequencies["start_time"], w, "start_time")
        parse_times(frequencies["end_time"], w, "end_time")
        heads = _numbers(frequencies, "headway_secs", w)
        if not (heads > 0).all():
            i = int(np.flatnonzero(~(heads > 0))[0])
            raise DataError(w, "headway_secs must be above 0", spreadsheet_row(i),
                            "headway_secs")
    transfers = _optional(files, "transfers", name)
    check(cancel)
    feed = Feed(stops, routes, trips, times, calendar, calendar_dates, frequencies, transfers)
    valid_from, valid_to = _validity(calendar, calendar_dates)
    feed.source = {"file": name, "agencies": sorted(set(agency.get(
        "agency_name", pd.Series(dtype=str)).str.strip()) - {""}),
        "valid_from": valid_from, "valid_to": valid_to, "licence": LICENCE,
        "read_counts": feed.counts()}
    if box is not None:
        report(0.8, "Keeping the stops in the study area")
        feed = clip(feed, box)
        if len(feed.stops) == 0:
            raise DataError(str(path), "no stop of this timetable lies in the study area (is "
                            "this the right feed for these localities?)")
    return feed


def _optional(files: _Files, which: str, name: str) -> pd.DataFrame:
    if not files.has(which):
        return pd.DataFrame(columns=COLUMNS[which])
    frame = files.read(which)
    for col in COLUMNS[which]:
        if col not in frame:
            frame[col] = ""
        frame[col] = frame[col].str.strip()
    return frame[COLUMNS[which]]


def _calendars(files: _Files, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    calendar = _optional(files, "calendar", name)
    dates = _optional(files, "calendar_dates", name)
    if len(calendar):
        w = f"{name}/calendar.txt"
        for day in DAYS:
            bad = ~calendar[day].isin(["0", "1"])
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError(w, f"'{calendar[day].iloc[i]}' must be 0 or 1",
                                spreadsheet_row(i), day)
        calendar["start_date"] = _dates(calendar, "start_date", w)
        calendar["end_date"] = _dates(calendar, "end_date", w)
        back = calendar["end_date"] < calendar["start_date"]
        if back.any():
            i = int(np.flatnonzero(back.to_numpy())[0])
            raise DataError(w, "end_date is before start_date", spreadsheet_row(i), "end_date")
    if len(dates):
        w = f"{name}/calendar_dates.txt"
        dates["date"] = _dates(dates, "date", w)
        bad = ~dates["exception_type"].isin(["1", "2"])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(w, f"'{dates['exception_type'].iloc[i]}' must be 1 (added) or 2 "
                            "(removed)", spreadsheet_row(i), "exception_type")
    runs = (calendar[DAYS] == "1").any(axis=1).any() if len(calendar) else False
    added = (dates["exception_type"] == "1").any() if len(dates) else False
    if not runs and not added:
        which = "calendar.txt" if len(calendar) else "calendar_dates.txt"
        raise DataError(f"{name}/{which}", "the calendar never runs: no service has a day of "
                        "the week set to 1 and calendar_dates adds no date",
                        field="monday" if len(calendar) else "exception_type")
    return calendar, dates


def _validity(calendar: pd.DataFrame, dates: pd.DataFrame) -> tuple[str, str]:
    firsts, lasts = [], []
    if len(calendar):
        firsts.append(calendar["start_date"].min())
        lasts.append(calendar["end_date"].max())
    if len(dates):
        added = dates[dates["exception_type"] == "1"]["date"]
        if len(added):
            firsts.append(added.min())
            lasts.append(added.max())
    iso = lambda d: f"{d[:4]}-{d[4:6]}-{d[6:]}"
    return iso(min(firsts)), iso(max(lasts))


def _stop_times(st: pd.DataFrame, stops: pd.DataFrame, trips: pd.DataFrame,
                where: str) -> dict:
    trip = pd.Index(trips["trip_id"]).get_indexer(_ids(st["trip_id"]))
    if (trip < 0).any():
        i = int(np.flatnonzero(trip < 0)[0])
        raise DataError(where, f"trip '{st['trip_id'].iloc[i]}' is not in trips.txt",
                        spreadsheet_row(i), "trip_id")
    stop = pd.Index(stops["stop_id"]).get_indexer(_ids(st["stop_id"]))
    if (stop < 0).any():
        i = int(np.flatnonzero(stop < 0)[0])
        raise DataError(where, f"stop '{st['stop_id'].iloc[i]}' is not in stops.txt (or has "
                        "no coordinates)", spreadsheet_row(i), "stop_id")
    seq = _numbers(st, "stop_sequence", where)
    if "arrival_time" not in st and "departure_time" not in st:
        raise DataError(where, "required column missing", field="arrival_time")
    arr = parse_times(st.get("arrival_time", st.get("departure_time")), where, "arrival_time")
    dep = parse_times(st.get("departure_time", st.get("arrival_time")), where,
                      "departure_time")
    arr = np.where(arr < 0, dep, arr)
    dep = np.where(dep < 0, arr, dep)
    order = np.lexsort((seq, trip))
    trip, stop, seq, arr, dep = trip[order], stop[order], seq[order], arr[order], dep[order]
    first = np.r_[True, trip[1:] != trip[:-1]]
    last = np.r_[trip[1:] != trip[:-1], True]
    if (first & last).any():
        i = int(order[np.flatnonzero(first & last)[0]])
        raise DataError(where, f"trip '{st['trip_id'].iloc[i]}' calls at one stop only (a "
                        "trip needs two)", spreadsheet_row(i), "trip_id")
    # Interpolated timings (blank between timepoints) are filled linearly along the trip.
    missing = arr < 0
    if missing.any():
        if (missing & (first | last)).any():
            i = int(order[np.flatnonzero(missing & (first | last))[0]])
            raise DataError(where, "a trip's first and last stops need times",
                            spreadsheet_row(i), "arrival_time")
        idx = np.arange(len(arr))
        known = ~missing
        fill = np.interp(idx[missing], idx[known], arr[known])
        arr[missing] = dep[missing] = np.round(fill).astype(np.int32)
    back = (~first) & (arr < np.r_[0, dep[:-1]])
    if (back | (dep < arr)).any():
        i = int(order[np.flatnonzero(back | (dep < arr))[0]])
        raise DataError(where, "times go backwards along the trip", spreadsheet_row(i),
                        "arrival_time")
    return {"trip": trip.astype(np.int32), "stop": stop.astype(np.int32),
            "seq": seq.astype(np.int32), "arr": arr.astype(np.int32),
            "dep": dep.astype(np.int32)}


# ---------------------------------------------------------------- clipping to the area

def clip(feed: Feed, box) -> Feed:
    """Stops inside ``box`` (BNG metres), the trips calling at two or more of them, and the
    services, frequencies and transfers those use."""
    x, y = to_bng(feed.stops["stop_lon"].to_numpy(float), feed.stops["stop_lat"].to_numpy(float))
    inside = (x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])
    st = feed.stop_times
    keep = inside[st["stop"]]
    per_trip = np.bincount(st["trip"][keep], minlength=len(feed.trips))
    keep &= per_trip[st["trip"]] >= 2
    trips_used = np.flatnonzero(per_trip >= 2)
    stops_used = np.flatnonzero(np.bincount(st["stop"][keep], minlength=len(feed.stops)) > 0)
    new_trip = np.full(len(feed.trips), -1, np.int32)
    new_trip[trips_used] = np.arange(len(trips_used))
    new_stop = np.full(len(feed.stops), -1, np.int32)
    new_stop[stops_used] = np.arange(len(stops_used))
    times = {k: v[keep] for k, v in st.items()}
    times["trip"] = new_trip[times["trip"]]
    times["stop"] = new_stop[times["stop"]]
    trips = feed.trips.iloc[trips_used].reset_index(drop=True)
    stops = feed.stops.iloc[stops_used].reset_index(drop=True)
    services = set(trips["service_id"])
    ids = set(stops["stop_id"])
    return Feed(stops, feed.routes[feed.routes["route_id"].isin(set(trips["route_id"]))]
                .reset_index(drop=True), trips, times,
                feed.calendar[feed.calendar["service_id"].isin(services)].reset_index(drop=True),
                feed.calendar_dates[feed.calendar_dates["service_id"].isin(services)]
                .reset_index(drop=True),
                feed.frequencies[feed.frequencies["trip_id"].isin(set(trips["trip_id"]))]
                .reset_index(drop=True),
                feed.transfers[feed.transfers["from_stop_id"].isin(ids)
                               & feed.transfers["to_stop_id"].isin(ids)].reset_index(drop=True),
                {**feed.source, "box_bng": [round(v) for v in box]})


# ---------------------------------------------------------------- the data folder

def has_timetable(folder) -> bool:
    return folder is not None and (Path(folder) / TIMETABLE_DIR / ABOUT).is_file()


_TABLES = ("stops", "routes", "trips", "calendar", "calendar_dates", "frequencies",
           "transfers")


def save_feed(feed: Feed, folder) -> Path:
    """Write ``timetable/`` into ``folder`` whole (a reader never sees half a timetable)."""
    target = Path(folder) / TIMETABLE_DIR
    with atomic_folder(target) as tmp:
        for name in _TABLES:
            getattr(feed, name).to_csv(tmp / f"{name}.csv", index=False)
        np.savez_compressed(tmp / "stop_times.npz", **feed.stop_times)
        about = {**feed.source, "counts": feed.counts()}
        (tmp / ABOUT).write_text(json.dumps(about, indent=1, default=str), encoding="utf-8")
    _CACHE.pop(str(target), None)
    return target


_CACHE: dict[str, tuple[float, Feed]] = {}


def load_feed(folder) -> Feed | None:
    """The folder's timetable, or None when it has none."""
    if not has_timetable(folder):
        return None
    where = Path(folder) / TIMETABLE_DIR
    stamp = (where / ABOUT).stat().st_mtime
    hit = _CACHE.get(str(where))
    if hit and hit[0] == stamp:
        return hit[1]
    try:
        source = json.loads((where / ABOUT).read_text(encoding="utf-8"))
        tables = {n: pd.read_csv(where / f"{n}.csv", dtype=str, keep_default_na=False)
                  for n in _TABLES}
        with np.load(where / "stop_times.npz") as z:
            times = {k: z[k] for k in ("trip", "stop", "seq", "arr", "dep")}
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(str(where), f"cannot read the stored timetable ({exc}); import it "
                        "again") from None
    for col in ("stop_lat", "stop_lon"):
        tables["stops"][col] = tables["stops"][col].astype(float)
    feed = Feed(source=source, stop_times=times, **tables)
    _CACHE[str(where)] = (stamp, feed)
    return feed


def import_timetable(path, localities, folder, *, margin_m: float, progress=None,
                     cancel=None) -> Feed:
    """Read ``path``, clip it to the localities plus ``margin_m`` and store it in ``folder``.
    A refusal or Cancel leaves the folder as it was."""
    feed = read_feed_for(path, localities, margin_m, progress=progress, cancel=cancel)
    if progress:
        progress(0.95, "Writing timetable/")
    save_feed(feed, folder)
    return feed


def read_feed_for(path, localities, margin_m: float, *, progress=None, cancel=None) -> Feed:
    """The feed clipped to the localities plus ``margin_m``: read before anything is
    written, so a folder is written once, timetable and all."""
    from geo.roads import study_box
    feed = read_feed(path, box=study_box(localities, margin_m), progress=progress,
                     cancel=cancel)
    check(cancel)
    feed.source["margin_m"] = margin_m
    return feed
