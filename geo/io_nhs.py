"""NHS practice files as published: ODS epraccur, NHS Choices GP sites, list sizes, ePCN.

Also a postcode lookup (ONS Postcode Directory style) used as the fallback geocoder, and
the rule that turns practices + sites into practice and branch points:

1. the main site of a practice is the NHS site at its current ODS postcode: its own site
   first, otherwise a site listed under another (usually closed or dormant, i.e. predecessor)
   practice at the same postcode — same premises, so same coordinates;
2. failing that its own first site, then the postcode lookup;
3. its other own sites become branches ``<code>-B1``, ``-B2`` … (list size 0, parent = the
   practice); a second listing at the main site's postcode is the same building, not a branch.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import DataError, spreadsheet_row
from geo.bounds import LIST_SIZE_MAX, MAX_JSON_RECORDS, MAX_PRACTICE_SITES
from geo.inputs import check_input_file
from geo.tables import (
    UK_LAT, UK_LON, check_uk_coordinates, column_key, decode_text, find_column, parse_float,
    parse_int, parse_numbers, read_csv_text,
)

# epraccur columns (0-based) — NHS Digital ODS "GP practices" file layout, no header row.
EPR_CODE, EPR_NAME, EPR_ADDR, EPR_POSTCODE = 0, 1, slice(4, 9), 9
EPR_OPEN, EPR_CLOSE, EPR_STATUS, EPR_COMMISSIONER, EPR_SETTING = 10, 11, 12, 14, 25
EPR_MIN_COLUMNS = 26
MAX_ROWS_EPRACCUR = 100_000      # the national file lists about 13,000 organisations
STATUS_WORDS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
GP_SETTING = "4"
ODS_CODE = re.compile(r"^[A-Z0-9]{3,10}$")

# Healthy Living Centres: shared-address GP sites named in shared/data/medway/SOURCES.md
# (NHS Choices GP sites, Feb 2017). Postcode → (hub id, name).
KNOWN_HLCS = {
    "ME74PN": ("HLC-GIL", "Balmoral Gardens Healthy Living Centre, Gillingham"),
    "ME88AA": ("HLC-RAI", "Rainham Healthy Living Centre, High Street"),
    "ME12EL": ("HLC-ROC", "Rochester Healthy Living Centre, Delce Road"),
    "ME58TJ": ("HLC-LOR", "Lordswood Healthy Living Centre, Sultan Road"),
}
HLC_WORDS = re.compile(r"healthy\s+living\s+centre", re.I)


def norm_postcode(value) -> str:
    """'me7 4pn' / 'ME74PN' / 'ME7  4PN' → 'ME74PN' (the key postcodes are matched on)."""
    return re.sub(r"[^A-Z0-9]", "", str(value or "").upper())


def pretty_postcode(value) -> str:
    key = norm_postcode(value)
    return f"{key[:-3]} {key[-3:]}" if len(key) >= 5 else key


def title_name(name: str) -> str:
    """ODS names are upper case ('ST. MARY'S MEDICAL CENTRE'); show them as a planner would."""
    words = []
    for word in str(name).split():
        if word in {"&", "-", "OOH", "NHS", "GP", "MC", "DMC", "MCH", "HLC"}:
            words.append(word)
        else:
            w = word.capitalize()
            w = re.sub(r"'S\b", "'s", w)
            w = re.sub(r"(?<=[-(/])([a-z])", lambda m: m.group(1).upper(), w)
            words.append(w)
    return " ".join(words)


# ---------------------------------------------------------------- epraccur

@dataclass
class Epraccur:
    """The practices of one commissioner: the active GP practices and what was left out."""

    practices: pd.DataFrame      # practice_code, name, ods_name, postcode, address, line
    skipped: pd.DataFrame        # closed/dormant/proposed GP practices: + status, close_date
    all_rows: pd.DataFrame       # every row kept by the commissioner filter (any setting)
    other_settings: int          # rows that are not GP practices (prescribing setting ≠ 4)
    rows_read: int
    commissioner: str | None


def read_epraccur(path: str | Path, commissioner: str | None = None,
                  setting: str = GP_SETTING) -> Epraccur:
    """Read the headerless ODS epraccur file; keep one commissioner's GP practices.

    Rows are numbered as lines of the file (there is no header row).
    """
    path = Path(path)
    label = path.name
    frame = read_csv_text(path, label, header=False, max_rows=MAX_ROWS_EPRACCUR,
                          what="organisations")
    if frame.shape[1] < EPR_MIN_COLUMNS:
        only = frame.iat[0, 0] if frame.shape[1] == 1 else ""
        hint = ""
        for sep, word in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in str(only):
                hint = f"; its columns look separated by {word}, not commas"
        raise DataError(label, f"has {frame.shape[1]} columns; an ODS epraccur file has 27 "
                               f"(no header row, code in column 1){hint}", row=1)
    first = str(frame.iat[0, EPR_CODE]).upper()
    if not ODS_CODE.match(first) and len(frame) > 1:   # a header row someone added
        frame = frame.iloc[1:]
        offset = 2
    else:
        offset = 1
    frame = frame.reset_index(drop=True)
    frame["line"] = np.arange(len(frame)) + offset
    codes = frame[EPR_CODE].str.upper()
    bad = ~codes.str.match(ODS_CODE.pattern)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(label, f"'{frame.iat[pos, EPR_CODE]}' is not an ODS organisation code",
                        row=int(frame["line"].iloc[pos]), field="column 1 (code)")
    frame[EPR_CODE] = codes
    rows_read = len(frame)
    if commissioner:
        want = commissioner.strip().upper()
        frame = frame[frame[EPR_COMMISSIONER].str.upper() == want]
        if frame.empty:
            seen = ", ".join(sorted(set(read_csv_text(path, label, header=False)
                                        [EPR_COMMISSIONER]))[:12])
            raise DataError(label, f"no rows with commissioner code '{want}' in column 15 "
                                   f"(codes found: {seen or 'none'})", field="column 15")
    dup = frame[EPR_CODE].duplicated(keep=False)
    if dup.any():
        lines = frame.loc[dup, "line"].tolist()
        raise DataError(label, f"duplicate code '{frame.loc[dup, EPR_CODE].iloc[0]}' "
                               f"(also on line {lines[0]})", row=int(lines[1]),
                        field="column 1 (code)")
    out = pd.DataFrame({
        "practice_code": frame[EPR_CODE],
        "ods_name": frame[EPR_NAME],
        "name": frame[EPR_NAME].map(title_name),
        "postcode": frame[EPR_POSTCODE].map(pretty_postcode),
        "address": frame.iloc[:, EPR_ADDR].apply(
            lambda r: ", ".join(v for v in r if v), axis=1) if len(frame) else "",
        "status": frame[EPR_STATUS].str.upper(),
        "open_date": frame[EPR_OPEN],
        "close_date": frame[EPR_CLOSE],
        "commissioner": frame[EPR_COMMISSIONER],
        "setting": frame[EPR_SETTING],
        "line": frame["line"],
    }).reset_index(drop=True)
    is_gp = out["setting"] == setting
    active = is_gp & (out["status"] == "A")
    skipped = out[is_gp & ~active].copy()
    skipped["status"] = skipped["status"].map(lambda s: STATUS_WORDS.get(s, s))
    return Epraccur(practices=out[active].reset_index(drop=True),
                    skipped=skipped.reset_index(drop=True), all_rows=out,
                    other_settings=int((~is_gp).sum()), rows_read=rows_read,
                    commissioner=commissioner.strip().upper() if commissioner else None)


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


# ---------------------------------------------------------------- postcode lookup

POSTCODE_NAMES = ("pcds", "pcd", "pcd2", "postcode", "post_code")
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("long", "lon", "lng", "longitude")


def read_postcode_lookup(path: str | Path, wanted=None) -> pd.DataFrame:
    """ONS-style postcode file → postcode key, latitude, longitude (index = key).

    Only the three needed columns are read, so the national ONSPD (2.6 million rows) is
    practical. ONS marks postcodes without a grid reference with latitude 99.999999; those
    rows are dropped. ``wanted`` (postcodes) keeps just those rows.
    """
    path = Path(path)
    label = path.name
    check_input_file(path, label)
    header, first = _lookup_header(path, label)
    keys = {}
    for h in header:
        if h.strip():
            if column_key(h) in keys:
                raise DataError(label, f"column '{h.strip()}' appears twice", row=1,
                                field=h.strip())
            keys[column_key(h)] = h

    def pick(names, what):
        for n in names:
            if column_key(n) in keys:
                return keys[column_key(n)]
        if len(header) == 1 and any(s in first for s in (";", "\t", "|")):
            raise DataError(label, "the columns are not separated by commas; save it as "
                                   "'CSV (comma delimited)'")
        raise DataError(label, f"missing column for the {what} (one of "
                               f"{', '.join(names)}; found: {', '.join(header)[:200]})",
                        field=names[0])

    cols = [pick(POSTCODE_NAMES, "postcode"), pick(LAT_NAMES, "latitude"),
            pick(LON_NAMES, "longitude")]
    keep = {norm_postcode(p) for p in wanted} if wanted is not None else None
    parts, read = [], 0
    try:   # in chunks, keeping only the wanted rows: the national file stays in bounds
        for chunk in pd.read_csv(path, usecols=cols, dtype=str, keep_default_na=False,
                                 encoding="utf-8-sig", encoding_errors="replace",
                                 chunksize=500_000):
            read += len(chunk)
            if read > MAX_POSTCODES:
                raise DataError(label, f"too many postcodes: more than {MAX_POSTCODES:,} "
                                       "rows")
            chunk = chunk.rename(columns=dict(zip(cols, ["postcode", "latitude",
                                                         "longitude"])))
            chunk["key"] = chunk["postcode"].map(norm_postcode)
            parts.append(chunk if keep is None else chunk[chunk["key"].isin(keep)])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        raise DataError(label, f"is not a well-formed CSV ({str(exc).strip()[:160]})") \
            from None
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror or exc})") from None
    frame = pd.concat(parts) if parts else pd.DataFrame(columns=["postcode", "latitude",
                                                                 "longitude", "key"])
    frame = frame.astype(str).apply(lambda c: c.str.strip())
    rows = [spreadsheet_row(i) for i in frame.index]
    for col, name in (("latitude", cols[1]), ("longitude", cols[2])):
        frame[col] = parse_numbers(frame[col], label, name, rows=rows).to_numpy()
    unknown = frame["latitude"] > 99.9    # ONS: 99.999999 = no grid reference
    frame.loc[unknown, ["latitude", "longitude"]] = np.nan
    lat, lon = frame["latitude"], frame["longitude"]
    outside = lat.notna() & lon.notna() & ~(lon.between(*UK_LON) & lat.between(*UK_LAT))
    if outside.any():
        pos = int(np.flatnonzero(outside.to_numpy())[0])
        la, lo = lat.iloc[pos], lon.iloc[pos]
        swapped = UK_LON[0] <= la <= UK_LON[1] and UK_LAT[0] <= lo <= UK_LAT[1]
        why = (f"latitude {la:g} and longitude {lo:g} look swapped" if swapped else
               f"({la:g}, {lo:g}) is outside the UK; coordinates must be WGS84 "
               "degrees")
        raise DataError(label, why, row=rows[pos], field=cols[1])
    frame = frame.dropna(subset=["latitude", "longitude"])
    return frame.drop_duplicates("key").set_index("key")[["postcode", "latitude",
                                                          "longitude"]]


