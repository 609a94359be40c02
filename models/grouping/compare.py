"""A proposal beside an existing grouping (e.g. the real Primary Care Networks).

Both are measured the same way (share of groups within the bounds, patient-weighted mean
distance to group centre, contiguity), and their agreement is the adjusted Rand index over
the main practices both place (1 = the same grouping, about 0 = no more alike than chance;
scikit-learn's ``adjusted_rand_score``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.grouping.metrics import as_mapping, overall_metrics

COMPARE_COLUMNS = ["grouping", "groups", "groups_within_bounds", "share_within_bounds",
                   "mean_distance_km", "contiguous_groups", "unassigned_practices"]


def adjusted_rand(a, b) -> tuple[float, int]:
    """ARI of two mappings over the practices both place, and how many that is."""
    a, b = as_mapping(a), as_mapping(b)
    common = [c for c in a if c in b]
    if len(common) < 2:
        return float("nan"), len(common)
    from sklearn.metrics import adjusted_rand_score  # imported on first use (~1.5 s)
    return float(adjusted_rand_score([a[c] for c in common], [b[c] for c in common])), \
        len(common)


def compare_groupings(practices: pd.DataFrame, groupings: dict[str, dict], min_size: float,
                      max_size: float, boundary=None) -> tuple[pd.DataFrame, float, int]:
    """One row per named grouping (COMPARE_COLUMNS), plus the ARI of the first two and the
    number of practices it is judged on."""
    rows = []
    for label, mapping in groupings.items():
        s = overall_metrics(practices, mapping, min_size, max_size, boundary=boundary)
        rows.append({"grouping": label, **{c: s[c] for c in COMPARE_COLUMNS[1:]}})
    frame = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    maps = list(groupings.values())
    ari, n = adjusted_rand(maps[0], maps[1]) if len(maps) >= 2 else (np.nan, 0)
    return frame, ari, n
