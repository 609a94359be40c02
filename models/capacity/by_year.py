"""Space needed against space available, by year and area, and the year each gap opens.

Each practice (its main and branch sites together: its patients use them all) is one unit;
each hub is a unit with rooms but no list of its own. Per unit and year:

* patients = today's list + the new registered patients of the included housing sites,
  phased as the Demand tab phases them (models/demand.project_demand), each site's new
  residents registering at the nearest practice (straight line, EPSG:27700); with the ONS
  trend, the list also grows with the projected population (models/capacity/projection.py).
* appointments needed = patients × face-to-face bookings per patient (sessions.py);
  capacity = rooms × hours × weeks × utilisation target ÷ room time per appointment.
* utilisation = appointments needed ÷ what the rooms host in all their open hours (so it
  reads against the target, 75% by default); rooms needed = appointments needed ÷ what one
  room hosts at the target; rooms short = needed − available (negative = spare);
  m² needed = rooms needed × m² per room; m² available = the register's GIA.
* top-down cross-check: the flat ratios, 1.2 rooms and 68.6 m² per 1,000 patients.

An area sums the units whose rooms are all known (``practices_known`` of ``practices``);
its hubs' rooms count with it. An area with no practice of known capacity is unknown
(NaN), never 0. The gap opens in the first year rooms short is above zero ("now" when it
already is).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.dataset import is_branch
from models.capacity.sessions import (
    appointments_per_patient, core_room_appointments, m2_per_room, site_capacity,
)

BY_CHOICES = ("site", "locality", "group", "hub")
TOTAL = "Medway"
NOW = "now"
NO_GAP = "none by {last}"
TREND_YEARS = 20          # with the ONS trend, years shown from the first completions
TABLE_COLUMNS = [
    "year", "area", "practices", "practices_known", "patients", "patients_covered",
    "new_patients", "trend_patients", "appointments_needed", "capacity_appointments",
    "utilisation", "rooms_available", "rooms_needed", "rooms_short", "m2_available",
    "m2_needed", "m2_short", "rooms_topdown", "m2_topdown"]
UNITS = {"patients": "registered patients", "appointments_needed": "face-to-face "
         "appointments a year", "capacity_appointments": "appointments a year at the "
         "utilisation target", "utilisation": "share of open room hours",
         "rooms_available": "clinical rooms", "rooms_needed": "clinical rooms",
         "rooms_short": "clinical rooms (negative = spare)", "m2_available": "m² GIA",
         "m2_needed": "m² GIA", "m2_short": "m² GIA (negative = spare)",
         "rooms_topdown": "clinical rooms (1.2 per 1,000)",
         "m2_topdown": "m² GIA (68.6 per 1,000)"}


class CapacityError(ValueError):
    """The capacity cannot be worked out as asked (e.g. by group with no grouping)."""


@dataclass
class CapacityResult:
    table: pd.DataFrame          # one row per area × year (the first year is "now")
    areas: pd.DataFrame          # per area: utilisation now, gap year, coverage
    sites: pd.DataFrame          # per site: register figures and capacity
    years: list[int]             # the projection years after "now"
    now_year: int
    by: str
    warnings: list[str] = field(default_factory=list)
    trend: bool = False

    def area(self, name: str) -> pd.DataFrame:
        return self.table[self.table["area"] == name].reset_index(drop=True)


def _per_unit(sites: pd.DataFrame) -> pd.DataFrame:
    """Per practice (its sites together) or hub: rooms, m², capacity — each unknown (NaN)
    unless every one of its sites gives it (a site without rooms is not 0 rooms)."""
    columns = {"rooms": "clinical_rooms", "gia": "gia_m2",
               "capacity": "capacity_appointments", "full": "full_time_appointments"}
    work = pd.DataFrame({"unit": sites["unit"]})
    for name, col in columns.items():
        values = pd.to_numeric(sites[col]).astype(float)
        work[name] = values.fillna(0.0)
        work[name + "_missing"] = values.isna().astype(int)
    work["unknown_sites"] = (~sites["in_register"].astype(bool)).astype(int)
    g = work.groupby("unit").sum()
    out = pd.DataFrame(index=g.index)
    for name in columns:
        out[name] = g[name].where(g[name + "_missing"] == 0)
    out["sites"] = work.groupby("unit").size()
    out["unknown_sites"] = g["unknown_sites"]
    return out


_GROWTH_CACHE: dict = {}      # the last few growth runs: a register edit does not redo them


def _growth_key(ds, assumptions, units, years):
    """What the housing growth depends on: the housing sites, the practices' places and
    lists, the assumptions (a register edit changes none of these)."""
    import json
    parts = [pd.util.hash_pandas_object(ds.housing.astype(str), index=False).sum(),
             pd.util.hash_pandas_object(ds.practices.astype(str), index=False).sum()]
    return (tuple(int(p) for p in parts), json.dumps(assumptions.to_dict(), sort_keys=True,
                                                     default=str), tuple(units),
            None if years is None else tuple(years))


def _unit_growth(ds, assumptions, units: list[str], years=None):
    """New registered patients per main practice and year (nearest practice), and the
    years; each practice is made its own 'group' so project_demand places every housing
    site at its nearest practice with the Demand tab's phasing and assumptions."""
    own = {code: code for code in units}
    if not own:
        return np.zeros((0, 0)), [], []
    key = _growth_key(ds, assumptions, units, years)
    if key not in _GROWTH_CACHE:
        if len(_GROWTH_CACHE) >= 8:
            _GROWTH_CACHE.pop(next(iter(_GROWTH_CACHE)))
        _GROWTH_CACHE[key] = _run_growth(ds, assumptions, units, own, years)
    growth, found, notes = _GROWTH_CACHE[key]
    return growth.copy(), list(found), list(notes)


