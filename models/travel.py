"""Travel time on the imported roads: a road graph and Dijkstra's shortest times on it.

Drive: each road's speed is its tagged maxspeed × ``limit_share`` where OpenStreetMap
tags one, else the class speed (``speed_<class>_kmh``); ``junction_delay_s`` is added on
entering each junction of three or more roads; one-way streets are one way; a drive ends
with ``parking_minutes``. Walk: every walkable way (not motorways) at ``walk_speed_kmh``,
both directions. All of these are editable assumptions with sources (models/assumptions/).

A point (practice, housing site, hub) joins the network at the nearest junction of the
network's largest strongly connected part, over a straight "access leg" driven at the
service-road speed or walked. Times are minutes from each demand point TO each site (the
patient's journey; one-way streets make the two directions differ).

The graph keeps only junctions and dead ends as nodes: a way's vertices in between are
summed into one edge, so Dijkstra runs on a graph several times smaller than the drawing.

API
---
build_graph(roads, mode, assumptions=None) -> RoadGraph     mode "drive" | "walk"
RoadGraph.times(from_xy, to_xy, *, progress=None, cancel=None, limit=None)
    -> (n_from, n_to) minutes float32; unreachable pairs (and, with ``limit``, journeys
    whose road part is longer) are inf. xy arrays in BNG metres. A compiled Dijkstra on
    two threads (models/travel_paths.py); SciPy's, large matrices on two helper processes
    (models/travel_workers.py), where that is unavailable: the same minutes.
RoadGraph.minutes_from(xy, limit=None) -> per-node minutes from one point (time bands)
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from geo.progress import Cancelled
from models import travel_paths as paths, travel_workers as workers
from models.assumptions import Assumptions, default_assumptions

MODES = ("drive", "walk")
MODE_LABELS = {"drive": "drive time", "walk": "walk time", "straight": "straight line"}
TIME_BANDS_MIN = (10, 15, 20)   # SHAPE Place Atlas shows 10-minute drive / 15-minute walk
CLASS_SPEED_KEY = {"motorway": "motorway", "trunk": "trunk", "primary": "primary",
                   "secondary": "secondary", "tertiary": "tertiary",
                   "unclassified": "minor", "residential": "minor", "living_street": "minor",
                   "road": "minor", "service": "service"}
_SOURCES_PER_STEP = 32          # Dijkstra sources per call: memory = 32 x nodes x 8 bytes
_KEY_DECIMALS = 2               # vertices within 1 cm are the same node (shared OSM nodes)


def edge_speeds(roads, mode: str, a: Assumptions) -> np.ndarray:
    """km/h of each road for ``mode``."""
    if mode == "walk":
        return np.full(len(roads), a.value("walk_speed_kmh"))
    cls = roads["road_class"].map(CLASS_SPEED_KEY).fillna("minor")
    speed = cls.map(lambda k: a.value(f"speed_{k}_kmh")).to_numpy(float)
    tagged = roads["maxspeed_kmh"].to_numpy(float) * a.value("limit_share")
    return np.where(np.isfinite(tagged) & (tagged > 0), tagged, speed)


@dataclass
class RoadGraph:
    """A directed road graph in minutes, with the points a journey can start from."""

    mode: str
    matrix: sparse.csr_matrix      # minutes from node i to node j
    xy: np.ndarray                 # node coordinates, BNG metres
    main: np.ndarray               # nodes of the largest strongly connected part
    leg_kmh: float                 # speed of the straight access leg to the network
    end_minutes: float             # added once per journey (parking when driving)
    build_seconds: float = 0.0
    helper_cpu_seconds: float = 0.0  # CPU the helper processes spent on this graph's matrices

    def __post_init__(self):
        self._tree = cKDTree(self.xy[self.main])
        # The matrices' Dijkstra runs on the reversed graph with its junctions numbered
        # so that neighbours sit close in memory (reverse Cuthill-McKee): about 10%
        # quicker, the same minutes (the numbering changes no path's sum).
        reverse = self.matrix.T.tocsr()
        order = csgraph.reverse_cuthill_mckee((reverse + self.matrix).tocsr(),
                                              symmetric_mode=True)
        self._pos = np.empty_like(order)
        self._pos[order] = np.arange(len(order), dtype=order.dtype)
        self._reverse = reverse[order][:, order].tocsr()

    @cached_property
    def spacing(self) -> float:
        """Typical distance between neighbouring junctions (m), kept with the graph: band
        and catchment outlines are smoothed at about this size."""
        return junction_spacing(self.xy)

    @property
    def nodes(self) -> int:
        return self.matrix.shape[0]

    @property
    def edges(self) -> int:
        return self.matrix.nnz

    def snap(self, xy) -> tuple[np.ndarray, np.ndarray]:
        """Nearest network node of each point and the access leg in minutes."""
        xy = np.asarray(xy, float).reshape(-1, 2)
        dist, pos = self._tree.query(xy)
        return self.main[pos], dist / (self.leg_kmh * 1000.0 / 60.0)

    def times(self, from_xy, to_xy, *, progress=None, cancel=None,
              limit: float | None = None) -> np.ndarray:
        """Minutes from every ``from`` point to every ``to`` point (float32), the chunks
        of sites on both cores (models/travel_paths.py). With ``limit``, a journey whose
        road part is longer than ``limit`` minutes reads inf (the search stops there);
        every finite entry is the same as without it."""
        report = progress or (lambda f, m: None)
        stop = cancel or (lambda: False)
        src_node, src_leg = self.snap(from_xy)
        dst_node, dst_leg = self.snap(to_xy)
        targets, where = np.unique(dst_node, return_inverse=True)
        where = where.ravel()
        order = np.argsort(where, kind="stable")           # sites grouped by junction
        cut = np.searchsorted(where[order], np.arange(0, len(targets), _SOURCES_PER_STEP))
        cut = np.r_[cut, len(order)]
        steps = []
        for i, start in enumerate(range(0, len(targets), _SOURCES_PER_STEP)):
            cols = order[cut[i]:cut[i + 1]]
            steps.append((self._pos[targets[start:start + _SOURCES_PER_STEP]], cols,
                          where[cols] - start))
        origins, o_where = np.unique(src_node, return_inverse=True)

        def check() -> None:
            if stop():
                raise Cancelled()

        def done(step: int, of: int) -> None:
            sites = min(step * _SOURCES_PER_STEP, len(targets))
            report(step / of, f"Travel times: {sites:,} of {len(targets):,} sites")

        def finish(net: np.ndarray) -> np.ndarray:
            """Each point's row from its junction's (whole rows: one pass), then the
            access legs and parking: float32 sums in this order, as always."""
            out = net[o_where.ravel()]
            out += src_leg[:, None].astype(np.float32)
            out += (dst_leg + self.end_minutes)[None, :].astype(np.float32)
            return out

        # Dijkstra from each site over reversed edges = time from every node TO the site:
        # compiled, on two threads (models/travel_paths.py); SciPy if that is unavailable.
        cap = np.inf if limit is None else float(limit)
        try:
            out = paths.run(self._reverse, steps, self._pos[src_node], src_leg,
                            (dst_leg + self.end_minutes).astype(np.float32), cap, done,
                            check)
        except Cancelled:
            raise
        except Exception:       # the compiled search failed: SciPy gives the same minutes
            paths.disable()
            out = None
        if out is not None:
            return out
        out, helper_cpu = workers.run(
            self._reverse, steps, self._pos[origins], (len(origins), len(dst_node)),
            cap, done, check, finish)
        self.helper_cpu_seconds += helper_cpu
        return out

    def minutes_from(self, xy, limit: float | None = None) -> np.ndarray:
        """Minutes from one point to every node (for drawing time bands); with ``limit``,
        nodes farther than that many minutes read inf (the search stops there: drawing the
        20-minute band never explores the whole county)."""
        node, leg = self.snap(np.asarray(xy, float).reshape(1, 2))
        d = csgraph.dijkstra(self.matrix, directed=True, indices=int(node[0]),
                             limit=np.inf if limit is None else float(limit))
        return d + leg[0] + self.end_minutes


def junction_spacing(xy: np.ndarray) -> float:
    """The typical distance between neighbouring junctions (m): the size of the steps a
    boundary drawn from junctions' cells takes."""
    if len(xy) < 2:
        return 0.0
    d, _ = cKDTree(xy).query(xy, k=2)
    return float(np.median(d[:, 1]))


