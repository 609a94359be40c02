"""GP demand from new dwellings: dwellings → residents → patients → GP WTE → rooms → m² → £.

Every figure is inputs × named assumptions (models/assumptions/, with sources); nothing
else. Plain numpy on small area × year matrices, so a recompute on the sample takes a few
milliseconds and the GUI can rerun it on every change.

API (for the Demand panel, the CLI and reports)
-----------------------------------------------
project_demand(ds, assumptions=None, *, by="locality", groups=None, include=None,
               years=None, ranges=True) -> DemandResult
    ds           geo.dataset.Dataset (uses ds.housing, ds.practices, ds.hubs, ds.groups)
    assumptions  models.assumptions.Assumptions (default: the docs/design.md §6 defaults); its
                 options switch the consultation-length trend on (apply_length_trend,
                 length_trend_base_year — default the year before the first completions —
                 and length_trend_method "compound" | "simple")
    by           "locality" (the site's locality column, filled from the polygons),
                 "group" (the extended practice group whose practices' patient-weighted
                 centre is nearest, straight line in EPSG:27700) or
                 "hub" (nearest hub, straight line in EPSG:27700)
    groups       practice_code → group: DataFrame [practice_code, group] or dict
                 (default ds.groups); branches follow their parent practice
    include      {site_id: bool} overriding ds.housing["include"] (e.g. a live toggle)
    years        (first, last) to show; default: the first year any included site
                 completes homes (plus the shortest build-out delay in use) to the last
                 (plus the longest)
    ranges       False skips the _low/_high companions

DemandResult
    .table     one row per area × year, areas in a stable order then "Medway" (the total of
               all areas); columns TABLE_COLUMNS:
                 year, area, new_dwellings, new_residents, new_patients,
                 cumulative_patients, gp_wte_needed, consultations, gp_hours,
                 rooms_needed, floorspace_m2, capital_cost_gbp,   (docs/design.md §5, in this order)
                 gp_wte_by_hours, clinical_room_m2,
                 and <measure>_low / <measure>_high for every measure.
               FLOW_MEASURES are per year (sum them over years); STOCK_MEASURES are what is
               needed by that year (take the last year, never sum them).
    .totals()  one row per area + Medway over the years shown (flows summed, stocks at
               the last year), same measure columns; its ranges are the smallest/largest
               scenario total (not sums of per-year ranges)
    .baseline  one row per area + Medway: practices, list_size, gp_wte,
               patients_per_gp_wte (the area's own), new_patients(_low/_high),
               list_with_growth, extra_wte_today_ratio (new patients ÷ Medway's own
               list-per-GP ratio), extra_wte_benchmark(_low/_high) (÷ the
               patients-per-GP-WTE assumption), gp_wte_gap_benchmark (GPs short of the
               benchmark once the new patients arrive; negative = to spare)
    .warnings  sites outside every locality, unphased dwellings, practices without a
               group, GP WTE missing, cost per resident far outside the Kent band …
    .medway_ratio, .cost_per_new_resident, .years, .areas, .by, .assumptions,
    .included_sites, .excluded_sites

Conventions
-----------
* Homes completed in year Y (2017 = 2017/18) count as occupied for all of year Y.
* new_patients = new_dwellings × persons per dwelling × registration share; persons per
  dwelling is the site's mix (beds_1 … beds_4plus) × persons by size where it gives one,
  else the flat figure (2.4).
* Only completions after the list sizes' date count (earlier ones are already in the list:
  ``dwellings_already_in_list``). The ranges' low end takes each site's minimum dwellings
  (a register's range), the high end its maximum.
* Stocks from cumulative patients: gp_wte_needed = cumulative ÷ patients per GP WTE;
  rooms_needed = cumulative ÷ 1,000 × rooms per 1,000; floorspace_m2 = cumulative ÷ 1,000 ×
  m² per 1,000; capital_cost_gbp = floorspace_m2 × £/m² (cost of the space needed by then);
  clinical_room_m2 = rooms × room size × (1 + circulation).
* Flows: consultations = cumulative patients × consultations per patient-year × GP share;
  gp_hours = consultations × minutes × trend factor ÷ 60; gp_wte_by_hours = gp_hours ÷
  (hours per week × weeks × patient-facing share).
* Ranges: the model runs three times — central, every assumption at its demand-lowering
  end, every one at its demand-raising end (a longer build-out delay lowers demand) — and
  _low/_high are the smallest/largest of the three per cell. With a delay, a single year's
  new dwellings can be higher under the later trajectory, hence min/max per cell.
* A site outside every locality goes to the area "(outside localities)" and is named in the
  warnings; a practice without a group to "(no group)". Nothing is dropped silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from geo.dataset import is_branch
from models.localities import MEDWAY
from models.assumptions import Assumptions
from models.demand_baseline import area_lists, baseline as area_baseline
from models.demand_lines import attribution_lines, cost_lines, rooms_line  # noqa: F401
from models.targets import (  # noqa: F401  (re-exported: the demand API)
    COST_BAND_SOURCE, TARGETS, cost_band, cost_flag, target_band, target_flag,
)
from models.trend import TREND_PERIOD, trend_factor, trend_note  # noqa: F401
from models.housing import Phasing, apply_phasing, persons_by_site, phase_completions

OUTSIDE_LOCALITIES = "(outside localities)"
NO_GROUP = "(no group)"
BY_CHOICES = ("locality", "group", "hub")

DESIGN_MEASURES = ["new_dwellings", "new_residents", "new_patients", "cumulative_patients",
                   "gp_wte_needed", "consultations", "gp_hours", "rooms_needed",
                   "floorspace_m2", "capital_cost_gbp"]
# Existing pressure (the consultation-length trend on the registered list): kept apart from
# the new dwellings' own demand, never added to it.
EXISTING_MEASURES = ["trend_patients", "existing_gp_wte", "existing_rooms",
                     "existing_floorspace_m2", "existing_capital_gbp"]
MEASURES = DESIGN_MEASURES + ["gp_wte_by_hours", "clinical_room_m2"] + EXISTING_MEASURES
FLOW_MEASURES = ["new_dwellings", "new_residents", "new_patients", "consultations",
                 "gp_hours"]
STOCK_MEASURES = [m for m in MEASURES if m not in FLOW_MEASURES]
RANGE_COLUMNS = [f"{m}_{end}" for m in MEASURES for end in ("low", "high")]
TABLE_COLUMNS = ["year", "area"] + MEASURES + RANGE_COLUMNS

UNITS = {"new_dwellings": "dwellings", "new_residents": "persons", "new_patients": "patients",
         "cumulative_patients": "patients", "gp_wte_needed": "GP WTE",
         "consultations": "consultations per year", "gp_hours": "GP hours per year",
         "rooms_needed": "clinical rooms", "floorspace_m2": "m² GIA",
         "capital_cost_gbp": "£", "gp_wte_by_hours": "GP WTE",
         "clinical_room_m2": "m²",
         "trend_patients": "patient-equivalents (longer consultations, whole list)",
         "existing_gp_wte": "GP WTE (existing pressure)",
         "existing_rooms": "clinical rooms (existing pressure)",
         "existing_floorspace_m2": "m² GIA (existing pressure)",
         "existing_capital_gbp": "£ (existing pressure)"}


class DemandError(ValueError):
    """The demand cannot be worked out as asked (e.g. by group with no grouping)."""


@dataclass
class DemandResult:
    table: pd.DataFrame
    baseline: pd.DataFrame
    warnings: list[str]
    by: str
    assumptions: Assumptions
    years: list[int]
    areas: list[str]
    medway_ratio: float
    cost_per_new_resident: float
    horizon: pd.DataFrame = field(default_factory=pd.DataFrame)
    cost_per_resident_range: tuple[float, float] = (float("nan"), float("nan"))
    trend_note: str = ""
    included_sites: list[str] = field(default_factory=list)
    excluded_sites: list[str] = field(default_factory=list)
    list_date: str = ""                       # the list sizes' date ('' = not recorded)
    dwellings_already_in_list: float = 0.0    # completed before it: not added again
    group_bounds: tuple[float, float] | None = None   # the plan's grouping bounds

    def totals(self) -> pd.DataFrame:
        """Per area over the years shown: flows summed, stocks at the last year.

        The ranges are those of the scenario totals (not sums of the per-year ranges, which
        a build-out delay would make too wide).
        """
        return self.horizon.copy()

    def medway(self) -> pd.DataFrame:
        return self.table[self.table["area"] == MEDWAY].reset_index(drop=True)


# ---------------------------------------------------------------- areas

def _group_mapping(groups) -> dict[str, str]:
    if groups is None:
        return {}
    if isinstance(groups, pd.DataFrame):
        pairs = zip(groups["practice_code"].astype(str), groups["group"].astype(str))
    else:
        pairs = ((str(k), str(v)) for k, v in dict(groups).items())
    return {code: group.strip() for code, group in pairs if group.strip()}


def assign_areas(ds, by: str, groups) -> tuple[list[str], np.ndarray, np.ndarray,
                                                list[str]]:
    """Area names, each housing site's area and each main practice's area, plus notes."""
    housing, practices = ds.housing, ds.practices
    mains = practices[~is_branch(practices)]
    notes: list[str] = []
    if by == "locality":
        known = [str(n) for n in ds.localities["name"]]
        site_area = housing["locality"].astype(str).replace("", OUTSIDE_LOCALITIES).to_numpy(
            dtype=object)
        prac_area = mains["locality"].astype(str).replace("", OUTSIDE_LOCALITIES).to_numpy(
            dtype=object)
        outside = housing.loc[housing["locality"] == ""]
        if len(outside):
            notes.append(f"{len(outside)} housing site(s) lie outside every locality; their "
                         f"demand is shown under '{OUTSIDE_LOCALITIES}': "
                         + ", ".join(f"{s} ({n})" for s, n in
                                     zip(outside["site_id"], outside["name"])))
        extra = sorted((set(site_area) | set(prac_area)) - set(known))
        areas = known + [a for a in extra if a not in known]
        return areas, site_area, prac_area, notes

    from scipy.spatial import cKDTree

    from geo.crs import points_bng

    site_xy = points_bng(housing) if len(housing) else np.empty((0, 2))
    if by == "hub":
        hubs = ds.hubs
        if hubs.empty:
            raise DemandError("there are no hubs to assign housing sites to; add a hub or "
                              "use by locality")
        names = _unique_names(hubs["name"].astype(str).tolist(),
                              hubs["hub_id"].astype(str).tolist())
        tree = cKDTree(points_bng(hubs))
        site_area = np.asarray(names, dtype=object)[tree.query(site_xy)[1]] \
            if len(site_xy) else np.empty(0, dtype=object)
        prac_area = np.asarray(names, dtype=object)[tree.query(points_bng(mains))[1]] \
            if len(mains) else np.empty(0, dtype=object)
        return list(names), site_area, prac_area, notes

    mapping = _group_mapping(groups if groups is not None else ds.groups)
    if not mapping:
        raise DemandError("no extended practice grouping exists for this data: load a "
                          "groups.csv (practice_code, group) or run the grouping first")
    codes = mains["practice_code"].astype(str)
    prac_group = codes.map(mapping)
    missing = codes[prac_group.isna()]
    if len(missing):
        notes.append(f"{len(missing)} practice(s) are in no group (baseline shown under "
                     f"'{NO_GROUP}'): " + ", ".join(missing.tolist()[:10])
                     + (" …" if len(missing) > 10 else ""))
    prac_area = prac_group.fillna(NO_GROUP).to_numpy(dtype=object)
    grouped = prac_group.notna().to_numpy()
    xy = points_bng(mains)[grouped]
    weight = mains["list_size"].to_numpy(float)[grouped]
    labels = prac_group[grouped].to_numpy(dtype=object)
    names = sorted(set(labels), key=_natural_key)
    centres = np.empty((len(names), 2))
    for i, name in enumerate(names):
        sel = labels == name
        w = weight[sel] if weight[sel].sum() > 0 else np.ones(sel.sum())
        centres[i] = np.average(xy[sel], axis=0, weights=w)
    site_area = (np.asarray(names, dtype=object)[cKDTree(centres).query(site_xy)[1]]
                 if len(site_xy) else np.empty(0, dtype=object))
    areas = list(names) + ([NO_GROUP] if len(missing) else [])
    return areas, site_area, prac_area, notes


def _unique_names(names: list[str], ids: list[str]) -> list[str]:
    seen = pd.Series(names).duplicated(keep=False).to_numpy()
    return [f"{n} ({i})" if dup else n for n, i, dup in zip(names, ids, seen)]


def _natural_key(text: str):
    import re
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(text))]


# ---------------------------------------------------------------- the arithmetic

def _measures(dwellings: np.ndarray, residents: np.ndarray, years: np.ndarray,
              v: Mapping[str, float], trend: tuple[bool, int, str],
              base_list: np.ndarray) -> dict[str, np.ndarray]:
    """All measures for an (areas, years) matrix of completions under one set of values.

    The new residents' own demand (what a developer can be asked to fund) uses today's
    workload per patient. The consultation-length trend, when on, is **existing pressure**:
    longer consultations across the registered list (``base_list`` per area, and the new
    patients as they arrive) from the list's date, as extra patient-equivalents with their
    own GP FTE, rooms, m² and £ — never added to the new dwellings' figures.
    """
    patients = residents * v["registration_share"]
    cumulative = np.cumsum(patients, axis=1)
    per_patient = v["consultations_per_patient_year"] * v["gp_share_of_consultations"]
    consultations = cumulative * per_patient
    apply, base, method = trend
    factor = (trend_factor(years - base, v["consultation_length_growth"], method) if apply
              else np.ones(len(years)))
    extra = (base_list[:, None] + cumulative) * (factor[None, :] - 1.0)
    gp_hours = consultations * v["consultation_minutes"] / 60.0
    hours_per_wte = v["gp_hours_per_week"] * v["gp_weeks_per_year"] * v["patient_facing_share"]
    rooms = cumulative / 1000.0 * v["rooms_per_1000_patients"]
    floorspace = cumulative / 1000.0 * v["floorspace_m2_per_1000"]
    existing_m2 = extra / 1000.0 * v["floorspace_m2_per_1000"]
    return {
        "new_dwellings": dwellings, "new_residents": residents, "new_patients": patients,
        "cumulative_patients": cumulative,
        "gp_wte_needed": cumulative / v["patients_per_gp_wte"],
        "consultations": consultations, "gp_hours": gp_hours,
        "rooms_needed": rooms, "floorspace_m2": floorspace,
        "capital_cost_gbp": floorspace * v["cost_per_m2"],
        "gp_wte_by_hours": gp_hours / hours_per_wte,
        "clinical_room_m2": rooms * v["room_m2"] * (1.0 + v["circulation_share"]),
        "trend_patients": extra, "existing_gp_wte": extra / v["patients_per_gp_wte"],
        "existing_rooms": extra / 1000.0 * v["rooms_per_1000_patients"],
        "existing_floorspace_m2": existing_m2,
        "existing_capital_gbp": existing_m2 * v["cost_per_m2"],
    }


@dataclass
class _Span:
    """The years computed (``full``) and those shown (``show``), and where the phasing's
    first year sits in them."""

    full: np.ndarray
    show: np.ndarray
    offset: int
    first: int
    last: int

    @property
    def shown(self) -> np.ndarray:
        return self.full[self.show].astype(int)


def _included(housing: pd.DataFrame, include, warnings: list[str]) -> np.ndarray:
    """Which sites count: the data's include column overridden by ``include``."""
    ids = housing["site_id"].astype(str).to_numpy()
    inc = housing["include"].astype(bool).to_numpy().copy()
    if include:
        position = {sid: i for i, sid in enumerate(ids)}
        unknown = [str(k) for k in include if str(k) not in position]
        if unknown:
            warnings.append("include settings for unknown housing sites were ignored: "
                            + ", ".join(unknown[:10]))
        for sid, flag in include.items():
            if str(sid) in position:
                inc[position[str(sid)]] = bool(flag)
    return inc