def _run_growth(ds, assumptions, units, own, years):
    from models.demand import project_demand
    result = project_demand(ds, assumptions, by="group", groups=own, ranges=False,
                            years=years)
    years = list(result.years)
    table = result.table
    growth = np.zeros((len(units), len(years)))
    position = {code: i for i, code in enumerate(units)}
    for rec in table[table["area"].isin(position)].itertuples():
        growth[position[rec.area], years.index(rec.year)] = rec.cumulative_patients
    return growth, years, list(result.warnings)


def capacity_by_year(ds, assumptions, *, by: str = "locality", groups=None,
                     projection: pd.DataFrame | None = None) -> CapacityResult:
    """Needed against available per area and year (see the module notes). ``projection``:
    the ONS projection (geo/io_projections.py) to grow the lists with, or None."""
    from models.demand import DemandError, assign_areas
    from models.supply import list_known
    if by not in BY_CHOICES:
        raise CapacityError(f"by must be one of {', '.join(BY_CHOICES)}, not '{by}'")
    value = assumptions.value
    warnings: list[str] = []
    sites = site_capacity(ds, value)
    mains = ds.practices[~is_branch(ds.practices)]
    codes = mains["practice_code"].astype(str).tolist()
    lists = mains["list_size"].astype(float).where(list_known(mains)).to_numpy()
    growth, years, notes = _unit_growth(ds, assumptions, codes)
    if projection is not None and years:      # the trend runs on past the housing list
        last = min(int(projection["year"].max()), years[0] + TREND_YEARS - 1)
        if last > years[-1]:
            growth, years, notes = _unit_growth(ds, assumptions, codes, (years[0], last))
    warnings += [n for n in notes if "group" not in n and "GP figure" not in n]
    now_year = (years[0] - 1) if years else pd.Timestamp.today().year
    all_years = [now_year] + years
    growth = np.hstack([np.zeros((len(codes), 1)), growth]) if len(codes) else \
        np.zeros((0, 1))

    trend_growth = np.zeros_like(growth)
    if projection is not None and len(codes):
        from models.capacity.projection import (
            ageing_note, combine_with_trend, population_index,
        )
        index = population_index(projection, now_year)
        trend_growth, growth = combine_with_trend(lists, growth, all_years, index,
                                                  value("projection_overlap_share"))
        warnings.append(ageing_note(projection, now_year, all_years[-1]))

    # Units: practices (with their branches), then hubs.
    per_unit = _per_unit(sites)
    hubs = ds.hubs["hub_id"].astype(str).tolist()
    unit_ids = codes + hubs
    per_unit = per_unit.reindex(unit_ids)
    patients_now = np.concatenate([lists, np.zeros(len(hubs))])
    new = np.vstack([growth, np.zeros((len(hubs), len(all_years)))])
    trended = np.vstack([trend_growth, np.zeros((len(hubs), len(all_years)))])
    is_hub = np.array([False] * len(codes) + [True] * len(hubs))

    area_of, area_names = _areas(ds, by, groups, codes, hubs, mains, sites, assign_areas,
                                 DemandError)
    rows = []
    per_patient = appointments_per_patient(value)
    room_core = core_room_appointments(value)
    per_room_m2 = m2_per_room(value)
    for name in area_names + [TOTAL]:
        sel = np.ones(len(unit_ids), bool) if name == TOTAL else (area_of == name)
        rows += _area_rows(name, sel, is_hub, per_unit, patients_now, new, trended,
                           all_years, per_patient, room_core, per_room_m2, value)
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    unknown = sites.loc[~sites["in_register"], "site_code"].tolist()
    if unknown:
        warnings.append(f"{len(unknown)} site(s) have no estate register row; their "
                        "capacity is unknown and their practices are left out of the area "
                        "figures: " + ", ".join(unknown[:10]) + (" …" if len(unknown) > 10
                                                                 else ""))
    assumed = sites.loc[sites["hours_assumed"] & sites["in_register"], "site_code"].tolist()
    if assumed:
        warnings.append(f"{len(assumed)} site(s) give no opening hours; core hours "
                        f"({value('core_hours_per_week'):g} a week) assumed")
    areas = summarise(table, all_years)
    areas["imd_score"] = _list_weighted_imd(ds, codes, lists, area_of, area_names)
    return CapacityResult(table=table, areas=areas, sites=sites, years=years,
                          now_year=now_year, by=by, warnings=warnings,
                          trend=projection is not None)


