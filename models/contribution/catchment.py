"""The catchment of a development: the practices that will take its new patients, with the
figures a Regulation 122 request rests on (list, GPs, patients per GP, premises, spare).

A practice is in the catchment when any of its sites (main surgery or branch) lies within
``catchment_radius_km`` in a straight line (EPSG:27700) — or, with a road graph, within
``catchment_drive_minutes`` by road. The planner can tick practices in or out; the choice
is kept per site in the plan (``Plan.contribution``) and saved in the scenario.

Spare capacity (``spare_capacity_today``) is this module's own, on today's data:
* premises known (the estates team's capacity return, m² GIA): the patients that floor
  area serves at ``floorspace_m2_per_1000``, less the list;
* otherwise a labelled proxy: the patients its GP FTE serve at ``patients_per_gp_wte``,
  less the patients of the same period (premises assumed sized for the GPs working there).
  GP FTE is models.supply's: published FTE, else headcount × ``gp_fte_per_head`` (marked
  est.), else practices.csv WTE; a GP figure flagged implausible is not used (unknown).
Negative spare = already over capacity: existing pressure, never charged to a developer.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo.crs import to_bng
from geo.dataset import main_practice_code
from models.supply import practice_supply

NEAR_BEYOND = 5          # practices just beyond the catchment offered for ticking in
PROXY_BASIS = "proxy: GP FTE × patients per GP FTE (no floor area in the data)"
UNKNOWN_BASIS = "unknown: no floor area and no usable GP figure"
PREMISES_BASIS = "capacity return (m² GIA)"

CATCHMENT_COLUMNS = [
    "practice_code", "name", "distance_km", "minutes", "within", "included", "list_size",
    "list_date", "gp_headcount", "gps", "gp_basis", "gp_date", "ratio_patients",
    "patients_per_gp", "premises_m2", "premises_basis", "capacity_patients",
    "spare_patients", "spare_m2"]


def spare_capacity_today(prac: pd.DataFrame, a) -> pd.DataFrame:
    """Per practice: capacity in patients, its basis, spare patients and spare m² (NaN =
    unknown). ``prac`` is models.supply.practice_supply's frame; ``a`` the assumptions."""
    per_1000 = a.value("floorspace_m2_per_1000")
    m2 = prac["capacity_m2"].to_numpy(float)
    gps = prac["gps"].to_numpy(float)
    has_m2 = np.isfinite(m2) & (m2 > 0)
    has_gps = np.isfinite(gps) & (gps > 0) & ~prac["implausible"].fillna(False).to_numpy(bool)
    by_m2 = m2 / per_1000 * 1000.0 if per_1000 > 0 else np.full(len(prac), np.nan)
    by_gps = gps * a.value("patients_per_gp_wte")
    capacity = np.where(has_m2, by_m2, np.where(has_gps, by_gps, np.nan))
    out = pd.DataFrame({"practice_code": prac["practice_code"].to_numpy()})
    out["premises_m2"] = np.where(has_m2, m2, np.where(has_gps, by_gps / 1000 * per_1000,
                                                       np.nan))
    out["premises_basis"] = np.where(has_m2, PREMISES_BASIS,
                                     np.where(has_gps, PROXY_BASIS, UNKNOWN_BASIS))
    out["capacity_patients"] = capacity
    # floor area against today's list; GP FTE against the patients of the GPs' own period
    patients = np.where(has_m2, prac["list_size"].to_numpy(float),
                        prac["ratio_patients"].to_numpy(float))
    out["spare_patients"] = capacity - patients
    out["spare_m2"] = out["spare_patients"] / 1000.0 * per_1000
    return out


def site_distances(ds, lat: float, lon: float, graph=None) -> pd.DataFrame:
    """Per main practice: straight-line km from the site to its nearest surgery (main or
    branch) and, with a road graph, drive minutes to it."""
    sites = ds.practices
    x, y = to_bng(sites["longitude"].to_numpy(float), sites["latitude"].to_numpy(float))
    sx, sy = to_bng([lon], [lat])
    km = np.hypot(x - sx[0], y - sy[0]) / 1000.0
    minutes = np.full(len(sites), np.nan)
    if graph is not None:
        minutes = np.asarray(graph.times(np.column_stack([sx, sy]),
                                         np.column_stack([x, y])), float)[0]
    frame = pd.DataFrame({"practice_code": main_practice_code(sites).to_numpy(),
                          "distance_km": km, "minutes": minutes})
    return frame.groupby("practice_code", as_index=False).min()


def catchment(plan, lat: float, lon: float, key: str = "", graph=None) -> pd.DataFrame:
    """The candidate practices of a site (CATCHMENT_COLUMNS), nearest first: those within
    the catchment (``within``) and a few just beyond, with the planner's ticks applied
    (``included``). ``key`` names the site's saved choice in ``plan.contribution``."""
    ds, a = plan.dataset, plan.assumptions
    prac, years = practice_supply(ds, a)
    dist = site_distances(ds, lat, lon, graph)
    frame = prac.merge(dist, on="practice_code", how="left")
    frame = frame.merge(spare_capacity_today(prac, a), on="practice_code", how="left")
    if graph is not None:
        frame["within"] = frame["minutes"] <= a.value("catchment_drive_minutes")
    else:
        frame["within"] = frame["distance_km"] <= a.value("catchment_radius_km")
    frame = frame.sort_values(["distance_km", "practice_code"]).reset_index(drop=True)
    limit = 2 * a.value("catchment_radius_km")
    beyond = frame.index[~frame["within"] & (frame["distance_km"] <= limit)][:NEAR_BEYOND]
    choice = catchment_choice(plan, key)
    ticked_in = frame["practice_code"].isin(choice.get("in", []))
    frame = frame[frame["within"] | frame.index.isin(beyond) | ticked_in].copy()
    frame["included"] = (frame["within"] | frame["practice_code"].isin(choice.get("in", []))) \
        & ~frame["practice_code"].isin(choice.get("out", []))
    return frame[CATCHMENT_COLUMNS].reset_index(drop=True)


def catchment_choice(plan, key: str) -> dict:
    """The planner's ticks for one site: {"in": [codes], "out": [codes]} (empty if none)."""
    saved = getattr(plan, "contribution", None) or {}
    return dict(saved.get(key, {})) if key else {}


def with_choice(plan, key: str, frame: pd.DataFrame, included: set[str]) -> dict:
    """The plan's saved choices with this site's ticks set to ``included`` (only what
    differs from the catchment's own rule is stored)."""
    within = set(frame.loc[frame["within"], "practice_code"])
    choices = dict(getattr(plan, "contribution", None) or {})
    entry = {"in": sorted(set(included) - within), "out": sorted(within - set(included))}
    if entry["in"] or entry["out"]:
        choices[key] = entry
    else:
        choices.pop(key, None)
    return choices

