"""What a planning figure is checked against: area population targets and the cost band.

Targets come from the assumptions table (so an edited target is the one flagged); the cost
band is the sanity band of developer contributions Kent CCGs sought (docs/design.md §6).
"""
from __future__ import annotations

import numpy as np

from models.assumptions import CONTRIBUTION_BAND_GBP_PER_RESIDENT, Assumptions

# Population targets each kind of area is checked against (assumption keys, with sources).
TARGETS = {"locality": ("locality_min_population", "locality_max_population"),
           "group": ("group_min_size", "group_max_size"),
           "hub": ("hub_min_population", "hub_max_population")}
COST_BAND_SOURCE = ("developer contributions Kent CCGs sought: Canterbury & Coastal CCG "
                    "£266,175 for 819 patients (£325); South Kent Coast CCG £360 per person "
                    "(docs/design.md §6)")


def target_band(by: str, a: Assumptions, bounds=None) -> tuple[float, float, str]:
    """(lowest, highest, 'source') registered patients an area of this kind should have.

    ``bounds``: the plan's own grouping bounds (min, max), which groups are made to and so
    judged against — the same everywhere the plan's groups appear."""
    if by == "group" and bounds is not None:
        return float(bounds[0]), float(bounds[1]), "the plan's grouping bounds"
    lo_key, hi_key = TARGETS[by]
    return a.value(lo_key), a.value(hi_key), a[lo_key].source


def target_flag(patients, by: str, a: Assumptions, bounds=None) -> str:
    """'' inside the target, else 'below 30,000' / 'above 50,000' (unknown → '')."""
    lo, hi, _ = target_band(by, a, bounds)
    if patients is None or not np.isfinite(patients):
        return ""
    if patients < lo:
        return f"below {lo:,.0f}"
    if patients > hi:
        return f"above {hi:,.0f}"
    return ""


def cost_band(a: Assumptions | None = None) -> tuple[float, float]:
    """The comparison band (£ per new resident): the assumption's low and high ends."""
    if a is None:
        return CONTRIBUTION_BAND_GBP_PER_RESIDENT
    entry = a["contribution_gbp_per_resident"]
    return entry.low, entry.high


def cost_flag(per_resident: float, a: Assumptions | None = None) -> str:
    """Where the capital per new resident sits against the Kent contribution band."""
    lo, hi = cost_band(a)
    if not np.isfinite(per_resident):
        return "unknown"
    if per_resident < lo:
        return "BELOW the comparison band"
    if per_resident > hi:
        return "ABOVE the comparison band"
    return "within the comparison band"
