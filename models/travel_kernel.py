"""The compiled Dijkstra behind models/travel_paths.py (Numba; it releases the GIL).

One call does one chunk of sites (up to 32): a search from each site's junction over the
reversed road graph (the time from every junction TO the site) into a row of float32
minutes per site, then every demand point's minutes to the chunk's sites written into its
row of the result, the chunk's columns side by side (sites in junction order; ``unsort``
puts them back in the caller's order at the end), with the point's access leg and the
site's leg plus parking added in float32 in the order RoadGraph.times has always used.
Points come sorted by junction, so each site's row is read in one forward sweep.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(inline="always")
def _less(a, key_a, b, key_b):
    """The entry with the smaller key (a on a tie), as a select rather than a branch."""
    if key_b < key_a:
        return b, key_b
    return a, key_a


@njit(nogil=True, cache=True)
def _search(indptr, indices, weights, source, limit, dist, keys, nodes):
    """Dijkstra from ``source`` into ``dist`` (float64, inf on entry): a 4-ary heap of
    (minutes, junction) with stale entries skipped when popped; the smallest of four
    children is found by a two-round knock-out (no hard-to-predict branches: about 15%
    quicker than a loop). A junction is pushed only when its time strictly improves and
    each settled junction's links are relaxed once, so the heap never holds more than
    links + 1 entries. Times beyond ``limit`` stay inf (kept when ``<= limit``, as SciPy
    does)."""
    dist[source] = 0.0
    size = 1
    keys[0] = 0.0
    nodes[0] = source
    while size > 0:
        d = keys[0]
        v = nodes[0]
        size -= 1
        if size > 0:                       # the last entry sifts down from the top
            last_key, last_node = keys[size], nodes[size]
            i = 0
            while True:
                c = 4 * i + 1
                if c + 3 < size:
                    a, key_a = _less(c, keys[c], c + 1, keys[c + 1])
                    b, key_b = _less(c + 2, keys[c + 2], c + 3, keys[c + 3])
                    best, best_key = _less(a, key_a, b, key_b)
                elif c < size:             # the last, partly filled group
                    best, best_key = c, keys[c]
                    for j in range(c + 1, size):
                        if keys[j] < best_key:
                            best, best_key = j, keys[j]
                else:
                    break
                if best_key < last_key:
                    keys[i], nodes[i] = best_key, nodes[best]
                    i = best
                else:
                    break
            keys[i], nodes[i] = last_key, last_node
        if d > dist[v]:                    # a stale entry: v was reached quicker since
            continue
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            nd = d + weights[e]
            if nd <= limit and nd < dist[w]:
                dist[w] = nd
                i = size                   # push, sifting up
                size += 1
                while i > 0:
                    parent = (i - 1) >> 2
                    if keys[parent] > nd:
                        keys[i], nodes[i] = keys[parent], nodes[parent]
                        i = parent
                    else:
                        break
                keys[i], nodes[i] = nd, w


@njit(nogil=True, cache=True)
def chunk(indptr, indices, weights, sources, limit, node_of, rows, leg_of, first, which,
          tail, out):
    """Columns ``first``, ``first + 1``, ... of ``out`` (site c's junction is
    ``sources[which[c]]``): out[rows[i], first + c] = (float32 minutes from junction
    ``node_of[i]`` to the site + leg_of[i]) + tail[c]."""
    n = len(indptr) - 1
    width = len(sources)
    minutes = np.empty((width, n), np.float32)
    dist = np.empty(n, np.float64)
    keys = np.empty(len(indices) + 1, np.float64)
    nodes = np.empty(len(indices) + 1, np.int32)
    for k in range(width):
        dist[:] = np.inf
        _search(indptr, indices, weights, sources[k], limit, dist, keys, nodes)
        for v in range(n):
            minutes[k, v] = np.float32(dist[v])
    for i in range(len(node_of)):
        v = node_of[i]
        leg = leg_of[i]
        r = rows[i]
        for c in range(len(which)):
            out[r, first + c] = (minutes[which[c], v] + leg) + tail[c]


@njit(nogil=True, cache=True)
def unsort(out, pos, start, stop):
    """Rows ``start:stop`` of ``out`` from junction order back to the sites' own order:
    site j's column is ``pos[j]`` (one row at a time through a buffer)."""
    buf = np.empty(out.shape[1], np.float32)
    for r in range(start, stop):
        buf[:] = out[r]
        for j in range(len(pos)):
            out[r, j] = buf[pos[j]]


def warm() -> None:
    """Compile (or load from the cache) for the types RoadGraph.times passes, on a
    two-junction graph: a first call from two threads at once then finds it ready."""
    out = np.zeros((1, 2), np.float32)
    chunk(np.array([0, 1, 2], np.int32), np.array([1, 0], np.int32), np.ones(2),
          np.zeros(1, np.int32), np.inf, np.ones(1, np.int32), np.zeros(1, np.int64),
          np.zeros(1, np.float32), 1, np.zeros(1, np.int64), np.zeros(1, np.float32), out)
    unsort(out, np.array([1, 0], np.int64), 0, 1)
    if out[0, 0] != 1.0:
        raise RuntimeError("the compiled travel search gave a wrong time")
