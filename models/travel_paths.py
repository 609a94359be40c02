"""Travel-time matrices compiled (Numba): Dijkstra from each site, on both cores in threads.

Why compiled: SciPy's ``csgraph.dijkstra`` holds the GIL for the whole call (a second
thread only waits), so two cores needed two spawned helper processes
(models/travel_workers.py, about 1.6×), and its Fibonacci heap costs about 5 ms per site
on the 33,000-junction benchmark graph. The maintained graph libraries were slower on that
graph (measured 2026-12-03, CPU seconds for its 989 sites; SciPy 4.9): networkit 11.3's
``SPSP`` 13 s (OpenMP) plus 4 s to turn its nested vectors into an array; igraph 1.0's
``distances`` 2.4 times SciPy's time before its list of lists is converted; rustworkx
0.18 4 times, one dict per site; scikit-network counts hops only. The search here is the
textbook one (a 4-ary heap with stale entries skipped, its children compared without
branches: about 1.4 times quicker than SciPy's; a decrease-key heap, an 8-ary heap, aligned
child groups and a radix heap were no quicker) and
releases the GIL, so the chunks of sites run on two threads of this process and write
straight into the result: nothing is copied between processes and no process is started.

The minutes are SciPy's to the bit: each junction's time is the least of its neighbours'
times plus the link (float64, summed in the same order, ``limit`` kept when ``<=`` as in
SciPy), and the access legs and parking are added in float32 in the order RoadGraph.times
always used. If Numba cannot compile (or is missing), or the search fails, the matrix
falls back to SciPy (models/travel_workers.py) with the same minutes.

run(graph, steps, node_of, leg_of, tail, limit, report, stop) -> (n_points, n_sites) float32
    or None when the compiled search is unavailable (the caller then uses SciPy)
"""
from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import numpy as np

THREADS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
              else (os.cpu_count() or 1))
ENABLED = True            # False: always SciPy (the benchmark's reference; tests)
_kernel = None            # the compiled chunk, made on first use; False when unavailable


def run(graph, steps, node_of, leg_of, tail, limit, report, stop):
    """Minutes from every point to every site: ``graph`` the reversed road graph (CSR),
    ``steps`` (sources, cols, which) chunks of sites in junction order (RoadGraph.times),
    ``node_of``/``leg_of`` each point's junction and access leg, ``tail`` each site's
    access leg plus parking (float32). ``stop()`` raises (Cancelled) between chunks;
    chunks under way finish first (tens of milliseconds). None if the compiled search is
    unavailable."""
    kernel = _compiled()
    if kernel is None:
        return None
    if not steps:                                      # no sites
        return np.empty((len(node_of), 0), np.float32)
    csr = (graph.indptr.astype(np.int32, copy=False), graph.indices.astype(np.int32, copy=False),
           graph.data.astype(np.float64, copy=False))
    rows = np.argsort(node_of, kind="stable")          # points in junction order
    points = (np.ascontiguousarray(node_of[rows], np.int32), rows.astype(np.int64),
              np.ascontiguousarray(leg_of[rows], np.float32))
    order = np.concatenate([cols for _, cols, _ in steps])   # sites in junction order
    firsts = np.cumsum([0] + [len(cols) for _, cols, _ in steps])
    out = np.empty((len(node_of), len(order)), np.float32)

    def one(i: int) -> None:
        sources, cols, which = steps[i]
        kernel.chunk(*csr, np.ascontiguousarray(sources, np.int32), float(limit), *points,
                     int(firsts[i]), np.ascontiguousarray(which, np.int64),
                     np.ascontiguousarray(tail[cols], np.float32), out)

    def back(i: int) -> None:
        rows_per = -(-len(out) // THREADS)
        kernel.unsort(out, pos, i * rows_per, min(len(out), (i + 1) * rows_per))

    _on_threads(one, len(steps), report, stop)
    if not np.array_equal(order, np.arange(len(order))):
        pos = np.empty_like(order)
        pos[order] = np.arange(len(order))
        _on_threads(back, THREADS, lambda done, of: None, lambda: None)
    return out


def _on_threads(work, count, report, stop) -> None:
    """work(0), ..., work(count - 1) on THREADS threads, each busy and one queued each
    (so Cancel waits for at most the chunks under way); ``report(done, count)`` after
    each, ``stop()`` between them."""
    if THREADS < 2 or count < 2:
        for i in range(count):
            stop()
            work(i)
            report(i + 1, count)
        return
    done, pending, todo = 0, set(), iter(range(count))
    with ThreadPoolExecutor(THREADS, thread_name_prefix="travel") as pool:
        def top_up() -> None:
            for i in todo:
                pending.add(pool.submit(work, i))
                if len(pending) >= 2 * THREADS:
                    break
        try:
            stop()
            top_up()
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in finished:
                    f.result()
                    done += 1
                    report(done, count)
                stop()
                top_up()
        finally:
            for f in pending:
                f.cancel()


def disable() -> None:
    """Not tried again this session (it failed): SciPy makes the matrices."""
    global _kernel
    _kernel = False


def _compiled():
    """The compiled chunk (Numba, cached beside this module), or None if it cannot be had."""
    global _kernel
    if not ENABLED or _kernel is False:
        return None
    if _kernel is None:
        try:
            from models import travel_kernel
            travel_kernel.warm()
            _kernel = travel_kernel
        except Exception:         # no Numba, or it cannot compile here: SciPy instead
            _kernel = False
            return None
    return _kernel
