"""The best division of two neighbouring groups: every split of the pair, compiled (Numba).

A pair re-split (resplit.py) judges all 2^m divisions of the pair's movable practices. Done
with numpy, each pair costs ~0.3 ms, nearly all of it the overhead of some thirty array
calls on arrays of a thousand rows; a county-size "fewest groups" re-splits tens of
thousands of pairs. Here one compiled call does the whole pair in microseconds, with the
same choices:

1. the movable practices: all of them, or (more than ``cap``, or some fixed) the ``cap`` for
   which the other group's centre is relatively nearest;
2. every split's patients outside the bounds (list sizes, "apart" locks, neither side
   empty), walking the splits in Gray-code order so that each differs from the last by one
   practice and its sums change by one row (list sizes are whole numbers, so their sums
   stay exact; misses within ``TOL`` patients count as equal);
3. a lower bound on every split's patient-km from those sums: the distance to a centre is
   convex in the centre, so it is at least its tangent at either group's present centre,
   and summed over a side that is linear in the sums;
4. the exact patient-km (list size × distance to the side's patient-weighted centre) only
   of the splits that miss the bounds least and whose bound could beat the best found;
5. with contiguity asked for, the splits better than now, best first, until one whose two
   sides are each one patch (a search over the touching practices).

Deterministic: ties go to the lower split number, as numpy's argmin did.
"""
from __future__ import annotations

import numpy as np
from numba import njit

TOL = 1e-6   # patients: violations this close are equal


@njit(cache=True)
def _split_cost(x, y, cw, on):
    """Patient-km of a split (``on``: h's side) with each side's patient-weighted centre."""
    c0 = c1 = px0 = py0 = px1 = py1 = 0.0
    for p in range(len(cw)):
        if on[p]:
            c1 += cw[p]
            px1 += cw[p] * x[p]
            py1 += cw[p] * y[p]
        else:
            c0 += cw[p]
            px0 += cw[p] * x[p]
            py0 += cw[p] * y[p]
    c0, c1 = max(c0, 1e-12), max(c1, 1e-12)
    cx0, cy0, cx1, cy1 = px0 / c0, py0 / c0, px1 / c1, py1 / c1
    total = 0.0
    for p in range(len(cw)):
        if on[p]:
            total += cw[p] * np.hypot(x[p] - cx1, y[p] - cy1)
        else:
            total += cw[p] * np.hypot(x[p] - cx0, y[p] - cy0)
    return total


@njit(cache=True)
def _smallest(values, count):
    """The ``count`` smallest values, as a mask (ties to the lower index)."""
    n = len(values)
    out = np.zeros(n, np.bool_)
    for _ in range(min(count, n)):
        t = -1
        for p in range(n):
            if not out[p] and (t < 0 or values[p] < values[t]):
                t = p
        out[t] = True
    return out


@njit(cache=True)
def _lowest_bit(i):
    b = 0
    while not (i >> b) & 1:
        b += 1
    return b