def _areas(ds, by: str, groups, warnings: list[str]):
    """Area names, each site's area and each main practice's area (the total's name kept
    unambiguous)."""
    areas, site_area, prac_area, notes = assign_areas(ds, by, groups)
    warnings.extend(notes)
    if MEDWAY in areas:
        rename = f"{MEDWAY} ({by})"
        areas = [rename if x == MEDWAY else x for x in areas]
        site_area = np.where(site_area == MEDWAY, rename, site_area).astype(object)
        prac_area = np.where(prac_area == MEDWAY, rename, prac_area).astype(object)
    return areas, site_area, prac_area


def _phasings(housing: pd.DataFrame, options, ranges: bool) -> dict:
    """Completions by site and year for the central figures (the dwelling-range end the
    options choose) and, for the ranges, at the low end (each site's minimum, where a
    register gives one) and the high end (its maximum) — all on one span of years."""
    out = {"central": phase_completions(apply_phasing(housing, options))}
    if ranges:
        for end in ("low", "high"):
            out[end] = phase_completions(apply_phasing(
                housing, {**options, "dwellings_range_end": end}))
    filled = [ph for ph in out.values() if ph.completions.shape[1]]
    if not filled:
        return out
    first = min(ph.first_year for ph in filled)
    last = max(ph.first_year + ph.completions.shape[1] - 1 for ph in filled)
    for key, ph in out.items():
        matrix = np.zeros((len(housing), last - first + 1))
        if ph.completions.shape[1]:
            start = ph.first_year - first
            matrix[:, start:start + ph.completions.shape[1]] = ph.completions
        out[key] = Phasing(ph.site_ids, first, matrix, ph.warnings)
    return out


