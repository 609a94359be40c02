"""A day's timetable as elementary connections (one vehicle from one stop to the next), the
input of the Connection Scan Algorithm (Dibbelt, Pajor, Strasser & Wagner, "Connection Scan
Algorithm", ACM J. Exp. Algorithmics 23, 2018), and the walks between stops to change.

Times are seconds after midnight of the chosen day. A trip of the day before that runs past
24:00:00 (GTFS counts such times from its own service day) is included 24 h earlier, so an
overnight bus is caught. A trip with frequencies.txt rows is a pattern: its stop_times give
the running times from its first departure, and it runs every ``headway_secs`` from
``start_time`` until before ``end_time`` (exact or not, the same model).

Changes: at the same stop at least ``change_s`` (the transfer assumption), or what
transfers.txt sets for that stop (transfer_type 2, min_transfer_time); to another stop
within ``walk_between_m`` on foot (straight line × detour index at walking speed, never
less than ``change_s``), or as transfers.txt says (its min_transfer_time, else the walk).

API
---
Connections(dep_stop, arr_stop, dep, arr, trip, n_stops, n_trips), sorted by departure
day_connections(feed, day, start_s, end_s) -> Connections   departures in [start_s, end_s]
Changes(same_s, foot_from, foot_to, foot_s)
changes(feed, stops_xy, change_s, walk_between_m, detour, walk_m_per_s) -> Changes
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.io_gtfs import Feed, parse_times
from models.transit.service_day import active_trips, previous

DAY_S = 86_400


@dataclass
class Connections:
    dep_stop: np.ndarray
    arr_stop: np.ndarray
    dep: np.ndarray          # seconds after the day's midnight
    arr: np.ndarray
    trip: np.ndarray         # a vehicle journey (a trip on one day, one frequency run)
    n_stops: int
    n_trips: int

    def __len__(self) -> int:
        return len(self.dep)


def _pattern_connections(feed: Feed):
    """Every trip's consecutive pairs of calls (the timetable without its days)."""
    st = feed.stop_times
    same = st["trip"][1:] == st["trip"][:-1]
    i = np.flatnonzero(same)
    return (st["trip"][i], st["stop"][i], st["stop"][i + 1], st["dep"][i].astype(np.int64),
            st["arr"][i + 1].astype(np.int64), st["seq"][i])


def _frequency_runs(feed: Feed) -> pd.DataFrame:
    """One row per run of a frequency-based trip: trip (row number) and its first departure."""
    f = feed.frequencies
    if f is None or not len(f):
        return pd.DataFrame({"trip": np.array([], int), "start": np.array([], np.int64)})
    trip = pd.Index(feed.trips["trip_id"]).get_indexer(f["trip_id"])
    start = parse_times(f["start_time"], "frequencies.txt", "start_time")
    end = parse_times(f["end_time"], "frequencies.txt", "end_time")
    head = pd.to_numeric(f["headway_secs"]).to_numpy(int)
    rows = [(t, s) for t, a, b, h in zip(trip, start, end, head) if t >= 0
            for s in range(int(a), int(b), int(h))]
    return pd.DataFrame(rows, columns=["trip", "start"])


def day_connections(feed: Feed, day: date, start_s: int, end_s: int) -> Connections:
    """The connections departing between ``start_s`` and ``end_s`` on ``day``."""
    trip, a, b, dep, arr, seq = _pattern_connections(feed)
    runs = _frequency_runs(feed)
    first_dep = np.full(len(feed.trips), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first_dep, feed.stop_times["trip"], feed.stop_times["dep"].astype(np.int64))
    is_pattern = np.zeros(len(feed.trips), bool)
    is_pattern[runs["trip"].to_numpy(int)] = True
    parts = []
    vehicle = 0
    for shift, when in ((0, day), (-DAY_S, previous(day))):
        on = active_trips(feed, when)
        plain = on[trip] & ~is_pattern[trip]
        parts.append((a[plain], b[plain], dep[plain] + shift, arr[plain] + shift,
                      trip[plain].astype(np.int64) + vehicle, seq[plain]))
        vehicle += len(feed.trips)
        if len(runs):
            r = runs[on[runs["trip"].to_numpy(int)]]
            for k, (t, s) in enumerate(zip(r["trip"], r["start"])):
                mine = trip == t
                off = s - first_dep[t] + shift
                parts.append((a[mine], b[mine], dep[mine] + off, arr[mine] + off,
                              np.full(mine.sum(), vehicle + k, np.int64), seq[mine]))
            vehicle += len(r)
    cols = [np.concatenate(c) for c in zip(*parts)]
    a, b, dep, arr, veh, seq = cols
    keep = (dep >= start_s) & (dep <= end_s)
    a, b, dep, arr, veh, seq = (c[keep] for c in (a, b, dep, arr, veh, seq))
    order = np.lexsort((seq, veh, dep))
    _, veh_ids = np.unique(veh[order], return_inverse=True)
    return Connections(a[order].astype(np.int32), b[order].astype(np.int32),
                       dep[order].astype(np.int32), arr[order].astype(np.int32),
                       veh_ids.astype(np.int32), len(feed.stops), int(veh_ids.max(initial=-1)) + 1)


@dataclass
class Changes:
    same_s: np.ndarray        # per stop: least time to change there
    foot_from: np.ndarray     # walks between different stops (seconds)
    foot_to: np.ndarray
    foot_s: np.ndarray


def changes(feed: Feed, stops_xy: np.ndarray, change_s: float, walk_between_m: float,
            detour: float, walk_m_per_s: float) -> Changes:
    n = len(stops_xy)
    same = np.full(n, float(change_s))
    pairs = cKDTree(stops_xy).query_pairs(walk_between_m, output_type="ndarray") \
        if n > 1 and walk_between_m > 0 else np.empty((0, 2), int)
    frm = np.r_[pairs[:, 0], pairs[:, 1]].astype(np.int64)
    to = np.r_[pairs[:, 1], pairs[:, 0]].astype(np.int64)
    dist = np.hypot(*(stops_xy[frm] - stops_xy[to]).T)
    secs = np.maximum(dist * detour / walk_m_per_s, change_s)
    t = feed.transfers
    if t is not None and len(t):
        ids = pd.Index(feed.stops["stop_id"])
        f, g = ids.get_indexer(t["from_stop_id"]), ids.get_indexer(t["to_stop_id"])
        kind = t["transfer_type"].replace("", "0").to_numpy()
        mins = pd.to_numeric(t["min_transfer_time"], errors="coerce").to_numpy(float)
        ok = (f >= 0) & (g >= 0) & (kind != "3")
        for i, j, m in zip(f[ok], g[ok], mins[ok]):
            if i == j:
                if np.isfinite(m):
                    same[i] = m
                continue
            walk = np.hypot(*(stops_xy[i] - stops_xy[j])) * detour / walk_m_per_s
            hit = (frm == i) & (to == j)
            value = m if np.isfinite(m) else max(walk, change_s)
            if hit.any():
                secs[hit] = value
            else:
                frm, to, secs = np.r_[frm, i], np.r_[to, j], np.r_[secs, value]
    return Changes(same, frm, to, secs)
