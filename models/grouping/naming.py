"""Group names: fixed names kept, the rest numbered west → east ("G1…", "<locality> 1…")."""
from __future__ import annotations

import numpy as np


def name_groups(label: str, xy: np.ndarray, w: np.ndarray, assign: np.ndarray,
                fixed_names: list[str], k: int, taken: set[str]) -> list[str]:
    """Names for group indices 0..k-1 of one area; fixed groups are the first indices.

    A locality with a single free group takes the locality's own name.
    """
    east = np.full(k, np.inf)
    for g in range(k):
        idx = assign == g
        if idx.any():
            east[g] = np.average(xy[idx, 0], weights=np.maximum(w[idx], 1.0))
    names = [""] * k
    for f, name in enumerate(fixed_names):
        names[f] = name
    used = set(taken) | set(fixed_names)
    free = [g for g in np.argsort(east, kind="stable") if not names[g]]
    if label and len(free) == 1 and not fixed_names and label not in used:
        names[free[0]] = label
        return names
    prefix = f"{label} " if label else "G"
    number = 1
    for g in free:
        while f"{prefix}{number}" in used:
            number += 1
        names[g] = f"{prefix}{number}"
        used.add(names[g])
        number += 1
    return names