def build_graph(roads, mode: str, assumptions: Assumptions | None = None) -> RoadGraph:
    """The ``mode`` graph of a roads layer (geo.roads, EPSG:27700)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    started = time.perf_counter()
    a = assumptions or default_assumptions()
    usable = roads[roads[mode].astype(bool)] if len(roads) else roads
    usable = usable[usable.geom_type == "LineString"]
    if len(usable) == 0:
        raise ValueError(f"the road layer has no ways for {MODE_LABELS[mode]}")
    coords, line = shapely.get_coordinates(usable.geometry.values, return_index=True)
    keys = np.round(coords, _KEY_DECIMALS)
    uniq, node = np.unique(keys, axis=0, return_inverse=True)
    node = node.ravel()
    # Junctions and dead ends stay nodes: a vertex used more than once, or a way's end.
    first = np.r_[True, line[1:] != line[:-1]]
    last = np.r_[line[1:] != line[:-1], True]
    uses = np.bincount(node, minlength=len(uniq))
    keep = first | last | (uses[node] > 1)
    seg = np.r_[0.0, np.hypot(*np.diff(coords, axis=0).T)]
    seg[first] = 0.0
    along = np.cumsum(seg)
    k = np.flatnonzero(keep)
    # Only junctions and dead ends become graph nodes: renumber them 0..n-1.
    junctions, relabel = np.unique(node[k], return_inverse=True)
    jnode = relabel.ravel()
    n_nodes = len(junctions)
    same = line[k[1:]] == line[k[:-1]]
    u, v = jnode[:-1][same], jnode[1:][same]
    length = (along[k[1:]] - along[k[:-1]])[same]
    way = line[k[:-1]][same]
    speed = edge_speeds(usable, mode, a)[way]
    minutes = length / (speed * 1000.0 / 60.0)
    oneway = usable["oneway"].to_numpy(int)[way] if mode == "drive" else np.zeros(len(way))
    fwd, back = oneway >= 0, oneway <= 0
    tail = np.r_[u[fwd], v[back]]
    head = np.r_[v[fwd], u[back]]
    cost = np.r_[minutes[fwd], minutes[back]]
    if mode == "drive":
        # Junction delay on entering a node where three or more road ends meet.
        degree = np.bincount(np.r_[u, v], minlength=n_nodes)
        cost = cost + (degree[head] >= 3) * a.value("junction_delay_s") / 60.0
    matrix = _min_edges(tail, head, cost, n_nodes)
    n_comp, labels = csgraph.connected_components(matrix, directed=True, connection="strong")
    main = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    leg = a.value("walk_speed_kmh") if mode == "walk" else a.value("speed_service_kmh")
    end = a.value("parking_minutes") if mode == "drive" else 0.0
    return RoadGraph(mode, matrix, uniq[junctions], main, leg, end,
                     time.perf_counter() - started)


def _min_edges(tail, head, cost, n) -> sparse.csr_matrix:
    """A CSR matrix keeping the quickest of parallel edges (csr would add them up)."""
    ok = tail != head
    tail, head, cost = tail[ok], head[ok], cost[ok]
    order = np.lexsort((cost, head, tail))
    tail, head, cost = tail[order], head[order], cost[order]
    first = np.r_[True, (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])]
    # A zero-length edge would vanish in a sparse matrix: give it a hair of time.
    cost = np.maximum(cost[first], 1e-6)
    return sparse.csr_matrix((cost, (tail[first], head[first])), shape=(n, n))
