"""Door-to-hub time by public transport over a window of departures.

For a patient leaving home at time t: walk to any stop within ``transit_max_walk_m`` (on
the imported roads' walk network when the folder has roads, else the straight line ×
``transit_detour_index``; at ``walk_speed_kmh``), wait, ride, change (at
least ``transit_change_min``; walks between stops within ``transit_change_walk_m``), ride,
get off at a stop within that walk of the hub and walk in. Walking the whole way is always
an option, so public transport never reads worse than walking. Departures are taken every
``transit_departure_step_min`` through the window (``transit_window_start_h`` for
``transit_window_hours``) on one day inside the feed's validity; the figure reported is the
median over those departures, with the share of departures arriving within a band beside
it. Journeys longer than ``transit_max_journey_min`` are not searched (walking stands).

A ``TransitNetwork`` has the road graph's interface (``mode``, ``times``), so the hub
measures, catchments and the site optimiser (models/travel_access.py, models/hubs) take it
where they take a road graph.

API
---
TransitParams.from_assumptions(assumptions, day=None, start_h=None)
TransitNetwork(feed, params)
  .times(from_xy, to_xy, *, progress=None, cancel=None) -> (n_from, n_to) median minutes
  .departures(from_xy, to_xy, ...) -> (n_from, n_to, n_departures) minutes
  .window_text() / .label() / .no_service (True: nothing runs in the window)
network_for(feed, assumptions, day=None, start_h=None) -> TransitNetwork (cached)
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.spatial import cKDTree

from geo.crs import to_bng
from geo.identity_cache import IdentityCache
from geo.io_gtfs import Feed
from models.transit.connections import changes, day_connections
from models.transit.scan import Profile, profile
from models.transit.service_day import check_day, default_day

TRANSIT_BANDS_MIN = (15, 30, 45)
_CHUNK = 2_000                      # origins per block (bounds memory on 35,000 points)
_ONE_BY_ONE = 8                     # up to this many targets, one scan each (cached)


@dataclass(frozen=True)
class TransitParams:
    day: date
    start_s: int
    end_s: int
    step_s: int
    walk_m_per_s: float
    max_walk_m: float
    detour: float
    change_s: float
    change_walk_m: float
    horizon_s: int

    @classmethod
    def from_assumptions(cls, a, feed: Feed, day: date | None = None,
                         start_h: float | None = None) -> TransitParams:
        day = day or default_day(feed)
        check_day(feed, day)
        start = round(3600 * (a.value("transit_window_start_h") if start_h is None
                              else start_h))
        return cls(day, start, start + round(3600 * a.value("transit_window_hours")),
                   round(60 * a.value("transit_departure_step_min")),
                   a.value("walk_speed_kmh") / 3.6, a.value("transit_max_walk_m"),
                   a.value("transit_detour_index"), 60 * a.value("transit_change_min"),
                   a.value("transit_change_walk_m"),
                   round(60 * a.value("transit_max_journey_min")))

    @property
    def departure_times(self) -> np.ndarray:
        return np.arange(self.start_s, self.end_s, max(self.step_s, 1))


def _clock(s: int) -> str:
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


class TransitNetwork:
    """The timetable of one day and window, ready to answer door-to-door times."""

    mode = "transit"

    def __init__(self, feed: Feed, params: TransitParams, walk_graph=None):
        self.feed, self.p = feed, params
        self.walk_graph = walk_graph          # a models.travel walk RoadGraph, or None
        x, y = to_bng(feed.stops["stop_lon"].to_numpy(float),
                      feed.stops["stop_lat"].to_numpy(float))
        self.stops_xy = np.column_stack([x, y])
        self.tree = cKDTree(self.stops_xy) if len(self.stops_xy) else None
        self.conn = day_connections(feed, params.day, params.start_s,
                                    params.end_s + params.horizon_s)
        self.changes = changes(feed, self.stops_xy, params.change_s, params.change_walk_m,
                               params.detour, params.walk_m_per_s)
        self._profiles: dict[bytes, object] = {}      # one hub's scan, by its place
        self._last: tuple = (None, None)                 # the last many-hub scan
        self.one_by_one = _ONE_BY_ONE
        self._stop_walks = self._walks_on_roads() if walk_graph is not None else None

    @property
    def no_service(self) -> bool:
        first = self.conn.dep.min(initial=10**9)
        return len(self.conn) == 0 or first >= self.p.end_s

    def window_text(self) -> str:
        p = self.p
        n = len(p.departure_times)
        walks = ("walks on the imported roads" if self.walk_graph is not None else
                 f"walks: straight line × {p.detour:g}")
        return (f"{p.day:%a %d %b %Y} {_clock(p.start_s)}–{_clock(p.end_s)}, median of {n} "
                f"departures every {p.step_s // 60} min; {walks}")

    def label(self) -> str:
        return f"{self.feed.label()}; {self.window_text()}"

    def no_service_text(self) -> str:
        return (f"No bus or train in {self.feed.source.get('file', 'the timetable')} runs "
                f"in the window ({self.window_text()}): times are walking only")

    # ------------------------------------------------------------ walking
    def walk_s(self, metres) -> np.ndarray:
        return np.asarray(metres, float) * self.p.detour / self.p.walk_m_per_s

    def _walks_on_roads(self):
        """Walking seconds between every road junction and the stops within the longest
        walk of it (sparse, junctions × stops): Dijkstra from each stop, cut at the limit
        (walking is the same both ways)."""
        from scipy import sparse
        from scipy.sparse import csgraph
        g = self.walk_graph
        limit_min = self.p.max_walk_m / self.p.walk_m_per_s / 60.0
        node, leg = g.snap(self.stops_xy)
        rows, cols, vals = [], [], []
        for lo in range(0, len(node), 256):
            d = csgraph.dijkstra(g.matrix, directed=False, indices=node[lo:lo + 256],
                                 limit=limit_min)
            d += leg[lo:lo + 256, None]
            s_idx, n_idx = np.nonzero(d <= limit_min)
            rows.append(n_idx)
            cols.append(s_idx + lo)
            vals.append(d[s_idx, n_idx] * 60.0)
        r, c, v = (np.concatenate(x) for x in (rows, cols, vals))
        return sparse.csr_matrix((v + 1e-3, (r, c)), shape=(g.nodes, len(node)))

    def _walks(self, xy: np.ndarray):
        """(place index, stop, walking seconds) for every stop within the longest walk."""
        if self._stop_walks is not None:
            node, leg = self.walk_graph.snap(xy)
            sub = self._stop_walks[node].tocoo()
            secs = sub.data - 1e-3 + leg[sub.row] * 60.0
            ok = secs <= self.p.max_walk_m / self.p.walk_m_per_s
            order = np.argsort(sub.row[ok], kind="stable")
            return sub.row[ok][order], sub.col[ok][order], secs[ok][order]
        if self.tree is None:
            return np.empty(0, int), np.empty(0, int), np.empty(0)
        lists = self.tree.query_ball_point(xy, self.p.max_walk_m)
        counts = np.fromiter((len(x) for x in lists), int, len(lists))
        stop = np.fromiter((s for x in lists for s in x), np.int64, int(counts.sum()))
        who = np.repeat(np.arange(len(xy)), counts)
        return who, stop, self.walk_s(np.hypot(*(self.stops_xy[stop] - xy[who]).T))

    def walk_minutes(self, from_xy, to_xy) -> np.ndarray:
        """Walking the whole way (n_from, n_to): on the roads when imported."""
        if self.walk_graph is not None:
            return self.walk_graph.times(from_xy, to_xy).astype(np.float32)
        return (self.walk_s(np.hypot(from_xy[:, None, 0] - to_xy[None, :, 0],
                                     from_xy[:, None, 1] - to_xy[None, :, 1])) / 60.0
                ).astype(np.float32)

    def _egress(self, to_xy: np.ndarray) -> np.ndarray:
        egress = np.full((len(self.stops_xy), len(to_xy)), np.inf, np.float32)
        who, stop, secs = self._walks(to_xy)
        np.minimum.at(egress, (stop, who), secs.astype(np.float32))
        return egress

    def _profile(self, to_xy: np.ndarray, cancel=None, progress=None):
        """Earliest arrivals at these targets. A few hubs (the Hubs tab) are scanned one by
        one and kept, so dragging one hub rescans only that hub; many at once together."""
        if len(to_xy) <= self.one_by_one:
            cols = []
            for xy in np.asarray(to_xy, float).reshape(-1, 2):
                key = xy.tobytes()
                if key not in self._profiles:
                    if len(self._profiles) > 64:
                        self._profiles.clear()
                    self._profiles[key] = profile(self.conn, self.changes,
                                                  self._egress(xy[None]), cancel=cancel).best
                cols.append(self._profiles[key][:, 0])
            return Profile(self.conn, np.column_stack(cols) if cols else
                           np.full((len(self.conn) + 1, 0), np.inf, np.float32))
        key = np.ascontiguousarray(to_xy, float).tobytes()
        if self._last[0] != key:
            self._last = (key, profile(self.conn, self.changes, self._egress(to_xy),
                                       cancel=cancel, progress=progress))
        return self._last[1]

    # ------------------------------------------------------------ door to door
    def departures(self, from_xy, to_xy, *, progress=None, cancel=None) -> np.ndarray:
        """Minutes door to door for each departure of the window (n_from, n_to, n_dep)."""
        out = list(self._blocks(from_xy, to_xy, progress, cancel))
        return np.concatenate(out) if out else np.empty((0, len(to_xy),
                                                         len(self.p.departure_times)))

    def times(self, from_xy, to_xy, *, progress=None, cancel=None) -> np.ndarray:
        """Median minutes over the window's departures (n_from, n_to), float32."""
        parts = [np.median(b, axis=2).astype(np.float32)
                 for b in self._blocks(from_xy, to_xy, progress, cancel)]
        return np.concatenate(parts) if parts else np.empty((0, len(to_xy)), np.float32)

    def _blocks(self, from_xy, to_xy, progress, cancel):
        report = progress or (lambda f, m: None)
        from_xy = np.asarray(from_xy, float).reshape(-1, 2)
        to_xy = np.asarray(to_xy, float).reshape(-1, 2)
        prof = self._profile(to_xy, cancel,
                             lambda f, m: report(0.5 * f, m))
        deps = self.p.departure_times
        for lo in range(0, len(from_xy), _CHUNK):
            if cancel is not None and cancel():
                from geo.progress import Cancelled
                raise Cancelled()
            xy = from_xy[lo:lo + _CHUNK]
            direct = self.walk_minutes(xy, to_xy)
            block = np.repeat(direct[:, :, None], len(deps), axis=2)
            if len(self.conn):
                self._ride(prof, xy, deps, block)
            yield block
            report(0.5 + 0.5 * min(1.0, (lo + len(xy)) / len(from_xy)),
                   f"Public transport times: {lo + len(xy):,} of {len(from_xy):,} places")

    def _ride(self, prof, xy, deps, block) -> None:
        who, stop, secs = self._walks(xy)
        if len(who) == 0:
            return
        walk = np.round(secs)
        counts = np.bincount(who, minlength=len(xy))
        has = np.flatnonzero(counts)
        starts = np.r_[0, np.cumsum(counts)][has]
        for k, t0 in enumerate(deps):
            arrive = prof.at(stop, t0 + walk)                 # (pairs, targets)
            first = np.minimum.reduceat(arrive, starts, axis=0)
            block[has, :, k] = np.minimum(block[has, :, k], (first - t0) / 60.0)


_NETWORKS = IdentityCache(4)


def network_for(feed: Feed, assumptions, day: date | None = None,
                start_h: float | None = None, roads=None) -> TransitNetwork:
    """The network for this feed, day and the transit assumptions, walking on ``roads``
    (a geo.roads.RoadLayers) when given (cached: dragging a hub does not rebuild it)."""
    params = TransitParams.from_assumptions(assumptions, feed, day, start_h)
    walk = None
    if roads is not None:
        from models.travel_access import graph_for
        walk = graph_for(roads, "walk", assumptions)
    return _NETWORKS.get((feed, walk), params, lambda: TransitNetwork(feed, params, walk))