def _list_weighted_imd(ds, codes, lists, area_of, names) -> list[float]:
    """Each area's deprivation beside its gap: the practices' IMD scores weighted by list
    (OHID Fingertips 93553, where the data has it; unknown otherwise)."""
    if getattr(ds, "deprivation", None) is None:
        return [np.nan] * (len(names) + 1)          # no IMD file: unknown, not 0
    from models.supply import practice_supply
    prac, _ = practice_supply(ds)
    imd = prac.set_index("practice_code")["imd_score"].reindex(codes).to_numpy(float)
    weights = np.nan_to_num(lists)
    prac_area = area_of[:len(codes)]
    out = []
    for name in names + [TOTAL]:
        sel = np.isfinite(imd) & (weights > 0) & (
            np.ones(len(codes), bool) if name == TOTAL else (prac_area == name))
        out.append(float(np.average(imd[sel], weights=weights[sel])) if sel.any()
                   else np.nan)
    return out


def _areas(ds, by, groups, codes, hubs, mains, sites, assign_areas, DemandError):
    """Each unit's area name and the area names in order."""
    if by == "site":
        names = dict(zip(sites["site_code"], sites["name"]))
        labels = [f"{c} {names.get(c, '')}".strip() for c in codes + hubs]
        return np.asarray(labels, dtype=object), labels
    try:
        areas, _site_area, prac_area, _notes = assign_areas(ds, by, groups)
    except DemandError as exc:
        raise CapacityError(str(exc)) from None
    prac_area = np.asarray(prac_area, dtype=object)
    if by == "locality":
        hub_area = ds.hubs["locality"].fillna("").astype(str).replace(
            "", "(outside localities)").to_numpy(dtype=object)
    elif by == "hub":
        hub_area = np.asarray(areas, dtype=object)[:len(hubs)]
    else:                     # group: the group of the hub's nearest practice
        from scipy.spatial import cKDTree

        from geo.crs import points_bng
        if len(hubs) and len(mains):
            nearest = cKDTree(points_bng(mains)).query(points_bng(ds.hubs))[1]
            hub_area = prac_area[nearest]
        else:
            hub_area = np.empty(0, dtype=object)
    names = list(areas) + [a for a in hub_area if a not in areas]
    return np.concatenate([prac_area, hub_area]).astype(object), list(dict.fromkeys(names))


