"""Earliest arrival at each target from every stop at every time: the profile variant of the
Connection Scan Algorithm (Dibbelt et al. 2018, §4 "Profile queries"), run for many targets
at once.

Connections are scanned from the latest departure to the earliest. For connection c (a
vehicle from stop u at dep to stop v at arr) and every target together (a numpy vector):

    arrive(c) = min( stay on the vehicle: T[vehicle]            (its next connection's)
                     get off and walk to the target: arr + egress[v]
                     change: best departure from v at or after arr + change time,
                             or from a stop within a walk of v after that walk )
    T[vehicle] = arrive(c)
    best(c) = min(arrive(c), best(next connection leaving u))

``best(c)`` is then the earliest arrival for someone at u by dep(c): the stop's profile,
read with one lookup (``Profile.at``). Arrivals are exact seconds — no time grid — and the
loop runs once per connection in the window (plus a horizon), whatever the number of
targets, which is what makes 50 hubs cost little more than one.

API
---
profile(conn, changes, egress) -> Profile      egress: (n_stops, n_targets) seconds (inf =
    the target is beyond a walk from that stop)
Profile.at(stops, times) -> (len(stops), n_targets) earliest arrival (inf = none)
"""
from __future__ import annotations

import numpy as np

from geo.progress import Cancelled
from models.transit.connections import Changes, Connections

_SPAN = 10 * 86_400          # key = stop × _SPAN + time (+ 2 days, so always positive)
_OFFSET = 2 * 86_400


class Profile:
    def __init__(self, conn: Connections, best: np.ndarray):
        self.conn = conn
        self.best = best                     # (m + 1, targets); row m = "no departure"
        m = len(conn)
        self._order = np.lexsort((np.arange(m), conn.dep, conn.dep_stop))
        self._keys = (conn.dep_stop[self._order].astype(np.int64) * _SPAN
                      + conn.dep[self._order] + _OFFSET)

    def first_from(self, stops, times) -> np.ndarray:
        return first_departure(self._order, self._keys, len(self.conn), stops, times)

    def at(self, stops, times) -> np.ndarray:
        return self.best[self.first_from(stops, times)]


def first_departure(order, keys, m, stops, times) -> np.ndarray:
    """The first connection leaving each stop at or after each time (m where none)."""
    stops = np.asarray(stops, np.int64)
    q = stops * _SPAN + np.asarray(times, np.int64) + _OFFSET
    pos = np.searchsorted(keys, q, side="left")
    ok = pos < m
    out = np.full(len(q), m, np.int64)
    hit = np.flatnonzero(ok)
    same = keys[pos[hit]] // _SPAN == stops[hit]
    out[hit[same]] = order[pos[hit[same]]]
    return out


def profile(conn: Connections, changes: Changes, egress: np.ndarray, *, cancel=None,
            progress=None) -> Profile:
    m = len(conn)
    q = egress.shape[1]
    order = np.lexsort((np.arange(m), conn.dep, conn.dep_stop))
    keys = conn.dep_stop[order].astype(np.int64) * _SPAN + conn.dep[order] + _OFFSET
    # The next connection leaving the same stop (in departure order).
    nxt = np.full(m, m, np.int64)
    if m > 1:
        same = conn.dep_stop[order][1:] == conn.dep_stop[order][:-1]
        nxt[order[:-1][same]] = order[1:][same]
    # Where a rider getting off c can board next: the same stop after the change time, and
    # each stop a walk away after the walk. One list per connection (CSR).
    deg = np.bincount(changes.foot_from, minlength=conn.n_stops)
    start = np.r_[0, np.cumsum(deg)]
    by_from = np.argsort(changes.foot_from, kind="stable")
    k = deg[conn.arr_stop]
    c_rep = np.repeat(np.arange(m), k)
    within = np.arange(len(c_rep)) - np.repeat(np.cumsum(k) - k, k)
    edge = by_from[start[conn.arr_stop[c_rep]] + within]
    walk_ptr = first_departure(order, keys, m, changes.foot_to[edge],
                               conn.arr[c_rep] + changes.foot_s[edge])
    same_ptr = first_departure(order, keys, m, conn.arr_stop,
                               conn.arr + changes.same_s[conn.arr_stop])
    ptr = np.concatenate([same_ptr, walk_ptr])
    owner = np.concatenate([np.arange(m), c_rep])
    srt = np.argsort(owner, kind="stable")
    ptr = ptr[srt]
    off = np.r_[0, np.cumsum(np.bincount(owner, minlength=m))]
    egress = np.asarray(egress, np.float32)
    if q == 1:          # one target (a hub's bands): plain floats beat numpy's overhead
        best = _scan_one(conn, egress[:, 0], ptr, off, nxt, cancel)
        return Profile(conn, best[:, None])
    near = np.isfinite(egress).any(axis=1)
    best = np.full((m + 1, q), np.inf, np.float32)
    ride = np.full((conn.n_trips, q), np.inf, np.float32)
    arr_stop, arr, trip = conn.arr_stop, conn.arr.astype(np.float32), conn.trip
    minimum = np.minimum
    for c in range(m - 1, -1, -1):
        if c % 4096 == 0:
            if cancel is not None and cancel():
                raise Cancelled()
            if progress is not None:
                progress(1 - c / m, f"Timetable scan: {m - c:,} of {m:,} connections")
        t = trip[c]
        tau = ride[t]
        v = arr_stop[c]
        if near[v]:
            tau = minimum(tau, egress[v] + arr[c])
        a, b = off[c], off[c + 1]
        if b - a == 1:
            tau = minimum(tau, best[ptr[a]])
        else:
            tau = minimum(tau, best[ptr[a:b]].min(axis=0))
        ride[t] = tau
        best[c] = minimum(tau, best[nxt[c]])
    return Profile(conn, best)


def _scan_one(conn: Connections, egress: np.ndarray, ptr, off, nxt, cancel) -> np.ndarray:
    """The same scan for a single target, on Python floats (same arithmetic, float64)."""
    m = len(conn)
    inf = float("inf")
    best = [inf] * (m + 1)
    ride = [inf] * conn.n_trips
    eg = egress.astype(float).tolist()
    arr_stop, arr, trip = conn.arr_stop.tolist(), conn.arr.tolist(), conn.trip.tolist()
    ptr, off, nxt = ptr.tolist(), off.tolist(), nxt.tolist()
    for c in range(m - 1, -1, -1):
        if c % 8192 == 0 and cancel is not None and cancel():
            raise Cancelled()
        t = trip[c]
        tau = ride[t]
        walk = eg[arr_stop[c]] + arr[c]
        tau = min(tau, walk)
        for k in range(off[c], off[c + 1]):
            b = best[ptr[k]]
            tau = min(tau, b)
        ride[t] = tau
        b = best[nxt[c]]
        best[c] = min(b, tau)
    return np.asarray(best, np.float32)
