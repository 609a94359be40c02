"""Key measures of a planning state, for comparing scenarios side by side.

One flat dict per state: locality bands, groups within bounds, hub access. Each measure
name carries its unit so a comparison table reads on its own.
"""
from __future__ import annotations

from models.grouping import group_metrics
from models.localities import locality_summary


def key_measures(plan) -> dict:
    """The measures of a Plan (its data, groups, bounds and assumptions)."""
    ds, groups = plan.dataset, plan.groups
    min_size, max_size = plan.grouping_bounds()
    lo, hi = plan.locality_bounds()
    out: dict = {}
    summary = locality_summary(ds, lo, hi)
    out[f"localities within {lo / 1000:,.0f}–{hi / 1000:,.0f}k"] = int(
        summary["within_target"].sum())
    for row in summary.itertuples():
        out[f"{row.locality}: registered patients"] = int(row.registered_patients)
    included = ds.housing[ds.housing["include"]]
    out["housing sites in projections"] = int(len(included))
    out["dwellings in projections"] = int(included["dwellings"].sum())
    if groups:
        table = group_metrics(ds.practices, groups, min_size, max_size)
        out["extended groups"] = int(len(table))
        out[f"groups within {min_size:,}–{max_size:,}"] = int(table["within_bounds"].sum())
    else:
        out["extended groups"] = 0
    out["hubs"] = int(len(ds.hubs))
    if len(ds.hubs):
        layout = plan.evaluate_hubs()
        acc = layout.access["now"]
        out["mean distance to nearest hub (km)"] = round(float(acc["mean_distance_km"]), 3)
        for km in (1, 2, 5):
            out[f"patients within {km} km of a hub (%)"] = round(
                100 * float(acc[f"share_within_{km}km"]), 1)
        out["hubs over capacity"] = int(layout.per_hub["over_capacity"].fillna(False)
                                        .astype(bool).sum())
    from models.capacity.spare import capacity_measures   # the estate register's space gap
    out.update(capacity_measures(plan))
    return out