def _area_rows(name, sel, is_hub, per_unit, patients_now, new, trended, years, per_patient,
               room_core, per_room_m2, value) -> list[dict]:
    rooms = per_unit["rooms"].to_numpy(float)
    known = sel & ~is_hub & np.isfinite(rooms) & np.isfinite(patients_now)
    hub_known = sel & is_hub & np.isfinite(rooms)
    use = known | hub_known
    practices = int((sel & ~is_hub).sum())
    any_known = bool(known.any())
    capacity = per_unit["capacity"].to_numpy(float)
    full = per_unit["full"].to_numpy(float)
    gia = per_unit["gia"].to_numpy(float)
    cap = float(capacity[use].sum()) if any_known else np.nan
    full_cap = float(full[use].sum()) if any_known else np.nan
    rooms_av = float(rooms[use].sum()) if any_known else np.nan
    gia_use = gia[use]
    m2_av = float(gia_use.sum()) if any_known and np.isfinite(gia_use).all() else np.nan
    per_room = cap / rooms_av if any_known and rooms_av > 0 else room_core
    out = []
    for j, year in enumerate(years):
        patients_all = float(np.nansum(patients_now[sel & ~is_hub] + new[sel & ~is_hub, j]))
        covered = float((patients_now[known] + new[known, j]).sum()) if any_known else np.nan
        needed = covered * per_patient
        rooms_needed = needed / per_room if any_known else np.nan
        out.append({
            "year": int(year), "area": name, "practices": practices,
            "practices_known": int(known.sum()), "patients": patients_all,
            "patients_covered": covered, "new_patients": float(new[sel, j].sum() - trended[sel, j].sum()),
            "trend_patients": float(trended[sel, j].sum()),
            "appointments_needed": needed, "capacity_appointments": cap,
            "utilisation": needed / full_cap if any_known and full_cap > 0 else np.nan,
            "rooms_available": rooms_av, "rooms_needed": rooms_needed,
            "rooms_short": rooms_needed - rooms_av, "m2_available": m2_av,
            "m2_needed": rooms_needed * per_room_m2,
            "m2_short": rooms_needed * per_room_m2 - m2_av,
            "rooms_topdown": covered / 1000.0 * value("rooms_per_1000_patients"),
            "m2_topdown": covered / 1000.0 * value("floorspace_m2_per_1000")})
    return out


def gap_opens(rows: pd.DataFrame, now_year: int) -> str:
    """The first year rooms short is above zero: "now", a year, "none by <last>" or
    "unknown" (no practice of known capacity)."""
    short = rows["rooms_short"].to_numpy(float)
    if not np.isfinite(short).any():
        return "unknown"
    over = np.flatnonzero(short > 1e-9)
    if not len(over):
        return NO_GAP.format(last=int(rows["year"].max()))
    year = int(rows["year"].iloc[over[0]])
    return NOW if year == now_year else str(year)


def summarise(table: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Per area: utilisation now, rooms now and at the last year, the year the gap opens."""
    out = []
    for name, rows in table.groupby("area", sort=False):
        rows = rows.sort_values("year")
        first, last = rows.iloc[0], rows.iloc[-1]
        out.append({"area": name, "practices": int(first["practices"]),
                    "practices_known": int(first["practices_known"]),
                    "patients_now": first["patients"],
                    "utilisation_now": first["utilisation"],
                    "rooms_available": first["rooms_available"],
                    "rooms_needed_now": first["rooms_needed"],
                    "rooms_short_now": first["rooms_short"],
                    "rooms_topdown_now": first["rooms_topdown"],
                    "last_year": int(last["year"]),
                    "rooms_needed_last": last["rooms_needed"],
                    "rooms_short_last": last["rooms_short"],
                    "m2_available": first["m2_available"],
                    "m2_needed_last": last["m2_needed"],
                    "gap_opens": gap_opens(rows, years[0])})
    return pd.DataFrame(out)


def plan_capacity(plan, by: str = "locality",
                  projection: pd.DataFrame | None = None) -> CapacityResult:
    """The capacity of a Plan (its data, register, groups and assumptions); with a
    ``projection`` the lists also grow with the ONS trend."""
    groups, note = (plan.groups_everywhere() if by == "group"
                    else (plan.groups or None, ""))
    result = capacity_by_year(plan.dataset, plan.assumptions, by=by, groups=groups,
                              projection=projection)
    if note:
        result.warnings.insert(0, f"extended groups: {note}")
    return result
