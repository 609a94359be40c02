"""Key measures of a planning state, for comparing scenarios side by side.

One flat dict per state: locality bands, groups within bounds, hub access, and the demand
and money of the housing in projections (new patients, GP WTE, rooms, floorspace, capital,
£ per dwelling, the GP supply gap) and the access of the most deprived fifth of patients.
Each measure name carries its unit so a comparison table reads on its own. The window's
File → Compare scenarios… and `python main.py compare` both read this one definition.
An unknown figure is None (shown "unknown"), never 0.
"""
from __future__ import annotations

import numpy as np

from models.localities import MEDWAY, locality_summary

DEPRIVED_SHARE = 0.2          # the most deprived fifth of patients (by practice IMD score)

# The demand and money rows: measure name → the Medway column of the demand totals.
DEMAND_ROWS = {
    "new patients from the housing (by the last year)": "new_patients",
    "GP WTE needed for them": "gp_wte_needed",
    "clinical rooms needed": "rooms_needed",
    "floorspace needed (m² GIA)": "floorspace_m2",
    "capital cost (£)": "capital_cost_gbp",
}
PER_DWELLING = "capital per dwelling (£)"
GAP = "GP gap at the benchmark after growth (WTE; + = short)"
MONEY_WORDS = ("£",)


def key_measures(plan, travel: str = "straight") -> dict:
    """The measures of a Plan (its data, groups, bounds and assumptions). ``travel``
    ("straight", "drive", "walk"): how the deprived fifth's access is measured (road modes
    need the data folder's imported roads; without them, straight line)."""
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
    out.update(demand_measures(plan))
    if groups:
        from models.grouping import group_metrics   # scikit-learn, SciPy: only when asked
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
        out.update(deprived_access(plan, layout, travel))
    from models.capacity.spare import capacity_measures   # the estate register's space gap
    out.update(capacity_measures(plan))
    return out


def _known(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def demand_measures(plan) -> dict:
    """New patients, GP WTE, rooms, m², £ (the whole area, by the last year shown), £ per
    dwelling completed in those years, and the GP gap once the new patients arrive."""
    result = plan.project_demand(by="locality")
    totals = result.totals().set_index("area")
    out: dict = {}
    years = result.years
    out["projection years"] = f"{years[0]}–{years[-1]}" if years else "none"
    whole = totals.loc[MEDWAY] if MEDWAY in totals.index else None
    for name, column in DEMAND_ROWS.items():
        out[name] = None if whole is None else _known(whole[column])
    dwellings = None if whole is None else float(whole["new_dwellings"])
    capital = out["capital cost (£)"]
    out[PER_DWELLING] = (round(capital / dwellings) if capital is not None and dwellings
                         else None)
    base = result.baseline.set_index("area")
    out[GAP] = (_known(base.at[MEDWAY, "gp_wte_gap_benchmark"])
                if MEDWAY in base.index else None)
    for name in list(DEMAND_ROWS) + [GAP]:
        if out[name] is not None:
            out[name] = round(out[name], 0 if "£" in name or "patients" in name else 1)
    return out


def deprived_access(plan, layout, travel: str = "straight") -> dict:
    """Patient-weighted mean distance (or road time) to the nearest hub for the most
    deprived fifth of today's patients, ranking practices by their IMD score (the fifth is
    cut inside the practice that crosses it). Practices without a score are left out; no
    score at all → unknown."""
    from models.supply import practice_supply
    prac, _ = practice_supply(plan.dataset)
    imd = prac.set_index("practice_code")["imd_score"]
    assigned, column, unit = layout.assigned, "distance_km", "km"
    label = "most deprived fifth: mean distance to nearest hub (km)"
    if travel in ("drive", "walk"):
        graph = _graph(plan, travel)
        if graph is not None:
            from models.travel_access import evaluate_by_time
            assigned = evaluate_by_time(plan.demand_points(), plan.dataset.hubs,
                                        graph).assigned
            column, unit = "minutes", "minutes"
            label = f"most deprived fifth: mean {travel} time to nearest hub (minutes)"
    points = assigned[assigned["kind"] == "practice"]
    code = points["practice_code"].astype(str)
    score = code.map(imd).to_numpy(float)
    patients = points["patients_now"].to_numpy(float)
    value = points[column].to_numpy(float)
    ok = np.isfinite(score) & np.isfinite(value) & (patients > 0)
    if not ok.any():
        return {label: None}
    order = np.argsort(-score[ok], kind="stable")
    w, v = patients[ok][order], value[ok][order]
    fifth = DEPRIVED_SHARE * w.sum()
    before = np.concatenate([[0.0], np.cumsum(w)[:-1]])
    weight = np.clip(fifth - before, 0.0, w)
    mean = float((weight * v).sum() / weight.sum())
    return {label: round(mean, 2 if unit == "km" else 1)}


def _graph(plan, travel: str):
    from geo.roads import load_roads
    from models.travel_access import graph_for
    folder = plan.dataset.folder
    layers = load_roads(folder) if folder is not None else None
    return graph_for(layers, travel, plan.assumptions) if layers is not None else None


def measure_text(name: str, value) -> str:
    """A measure as a person reads it: 'unknown' for a missing figure, £ with thousands
    separators for money, whole numbers with commas, decimals without trailing zeros."""
    if value is None or (isinstance(value, float) and value != value):
        return "unknown"
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    if any(word in name for word in MONEY_WORDS):
        return f"£{value:,.0f}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