def _completions_by_area(comp: np.ndarray, areas, site_area, inc) -> np.ndarray:
    index = {name: i for i, name in enumerate(areas)}
    site_idx = np.array([index[s] for s in site_area], dtype=int)
    by_area = np.zeros((len(areas), comp.shape[1]))
    if inc.any() and comp.size:
        np.add.at(by_area, site_idx[inc], comp[inc])
    return by_area


def _span(phasing, by_area, delays: dict, years, cutoff: int | None,
          warnings: list[str]) -> _Span:
    """The years to compute and show: the phasing's span (+ the delays), from the list's
    year, widened to ``years`` when given."""
    comp = phasing.completions
    active = np.flatnonzero(by_area.sum(axis=0) > 0)
    if years is not None:
        first, last = int(years[0]), int(years[1])
        if last < first:
            raise DemandError(f"the years to show run backwards ({first}–{last})")
    elif len(active):
        first = phasing.first_year + int(active[0]) + min(delays.values())
        last = phasing.first_year + int(active[-1]) + max(delays.values())
        if cutoff is not None:
            first = max(first, cutoff)
            last = max(last, first)
    else:
        first, last = 0, -1
        warnings.append("no housing site is included, so there is no new demand to show")
    max_delay = max(delays.values())
    if comp.shape[1]:
        span_first = min(phasing.first_year, first) if last >= first else phasing.first_year
        span_last = max(phasing.first_year + comp.shape[1] - 1 + max_delay, last)
    else:
        span_first, span_last = first, last
    full = np.arange(span_first, span_last + 1)
    return _Span(full, (full >= first) & (full <= last), phasing.first_year - span_first,
                 first, last)


