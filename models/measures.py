"""Key measures of a planning state, for comparing scenarios side by side.

One flat dict per state: locality bands, groups within bounds, hub access. Each measure
name carries its unit so a comparison table reads on its own.
"""
from __future__ import annotations

from models import hubs as hubmodel
from models.grouping_metrics import group_metrics
from models.localities import locality_summary


def key_measures(ds, groups: dict[str, str] | None = None, min_size: int = 30_000,
                 max_size: int = 50_000) -> dict:
    out: dict = {}
    summary = locality_summary(ds)
    out["localities within 30–50k"] = int(summary["within_target"].sum())
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
        layout = hubmodel.evaluate_layout(hubmodel.demand_points(ds), ds.hubs)
        acc = layout.access["now"]
        out["mean distance to nearest hub (km)"] = round(float(acc["mean_distance_km"]), 3)
        for km in (1, 2, 5):
            out[f"patients within {km} km of a hub (%)"] = round(
                100 * float(acc[f"share_within_{km}km"]), 1)
        out["hubs over capacity"] = int(layout.per_hub["over_capacity"].fillna(False)
                                        .astype(bool).sum())
    return out