@njit(cache=True)
def best_split(idx, side_now, X, cw_all, w_all, fixed, cap, lo, hi, adj_ptr, adj_ind,
               part_ptr, part_ind, loc, mark, contiguous, eps):
    """The best split of the pair ``idx`` (global practice numbers, ascending; ``side_now``:
    on h's side now) as (True, h's side) when it is better than now, else (False, now).

    Better: fewer patients outside the bounds, or as few and ``eps`` fewer patient-km;
    with ``contiguous``, the best such split whose sides are each one patch."""
    n = len(idx)
    cw, w, x, y = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    ctot = mx = my = 0.0
    for p in range(n):
        b = idx[p]
        cw[p], w[p], x[p], y[p] = cw_all[b], w_all[b], X[b, 0], X[b, 1]
        ctot += cw[p]
        mx += cw[p] * x[p]
        my += cw[p] * y[p]
    for p in range(n):              # about the pair's centre: the sums stay exact
        x[p] -= mx / ctot
        y[p] -= my / ctot
    # each side's present centre: the anchors of the tangent bounds
    ax, ay = np.zeros(2), np.zeros(2)
    for s in range(2):
        c = sx = sy = 0.0
        for p in range(n):
            if side_now[p] == (s == 1):
                c += cw[p]
                sx += cw[p] * x[p]
                sy += cw[p] * y[p]
        if c > 0:
            ax[s], ay[s] = sx / c, sy / c
    d = np.empty((2, n))
    for s in range(2):
        for p in range(n):
            d[s, p] = np.hypot(x[p] - ax[s], y[p] - ay[s])
    free = np.empty(n, np.bool_)
    n_fixed = 0
    for p in range(n):
        free[p] = fixed[idx[p]] < 0
        n_fixed += not free[p]
    if n > cap or n_fixed:     # the practices nearest the other group may move
        rel = np.empty(n)
        for p in range(n):
            own = d[1, p] if side_now[p] else d[0, p]
            rel[p] = (d[0, p] if side_now[p] else d[1, p]) - own
        near = _smallest(rel, cap)
        for p in range(n):
            free[p] = free[p] and near[p]
    F = np.empty(n, np.int64)
    m = 0
    for p in range(n):
        if free[p]:
            F[m] = p
            m += 1
    if m == 0:
        return False, side_now
    base = side_now.copy()
    n_base = 0
    for p in range(n):
        base[p] = base[p] and not free[p]
        n_base += base[p]
    # per practice: w, cw, cw·x, cw·y, then per anchor cw·d, cw·ux, cw·uy
    feat = np.empty((n, 10))
    for p in range(n):
        feat[p, 0], feat[p, 1] = w[p], cw[p]
        feat[p, 2], feat[p, 3] = cw[p] * x[p], cw[p] * y[p]
        for s in range(2):
            dd = d[s, p]
            inv = 1.0 / dd if dd > 0 else 0.0      # 0 at the anchor: still a subgradient
            feat[p, 4 + 3 * s] = cw[p] * dd
            feat[p, 5 + 3 * s] = cw[p] * (x[p] - ax[s]) * inv
            feat[p, 6 + 3 * s] = cw[p] * (y[p] - ay[s]) * inv
    tot = np.zeros(10)
    for p in range(n):
        for j in range(10):
            tot[j] += feat[p, j]
    # apart locks inside the pair, numbered locally
    for p in range(n):
        loc[idx[p]] = p
    n_ap = 0
    ap = np.empty(part_ptr[-1] + 1, np.int64)
    aq = np.empty(part_ptr[-1] + 1, np.int64)
    for p in range(n):
        for e in range(part_ptr[idx[p]], part_ptr[idx[p] + 1]):
            q = loc[part_ind[e]]
            if q > p:
                ap[n_ap], aq[n_ap] = p, q
                n_ap += 1
    for p in range(n):
        loc[idx[p]] = -1
    bit = np.full(n, -1)
    for b in range(m):
        bit[F[b]] = b
    R = 1 << m
    viol = np.empty(R)
    bound = np.empty(R)
    cur = np.zeros(10)
    for p in range(n):
        if base[p]:
            for j in range(10):
                cur[j] += feat[p, j]
    w_base = 0.0
    for p in range(n):
        if base[p]:
            w_base += w[p]
    W1, r = w_base, 0
    for i in range(R):       # the patients outside the bounds of every split
        if i > 0:            # Gray code: split r differs from the last by one practice
            b = _lowest_bit(i)
            r ^= 1 << b
            W1 += w[F[b]] if (r >> b) & 1 else -w[F[b]]
        W0 = tot[0] - W1
        v = max(0.0, lo - W1) + max(0.0, W1 - hi) + max(0.0, lo - W0) + max(0.0, W0 - hi)
        for t in range(n_ap):
            sp = (r >> bit[ap[t]]) & 1 if bit[ap[t]] >= 0 else int(base[ap[t]])
            sq = (r >> bit[aq[t]]) & 1 if bit[aq[t]] >= 0 else int(base[aq[t]])
            if sp == sq:
                v += hi
        viol[r] = v
    if n_base == 0:
        viol[0] = np.inf            # everything on g's side
    if n_base + m == n:
        viol[R - 1] = np.inf        # everything on h's side
    now = 0
    for b in range(m):
        if side_now[F[b]]:
            now |= 1 << b
    # the lower bounds, only of the splits that may be chosen
    worst = viol[now] + TOL if contiguous else viol.min() + TOL
    ax0, ay0, ax1, ay1 = ax[0], ay[0], ax[1], ay[1]
    r = 0
    for i in range(R):
        if i > 0:
            b = _lowest_bit(i)
            r ^= 1 << b
            sign = 1.0 if (r >> b) & 1 else -1.0
            for j in range(10):
                cur[j] += sign * feat[F[b], j]
        if viol[r] > worst:
            bound[r] = np.inf
            continue
        lbound = 0.0
        C = cur[1]             # h's side: the sums
        if C >= 1e-4:
            cx, cy = cur[2] / C, cur[3] / C
            lbound += max(0.0, cur[4] - cur[5] * (cx - ax0) - cur[6] * (cy - ay0),
                          cur[7] - cur[8] * (cx - ax1) - cur[9] * (cy - ay1))
        C = tot[1] - cur[1]    # g's side: the rest
        if C >= 1e-4:
            cx, cy = (tot[2] - cur[2]) / C, (tot[3] - cur[3]) / C
            lbound += max(0.0, tot[4] - cur[4] - (tot[5] - cur[5]) * (cx - ax0)
                          - (tot[6] - cur[6]) * (cy - ay0),
                          tot[7] - cur[7] - (tot[8] - cur[8]) * (cx - ax1)
                          - (tot[9] - cur[9]) * (cy - ay1))
        bound[r] = lbound
    on = base.copy()
    v_now = viol[now]
    c_now = _split_cost(x, y, cw, side_now)
    slack = 1e-9
    if not contiguous:   # the split that misses the bounds least, then costs least
        v_min = viol.min()
        best_r, best_c = -1, np.inf
        if viol[now] <= v_min + TOL:
            best_r, best_c = now, c_now
        for r in range(R):
            if r == now or viol[r] > v_min + TOL or bound[r] > best_c * (1 + slack) + 1e-12:
                continue
            for b in range(m):
                on[F[b]] = (r >> b) & 1
            c = _split_cost(x, y, cw, on)
            if c < best_c or (c == best_c and r < best_r):
                best_r, best_c = r, c
        better = v_min < v_now - TOL or (v_min > v_now - TOL and
                                         best_c < c_now - eps * max(c_now, 1.0))
        if not better:
            return False, side_now
        for b in range(m):
            on[F[b]] = (best_r >> b) & 1
        return True, on
    # contiguous: every split better than now, best first, until one of two patches
    limit = c_now * (1 - eps)
    rows = np.empty(R, np.int64)
    costs = np.empty(R)
    k = 0
    for r in range(R):
        if r == now or viol[r] > v_now + TOL:
            continue
        fewer = viol[r] < v_now - TOL
        if not fewer and bound[r] >= limit * (1 + slack) + 1e-12:
            continue
        for b in range(m):
            on[F[b]] = (r >> b) & 1
        c = _split_cost(x, y, cw, on)
        if fewer or c < limit:
            rows[k], costs[k] = r, c
            k += 1
    sides = (np.empty(n, np.int64), np.empty(n, np.int64))
    tried = np.zeros(k, np.bool_)
    for _ in range(k):     # the next best (fewest outside, least km, lowest number)
        t = -1
        for u in range(k):
            if not tried[u] and (t < 0 or viol[rows[u]] < viol[rows[t]] or (
                    viol[rows[u]] == viol[rows[t]] and costs[u] < costs[t])):
                t = u
        tried[t] = True
        r = rows[t]
        for b in range(m):
            on[F[b]] = (r >> b) & 1
        n1 = 0
        for p in range(n):
            if on[p]:
                sides[1][n1] = idx[p]
                n1 += 1
            else:
                sides[0][p - n1] = idx[p]
        if one_piece(sides[1][:n1], adj_ptr, adj_ind, mark) and \
                one_piece(sides[0][:n - n1], adj_ptr, adj_ind, mark):
            return True, on
    return False, side_now


