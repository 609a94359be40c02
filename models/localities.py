"""Per-locality summary: is each Medway Model locality within its 30,000–50,000 target?

Registered population = the sum of practice list sizes in the locality (branches carry no
list of their own). Source of the band: Medway CCG Operational Plan 2017–19, ch. 3 ("six
local geographies, each 30,000–50,000").
"""
from __future__ import annotations

import pandas as pd

TARGET_MIN, TARGET_MAX = 30_000, 50_000
TARGET_SOURCE = ("Medway CCG Operational Plan 2017–19, ch. 3: six local geographies of "
                 "30,000–50,000 people")


def locality_summary(ds, low: int = TARGET_MIN, high: int = TARGET_MAX) -> pd.DataFrame:
    """One row per locality (plus any 'outside every locality' row), in the file's order."""
    p = ds.practices
    mains = p[p["parent_code"] == ""]
    branches = p[p["parent_code"] != ""]
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
            flag = f"below {low:,} by {low - patients:,}"
        elif patients > high:
            flag = f"above {high:,} by {patients - high:,}"
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