def counted_years(years: np.ndarray, cutoff: int | None) -> np.ndarray:
    """Which years' completions are new demand: those from the list sizes' planning year on
    (earlier ones are already in the list); all of them when the list's date is unknown.
    The one rule demand and the hubs' growth (``new_patients_by_site``) count by."""
    years = np.asarray(years)
    return np.ones(len(years), dtype=bool) if cutoff is None else years >= cutoff


def _scenario_completions(by_area, span: _Span, delay: int, cutoff: int | None):
    """(areas + total, years) completions under one delay, less those before the list's
    date (already in the list), and the dwellings so set aside per area + total."""
    matrix = np.zeros((by_area.shape[0], len(span.full)))
    if by_area.shape[1] and len(span.full):
        start = span.offset + delay
        matrix[:, start:start + by_area.shape[1]] = by_area
    early = ~counted_years(span.full, cutoff)
    before = matrix[:, early].sum(axis=1)
    matrix[:, early] = 0.0
    matrix = np.vstack([matrix, matrix.sum(axis=0, keepdims=True)])
    return matrix, np.append(before, before.sum())


def _year_table(results: dict, span: _Span, area_names: list[str],
                ranges: bool) -> pd.DataFrame:
    columns: dict[str, np.ndarray] = {}
    for m in MEASURES:
        central = results["central"][m][:, span.show]
        columns[m] = central.ravel()
        if ranges:
            stack = np.stack([central, results["low"][m][:, span.show],
                              results["high"][m][:, span.show]])
            columns[f"{m}_low"] = stack.min(axis=0).ravel()
            columns[f"{m}_high"] = stack.max(axis=0).ravel()
    shown = span.shown
    frame = pd.DataFrame({
        "year": np.tile(shown, len(area_names)),
        "area": pd.array(np.repeat(np.asarray(area_names, dtype=object), len(shown)),
                         dtype="str"),
        **columns})
    return frame[[c for c in TABLE_COLUMNS if c in frame.columns]]


