"""Territories: the area nearest each group's practices, and which practices' areas touch.

Each main practice gets the part of the study area nearer to it than to any other main
practice (its Voronoi cell, EPSG:27700, clipped to the study area — the union of the locality
polygons); a group's territory is the union of its practices' cells. Branch surgeries are
left out, so a distant village branch does not stretch its group across the map. Two
practices are *adjacent* when their clipped cells share a border; a group is contiguous when
its practices are connected through adjacent cells, i.e. its territory is one patch.
"""
from __future__ import annotations

import numpy as np
import shapely
from scipy.spatial import Delaunay

from geo.crs import points_bng


def study_area(localities):
    """The union of the locality polygons in EPSG:27700 metres (None when there are none)."""
    if localities is None or len(localities) == 0:
        return None
    return shapely.make_valid(localities.to_crs(27700).geometry.union_all())


def practice_cells(xy_m: np.ndarray, boundary=None) -> list:
    """One clipped Voronoi cell per point (points at the same spot share one cell)."""
    xy_m = np.asarray(xy_m, float).reshape(-1, 2)
    uniq, inverse = np.unique(np.round(xy_m, 1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    pts = shapely.points(uniq)
    if boundary is None:
        lo, hi = uniq.min(0), uniq.max(0)
        pad = max(float((hi - lo).max()) * 0.1, 2_000.0)
        boundary = shapely.box(lo[0] - pad, lo[1] - pad, hi[0] + pad, hi[1] + pad)
    if len(uniq) == 1:
        cells = [boundary]
    else:
        env = shapely.box(*shapely.bounds(shapely.union(boundary,
                                                        shapely.multipoints(uniq))))
        regions = shapely.get_parts(shapely.voronoi_polygons(
            shapely.multipoints(uniq), extend_to=env.buffer(1_000)))
        # match each region to the point inside it (the order is not guaranteed)
        tree = shapely.STRtree(regions)
        hit_pt, hit_reg = tree.query(pts, predicate="within")
        cells = [None] * len(uniq)
        for p, r in zip(hit_pt, hit_reg):
            cells[p] = regions[r]
        cells = [c if c is not None else shapely.Point(u).buffer(1.0)
                 for c, u in zip(cells, uniq)]
        cells = list(shapely.intersection(np.array(cells, dtype=object), boundary))
    return [cells[i] for i in inverse]


def adjacency(xy_km: np.ndarray, boundary=None) -> list[list[int]]:
    """For each point, the points whose clipped cells share a border with its own."""
    xy = np.asarray(xy_km, float).reshape(-1, 2) * 1000.0
    n = len(xy)
    if n <= 3:
        return [[j for j in range(n) if j != i] for i in range(n)]
    uniq, inverse = np.unique(np.round(xy, 1), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    edges: set[tuple[int, int]] = set()
    if len(uniq) >= 3:
        try:
            tri = Delaunay(uniq)
            for simplex in tri.simplices:
                for a in range(3):
                    u, v = sorted((int(simplex[a]), int(simplex[(a + 1) % 3])))
                    edges.add((u, v))
        except Exception:  # all on one line: neighbours along the line
            order = np.lexsort((uniq[:, 1], uniq[:, 0]))
            edges = {tuple(sorted((int(a), int(b)))) for a, b in zip(order, order[1:])}
    else:
        edges = {(0, 1)} if len(uniq) == 2 else set()
    if boundary is not None and edges:
        cells = practice_cells(uniq, boundary)
        pairs = np.array(sorted(edges))
        shared = shapely.length(shapely.intersection(
            np.array([cells[a] for a in pairs[:, 0]], dtype=object),
            np.array([cells[b] for b in pairs[:, 1]], dtype=object)))
        edges = {tuple(p) for p, s in zip(pairs.tolist(), shared) if s > 1.0}
    by_uniq: list[list[int]] = [[] for _ in range(len(uniq))]
    for i, u in enumerate(inverse):
        by_uniq[u].append(i)
    out: list[set[int]] = [set() for _ in range(n)]
    for members in by_uniq:  # practices at the same spot touch
        for i in members:
            out[i] |= set(members) - {i}
    for a, b in edges:
        for i in by_uniq[a]:
            out[i] |= set(by_uniq[b])
        for j in by_uniq[b]:
            out[j] |= set(by_uniq[a])
    return [sorted(s) for s in out]


def parts(nodes, adjacent) -> list[list[int]]:
    """The connected pieces of ``nodes`` through ``adjacent`` (lists of neighbours)."""
    inside, seen, out = set(nodes), set(), []
    for start in nodes:
        if start in seen:
            continue
        part, todo = [start], [start]
        seen.add(start)
        while todo:
            a = todo.pop()
            for b in adjacent[a]:
                if b in inside and b not in seen:
                    seen.add(b)
                    part.append(b)
                    todo.append(b)
        out.append(part)
    return out


def group_territories(practices, mapping: dict[str, str], boundary=None) -> dict:
    """Group name → territory (shapely, EPSG:27700): the union of its practices' cells."""
    mains = practices[practices["parent_code"].fillna("").astype(str) == ""]
    codes = mains["practice_code"].astype(str).to_numpy()
    keep = np.array([bool(mapping.get(c)) for c in codes])
    if not keep.any():
        return {}
    cells = practice_cells(points_bng(mains[keep]), boundary)
    groups = [mapping[c] for c in codes[keep]]
    out = {}
    for name in dict.fromkeys(groups):
        parts = [cell for cell, g in zip(cells, groups) if g == name]
        out[name] = shapely.union_all(parts)
    return out


def detached(practices, mapping: dict[str, str], boundary=None) -> dict[str, list[str]]:
    """Group name → its practices cut off from the group's largest patch (contiguity test)."""
    mains = practices[practices["parent_code"].fillna("").astype(str) == ""]
    mains = mains[[bool(mapping.get(c)) for c in mains["practice_code"].astype(str)]]
    if mains.empty:
        return {}
    codes = mains["practice_code"].astype(str).tolist()
    w = mains["list_size"].fillna(0).to_numpy(float)
    adj = adjacency(points_bng(mains) / 1000.0, boundary)
    groups = [mapping[c] for c in codes]
    out: dict[str, list[str]] = {}
    for name in dict.fromkeys(groups):
        pieces = parts([i for i, g in enumerate(groups) if g == name], adj)
        pieces.sort(key=lambda p: (-w[p].sum(), min(p)))
        out[name] = sorted(codes[i] for p in pieces[1:] for i in p)
    return out
