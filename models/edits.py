"""Cell edits a planner makes in the tables (list size, GP WTE, a site's include flag).

One function validates and applies an edit and returns the old value, so the GUI's undo
stack can put it back. Refused edits raise ValueError with a message for the user and
leave the dataset unchanged.
"""
from __future__ import annotations

import pandas as pd

from geo.dataset import is_branch

KEYS = {"practices": "practice_code", "hubs": "hub_id", "housing": "site_id"}
NOUNS = {"practices": "practice", "hubs": "hub", "housing": "housing site"}
EDITABLE = {
    "practices": {"list_size", "gp_wte", "name"},
    "housing": {"include", "dwellings", "name", "start_year", "build_years"},
    "hubs": {"name", "status", "capacity_patients"},
}


# Plausibility of a typed figure — the one definition used by the window, the command line
# and scenario files alike: (unit, hard limit, floor of the check). Above the hard limit an
# edit is refused (no GP practice in England lists a million patients; no housing
# allocation holds 100,000 homes); above max(floor, CHECK_FACTOR × the largest in the
# data) the window asks first and a scenario file's value is reported — a typo such as
# 99,999,999 patients is caught before one circle covers the map.
PLAUSIBLE = {
    ("practices", "list_size"): ("patients", 1_000_000, 100_000),
    ("practices", "gp_wte"): ("GP WTE", 1_000, 100),
    ("housing", "dwellings"): ("dwellings", 100_000, 20_000),
    ("hubs", "capacity_patients"): ("patients", 2_000_000, 150_000),
}
CHECK_FACTOR = 3


def _beyond_hard_limit(layer: str, column: str, number: float) -> None:
    bound = PLAUSIBLE.get((layer, column))
    if bound and number > bound[1]:
        raise ValueError(f"{column.replace('_', ' ')} {number:,.0f} is not plausible: the "
                         f"limit is {bound[1]:,} {bound[0]}")


def check_threshold(frame: pd.DataFrame, layer: str, column: str) -> float | None:
    """The figure above which an edit of ``column`` is asked about (None: never)."""
    bound = PLAUSIBLE.get((layer, column))
    if bound is None:
        return None
    values = pd.to_numeric(frame[column], errors="coerce") if column in frame else None
    largest = float(values.max()) if values is not None and values.notna().any() else 0.0
    return max(float(bound[2]), CHECK_FACTOR * largest)


def implausible(ds, layer: str, item_id: str, column: str, value) -> str:
    """A question for the planner when ``value`` is far above anything in the data ('' if
    it is plausible or not a number: the edit itself refuses what cannot be used)."""
    limit = check_threshold(getattr(ds, layer), layer, column)
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        return ""
    if limit is None or not number > limit or number > PLAUSIBLE[(layer, column)][1]:
        return ""                   # plausible, or beyond the hard limit (refused anyway)
    unit = PLAUSIBLE[(layer, column)][0]
    return (f"{number:,.0f} {unit} for {NOUNS[layer]} {item_id} is more than "
            f"{limit:,.0f} (the larger of {PLAUSIBLE[(layer, column)][2]:,} and "
            f"{CHECK_FACTOR}× the largest in the data). Is it right?")


def _coerce(layer: str, column: str, value, row: pd.Series):
    label = f"{column.replace('_', ' ')}"
    if column in ("list_size", "dwellings"):
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            raise ValueError(f"{label} must be a whole number, not '{value}'") from None
        if number < 0 or number != int(number):
            raise ValueError(f"{label} must be a whole number of 0 or more, not '{value}'")
        _beyond_hard_limit(layer, column, number)
        if column == "list_size" and is_branch(row):
            raise ValueError("a branch has no list of its own: edit its parent practice "
                             f"{row['parent_code']}")
        if column == "dwellings" and row.index.str.match(r"^y\d{4}$").any():
            phased = row[row.index.str.match(r"^y\d{4}$")].dropna()
            if len(phased) and phased.sum() > number:
                raise ValueError(f"the site's per-year completions add up to {phased.sum():,}; "
                                 "dwellings cannot be fewer")
        return int(number)
    if column in ("start_year", "build_years"):
        return _phasing(column, value, row)
    if column in ("gp_wte", "capacity_patients"):
        if value in ("", None):
            return float("nan")
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            raise ValueError(f"{label} must be a number, not '{value}'") from None
        if number < 0:
            raise ValueError(f"{label} cannot be negative")
        _beyond_hard_limit(layer, column, number)
        return number
    if column == "include":
        return bool(value)
    if column == "status":
        if value not in ("existing", "planned", "proposed"):
            raise ValueError("status must be existing, planned or proposed")
        return value
    text = str(value).strip()
    if not text:
        raise ValueError(f"{label} cannot be blank")
    return text


def _phasing(column: str, value, row: pd.Series):
    """A site's first year of completions or its build-out years (blank = the default)."""
    from geo.bounds import BUILD_YEARS_MAX, BUILD_YEARS_MIN, YEAR_MAX, YEAR_MIN
    from geo.dataset import YEAR_COLUMN
    label = "start year" if column == "start_year" else "build years"
    lo, hi = (YEAR_MIN, YEAR_MAX) if column == "start_year" else \
        (BUILD_YEARS_MIN, BUILD_YEARS_MAX)
    current = row.get(column)
    blank = value in ("", None) or (not isinstance(value, str) and pd.isna(value))
    if (blank and pd.isna(current)) or (not blank and pd.notna(current)
                                        and str(value).strip() == str(int(current))):
        return current                       # unchanged (e.g. a scenario's full copy)
    per_year = [c for c in row.index if YEAR_COLUMN.match(str(c)) and pd.notna(row[c])]
    if per_year:
        raise ValueError(f"this site's completions are given year by year ({per_year[0]}…), "
                         f"so its {label} cannot be set")
    if value in ("", None) and column == "build_years":
        return pd.NA
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        raise ValueError(f"{label} must be a whole number, not '{value}'") from None
    if number != int(number) or not lo <= number <= hi:
        raise ValueError(f"{label} must be a whole number from {lo} to {hi}, not '{value}'")
    return int(number)


def apply_edit(ds, layer: str, item_id: str, column: str, value):
    """Set ``ds.<layer>[item_id, column] = value`` after validation; return the old value."""
    if column not in EDITABLE.get(layer, ()):
        raise ValueError(f"{column} of {layer} cannot be edited here")
    frame = getattr(ds, layer)
    hits = frame.index[frame[KEYS[layer]] == item_id]
    if len(hits) == 0:
        raise ValueError(f"no {NOUNS[layer]} with code {item_id}")
    pos = hits[0]
    new = _coerce(layer, column, value, frame.loc[pos])
    old = frame.at[pos, column]
    frame.at[pos, column] = new
    return old
