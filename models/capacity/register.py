"""The estate register as the plan holds it: one row per site the estates team returned
(geo/io_capacity.py columns), edited a cell at a time in the window, saved in scenarios.

A site with no row is *unknown* — listed, counted, never read as 0 rooms. Edits make a new
register (the plan swaps it in whole with one undoable ``SetState("estate", …)``), so undo
puts back exactly what was there, row absent included.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from geo.dataset import is_branch
from geo.errors import DataError
from geo.io_capacity import (
    CAPACITY_COLUMNS, LABELS, MAX_GIA_M2, MAX_HOURS, MAX_ROOMS, check_condition, check_date,
    check_tenure,
)

EDITABLE = tuple(CAPACITY_COLUMNS[1:])
NUMBERS = {"gia_m2": MAX_GIA_M2, "clinical_rooms": MAX_ROOMS, "hours_per_week": MAX_HOURS}
TEXTS = ("tenure", "condition", "lease_end", "notes")
MAX_NOTES = 2000
SCENARIO_KEY = "estate"      # the scenario file's ``extra`` entry holding register edits


def empty_register() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CAPACITY_COLUMNS})
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in CAPACITY_COLUMNS:
        if col not in frame:
            frame[col] = np.nan if col in NUMBERS else ""
    frame["gia_m2"] = pd.to_numeric(frame["gia_m2"]).astype(float)
    frame["hours_per_week"] = pd.to_numeric(frame["hours_per_week"]).astype(float)
    frame["clinical_rooms"] = pd.array(pd.to_numeric(frame["clinical_rooms"]), dtype="Int64")
    for col in ("site_code", *TEXTS):
        frame[col] = frame[col].fillna("").astype(str)
    return frame[CAPACITY_COLUMNS].reset_index(drop=True)


def register_of(ds) -> pd.DataFrame:
    """The dataset's register (an empty one when the data has none)."""
    return empty_register() if ds.capacity is None else _typed(ds.capacity)


def site_codes(ds) -> list[str]:
    """Every site a register row may describe: practices, branches and hubs."""
    return [*ds.practices["practice_code"].astype(str), *ds.hubs["hub_id"].astype(str)]


def sites(ds) -> pd.DataFrame:
    """One row per site (practices, branches, hubs) with its register figures; ``in_register``
    false where the register has no row (every figure then unknown)."""
    p = ds.practices
    rows = pd.DataFrame({
        "site_code": p["practice_code"].astype(str), "name": p["name"].astype(str),
        "kind": np.where(is_branch(p), "branch", "practice"),
        "parent_code": p["parent_code"].astype(str), "locality": p["locality"].astype(str),
        "latitude": p["latitude"].astype(float), "longitude": p["longitude"].astype(float)})
    h = ds.hubs
    hubs = pd.DataFrame({
        "site_code": h["hub_id"].astype(str), "name": h["name"].astype(str), "kind": "hub",
        "parent_code": "", "locality": h["locality"].fillna("").astype(str),
        "latitude": h["latitude"].astype(float), "longitude": h["longitude"].astype(float)})
    out = pd.concat([rows, hubs], ignore_index=True)
    reg = register_of(ds)
    out = out.merge(reg, on="site_code", how="left")
    out["in_register"] = out["site_code"].isin(set(reg["site_code"]))
    for col in TEXTS:
        out[col] = out[col].fillna("")
    out["clinical_rooms"] = pd.array(out["clinical_rooms"], dtype="Int64")
    return out


