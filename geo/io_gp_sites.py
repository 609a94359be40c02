"""NHS Choices GP sites (JSON or CSV as published) and the rule that turns practices + sites
into practice and branch points:

1. the main site of a practice is the NHS site at its current ODS postcode: its own site
   first, otherwise a site listed under another (usually closed or dormant, i.e. predecessor)
   practice at the same postcode — same premises, so same coordinates;
2. failing that its own first site, then the postcode lookup;
3. its other own sites become branches ``<code>-B1``, ``-B2`` … (list size 0, parent = the
   practice); a second listing at the main site's postcode is the same building, not a branch.
Healthy Living Centres are recognised among the sites by name and address.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import DataError, spreadsheet_row
from geo.bounds import MAX_JSON_RECORDS
from geo.nhs_codes import norm_postcode, pretty_postcode
from geo.tables import (
    UK_LAT, UK_LON, check_uk_coordinates, decode_text, parse_float, parse_numbers, read_csv_text,
)

# Healthy Living Centres: shared-address GP sites named in shared/data/medway/SOURCES.md
# (NHS Choices GP sites, Feb 2017). Postcode → (hub id, name).
KNOWN_HLCS = {
    "ME74PN": ("HLC-GIL", "Balmoral Gardens Healthy Living Centre, Gillingham"),
    "ME88AA": ("HLC-RAI", "Rainham Healthy Living Centre, High Street"),
    "ME12EL": ("HLC-ROC", "Rochester Healthy Living Centre, Delce Road"),
    "ME58TJ": ("HLC-LOR", "Lordswood Healthy Living Centre, Sultan Road"),
}
HLC_WORDS = re.compile(r"healthy\s+living\s+centre", re.I)


# ---------------------------------------------------------------- NHS Choices GP sites

SITE_COLUMNS = ["site_id", "ods_code", "name", "address", "postcode", "latitude",
                "longitude", "row"]


def read_gp_sites(path: str | Path) -> pd.DataFrame:
    """NHS Choices GP sites (JSON as dumped by NHS.UK, or its flat CSV): one row per site.

    Sites without coordinates are kept (latitude/longitude NaN) for the postcode lookup.
    ``row`` is the JSON record number (1-based) or the CSV spreadsheet row.
    """
    path = Path(path)
    label = path.name
    text = decode_text(path, label)
    if text.lstrip().startswith(("[", "{")):
        return _sites_from_json(text, label)
    frame = read_csv_text(path, label, required=["odsCode", "latitude", "longitude"],
                          optional=["choicesId", "name", "address", "postcode"],
                          max_rows=MAX_JSON_RECORDS, what="GP sites")
    for col in ("choicesId", "name", "address", "postcode"):
        if col not in frame.columns:
            frame[col] = ""
    frame["latitude"] = parse_float(frame, "latitude", label, required=False)
    frame["longitude"] = parse_float(frame, "longitude", label, required=False)
    check_uk_coordinates(frame, frame["longitude"], frame["latitude"], label)
    out = pd.DataFrame({
        "site_id": frame["choicesId"], "ods_code": frame["odsCode"].str.upper(),
        "name": frame["name"], "address": frame["address"],
        "postcode": frame["postcode"].map(pretty_postcode),
        "latitude": frame["latitude"], "longitude": frame["longitude"],
        "row": [spreadsheet_row(i) for i in range(len(frame))]})
    blank = out["ods_code"] == ""
    if blank.any():
        pos = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError(label, "is blank but a value is required", row=spreadsheet_row(pos),
                        field="odsCode")
    return out


def _sites_from_json(text: str, label: str) -> pd.DataFrame:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(label, f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise DataError(label, "is nested too deeply to be a GP sites file") from None
    if isinstance(data, dict):   # tolerate {"results": [...]} style wrappers
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if lists else [data]
    if not isinstance(data, list):
        raise DataError(label, "is not a list of GP site records")
    if len(data) > MAX_JSON_RECORDS:
        raise DataError(label, f"too many GP site records: {len(data):,} (this app handles "
                               f"up to {MAX_JSON_RECORDS:,})")
    rows = []
    for n, rec in enumerate(data, start=1):
        if not isinstance(rec, dict):
            raise DataError(label, f"record {n} is not an object")
        loc = rec.get("location") or {}
        if not isinstance(loc, dict):
            raise DataError(label, f"record {n}: 'location' is not an object with latitude, "
                                   "longitude and postcode", field="location")
        code = _text(rec.get("odsCode")).upper()
        if not code:
            raise DataError(label, f"record {n} has no ODS code", field="odsCode")
        lat, lon = _coordinate(loc.get("latitude")), _coordinate(loc.get("longitude"))
        try:
            lat, lon = (float(parse_numbers(pd.Series([v]), label, "location.latitude",
                                            rows=[n]).iloc[0]) for v in (lat, lon))
        except DataError:
            raise DataError(label, f"record {n} ({code}): latitude/longitude "
                                   f"'{lat[:40]}'/'{lon[:40]}' are not numbers",
                            field="location.latitude") from None
        if not (np.isnan(lat) or np.isnan(lon)):
            _check_point(label, n, code, lat, lon)
        address = loc.get("address") or []
        if isinstance(address, list):
            address = "; ".join(_text(a) for a in address if a)
        rows.append({"site_id": _text(rec.get("choicesId", "")), "ods_code": code,
                     "name": _text(rec.get("name")), "address": _text(address),
                     "postcode": pretty_postcode(_text(loc.get("postcode"))),
                     "latitude": lat, "longitude": lon, "row": n})
    if not rows:
        raise DataError(label, "contains no GP site records")
    return pd.DataFrame(rows, columns=SITE_COLUMNS)


def _text(value) -> str:
    """A JSON scalar as clean one-line text (objects and lists are not names)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", str(value)).strip()[:500]