MAX_POSTCODES = 5_000_000    # the national ONSPD has about 2.7 million


def _lookup_header(path: Path, label: str) -> tuple[list[str], str]:
    """The header names and first line of a (possibly huge) lookup, from its first 64 KB."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(65536)
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise DataError(label, "this is not a text CSV file (it contains binary data)")
    text = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise DataError(label, "the file is empty")
    return next(csv.reader([first])), first


# ---------------------------------------------------------------- list sizes

def read_list_sizes(path: str | Path) -> tuple[pd.DataFrame, str]:
    """NHS Digital gp-reg-pat-prac-all: practice code → registered patients, by header name.

    Both layouts work (``CCG_CODE`` up to 2021, ``SUB_ICB_LOCATION_CODE`` after); where SEX
    and AGE columns exist only the ALL/ALL rows are totals. Returns (frame, extract date).
    """
    path = Path(path)
    label = path.name
    frame = read_csv_text(path, label, max_rows=MAX_LIST_ROWS, what="list-size rows")
    code_col = find_column(frame, "code", "practice_code", "org_code")
    count_col = find_column(frame, "number_of_patients", "list_size", "patients")
    if code_col is None or count_col is None:
        # Reuse the standard column check for its delimiter hint and message.
        read_csv_text(path, label, required=["CODE", "NUMBER_OF_PATIENTS"])
    frame = frame.rename(columns={code_col: "CODE", count_col: "NUMBER_OF_PATIENTS"})
    for col in ("SEX", "AGE", "TYPE", "EXTRACT_DATE", "POSTCODE"):
        actual = find_column(frame, col)
        if actual:
            frame = frame.rename(columns={actual: col})
    for col in ("SEX", "AGE"):
        if col in frame.columns:
            frame = frame[frame[col].str.upper().isin(["ALL", ""])]
    if "TYPE" in frame.columns:
        frame = frame[frame["TYPE"].str.upper().isin(["GP", ""])]
    frame = frame.reset_index(drop=True)
    if frame.empty:
        raise DataError(label, "has no practice rows")
    frame["CODE"] = frame["CODE"].str.upper()
    sizes = parse_int(frame, "NUMBER_OF_PATIENTS", label, lo=0, hi=LIST_SIZE_MAX)
    dup = frame["CODE"].duplicated(keep=False)
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        raise DataError(label, f"duplicate code '{frame['CODE'].iloc[pos[0]]}' (also in row "
                               f"{spreadsheet_row(pos[0])})", row=spreadsheet_row(pos[1]),
                        field="CODE")
    date = ""
    if "EXTRACT_DATE" in frame.columns and len(frame):
        date = _iso_date(frame["EXTRACT_DATE"].iloc[0])
    out = pd.DataFrame({"practice_code": frame["CODE"], "list_size": sizes.astype(int),
                        "postcode": frame["POSTCODE"] if "POSTCODE" in frame.columns
                        else ""})
    return out, date


def _iso_date(text: str) -> str:
    for fmt in ("%d%b%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%Y"):
        try:
            return pd.to_datetime(text, format=fmt).strftime("%Y-%m-%d")
        except (ValueError, TypeError):
            continue
    return str(text)


# ---------------------------------------------------------------- ePCN

PCN_PARTNER_SHEET = "PCN Core Partner Details"
MAX_WORKBOOK_BYTES = 100 * 2**20   # the national ePCN workbook is under 2 MB
MAX_LIST_ROWS = 2_000_000   # the national file by sex and age band has about 1.2 million


def read_pcn_partners(path: str | Path) -> tuple[pd.DataFrame, int]:
    """ePCN core partners (CSV of the sheet, or the .xlsx workbook) → practice_code,
    pcn_code, pcn_name for current relationships. Returns (frame, ended rows left out)."""
    path = Path(path)
    label = path.name
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = _pcn_sheet(path, label)
    else:
        frame = read_csv_text(path, label, max_rows=MAX_PRACTICE_SITES, what="PCN rows")
    names = {"practice_code": ("partner organisation code", "practice_code",
                               "practice code"),
             "pcn_code": ("pcn code", "pcn_code"), "pcn_name": ("pcn name", "pcn_name")}
    rename = {}
    for want, options in names.items():
        found = find_column(frame, *options)
        if found is None:
            if len(frame.columns) == 1 and ";" in frame.columns[0]:
                raise DataError(label, "the columns are separated by semicolons, not commas")
            raise DataError(label, f"missing column '{options[0].title()}' (found: "
                                   f"{', '.join(map(str, frame.columns))[:200]})",
                            field=options[0])
        rename[found] = want
    end_col = next((c for c in frame.columns if "end date" in c.lower()), None)
    ended = frame[end_col].str.strip() != "" if end_col else pd.Series(False, frame.index)
    out = frame.rename(columns=rename)[list(names)].copy()
    out = out.apply(lambda c: c.str.strip())
    out["practice_code"] = out["practice_code"].str.upper()
    out = out[~ended.to_numpy()].reset_index(drop=True)
    dup = out["practice_code"].duplicated(keep=False)
    if dup.any():
        code = out.loc[dup, "practice_code"].iloc[0]
        raise DataError(label, f"practice '{code}' is in more than one current PCN",
                        field="practice_code")
    return out, int(ended.sum())


def _pcn_sheet(path: Path, label: str) -> pd.DataFrame:
    """The partner sheet of an ePCN workbook as text columns, or a one-line refusal."""
    check_input_file(path, label)
    if path.stat().st_size > MAX_WORKBOOK_BYTES:    # a regular file: its size is real
        raise DataError(label, f"is too large for an ePCN workbook (more than "
                               f"{MAX_WORKBOOK_BYTES // 2**20} MB)")
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # openpyxl's style warnings are not ours
            frame = pd.read_excel(path, sheet_name=PCN_PARTNER_SHEET, dtype=str)
    except ValueError as exc:
        if "not found" in str(exc) or "Worksheet" in str(exc):
            raise DataError(label, f"has no sheet '{PCN_PARTNER_SHEET}'") from None
        raise DataError(label, f"is not a readable Excel workbook ({str(exc)[:120]})") \
            from None
    except Exception as exc:   # zip/XML errors of a damaged or renamed file
        raise DataError(label, "is not a readable Excel workbook (.xlsx) "
                               f"({type(exc).__name__})") from None
    if len(frame) > MAX_PRACTICE_SITES:
        raise DataError(label, f"too many PCN rows: {len(frame):,}")
    frame = frame.fillna("").astype(str)
    frame.columns = [str(c).strip() for c in frame.columns]
    seen = set()
    for col in frame.columns:
        if column_key(col) in seen:
            raise DataError(label, f"column '{col}' appears twice", row=1, field=col)
        seen.add(column_key(col))
    return frame.apply(lambda c: c.str.strip())


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
