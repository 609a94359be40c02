"""Per-locality summary: is each Medway Model locality within its 30,000–50,000 target?

Registered population = the sum of practice list sizes in the locality (branches carry no
list of their own). Source of the band: Medway CCG Operational Plan 2017–19, ch. 3 ("six
local geographies, each 30,000–50,000").
"""
from __future__ import annotations

import pandas as pd

from models.assumptions import default_assumptions

TARGET_SOURCE = default_assumptions()["locality_min_population"].source


def locality_summary(ds, low: float | None = None, high: float | None = None) -> pd.DataFrame:
    """One row per locality (plus any 'outside every locality' row), in the file's order.

    ``low``/``high``: the target band (default: the assumptions table's locality targets;
    a Plan passes its own)."""
    a = default_assumptions()
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
        wte = float(m["gp_wte"].sum(min_count=1)) if len(m) else float("nan")
        if patients < low:
            flag = f"below {low:,.0f} by {low - patients:,.0f}"
        elif patients > high:
            flag = f"above {high:,.0f} by {patients - high:,.0f}"
        else:
            flag = ""
        rows.append({
            "locality": name or "(outside every locality)",
            "registered_patients": patients,
            "practices": len(m),
            "branches": int((branches["locality"] == name).sum()),
            "hlc": "; ".join(f"{h.name} ({h.status})" for h in hubs.itertuples()) or "none",
            "gp_wte": wte,
            "patients_per_gp_wte": patients / wte if wte and wte == wte else float("nan"),
            "within_target": flag == "",
            "flag": flag,
        })
    return pd.DataFrame(rows)
