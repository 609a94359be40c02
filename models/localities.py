"""Per-locality summary: is each Medway Model locality within its 30,000–50,000 target?

Registered population = the sum of practice list sizes in the locality (branches carry no
list of their own). Census residents (where the data folder has population.csv) are shown
beside it; the target is judged on one of the two (``basis``: the registered list unless the
planner chooses residents), and never on the pseudo-row of practices outside every
locality. Source of the band: Medway CCG Operational Plan 2017–19, ch. 3 ("six local
geographies, each 30,000–50,000").
"""
from __future__ import annotations

import pandas as pd

from models.assumptions import default_assumptions

TARGET_SOURCE = default_assumptions()["locality_min_population"].source
BASES = {"registered": "registered patients", "residents": "census residents"}
OUTSIDE = "(outside every locality)"
MEDWAY = "Medway"   # the row for the whole area, after its localities


def residents_by_locality(ds) -> dict[str, int] | None:
    """Census usual residents per locality (None when the data has no population file)."""
    pop = getattr(ds, "population", None)
    if pop is None or "residents" not in pop.columns:
        return None
    if "locality" in pop.columns:
        where = pop["locality"].fillna("").astype(str)
    else:                                  # placed by where each small area's point lies
        from geo.canonical import locality_of_points
        where = pd.Series(locality_of_points(ds.localities, pop["longitude"],
                                             pop["latitude"]), index=pop.index)
    return {str(k): int(v) for k, v in pop.groupby(where)["residents"].sum().items() if k}


def locality_summary(ds, low: float | None = None, high: float | None = None,
                     basis: str = "registered") -> pd.DataFrame:
    """One row per locality (plus any 'outside every locality' row), in the file's order.

    ``low``/``high``: the target band (default: the assumptions table's locality targets;
    a Plan passes its own). ``basis``: "registered" (list sizes) or "residents" (census;
    a locality without a residents figure is judged unknown, never flagged)."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}")
    a = default_assumptions()
    residents = residents_by_locality(ds)
    low = a.value("locality_min_population") if low is None else low
    high = a.value("locality_max_population") if high is None else high
    p = ds.practices
    mains, branches = ds.main_practices(), ds.branches()
    names = list(ds.localities["name"])
    if (p["locality"] == "").any():
        names.append("")
    rows = []
    for name in names:
        m = mains[mains["locality"] == name]
        hubs = ds.hubs[ds.hubs["locality"] == name]
        patients = int(m["list_size"].sum())
        people = float("nan") if residents is None or not name else \
            float(residents.get(name, float("nan")))
        wte = float(m["gp_wte"].sum(min_count=1)) if len(m) else float("nan")
        judged = patients if basis == "registered" else people
        if not name:
            flag = ""                   # not a locality: no target applies
        elif judged != judged:
            flag = f"unknown ({BASES[basis]} not in the data)"
        elif judged < low:
            flag = f"below {low:,.0f} by {low - judged:,.0f}"
        elif judged > high:
            flag = f"above {high:,.0f} by {judged - high:,.0f}"
        else:
            flag = ""
        rows.append({
            "locality": name or OUTSIDE,
            "is_locality": bool(name),
            "registered_patients": patients,
            "residents": people,
            "practices": len(m),
            "branches": int((branches["locality"] == name).sum()),
            "hlc": "; ".join(f"{h.name} ({h.status})" for h in hubs.itertuples()) or "none",
            "gp_wte": wte,
            "patients_per_gp_wte": patients / wte if wte and wte == wte else float("nan"),
            "within_target": bool(name) and flag == "",
            "out_of_band": bool(name) and flag.startswith(("below", "above")),
            "flag": flag,
        })
    return pd.DataFrame(rows)