def parse_value(column: str, value):
    """A cell as typed (text or number) → the register's value; ValueError with a reason."""
    if column not in EDITABLE:
        raise ValueError(f"{column} is not a register column")
    blank = value is None or (isinstance(value, float) and math.isnan(value)) \
        or str(value).strip() == ""
    if column in NUMBERS:
        if blank:
            return np.nan
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            raise ValueError(f"{LABELS[column]} must be a number, not '{value}'") from None
        if not math.isfinite(number) or number < 0 or number > NUMBERS[column]:
            raise ValueError(f"{LABELS[column]} must be from 0 to {NUMBERS[column]:,}, "
                             f"not '{value}'")
        if column == "clinical_rooms" and number != int(number):
            raise ValueError(f"clinical rooms must be a whole number, not '{value}'")
        return number
    text = "" if blank else str(value).strip()
    try:
        if column == "condition":
            return check_condition(text)
        if column == "tenure":
            return check_tenure(text)
        if column == "lease_end":
            return check_date(text)
    except DataError as exc:
        raise ValueError(exc.reason) from None
    if len(text) > MAX_NOTES:
        raise ValueError(f"notes are limited to {MAX_NOTES:,} characters")
    return text


def with_value(ds, site_code: str, column: str, value, register=None) -> pd.DataFrame:
    """A new register (``register``, default the dataset's) with one cell set, a row added
    for a site not yet in it."""
    if site_code not in set(site_codes(ds)):
        raise ValueError(f"no practice, branch or hub with code {site_code}")
    parsed = parse_value(column, value)
    reg = register_of(ds) if register is None else register
    hits = reg.index[reg["site_code"] == site_code]
    if len(hits) == 0:
        reg = _typed(pd.concat([reg, pd.DataFrame([{"site_code": site_code}])],
                               ignore_index=True))
        hits = reg.index[reg["site_code"] == site_code]
    reg.at[hits[0], column] = pd.NA if column == "clinical_rooms" and pd.isna(parsed) \
        else parsed
    return _typed(reg)


def with_rows(ds, rows: pd.DataFrame) -> pd.DataFrame:
    """A new register with ``rows`` (register columns) replacing or adding those sites."""
    reg = register_of(ds)
    rows = _typed(rows)
    keep = reg[~reg["site_code"].isin(set(rows["site_code"]))]
    return _typed(pd.concat([keep, rows], ignore_index=True))


# ---------------------------------------------------------------- scenarios

def _plain(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def register_changes(register: pd.DataFrame | None, base: pd.DataFrame | None) -> dict:
    """What the planner changed in the register, as JSON: {site: {column: value}} (only
    what differs from the data; None = unknown), {site: {"removed": true}} for a row taken
    out."""
    now = empty_register() if register is None else _typed(register)
    was = empty_register() if base is None else _typed(base)
    old = was.set_index("site_code").to_dict("index")
    out: dict[str, dict] = {}
    for rec in now.to_dict("records"):
        code = rec.pop("site_code")
        before = old.get(code)
        changed = {c: _plain(v) for c, v in rec.items()
                   if before is None or _plain(v) != _plain(before[c])}
        if before is None:
            changed = {c: v for c, v in changed.items() if v not in (None, "")}
            changed["added"] = True
        if changed:
            out[code] = changed
    for code in sorted(set(old) - set(now["site_code"])):
        out[code] = {"removed": True}
    return out


def apply_register_changes(ds, changes: dict | None) -> list[str]:
    """Put a scenario's register edits on ``ds`` (in place); returns notes for what did not
    apply (an unknown site, a value the register refuses)."""
    if not changes:
        return []
    notes = []
    known = set(site_codes(ds))
    reg = register_of(ds)
    for code, edits in changes.items():
        if code not in known:
            notes.append(f"estate register row for unknown site {code} ignored")
            continue
        if not isinstance(edits, dict):
            notes.append(f"estate register entry for {code} is not a set of values; ignored")
            continue
        if edits.get("removed"):
            reg = reg[reg["site_code"] != code].reset_index(drop=True)
            continue
        for column, value in edits.items():
            if column == "added":
                continue
            try:
                reg = with_value(ds, code, column, value, register=reg)
            except ValueError as exc:
                notes.append(f"estate register {code} {column} not applied: {exc}")
    ds.capacity = reg
    return notes
