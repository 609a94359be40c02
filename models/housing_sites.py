"""Housing sites a planner adds or removes: a new housing layer, validated like a cell edit,
that the Plan takes as one undoable change (SetState "housing")."""
from __future__ import annotations

import math

import pandas as pd

from geo.bounds import BUILD_YEARS_MAX, BUILD_YEARS_MIN, DWELLINGS_MAX, YEAR_MAX, YEAR_MIN
from geo.canonical import locality_of_points
from geo.land import land_refusal

ADDED_STATUS = "added by the planner"
ID_PREFIX = "NEW-H"


def next_site_id(housing: pd.DataFrame, used: set[str] = frozenset()) -> str:
    """A site id never used in this layer (nor in ``used``, e.g. sites added then undone)."""
    taken = set(housing["site_id"].astype(str)) | set(used)
    n = 1
    while f"{ID_PREFIX}{n}" in taken:
        n += 1
    return f"{ID_PREFIX}{n}"


def _whole(value, what: str, lo: int, hi: int) -> int:
    try:
        number = float(str(value).replace(",", ""))
    except ValueError:
        raise ValueError(f"{what} must be a whole number, not '{value}'") from None
    if number != int(number) or not lo <= number <= hi:
        raise ValueError(f"{what} must be a whole number from {lo:,} to {hi:,}, not "
                         f"'{value}'")
    return int(number)


def with_site(ds, *, name: str, latitude: float, longitude: float, dwellings,
              start_year, build_years=None, site_id: str | None = None) -> pd.DataFrame:
    """The housing layer with one more site (in projections, phased evenly from its start
    year); ValueError with a message for the planner if a figure cannot be used."""
    name = str(name).strip()
    if not name:
        raise ValueError("the site needs a name")
    lat, lon = float(latitude), float(longitude)
    if not (math.isfinite(lat) and math.isfinite(lon)) or land_refusal(lon, lat):
        raise ValueError(f"{lat:g}, {lon:g} is not on land in Great Britain (WGS84 degrees)")
    row = {"site_id": site_id or next_site_id(ds.housing), "name": name, "latitude": lat,
           "longitude": lon, "dwellings": _whole(dwellings, "dwellings", 0, DWELLINGS_MAX),
           "status": ADDED_STATUS, "include": True,
           "start_year": _whole(start_year, "start year", YEAR_MIN, YEAR_MAX),
           "build_years": None if build_years in (None, "") else
           _whole(build_years, "build years", BUILD_YEARS_MIN, BUILD_YEARS_MAX),
           "locality": str(locality_of_points(ds.localities, [lon], [lat])[0])}
    new = pd.DataFrame([row])
    frame = pd.concat([ds.housing, new.astype({"dwellings": int})], ignore_index=True)
    for col in ("start_year", "build_years"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame


def without_site(ds, site_id: str) -> pd.DataFrame:
    """The housing layer without one site."""
    housing = ds.housing
    if site_id not in set(housing["site_id"].astype(str)):
        raise ValueError(f"no housing site with code {site_id}")
    return housing[housing["site_id"].astype(str) != site_id].reset_index(drop=True)


# The brownfield land register's PlanningStatus values for sites with no permission yet
# (2017 data standard: permissioned / not permissioned / pending decision). Such sites are
# the council's own judgement of land suitable for housing, so they stay in projections
# as imported, and every view of the projection says how many dwellings they carry.
WITHOUT_PERMISSION = ("not permissioned", "pending decision")


def _status_key(housing: pd.DataFrame) -> pd.Series:
    return housing["status"].fillna("").astype(str).str.strip().str.lower()


def without_permission(housing: pd.DataFrame) -> pd.DataFrame:
    """Sites in projections without planning permission: per status, sites and dwellings."""
    status = _status_key(housing)
    mine = housing["include"].astype(bool) & status.isin(WITHOUT_PERMISSION)
    counts = housing[mine].groupby(status[mine])["dwellings"].agg(["size", "sum"])
    return counts.reindex([s for s in WITHOUT_PERMISSION if s in counts.index])


def permission_note(housing: pd.DataFrame, hint: bool = True) -> str:
    """One line for the projection's headline (``hint``: how to leave a site out, in the
    window); empty when every included site has permission (or no status is known)."""
    counts = without_permission(housing)
    if counts.empty:
        return ""
    parts = [f"{int(n)} site{'s' if n != 1 else ''} {status} ({int(d):,} dwellings)"
             for status, (n, d) in counts.iterrows()]
    return ("Projections include housing without planning permission (the brownfield "
            "register's status): " + " and ".join(parts)
            + ("; untick 'In projections' in Housing sites to leave a site out." if hint
               else "."))


def status_shown(housing: pd.DataFrame) -> pd.Series:
    """The Housing sites table's Status: a site without permission says whether it is in
    the projections."""
    key = _status_key(housing)
    inc = housing["include"].astype(bool)
    out = housing["status"].copy()
    unpermitted = key.isin(WITHOUT_PERMISSION)
    out[unpermitted & inc] = housing["status"][unpermitted & inc] + " · in projections"
    out[unpermitted & ~inc] = housing["status"][unpermitted & ~inc] + " · left out"
    return out