def _horizon(results: dict, span: _Span, area_names: list[str], ranges: bool,
             in_list: np.ndarray) -> pd.DataFrame:
    """Per area over the years shown: flows summed, stocks at the last year."""
    horizon = {"area": pd.array(area_names, dtype="str")}
    for m in MEASURES:
        per = []
        for res in results.values():
            values = res[m][:, span.show]
            if not values.shape[1]:
                per.append(np.zeros(len(area_names)))
            elif m in FLOW_MEASURES:
                per.append(values.sum(axis=1))
            else:
                per.append(values[:, -1])
        horizon[m] = per[0]
        if ranges:
            horizon[f"{m}_low"] = np.min(per, axis=0)
            horizon[f"{m}_high"] = np.max(per, axis=0)
    frame = pd.DataFrame(horizon)
    frame = frame[[c for c in ["area"] + MEASURES + RANGE_COLUMNS if c in frame]]
    frame["dwellings_already_in_list"] = in_list
    return frame


def _final(results: dict, span: _Span, n: int) -> dict:
    """Each scenario's stocks at the last year shown (zeros when none is shown)."""
    last = int(np.flatnonzero(span.show)[-1]) if span.show.any() else None
    keys = ("cumulative_patients", "capital_cost_gbp", "trend_patients", "floorspace_m2")
    return {name: {m: res[m][:, last] if last is not None else np.zeros(n) for m in keys}
            for name, res in results.items()}


