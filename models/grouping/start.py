"""Starting groups that follow the towns: merge neighbouring practices, cheapest first.

Each practice starts as a group of its own; the pair of neighbouring groups whose merger adds
the fewest patient-km (list size × distance to the merged group's patient-weighted centre) is
merged, as long as the merged list stays within the maximum, until k groups are left or no
merger fits. The k largest groups' centres then seed the capacitated assignment. Unlike
k-means, this never places a centre where too few patients live to fill a group.
"""
from __future__ import annotations

import heapq
import math

import numpy as np

EXACT_MERGE = 1_500   # practices up to which each merger is costed exactly


def merged_centres(X, w, cw, nbrs, k: int, hi: float, rng=None,
                   noise: float = 0.0, memo: dict | None = None) -> np.ndarray:
    """``rng``, ``noise``: each merger's cost is scaled by a random factor (lognormal, sigma
    ``noise``) so that further starts (polish.py) differ from the first. ``memo``: shared
    by tries at several numbers of groups of one area, which merge in the same order: the
    mergers are found once (down to as few groups as they go) and replayed up to k."""
    if memo is not None and not noise:
        if "mergers" not in memo:
            memo["mergers"] = []
            _merge(X, w, cw, nbrs, 1, hi, history=memo["mergers"])
        return _replay(memo["mergers"], X, w, cw, k)
    return _merge(X, w, cw, nbrs, k, hi, rng, noise)


def _replay(mergers: list[tuple[int, int]], X, w, cw, k: int) -> np.ndarray:
    """The centres ``_merge`` gives for k groups, from its list of mergers."""
    n = len(w)
    W = {i: float(w[i]) for i in range(n)}
    C = {i: float(cw[i]) for i in range(n)}
    P = {i: (float(cw[i] * X[i, 0]), float(cw[i] * X[i, 1])) for i in range(n)}
    for m, (a, b) in enumerate(mergers[:max(0, n - k)], start=n):
        pa, pb = P.pop(a), P.pop(b)
        W[m], C[m], P[m] = W.pop(a) + W.pop(b), C.pop(a) + C.pop(b), (pa[0] + pb[0],
                                                                       pa[1] + pb[1])
    keep = sorted(W, key=lambda g: (-W[g], g))[:k]
    return np.array([(P[g][0] / C[g], P[g][1] / C[g]) for g in keep])


def _merge(X, w, cw, nbrs, k: int, hi: float, rng=None, noise: float = 0.0,
           history: list | None = None) -> np.ndarray:
    """Neighbouring groups merged, cheapest first, until k are left or none fits
    (``history``: each merger appended as it is made)."""
    n = len(w)
    members = {i: [i] for i in range(n)}
    W = {i: float(w[i]) for i in range(n)}
    C = {i: float(cw[i]) for i in range(n)}
    P = {i: (float(cw[i] * X[i, 0]), float(cw[i] * X[i, 1])) for i in range(n)}
    cost = {i: 0.0 for i in range(n)}
    adj = {i: set(int(j) for j in nbrs[i]) for i in range(n)}
    for i in range(n):
        for j in list(adj[i]):
            adj[j].add(i)

    exact = n <= EXACT_MERGE and not noise   # further starts: first order is enough

    def merge_cost(a, b):
        """The merger's added patient-km: exact, or on large areas to first order
        (patients × how far each part's centre moves), without touching the members."""
        ca, cb = C[a], C[b]
        cx, cy = (P[a][0] + P[b][0]) / (ca + cb), (P[a][1] + P[b][1]) / (ca + cb)
        if exact:
            idx = members[a] + members[b]
            return float(cw[idx] @ np.sqrt(((X[idx] - (cx, cy)) ** 2).sum(1))) \
                - cost[a] - cost[b]
        return (ca * math.hypot(P[a][0] / ca - cx, P[a][1] / ca - cy)
                + cb * math.hypot(P[b][0] / cb - cx, P[b][1] / cb - cy))

    if rng is not None and noise > 0:
        plain = merge_cost

        def merge_cost(a, b):  # noqa: F811 (the same cost, scaled at random)
            return plain(a, b) * float(np.exp(noise * rng.standard_normal()))

    heap = [(merge_cost(a, b), a, b) for a in range(n) for b in adj[a]
            if a < b and W[a] + W[b] <= hi]
    heapq.heapify(heap)
    alive = n
    next_id = n
    while alive > k and heap:
        d, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        m = next_id
        next_id += 1
        if history is not None:
            history.append((a, b))
        members[m] = members.pop(a) + members.pop(b)
        pa, pb = P.pop(a), P.pop(b)
        W[m], C[m], P[m] = W.pop(a) + W.pop(b), C.pop(a) + C.pop(b), (pa[0] + pb[0],
                                                                       pa[1] + pb[1])
        if exact:
            ctr = np.array(P[m]) / C[m]
            cost[m] = float(cw[members[m]] @ np.sqrt(((X[members[m]] - ctr) ** 2).sum(1)))
        adj[m] = (adj.pop(a) | adj.pop(b)) - {a, b}
        for o in adj[m]:
            adj[o] -= {a, b}
            adj[o].add(m)
            if W[m] + W[o] <= hi:
                heapq.heappush(heap, (merge_cost(min(m, o), max(m, o)), min(m, o), max(m, o)))
        alive -= 1
    keep = sorted(members, key=lambda g: (-W[g], g))[:k]
    return np.array([(P[g][0] / C[g], P[g][1] / C[g]) for g in keep])