def _coordinate(value) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        return "not a number"
    return "" if value is None else str(value)


def _check_point(label: str, n: int, code: str, lat: float, lon: float) -> None:
    if UK_LON[0] <= lon <= UK_LON[1] and UK_LAT[0] <= lat <= UK_LAT[1]:
        return
    if UK_LON[0] <= lat <= UK_LON[1] and UK_LAT[0] <= lon <= UK_LAT[1]:
        why = f"latitude {lat:g} and longitude {lon:g} look swapped"
    else:
        why = f"({lat:g}, {lon:g}) is outside the UK"
    raise DataError(label, f"record {n} ({code}): {why}", field="location.latitude")


# ---------------------------------------------------------------- practices → points

@dataclass
class Placement:
    """Practices and branches placed on the map, and how each was placed."""

    sites: pd.DataFrame                         # canonical practice rows (mains + branches)
    how: dict = field(default_factory=dict)     # practice_code → how its point was found
    unplaced: list = field(default_factory=list)        # one-line messages
    unused_sites: list = field(default_factory=list)    # sites of practices not imported


def place_practices(practices: pd.DataFrame, sites: pd.DataFrame | None,
                    lookup: pd.DataFrame | None, *, epraccur_label: str = "epraccur",
                    sites_label: str = "sites", lookup_label: str = "postcodes",
                    inactive_codes=()) -> Placement:
    """Give each active practice a main point and branch points (rules in the module doc)."""
    sites = sites if sites is not None else pd.DataFrame(columns=SITE_COLUMNS)
    sites = sites.copy()
    sites["key"] = sites["postcode"].map(norm_postcode)
    # A site without coordinates can still be located through the postcode lookup.
    if lookup is not None and len(sites):
        missing = sites["latitude"].isna() & sites["key"].isin(lookup.index)
        sites.loc[missing, "latitude"] = lookup.loc[sites.loc[missing, "key"], "latitude"].values
        sites.loc[missing, "longitude"] = lookup.loc[sites.loc[missing, "key"],
                                                     "longitude"].values
    located = sites.dropna(subset=["latitude", "longitude"])
    active = set(practices["practice_code"])
    inactive = set(inactive_codes)
    rows, how, unplaced = [], {}, []
    used = set()
    for _, p in practices.iterrows():
        code, key = p["practice_code"], norm_postcode(p["postcode"])
        own = located[located["ods_code"] == code]
        main = own[own["key"] == key]
        if len(main):
            main, note = main.iloc[0], "NHS site at its ODS postcode"
        else:
            others = located[(located["key"] == key) & (located["ods_code"] != code)]
            if len(others):
                rank = others["ods_code"].map(lambda c: 0 if c in inactive else
                                              (2 if c in active else 1))
                main = others.loc[rank.sort_values(kind="stable").index[0]]
                note = (f"NHS site of {main['ods_code']} ({main['name']}) at the same "
                        f"postcode {p['postcode']} (a predecessor practice at these premises)")
            elif len(own):
                main = own.iloc[0]
                note = (f"its own NHS site at {main['postcode']} (ODS postcode "
                        f"{p['postcode']} not among the NHS sites)")
            elif lookup is not None and key in lookup.index:
                hit = lookup.loc[key]
                main = pd.Series({"latitude": hit["latitude"], "longitude": hit["longitude"],
                                  "postcode": p["postcode"], "site_id": None})
                note = f"postcode lookup ({lookup_label})"
            else:
                where = f"not found in {lookup_label}" if lookup is not None else \
                    "no postcode lookup was given"
                unplaced.append(f"{epraccur_label}, row {p['line']}, field 'postcode': "
                                f"{p['practice_code']} {p['name']} — no NHS site and postcode "
                                f"{p['postcode'] or '(blank)'} {where}; practice left out")
                continue
        if main.get("site_id") is not None:
            used.add(main.name)
        how[code] = note
        rows.append({"practice_code": code, "name": p["name"],
                     "latitude": float(main["latitude"]), "longitude": float(main["longitude"]),
                     "list_size": 0, "parent_code": "", "locality": "", "gp_wte": "",
                     "postcode": p["postcode"]})
        n = 0
        main_key = norm_postcode(main["postcode"])
        for idx, site in own.iterrows():
            if idx in used or site["key"] in (key, main_key):
                used.add(idx)
                continue
            used.add(idx)
            n += 1
            place = ", ".join(str(site["address"]).split("; ")[:2]) or site["postcode"]
            rows.append({"practice_code": f"{code}-B{n}",
                         "name": f"{p['name']} branch: {place}",
                         "latitude": float(site["latitude"]),
                         "longitude": float(site["longitude"]), "list_size": 0,
                         "parent_code": code, "locality": "", "gp_wte": "",
                         "postcode": site["postcode"]})
    unused = sites[~sites.index.isin(used) & ~sites["ods_code"].isin(active)]
    unused_msgs = [f"{sites_label}, row {r['row']}: {r['ods_code']} {r['name']} "
                   f"({r['postcode']}) — not an active practice of this file"
                   for _, r in unused.iterrows()]
    no_xy = sites[sites["latitude"].isna() & sites["ods_code"].isin(active)]
    for _, r in no_xy.iterrows():
        unplaced.append(f"{sites_label}, row {r['row']}, field 'latitude': site "
                        f"{r['ods_code']} {r['name']} ({r['postcode']}) has no coordinates "
                        "and its postcode was not found; site left out")
    out = pd.DataFrame(rows, columns=["practice_code", "name", "latitude", "longitude",
                                      "list_size", "parent_code", "locality", "gp_wte",
                                      "postcode"])
    return Placement(sites=out, how=how, unplaced=unplaced, unused_sites=unused_msgs)