def _cost_per_resident(results: dict, final: dict, span: _Span) -> list[float]:
    """Capital for the new residents' own space ÷ the new residents, per scenario."""
    last = int(np.flatnonzero(span.show)[-1]) if span.show.any() else None
    out = []
    for name, res in results.items():
        residents = res["new_residents"][-1, :last + 1].sum() if last is not None else 0.0
        own = final[name]["capital_cost_gbp"][-1]
        out.append(own / residents if residents > 0 else float("nan"))
    return out


def _cost_warning(per_resident: float, a: Assumptions) -> list[str]:
    lo_band, hi_band = cost_band(a)
    if np.isfinite(per_resident) and not lo_band / 2 <= per_resident <= hi_band * 2:
        return [f"capital cost works out at £{per_resident:,.0f} per new resident, far "
                f"outside the £{lo_band:,.0f}–£{hi_band:,.0f} Kent CCGs sought from "
                "developers; check the floorspace and cost assumptions"]
    return []


def _list_notes(list_date: str, in_list: np.ndarray) -> list[str]:
    if not list_date:
        return ["the list sizes' date is not recorded, so every completion is counted as "
                "new demand (none can be shown to be already in the list)"]
    if in_list[-1] > 0:
        return [f"{in_list[-1]:,.0f} dwellings completed before the list sizes' date "
                f"({list_date}) are already in the list: their residents are registered "
                "today and are not added again"]
    return []


