"""The catchment of a development: the practices that will take its new patients, with the
figures a Regulation 122 request rests on (list, GPs, patients per GP, premises, spare).

A practice is in the catchment when any of its sites (main surgery or branch) lies within
``catchment_radius_km`` in a straight line (EPSG:27700) — or, with a road graph, within
``catchment_drive_minutes`` by road. The planner can tick practices in or out; the choice
is kept per site in the plan (``Plan.contribution``) and saved in the scenario.

Spare capacity (``practice_spare``), per practice, on today's lists:
* rooms known (the estate register, models/capacity): the room-session model's capacity —
  appointments a year its sites host at the utilisation target ÷ appointments a patient
  makes — less the list (the same measure as the Capacity tab and
  models.capacity.spare.spare_capacity, per practice);
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
ROOMS_BASIS = "estate register: room sessions (models/capacity)"

CATCHMENT_COLUMNS = [
    "practice_code", "name", "distance_km", "minutes", "within", "included", "list_size",
    "list_date", "gp_headcount", "gps", "gp_basis", "gp_date", "ratio_patients",
    "patients_per_gp", "premises_m2", "premises_basis", "capacity_appointments",
    "capacity_patients", "spare_patients", "spare_m2"]


def practice_spare(ds, prac: pd.DataFrame, a) -> pd.DataFrame:
    """Per practice: premises m² and its basis, capacity in patients, spare patients and
    spare m² (NaN = unknown). ``prac`` is models.supply.practice_supply's frame."""
    from models.capacity.sessions import appointments_per_patient, m2_per_room, site_capacity
    per_1000 = a.value("floorspace_m2_per_1000")
    sites = site_capacity(ds, a.value)
    known = sites[sites["capacity_appointments"].notna()]
    rooms = known.groupby("unit").agg(appointments=("capacity_appointments", "sum"),
                                      rooms=("clinical_rooms", lambda r: float(
                                          pd.to_numeric(r).sum())))
    codes = prac["practice_code"]
    appts = codes.map(rooms["appointments"]).to_numpy(float)
    has_rooms = np.isfinite(appts)
    by_rooms = appts / appointments_per_patient(a.value)
    m2 = prac["capacity_m2"].to_numpy(float)
    m2 = np.where(np.isfinite(m2), m2, codes.map(rooms["rooms"]).to_numpy(float)
                  * m2_per_room(a.value))
    gps = prac["gps"].to_numpy(float)
    has_gps = np.isfinite(gps) & (gps > 0) & ~prac["implausible"].fillna(False).to_numpy(bool)
    by_gps = gps * a.value("patients_per_gp_wte")
    out = pd.DataFrame({"practice_code": codes.to_numpy()})
    out["premises_m2"] = np.where(has_rooms, m2, np.where(has_gps, by_gps / 1000 * per_1000,
                                                          np.nan))
    out["premises_basis"] = np.where(has_rooms, ROOMS_BASIS,
                                     np.where(has_gps, PROXY_BASIS, UNKNOWN_BASIS))
    out["capacity_appointments"] = appts
    out["capacity_patients"] = np.where(has_rooms, by_rooms,
                                        np.where(has_gps, by_gps, np.nan))
    # rooms against today's list; GP FTE against the patients of the GPs' own period
    patients = np.where(has_rooms, prac["list_size"].to_numpy(float),
                        prac["ratio_patients"].to_numpy(float))
    out["spare_patients"] = out["capacity_patients"] - patients
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
    frame = frame.merge(practice_spare(ds, prac, a), on="practice_code", how="left")
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

