"""Demand points: where the patients are (practice sites, housing sites, residents).

Each row is a point with patients now and new patients from housing; catchments, access
measures and the site optimiser all work on this one frame (see models/hubs/__init__.py).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo.crs import points_bng
from geo.dataset import main_practice_code
from geo.errors import UserError
from models.assumptions import default_assumptions

DEMAND_COLUMNS = ["point_id", "kind", "practice_code", "name", "locality", "longitude",
                  "latitude", "x", "y", "patients_now", "new_patients", "patients_with_growth"]


# ---------------------------------------------------------------- demand

def practice_demand(practices: pd.DataFrame, branches: str = "parent") -> pd.DataFrame:
    """Registered patients at practice sites (see module notes for ``branches``)."""
    if branches not in ("parent", "split"):
        raise UserError("branches must be 'parent' or 'split'")
    p = practices
    parent = main_practice_code(p)
    patients = p["list_size"].astype(float).to_numpy()
    if branches == "split":
        lists = dict(zip(p["practice_code"], p["list_size"].astype(float)))
        sites = parent.map(parent.value_counts())
        patients = (parent.map(lists) / sites).to_numpy(float)
    frame = pd.DataFrame({
        "point_id": p["practice_code"].to_numpy(), "kind": "practice",
        "practice_code": parent.to_numpy(), "name": p["name"].to_numpy(),
        "locality": p["locality"].to_numpy() if "locality" in p else "",
        "longitude": p["longitude"].to_numpy(float),
        "latitude": p["latitude"].to_numpy(float),
        "patients_now": patients, "new_patients": 0.0})
    return _finish(frame)


def demand_points(ds, *, base: str = "practices", branches: str = "parent",
                  housing: bool = True, persons_per_dwelling: float | None = None,
                  registering_share: float | None = None,
                  new_patients: dict | pd.Series | None = None) -> pd.DataFrame:
    """Where the patients are: practice sites (or population points) plus housing growth."""
    parts = []
    if base == "practices":
        parts.append(practice_demand(ds.practices, branches))
    elif base == "population":
        pop = ds.population
        if pop is None or pop.empty:
            raise UserError("this data has no population layer; use base='practices'")
        parts.append(pd.DataFrame({
            "point_id": pop["area_code"].to_numpy(), "kind": "population",
            "practice_code": "", "name": pop["area_name"].to_numpy(),
            "locality": "", "longitude": pop["longitude"].to_numpy(float),
            "latitude": pop["latitude"].to_numpy(float),
            "patients_now": pop["residents"].to_numpy(float), "new_patients": 0.0}))
    else:
        raise UserError("base must be 'practices' or 'population'")
    if housing and not ds.housing.empty:
        h = ds.housing[ds.housing["include"]]
        if new_patients is not None:
            growth = h["site_id"].map(pd.Series(new_patients, dtype=float)).fillna(0.0)
        else:
            a = default_assumptions()   # unset: the table's values (a Plan passes its own)
            ppd = a.value("persons_per_dwelling") if persons_per_dwelling is None \
                else persons_per_dwelling
            share = a.value("registration_share") if registering_share is None \
                else registering_share
            growth = h["dwellings"].astype(float) * ppd * share
        parts.append(pd.DataFrame({
            "point_id": h["site_id"].to_numpy(), "kind": "housing", "practice_code": "",
            "name": h["name"].to_numpy(), "locality": h["locality"].to_numpy(),
            "longitude": h["longitude"].to_numpy(float),
            "latitude": h["latitude"].to_numpy(float), "patients_now": 0.0,
            "new_patients": growth.to_numpy(float)}))
    return _finish(pd.concat(parts, ignore_index=True))


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    xy = points_bng(frame) if len(frame) else np.empty((0, 2))
    frame["x"], frame["y"] = xy[:, 0], xy[:, 1]
    frame["patients_with_growth"] = frame["patients_now"] + frame["new_patients"]
    return frame[DEMAND_COLUMNS]
