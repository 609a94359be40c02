"""Travel-time matrices on both cores: SciPy's Dijkstra in chunks of sites, on helper
processes. The fallback: matrices come from the compiled search (models/travel_paths.py)
wherever Numba works; this path gives the same minutes where it does not.

SciPy's ``csgraph.dijkstra`` (1.17) holds the GIL for the whole call (its extension never
releases it: threads run one after another), so the chunks go to two helper processes
(``spawn``: safe beside the GUI's threads; started on the first large matrix and kept).
The road graph and the demand points' junctions go to the helpers once per matrix in one
shared-memory block, and each helper writes its sites' columns of minutes straight into
the shared result: nothing large is copied between processes. Small matrices (a few
hubs) stay in this process, where starting helpers would cost more than it saves.

fill(graph, sources, cols, which, origins, net, limit) is the one calculation both paths
run: road minutes from every origin junction to the sites ``cols``.
"""
from __future__ import annotations

import atexit
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context, shared_memory

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

HELPERS = min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
              else (os.cpu_count() or 1))
PARALLEL_FROM = 96       # Dijkstra sources: below this one process is quicker
_NONE = "unavailable"     # helpers failed once this session: not tried again
_pool: ProcessPoolExecutor | str | None = None


def fill(graph, sources, cols, which, origins, net, limit) -> None:
    """Road minutes into ``net[:, cols]`` (origin junctions x sites, float32): Dijkstra
    from ``sources`` over the reversed graph (time from every node TO each site), site
    ``cols[i]`` at source ``which[i]``."""
    d = csgraph.dijkstra(graph, directed=True, indices=sources, limit=limit)
    net[:, cols] = d[which][:, origins].T


def run(graph: sparse.csr_matrix, steps, origins, shape, limit, report, stop, finish):
    """Every step (sources, cols, which) into a ``shape`` float32 array ``net``; returns
    ``finish(net)`` (made while a shared block is still mapped: no extra copy) and the
    helpers' CPU seconds.
    ``stop()`` raises (Cancelled) between steps; if helper processes cannot be started or
    die, the matrix is made in this process instead."""
    global _pool
    pool = _helpers() if len(steps) > 1 and sum(len(s[0]) for s in steps) >= PARALLEL_FROM \
        else None
    if pool is not None:
        try:
            return _run_on(pool, graph, steps, origins, shape, limit, report, stop, finish)
        except BrokenProcessPool:      # a helper could not start or died: stay in-process
            _pool = _NONE
    net = np.empty(shape, np.float32)
    for done, (sources, cols, which) in enumerate(steps, 1):
        stop()
        fill(graph, sources, cols, which, origins, net, limit)
        report(done, len(steps))
    return finish(net), 0.0


def _run_on(pool, graph, steps, origins, shape, limit, report, stop, finish):
    shared = _Shared({"indptr": graph.indptr, "indices": graph.indices, "data": graph.data,
                      "origins": origins})
    result = _Shared({"net": np.empty(0, np.float32)}, shape=shape)
    cpu, done, pending, todo = 0.0, 0, set(), iter(steps)

    def top_up() -> None:      # every helper busy and one step queued each: Cancel waits
        for step in todo:      # for at most the steps under way
            pending.add(pool.submit(_step, shared.spec, result.spec, graph.shape[0],
                                    *step, limit))
            if len(pending) >= 2 * HELPERS:
                break
    try:
        top_up()
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                cpu += f.result()
                done += 1
                report(done, len(steps))
            stop()
            top_up()
        return finish(result.arrays["net"]), cpu
    finally:
        for f in pending:
            f.cancel()
        wait(pending)
        shared.release()
        result.release()
        try:
            for _ in range(HELPERS):
                pool.submit(_forget)
        except (BrokenProcessPool, RuntimeError):
            pass


def _step(shared_spec, result_spec, n, sources, cols, which, limit) -> float:
    """One step on a helper; its CPU seconds for the benchmark. The blocks stay mapped
    for the matrix's next steps (mapping afresh each step faulted in the whole result
    again: a fifth more CPU)."""
    started = time.process_time()
    shared, result = _mapped(shared_spec, result_spec)
    _fill_shared(shared.arrays, result.arrays["net"], n, sources, cols, which, limit)
    return time.process_time() - started


def _forget() -> None:
    """Unmap the last matrix's blocks (sent when a matrix is done)."""
    _mapped()


_MAPPED: dict[str, "_Shared"] = {}


def _mapped(*specs) -> list:
    """This helper's mappings of ``specs``, unmapping any others (an earlier matrix's)."""
    names = {spec[0] for spec in specs}
    for name in [k for k in _MAPPED if k not in names]:
        _MAPPED.pop(name).release()
    for spec in specs:
        if spec[0] not in _MAPPED:
            _MAPPED[spec[0]] = _Shared.attach(spec)
    return [_MAPPED[spec[0]] for spec in specs]


def _fill_shared(a: dict, net, n, sources, cols, which, limit) -> None:
    """fill() on views of the shared block (its own frame: no view outlives the call)."""
    graph = sparse.csr_matrix((a["data"], a["indices"], a["indptr"]), shape=(n, n))
    fill(graph, sources, cols, which, a["origins"], net, limit)


def _helpers() -> ProcessPoolExecutor | None:
    global _pool
    if HELPERS < 2 or _pool is _NONE:
        return None
    if _pool is None:
        try:
            _pool = ProcessPoolExecutor(HELPERS, mp_context=get_context("spawn"))
            atexit.register(_pool.shutdown, cancel_futures=True)
        except (OSError, ValueError):
            _pool = _NONE
            return None
    return _pool


class _Shared:
    """Numpy arrays in one shared-memory block, and the spec a helper attaches with."""

    def __init__(self, arrays: dict, shape=None, name: str | None = None, layout=None):
        """Copies ``arrays`` into a new block (or, with ``shape``, makes room for the one
        array at that shape, left uninitialised); with ``name``, attaches to a block."""
        if name is None:
            layout, size = [], 0
            for key, arr in arrays.items():
                arr = np.ascontiguousarray(arr)
                dims = arr.shape if shape is None else tuple(shape)
                layout.append((key, arr.dtype.str, dims, size))
                size += -(-arr.dtype.itemsize * int(np.prod(dims)) // 64) * 64
            self.shm = shared_memory.SharedMemory(create=True, size=max(size, 1))
            self.owner = True
        else:
            # a helper only borrows the block; the creator unlinks it (helpers share its
            # resource tracker, so attaching registers nothing new)
            self.shm = shared_memory.SharedMemory(name=name)
            self.owner = False
        self.spec = (self.shm.name, layout)
        self.arrays = {key: np.ndarray(dims, np.dtype(dt), self.shm.buf, offset)
                       for key, dt, dims, offset in layout}
        if name is None and shape is None:
            for key, arr in arrays.items():
                self.arrays[key][...] = arr

    @classmethod
    def attach(cls, spec) -> "_Shared":
        return cls({}, name=spec[0], layout=spec[1])

    def release(self) -> None:
        self.arrays = {}
        try:
            self.shm.close()
        except BufferError:      # a view still held by an exception's traceback
            pass
        if self.owner:
            self.shm.unlink()