def project_demand(ds, assumptions: Assumptions | None = None, *, by: str = "locality",
                   groups=None, include: Mapping[str, bool] | None = None,
                   years: tuple[int, int] | None = None, ranges: bool = True,
                   group_bounds: tuple[float, float] | None = None) -> DemandResult:
    """GP demand from the included housing sites, per area and year (see module notes).

    ``group_bounds``: the plan's grouping bounds, which by-group areas are judged against."""
    from models.supply import list_date, list_year
    if by not in BY_CHOICES:
        raise DemandError(f"by must be one of {', '.join(BY_CHOICES)}, not '{by}'")
    a = assumptions if assumptions is not None else Assumptions()
    a.validate()
    housing = apply_phasing(ds.housing, a.options)
    phasings = _phasings(ds.housing, a.options, ranges)
    phasing = phasings["central"]
    warnings = list(phasing.warnings)
    areas, site_area, prac_area = _areas(ds, by, groups, warnings)
    inc = _included(housing, include, warnings)
    scenarios = {"central": a.demand_scenario("central")}
    if ranges:
        scenarios["low"] = a.demand_scenario("low")
        scenarios["high"] = a.demand_scenario("high")
    delays = {k: int(round(v["buildout_delay_years"])) for k, v in scenarios.items()}
    by_areas = {k: _completions_by_area(ph.completions, areas, site_area, inc)
                for k, ph in phasings.items()}
    by_area = by_areas["central"]
    cutoff = list_year(ds)
    span = _span(phasing, by_area, delays, years, cutoff, warnings)
    trend = _trend(a, phasing, by_area, span, cutoff)
    base_list = area_lists(ds, areas, prac_area)
    results, in_list = {}, {}
    for name, values in scenarios.items():
        persons = persons_by_site(housing, values)[:, None]
        homes, in_list[name] = _scenario_completions(by_areas[name], span, delays[name],
                                                     cutoff)
        people, _ = _scenario_completions(
            _completions_by_area(phasings[name].completions * persons, areas, site_area,
                                 inc), span, delays[name], cutoff)
        results[name] = _measures(homes, people, span.full, values, trend, base_list)
    area_names = areas + [MEDWAY]
    warnings.extend(_list_notes(list_date(ds), in_list["central"]))
    final = _final(results, span, len(area_names))
    per_resident = _cost_per_resident(results, final, span)
    warnings.extend(_cost_warning(per_resident[0], a))
    baseline, ratio, base_notes = area_baseline(ds, areas, prac_area, final, a, ranges)
    warnings.extend(base_notes)
    ids = housing["site_id"].astype(str).to_numpy()
    finite = np.isfinite(per_resident)
    return DemandResult(
        table=_year_table(results, span, area_names, ranges), baseline=baseline,
        warnings=warnings, by=by, assumptions=a, years=[int(y) for y in span.shown],
        areas=areas, medway_ratio=ratio, cost_per_new_resident=float(per_resident[0]),
        horizon=_horizon(results, span, area_names, ranges, in_list["central"]),
        cost_per_resident_range=((float(np.nanmin(per_resident)),
                                  float(np.nanmax(per_resident))) if finite.any()
                                 else (np.nan, np.nan)),
        trend_note=trend_note(a, trend, span.shown), included_sites=list(ids[inc]),
        excluded_sites=list(ids[~inc]), list_date=list_date(ds), group_bounds=group_bounds,
        dwellings_already_in_list=float(in_list["central"][-1]))