def derive_hlc_hubs(sites: pd.DataFrame | None) -> pd.DataFrame:
    """Existing Healthy Living Centres from the NHS site list: sites whose address says
    "Healthy Living Centre", grouped by postcode (several practices share each building).

    Names and ids for Medway's four HLCs come from KNOWN_HLCS; others get a generic name.
    """
    cols = ["hub_id", "name", "latitude", "longitude", "status", "locality",
            "capacity_patients"]
    if sites is None or sites.empty:
        return pd.DataFrame(columns=cols)
    text = sites["address"].fillna("") + " " + sites["name"].fillna("")
    hlc = sites[text.str.contains(HLC_WORDS) & sites["latitude"].notna()].copy()
    hlc["key"] = hlc["postcode"].map(norm_postcode)
    rows = []
    for key, grp in hlc.groupby("key", sort=True):
        hub_id, name = KNOWN_HLCS.get(key, (f"HLC-{key}", f"Healthy Living Centre "
                                                           f"({pretty_postcode(key)})"))
        rows.append({"hub_id": hub_id, "name": name,
                     "latitude": round(float(grp["latitude"].mean()), 6),
                     "longitude": round(float(grp["longitude"].mean()), 6),
                     "status": "existing", "locality": "", "capacity_patients": ""})
    return pd.DataFrame(rows, columns=cols)
