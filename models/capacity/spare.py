"""Spare capacity of named sites — what the contribution pack nets off a development's
need, and what a hub's capacity can be set from.

Spare appointments = what the sites host at the utilisation target − what their practices'
patients need (today's lists, or in a projection year); spare rooms = that ÷ what one of
their rooms hosts. A site with no rooms in the register is unknown (None), never 0.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.capacity.sessions import appointments_per_patient, site_capacity


@dataclass(frozen=True)
class Spare:
    sites: tuple[str, ...]
    capacity_appointments: float     # a year, at the utilisation target
    needed_appointments: float       # a year, by the sites' own practices' patients
    spare_appointments: float        # capacity − needed (negative = short)
    spare_rooms: float
    spare_patients: float            # patients the spare could take
    unknown: tuple[str, ...]         # named sites whose rooms are unknown


def spare_capacity(plan, site_codes, year: int | None = None) -> Spare | None:
    """Spare capacity of ``site_codes`` (practice, branch or hub codes): their capacity less
    the need of the practices they belong to. ``year``: a projection year (with housing
    growth, as the Capacity tab counts it); None = today's lists. None when no named site
    has known rooms."""
    from models.capacity.by_year import capacity_by_year
    ds, a = plan.dataset, plan.assumptions
    value = a.value
    sites = site_capacity(ds, value)
    wanted = sites[sites["site_code"].isin([str(c) for c in site_codes])]
    unknown = tuple(wanted.loc[wanted["capacity_appointments"].isna(), "site_code"])
    known = wanted[wanted["capacity_appointments"].notna()]
    if known.empty:
        return None
    # The need on these sites: each practice's need shared over its sites by capacity.
    result = capacity_by_year(ds, a, by="site", groups=plan.groups or None)
    table = result.table
    pick = result.now_year if year is None else int(year)
    if pick not in set(table["year"]):
        pick = max(y for y in table["year"] if y <= pick) if (table["year"] <= pick).any() \
            else result.now_year
    per_patient = appointments_per_patient(value)
    mains = ds.main_practices().set_index("practice_code")
    names = dict(zip(sites["site_code"], sites["name"]))
    needed = 0.0
    for unit, rows in known.groupby("unit"):
        if unit not in mains.index:
            continue                              # a hub: no list of its own
        label = f"{unit} {names.get(unit, '')}".strip()
        row = table[(table["area"] == label) & (table["year"] == pick)]
        patients = float(row["patients_covered"].iloc[0]) if len(row) else np.nan
        unit_sites = sites[sites["unit"] == unit]
        total = unit_sites["capacity_appointments"].sum()
        if not np.isfinite(patients) or total <= 0:
            patients = float(mains.at[unit, "list_size"])
        share = rows["capacity_appointments"].sum() / total if total > 0 else 1.0
        needed += patients * per_patient * share
    capacity = float(known["capacity_appointments"].sum())
    spare = capacity - needed
    per_room = capacity / float(known["clinical_rooms"].astype(float).sum())
    return Spare(tuple(known["site_code"]), capacity, float(needed), float(spare),
                 float(spare / per_room), float(spare / per_patient), unknown)


def hub_capacity_patients(ds, assumptions, hub_id: str) -> float | None:
    """Patients a hub's registered rooms can serve at the utilisation target (its
    ``capacity_patients``), or None when its rooms are unknown."""
    sites = site_capacity(ds, assumptions.value)
    row = sites[sites["site_code"] == str(hub_id)]
    if row.empty or not np.isfinite(row["capacity_appointments"].iloc[0]):
        return None
    return float(row["capacity_appointments"].iloc[0]) / appointments_per_patient(
        assumptions.value)


def capacity_measures(plan) -> dict:
    """Compare's capacity measures of a plan: rooms short at the horizon (room sessions,
    negative = spare), localities whose gap opens by then, utilisation now — over the
    practices of known capacity (unknown when there are none)."""
    from models.capacity.by_year import TOTAL, plan_capacity
    areas = plan_capacity(plan, by="locality").areas.set_index("area")
    total = areas.loc[TOTAL]
    short = total["rooms_short_last"]
    opened = [a for a, g in areas["gap_opens"].items()
              if a != TOTAL and g not in ("unknown",) and not g.startswith("none")]
    known = np.isfinite(short)
    return {"clinical rooms short at the horizon (room sessions; − = spare)":
            round(float(short), 1) if known else None,
            "localities with a space gap by the horizon": len(opened) if known else None,
            "room utilisation now (% of open hours)":
            round(100 * float(total["utilisation_now"]), 1) if known else None}
