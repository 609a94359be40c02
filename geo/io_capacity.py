"""The estate register: what each site (main or branch surgery, hub) holds, as the estates
team returns it.

Columns (CSV, or the first sheet of an .xlsx workbook; names matched ignoring case, spaces
and '_'): ``site_code`` (a practice or branch code as in practices.csv, or a hub_id of
hubs.csv), ``gia_m2`` (gross internal area), ``clinical_rooms``, ``tenure`` (owned, leased,
NHS Property Services, Community Health Partnerships, LIFT or other), ``condition`` (NHS
estate condition category A–D), ``lease_end`` (a date, e.g. 2031-03-31), ``hours_per_week``
(opening hours) and ``notes``. Only ``site_code`` is required; the first five are the
original capacity return and a file with just those still reads. Blank = unknown, never 0:
a site with no row, or a blank cell, is unknown wherever it is shown. Where a site's m² is
known it overrides the premises-payments proxy (models/supply.py).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.atomic import atomic_path
from geo.errors import DataError, spreadsheet_row
from geo.tables import (
    CsvText, blank_missing, check_not_blank, check_unique, column_key, parse_float, parse_int,
    read_csv_text,
)

CAPACITY_COLUMNS = ["site_code", "gia_m2", "clinical_rooms", "tenure", "condition",
                    "lease_end", "hours_per_week", "notes"]
CONDITIONS = ("A", "B", "C", "D")
TENURES = ("owned", "leased", "NHS Property Services", "Community Health Partnerships",
           "LIFT", "other")
# Everyday spellings of the tenures an estates return uses.
TENURE_WORDS = {"nhsps": "NHS Property Services", "chp": "Community Health Partnerships",
                "freehold": "owned", "leasehold": "leased", "rented": "leased"}
# Typo guards: the largest primary care centres in England have a few dozen clinical rooms
# and a few thousand m²; a week has 168 hours.
MAX_ROOMS = 300
MAX_GIA_M2 = 50_000
MAX_HOURS = 168
MAX_SITES = 20_000
MAX_WORKBOOK_BYTES = 20 * 2**20
# How each column reads in a message or a table header.
LABELS = {"gia_m2": "m² GIA", "clinical_rooms": "clinical rooms", "tenure": "tenure",
          "condition": "condition", "lease_end": "lease end",
          "hours_per_week": "opening hours per week", "notes": "notes"}


def read_capacity(path: str | Path, site_codes=None) -> pd.DataFrame:
    """The register (CSV or XLSX), validated; ``site_codes`` (if given) must contain every
    site. Raises DataError naming the file, row and field of the first problem."""
    path = path if isinstance(path, CsvText) else Path(path)
    label = path.name
    if not isinstance(path, CsvText) and path.suffix.lower() in (".xlsx", ".xlsm"):
        path = _sheet_as_csv(path, label)
    frame = read_csv_text(path, label, required=["site_code"],
                          optional=CAPACITY_COLUMNS[1:], max_rows=MAX_SITES, what="sites")
    blank_missing(frame, CAPACITY_COLUMNS)
    check_not_blank(frame, "site_code", label)
    frame["site_code"] = frame["site_code"].str.upper()
    check_unique(frame, "site_code", label)
    frame["gia_m2"] = parse_float(frame, "gia_m2", label, required=False, lo=0, hi=MAX_GIA_M2)
    frame["clinical_rooms"] = parse_int(frame, "clinical_rooms", label, required=False, lo=0,
                                        hi=MAX_ROOMS)
    frame["hours_per_week"] = parse_float(frame, "hours_per_week", label, required=False,
                                          lo=0, hi=MAX_HOURS)
    for i, text in enumerate(frame["condition"]):
        frame.at[i, "condition"] = check_condition(text, label, row=spreadsheet_row(i))
    for i, text in enumerate(frame["tenure"]):
        frame.at[i, "tenure"] = check_tenure(text, label, row=spreadsheet_row(i))
    for i, text in enumerate(frame["lease_end"]):
        frame.at[i, "lease_end"] = check_date(text, label, row=spreadsheet_row(i))
    if site_codes is not None:
        unknown = ~frame["site_code"].isin(set(site_codes))
        if unknown.any():
            pos = int(unknown.to_numpy().nonzero()[0][0])
            raise DataError(label, f"site '{frame['site_code'].iloc[pos]}' is not a practice "
                                   "or branch in practices.csv, nor a hub in hubs.csv",
                            row=spreadsheet_row(pos), field="site_code")
    return frame[CAPACITY_COLUMNS].reset_index(drop=True)


def check_condition(text, label: str = "register", row: int | None = None) -> str:
    """A condition category A–D (any case) or blank."""
    value = str(text).strip().upper()
    if value not in CONDITIONS + ("",):
        raise DataError(label, f"'{text}' is not a condition category (A, B, C, D or blank)",
                        row=row, field="condition")
    return value


def check_tenure(text, label: str = "register", row: int | None = None) -> str:
    """One of TENURES (any case; NHSPS, CHP, freehold, leasehold understood) or blank."""
    value = str(text).strip()
    if not value:
        return ""
    key = column_key(value)
    known = {column_key(t): t for t in TENURES}
    known.update({column_key(w): t for w, t in TENURE_WORDS.items()})
    if key not in known:
        raise DataError(label, f"'{value}' is not a tenure ({', '.join(TENURES)} or blank)",
                        row=row, field="tenure")
    return known[key]


def check_date(text, label: str = "register", row: int | None = None) -> str:
    """A lease end date as ISO text (2031-03-31; 31/03/2031 also read) or blank."""
    value = str(text).strip()
    if not value:
        return ""
    day_first = "/" in value
    try:
        stamp = pd.to_datetime(value, dayfirst=day_first, errors="raise",
                               format="%d/%m/%Y" if day_first else "ISO8601")
    except (ValueError, TypeError, OverflowError):
        stamp = None
    if stamp is None or pd.isna(stamp) or not 1900 <= stamp.year <= 2200:
        raise DataError(label, f"'{value}' is not a date (write it as 2031-03-31)", row=row,
                        field="lease_end")
    return stamp.strftime("%Y-%m-%d")


def _sheet_as_csv(path: Path, label: str) -> CsvText:
    """The first sheet of a register workbook as CSV text, so it is checked exactly as a
    CSV is (the same rows, fields and messages)."""
    import warnings
    if not path.is_file():
        raise DataError(label, "is not a file")
    if path.stat().st_size > MAX_WORKBOOK_BYTES:
        raise DataError(label, f"is too large for an estate register (more than "
                               f"{MAX_WORKBOOK_BYTES // 2**20} MB)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")      # openpyxl's style warnings are not ours
            frame = pd.read_excel(path, sheet_name=0, dtype=str)
    except Exception as exc:   # zip/XML errors of a damaged or renamed file
        raise DataError(label, "is not a readable Excel workbook (.xlsx) "
                               f"({type(exc).__name__})") from None
    return CsvText(label, frame.fillna("").to_csv(index=False))


def write_template(practices: pd.DataFrame, path: str | Path) -> None:
    """A blank register listing every site, for the estates team to fill in."""
    frame = pd.DataFrame({"site_code": practices["practice_code"]})
    for col in CAPACITY_COLUMNS[1:]:
        frame[col] = ""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)