def _trend(a: Assumptions, phasing, by_area, span: _Span, cutoff: int | None):
    """(apply, base year, method): the base is the option, else the list's year, else the
    year before the first completions."""
    base = a.options.get("length_trend_base_year")
    if base is None:
        active = np.flatnonzero(by_area.sum(axis=0) > 0)
        base = (cutoff if cutoff is not None else
                phasing.first_year + int(active[0]) - 1 if len(active) else span.first - 1)
    return (bool(a.options.get("apply_length_trend")), int(base),
            a.options.get("length_trend_method", "compound"))



def new_patients_by_site(ds, assumptions: Assumptions | None = None) -> tuple[pd.Series, str]:
    """New registered patients each included housing site brings (central values), counted
    as ``project_demand`` counts them: only completions from the list sizes' year on (with
    the build-out delay); earlier ones are already in the list. The hubs' "with growth"
    takes its new patients from here, so hubs and demand tell one story. Also returns the
    note saying what was set aside (or why nothing could be), '' when nothing was."""
    from models.supply import list_date
    a = assumptions if assumptions is not None else Assumptions()
    housing, comp, counted = _attributable(ds, a)
    if housing.empty:
        return pd.Series(dtype=float), ""
    values = a.demand_scenario("central")
    patients = counted * persons_by_site(housing, values) * values["registration_share"]
    inc = housing["include"].astype(bool).to_numpy()
    before = float((comp.sum(axis=1) - counted)[inc].sum())
    notes = _list_notes(list_date(ds), np.array([before]))
    return (pd.Series(patients, index=housing["site_id"].astype(str).to_numpy()),
            "; ".join(notes))


def _attributable(ds, a: Assumptions):
    """(phased housing, completions site × year, completions counted per site): counted are
    those from the list sizes' year on, with the build-out delay — the one rule demand, the
    hubs' growth and the S106 pack share."""
    from models.supply import list_year
    housing = apply_phasing(ds.housing, a.options)
    if housing.empty:
        return housing, np.zeros((0, 0)), np.zeros(0)
    values = a.demand_scenario("central")
    phasing = phase_completions(housing)
    comp = phasing.completions
    years = phasing.first_year + np.arange(comp.shape[1]) \
        + int(round(values["buildout_delay_years"]))
    cutoff = list_year(ds)
    counted = comp[:, counted_years(years, cutoff)].sum(axis=1)
    return housing, comp, counted


def attributable_dwellings(ds, assumptions: Assumptions, site_id: str) -> tuple[float, float]:
    """(dwellings counted as new demand, all the site's dwellings) for one housing site."""
    housing, comp, counted = _attributable(ds, assumptions)
    at = np.flatnonzero(housing["site_id"].astype(str).to_numpy() == str(site_id)) \
        if not housing.empty else []
    if not len(at):
        return float("nan"), float("nan")
    return float(counted[at[0]]), float(comp[at[0]].sum())