@njit(cache=True)
def one_piece(nodes, ptr, ind, mark):
    """Whether ``nodes`` (practice numbers) are one patch through the adjacency
    (``ptr``/``ind``: compressed rows); ``mark``: a scratch array of False, left so."""
    n = len(nodes)
    if n <= 1:
        return True
    for p in nodes:
        mark[p] = True              # a member not yet reached
    stack = np.empty(n, np.int64)
    stack[0] = nodes[0]
    mark[nodes[0]] = False
    top, reached = 1, 1
    while top > 0:
        top -= 1
        p = stack[top]
        for e in range(ptr[p], ptr[p + 1]):
            q = ind[e]
            if mark[q]:
                mark[q] = False
                reached += 1
                stack[top] = q
                top += 1
    for p in nodes:
        mark[p] = False
    return reached == n


def connected(solver, nodes) -> bool:
    """Whether ``nodes`` are one patch through the solver's touching practices (compiled:
    the moves, chains and pool ask this hundreds of thousands of times)."""
    if len(nodes) <= 1:
        return True
    (ptr, ind), _part, _loc, mark = tables(solver)
    return bool(one_piece(np.asarray(nodes, np.int64), ptr, ind, mark))


def compressed(rows: list) -> tuple[np.ndarray, np.ndarray]:
    """Lists of neighbours as compressed rows (pointers, indices)."""
    ptr = np.zeros(len(rows) + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    ind = np.array([j for r in rows for j in r], np.int64)
    return ptr, ind


def tables(solver):
    """The solver's touching practices and apart partners as compressed rows, and two
    scratch arrays (made once per solver)."""
    if getattr(solver, "_tables", None) is None:
        n = len(solver.w)
        adj = compressed(solver.adjacent if solver.adjacent is not None else [[]] * n)
        solver._tables = (adj, compressed(solver.partners), np.full(n, -1, np.int64),
                          np.zeros(n, np.bool_))
    return solver._tables
