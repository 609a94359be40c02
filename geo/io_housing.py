"""Housing sites: the brownfield land register (national data standard or Digital Land's
harmonised version) and a canonical housing_sites.csv passed through.

Register → canonical housing rows, with the assumptions stated in ``BROWNFIELD_RULES``:
dwellings = the maximum of the net dwelling range (the minimum is kept as
``dwellings_min``); start_year = the register's year + 1 (the register gives no phasing);
the site is phased evenly over the default build years by the Dataset.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo.crs import to_wgs84
from geo.errors import DataError, spreadsheet_row
from geo.land import on_land_bng
from geo.bounds import DWELLINGS_MAX, GB_EASTING, GB_NORTHING, MAX_HOUSING_SITES
from geo.tables import (
    check_uk_coordinates, find_column, parse_float, parse_int, read_csv_text,
)

BROWNFIELD_RULES = (
    "Brownfield register: dwellings = NetDwellingsRangeTo (the maximum of the range; the "
    "minimum is kept as dwellings_min); start_year = register year + 1 when the register "
    "gives none (it never does); sites with an EndDate are left out; GeoX/GeoY are British "
    "National Grid (EPSG:27700) metres, converted to WGS84."
)

# national standard (2017 guidance) name → Digital Land harmonised name
STANDARD = {
    "SiteReference": "site", "SiteNameAddress": "site-address", "GeoX": None, "GeoY": None,
    "NetDwellingsRangeFrom": "minimum-net-dwellings",
    "NetDwellingsRangeTo": "maximum-net-dwellings",
    "PlanningStatus": "planning-permission-status", "PermissionType":
        "planning-permission-type", "Hectares": "hectares", "Deliverable": "deliverable",
    "LastUpdatedDate": "entry-date", "EndDate": "end-date",
}


_col = find_column


def looks_swapped(easting: np.ndarray, northing: np.ndarray, near=None) -> bool:
    """Easting/northing columns swapped? With ``near`` (lon/lat bounds of the plan's area):
    the swapped reading lands in the area and the given one does not."""
    if near is None or not len(easting):
        return False
    minx, miny, maxx, maxy = near
    pad = 0.2   # degrees, about 15 km

    def inside(x, y):
        lon, lat = to_wgs84(x, y)
        return float(np.mean((lon >= minx - pad) & (lon <= maxx + pad)
                             & (lat >= miny - pad) & (lat <= maxy + pad)))
    return inside(easting, northing) < 0.5 <= inside(northing, easting)


def _check_on_land(gx: pd.Series, gy: pd.Series, label: str, x: str, y: str) -> None:
    """Every site on UK land (geo/land.py); a row whose GeoX/GeoY read the other way round
    would be on land is refused as swapped (Medway's swapped sites land in the North Channel)."""
    off = ~on_land_bng(gx.to_numpy(), gy.to_numpy())
    if not off.any():
        return
    pos = int(np.flatnonzero(off)[0])
    e, n = gx.iloc[pos], gy.iloc[pos]
    if on_land_bng(n, e):
        reason = (f"{x} {e:g} and {y} {n:g} look swapped (GeoX is the easting, about "
                  f"577,000 in Medway; GeoY the northing, about 168,000); swap them")
    else:
        reason = (f"({e:g}, {n:g}) is in the sea, not on UK land; GeoX/GeoY must be British "
                  "National Grid easting/northing")
    raise DataError(label, reason, row=spreadsheet_row(pos), field=x)


def read_brownfield(path: str | Path, start_year: int | None = None,
                    near=None) -> tuple[pd.DataFrame, dict]:
    """Read a brownfield land register CSV → canonical housing rows + facts for the report.

    ``near``: (min lon, min lat, max lon, max lat) of the plan's area, used to tell swapped
    GeoX/GeoY columns (Medway's sites read as northing/easting land in Kintyre).
    """
    path = Path(path)
    label = path.name
    frame = read_csv_text(path, label, max_rows=MAX_HOUSING_SITES, what="housing sites")
    ref = _col(frame, "SiteReference", "site", "reference")
    if ref is None:
        read_csv_text(path, label, required=["SiteReference"])   # the standard message
    x, y = _col(frame, "GeoX"), _col(frame, "GeoY")
    lat, lon = _col(frame, "latitude", "lat"), _col(frame, "longitude", "long", "lon")
    if not ((x and y) or (lat and lon)):
        raise DataError(label, "needs GeoX/GeoY (easting/northing) or latitude/longitude "
                               f"columns (found: {', '.join(frame.columns)[:200]})",
                        field="GeoX")
    if frame.empty:
        raise DataError(label, "has a header but no sites")
    lo_col = _col(frame, "NetDwellingsRangeFrom", "minimum-net-dwellings")
    hi_col = _col(frame, "NetDwellingsRangeTo", "maximum-net-dwellings")
    if hi_col is None and lo_col is None:
        raise DataError(label, "missing column 'NetDwellingsRangeTo'",
                        field="NetDwellingsRangeTo")
    end = _col(frame, "EndDate", "end-date")
    ended = (frame[end] != "") if end else pd.Series(False, index=frame.index)
    d_min = parse_int(frame, lo_col, label, required=False, lo=0, hi=DWELLINGS_MAX) \
        if lo_col else None
    d_max = parse_int(frame, hi_col, label, required=False, lo=0, hi=DWELLINGS_MAX) \
        if hi_col else None
    if d_max is None:
        d_max = d_min
    if d_min is None:
        d_min = d_max
    bad = d_min.notna() & d_max.notna() & (d_min > d_max)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(label, f"minimum {d_min.iloc[pos]} is above maximum "
                               f"{d_max.iloc[pos]} net dwellings", row=spreadsheet_row(pos),
                        field=hi_col)
    dwellings = d_max.fillna(d_min).fillna(0).astype(int)
    if x and y:
        gx = parse_float(frame, x, label)
        gy = parse_float(frame, y, label)
        degrees = gx.abs().le(180).all() and gy.abs().le(90).all()
        if degrees:   # some councils put longitude/latitude in GeoX/GeoY
            lon_v, lat_v = gx.to_numpy(), gy.to_numpy()
        else:
            outside = ~(gx.between(*GB_EASTING) & gy.between(*GB_NORTHING))
            if outside.any():
                pos = int(np.flatnonzero(outside.to_numpy())[0])
                raise DataError(label, f"({gx.iloc[pos]:g}, {gy.iloc[pos]:g}) is not a "
                                       "British National Grid easting/northing",
                                row=spreadsheet_row(pos), field=x)
            if looks_swapped(gx.to_numpy(), gy.to_numpy(), near):
                raise DataError(label, f"{x}/{y} look swapped: read as easting/northing the "
                                       "sites lie far from the localities, read the other "
                                       "way round they lie inside them; swap the column "
                                       "names", row=1, field=x)
            _check_on_land(gx, gy, label, x, y)
            lon_v, lat_v = to_wgs84(gx.to_numpy(), gy.to_numpy())
        coord_note = ("GeoX/GeoY read as longitude/latitude (degrees)" if degrees else
                      "GeoX/GeoY converted from EPSG:27700")
    else:
        lat_v = parse_float(frame, lat, label).to_numpy()
        lon_v = parse_float(frame, lon, label).to_numpy()
        coord_note = "latitude/longitude as given (WGS84)"
    lat_s, lon_s = pd.Series(lat_v, index=frame.index), pd.Series(lon_v, index=frame.index)
    check_uk_coordinates(frame, lon_s, lat_s, label)
    updated = _col(frame, "LastUpdatedDate", "entry-date", "FirstAddedDate")
    years = pd.to_datetime(frame[updated], errors="coerce").dt.year if updated else None
    register_year = int(years.max()) if years is not None and years.notna().any() else None
    register_date = (pd.to_datetime(frame[updated], errors="coerce").max().date().isoformat()
                     if register_year else "")     # the latest entry: the register's date
    default_start = start_year or ((register_year + 1) if register_year else None)
    if default_start is None:
        raise DataError(label, "the register has no dates (LastUpdatedDate) to set a start "
                               "year from; give a start year", field="LastUpdatedDate")
    name_col = _col(frame, "SiteNameAddress", "site-address", "name")
    names = frame[name_col] if name_col else frame[ref]
    names = names.str.replace('"', "", regex=False).str.replace(r"\s+", " ", regex=True) \
        .str.strip()
    status_col = _col(frame, "PlanningStatus", "planning-permission-status")
    refs = frame[ref]
    blank = refs == ""
    if blank.any():
        pos = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError(label, "is blank but a value is required", row=spreadsheet_row(pos),
                        field=ref)
    out = pd.DataFrame({
        "site_id": "BF-" + refs,
        "name": names.where(names != "", refs),
        "latitude": np.round(lat_s.to_numpy(), 6),
        "longitude": np.round(lon_s.to_numpy(), 6),
        "dwellings": dwellings.to_numpy(),
        "dwellings_min": d_min.fillna(dwellings).astype(int).to_numpy(),
        "status": frame[status_col].to_numpy() if status_col else "",
        "include": "true",
        "start_year": np.where(dwellings.to_numpy() > 0, default_start, pd.NA),
        "build_years": "",
        "permission_type": frame[_col(frame, "PermissionType", "planning-permission-type")]
        .to_numpy() if _col(frame, "PermissionType", "planning-permission-type") else "",
        "hectares": frame[_col(frame, "Hectares", "hectares")].to_numpy()
        if _col(frame, "Hectares", "hectares") else "",
        "source_row": [spreadsheet_row(i) for i in range(len(frame))],
    })
    dup = out["site_id"].duplicated(keep=False)
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        raise DataError(label, f"duplicate site reference '{refs.iloc[pos[0]]}' (also in row "
                               f"{spreadsheet_row(pos[0])})", row=spreadsheet_row(pos[1]),
                        field=ref)
    kept = out[~ended.to_numpy()].reset_index(drop=True)
    info = {"rows": len(out), "ended": int(ended.sum()), "register_year": register_year,
            "register_date": register_date,
            "start_year": default_start, "coordinates": coord_note,
            "dwellings_min_total": int(kept["dwellings_min"].sum()),
            "dwellings_max_total": int(kept["dwellings"].sum()),
            "no_dwellings": kept.loc[kept["dwellings"] == 0, "site_id"].tolist()}
    return kept, info


def read_canonical_housing(path: str | Path) -> pd.DataFrame:
    """A housing_sites.csv in the app's own format, kept as text; the Dataset validates it."""
    path = Path(path)
    frame = read_csv_text(path, path.name, required=["site_id", "name", "latitude",
                                                     "longitude", "dwellings"],
                          max_rows=MAX_HOUSING_SITES, what="housing sites")
    if frame.empty:
        raise DataError(path.name, "has a header but no housing sites")
    return frame
