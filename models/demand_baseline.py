"""Today's lists and GPs per area beside the new demand: the GP gap and the estate gap.

Figures come from models/supply.py; unknown lists and GP figures stay NaN and every ratio
is over the practices with both figures, with the count of what is missing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.assumptions import Assumptions

def area_lists(ds, areas: list[str], prac_area: np.ndarray) -> np.ndarray:
    """Today's known registered list per area, then Medway (unknown lists count as none)."""
    from models.supply import list_known
    mains = ds.main_practices()
    lists = np.where(list_known(mains).to_numpy(), mains["list_size"].to_numpy(float), 0.0)
    per = pd.Series(lists).groupby(np.asarray(prac_area, dtype=object)).sum()
    out = per.reindex(areas).fillna(0.0).to_numpy(float)
    return np.append(out, out.sum())


def baseline(ds, areas: list[str], prac_area: np.ndarray, final: dict, a: Assumptions,
              ranges: bool) -> tuple[pd.DataFrame, float, list[str]]:
    """Per area + Medway: today's list and GPs (models/supply.py), and the gap once the
    new patients arrive. Unknown figures stay NaN and ratios use the practices with both."""
    from models.supply import area_supply, period_notes, practice_supply
    notes: list[str] = []
    prac, used = practice_supply(ds, a)
    weighted = bool(a.options.get("need_weighted_lists"))
    sup = area_supply(prac, areas, prac_area, a, need_weighted=weighted)
    if weighted:
        notes.append("GP gap on need-weighted lists (each list × the Carr-Hill weighting of "
                     f"NHS Payments {used.get('payments') or '— not loaded: unknown'})")
    n = len(prac)
    no_gp = int((~(prac["gps"].notna() & (prac["gps"] > 0))).sum())
    no_list = int(prac["list_size"].isna().sum())
    if no_gp:
        notes.append(f"{no_gp} of {n} practices have no GP figure (blank, not reported or 0 "
                     "fully qualified GPs); GP ratios use only practices with a figure")
    if no_list:
        notes.append(f"{no_list} of {n} practices have no list size (closed or merged since "
                     "the practice list); left out of totals and ratios")
    out = sup.rename(columns={"gps": "gp_wte", "patients_per_gp": "patients_per_gp_wte"})
    notes.extend(period_notes(used, out.iloc[-1]))
    ratio = float(out["patients_per_gp_wte"].iloc[-1])
    bench = a.value("patients_per_gp_wte")
    out["new_patients"] = final["central"]["cumulative_patients"]
    out["list_with_growth"] = out["list_size"] + out["new_patients"]
    out["extra_wte_today_ratio"] = out["new_patients"] / ratio if np.isfinite(ratio) \
        else np.nan
    out["extra_wte_benchmark"] = out["new_patients"] / bench
    # GPs short of the benchmark once the new patients arrive (negative = to spare); over
    # the practices with both a list and a GP figure, so unknowns never read as zero GPs.
    entry = a["patients_per_gp_wte"]
    # With the consultation trend on, its extra workload on today's list counts too.
    trend = final["central"]["trend_patients"]
    share = np.divide(out["patients_in_ratio"].to_numpy(float),
                      out["list_size"].to_numpy(float),
                      out=np.zeros(len(out)), where=out["list_size"].to_numpy(float) > 0)
    out["trend_patients"] = trend
    # Existing estate: where the capacity return gives m², the space still to find is the
    # new need less today's spare space (negative = the spare space covers it).
    out["new_m2"] = final["central"]["floorspace_m2"]
    out["net_new_m2"] = np.where(out["capacity_practices"] > 0,
                                 out["new_m2"] - out["spare_m2"], np.nan)
    gaps = np.stack([(out["patients_in_ratio"] + out["new_patients"] + trend * share) / v
                     - out["gps_in_ratio"]
                     for v in (entry.used, entry.scenario_low, entry.scenario_high)])
    out["gp_wte_gap_benchmark"] = gaps[0]
    out["gp_wte_gap_benchmark_low"] = gaps.min(axis=0)
    out["gp_wte_gap_benchmark_high"] = gaps.max(axis=0)
    if ranges:
        lows = a.demand_scenario("low")
        highs = a.demand_scenario("high")
        cand = np.stack([final[k]["cumulative_patients"] for k in ("central", "low", "high")])
        out["new_patients_low"] = cand.min(axis=0)
        out["new_patients_high"] = cand.max(axis=0)
        wtes = np.stack([final["central"]["cumulative_patients"] / bench,
                         final["low"]["cumulative_patients"] / lows["patients_per_gp_wte"],
                         final["high"]["cumulative_patients"] / highs["patients_per_gp_wte"]])
        out["extra_wte_benchmark_low"] = wtes.min(axis=0)
        out["extra_wte_benchmark_high"] = wtes.max(axis=0)
    out.attrs["years"] = used
    return out, ratio, notes
