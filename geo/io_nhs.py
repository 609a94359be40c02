"""NHS practice files as published: ODS epraccur, NHS Digital list sizes, ePCN.

The GP site file and the placing of practices are in geo/io_gp_sites.py, the postcode
lookup in geo/io_postcodes.py; they are re-exported here, the NHS readers' one front door.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import DataError, spreadsheet_row
from geo.bounds import LIST_SIZE_MAX, MAX_PRACTICE_SITES
from geo.inputs import check_input_file
from geo.nhs_codes import ODS_CODE, pretty_postcode, title_name
from geo.tables import column_key, find_column, parse_int, read_csv_text

# epraccur columns (0-based) — NHS Digital ODS "GP practices" file layout, no header row.
EPR_CODE, EPR_NAME, EPR_ADDR, EPR_POSTCODE = 0, 1, slice(4, 9), 9
EPR_OPEN, EPR_CLOSE, EPR_STATUS, EPR_COMMISSIONER, EPR_SETTING = 10, 11, 12, 14, 25
EPR_MIN_COLUMNS = 26
MAX_ROWS_EPRACCUR = 100_000      # the national file lists about 13,000 organisations
STATUS_WORDS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
GP_SETTING = "4"


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


from geo.io_gp_sites import (  # noqa: E402,F401 (re-exported: the NHS readers' front door)
    KNOWN_HLCS, SITE_COLUMNS, Placement, derive_hlc_hubs, place_practices, read_gp_sites,
)
from geo.io_postcodes import read_postcode_lookup  # noqa: E402,F401
