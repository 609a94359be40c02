"""Reading CSV tables as people actually save them, with messages that point at the cell.

Files come from Excel (Windows-1252, UTF-8 with BOM, semicolons in some locales) and from
NHS/ONS downloads (Latin-1, CRLF). Everything is read as text first, then each column is
parsed by a function that names the file, spreadsheet row and field on the first bad value.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import DataError, spreadsheet_row

TRUE_WORDS = {"true", "1", "yes", "y", "t", ""}
FALSE_WORDS = {"false", "0", "no", "n", "f"}


def decode_text(path: Path, label: str) -> str:
    """File bytes → text: UTF-8 (with or without BOM), else Windows-1252 (a Latin-1 superset)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(label, "file not found") from None
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise DataError(label, "the file is empty")
    if b"\x00" in raw[:4096]:
        raise DataError(label, "this is not a text CSV file (it contains binary data); "
                               "save it from Excel as 'CSV (comma delimited)'")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv_text(path: Path | str, label: str | None = None, header: bool = True,
                  required: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a CSV as all-text columns (blank → ""), stripping spaces around names and values.

    ``required`` columns must be present (case-insensitive; renamed to the given spelling).
    """
    path = Path(path)
    label = label or path.name
    text = decode_text(path, label)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                            header=0 if header else None, skipinitialspace=False)
    except pd.errors.EmptyDataError:
        raise DataError(label, "the file is empty") from None
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DataError(label, f"is not a well-formed CSV ({_short(exc)})") from None
    if header:
        frame.columns = [str(c).strip() for c in frame.columns]
        if required:
            _check_columns(frame, required, label)
    return frame.apply(lambda col: col.str.strip())


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1][:160]


def _check_columns(frame: pd.DataFrame, required, label: str) -> None:
    """Rename required columns to their canonical spelling (in place), or explain."""
    lower = {c.lower(): c for c in frame.columns}
    rename = {lower[r.lower()]: r for r in required if r.lower() in lower}
    frame.columns = [rename.get(c, c) for c in frame.columns]
    missing = [r for r in required if r not in frame.columns]
    if not missing:
        return
    if len(frame.columns) == 1:
        only = str(frame.columns[0])
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if sep in only:
                raise DataError(label, f"the columns are separated by {name}, not commas; "
                                       "save it as 'CSV (comma delimited)'")
    raise DataError(label, f"missing column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(repr(m) for m in missing)} "
                           f"(found: {', '.join(map(str, frame.columns)) or 'none'})",
                    field=missing[0])


def _fail(label: str, frame: pd.DataFrame, pos: int, field: str, reason: str):
    raise DataError(label, reason, row=spreadsheet_row(pos), field=field)


def parse_float(frame: pd.DataFrame, field: str, label: str, *, required: bool = True,
                lo: float | None = None, hi: float | None = None,
                what: str = "a number") -> pd.Series:
    """Text column → floats (blank → NaN unless required), range-checked."""
    text = frame[field].astype(str).str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    bad = (text != "") & values.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        _fail(label, frame, pos, field, f"'{frame[field].iloc[pos]}' is not {what}")
    if required and values.isna().any():
        pos = int(np.flatnonzero(values.isna().to_numpy())[0])
        _fail(label, frame, pos, field, "is blank but a value is required")
    finite = values.notna()
    if lo is not None and (values[finite] < lo).any():
        pos = int(np.flatnonzero((finite & (values < lo)).to_numpy())[0])
        _fail(label, frame, pos, field, f"{frame[field].iloc[pos]} is below the minimum {lo:g}")
    if hi is not None and (values[finite] > hi).any():
        pos = int(np.flatnonzero((finite & (values > hi)).to_numpy())[0])
        _fail(label, frame, pos, field, f"{frame[field].iloc[pos]} is above the maximum {hi:g}")
    return values


def parse_int(frame: pd.DataFrame, field: str, label: str, *, required: bool = True,
              lo: int | None = None, hi: int | None = None) -> pd.Series:
    """Text column → whole numbers (nullable Int64), range-checked."""
    values = parse_float(frame, field, label, required=required, lo=lo, hi=hi,
                         what="a whole number")
    frac = values.notna() & (values != values.round())
    if frac.any():
        pos = int(np.flatnonzero(frac.to_numpy())[0])
        _fail(label, frame, pos, field, f"'{frame[field].iloc[pos]}' is not a whole number")
    return values.round().astype("Int64")


def parse_bool(frame: pd.DataFrame, field: str, label: str, default: bool = True) -> pd.Series:
    """true/false, 1/0, yes/no (any case); blank → ``default``."""
    text = frame[field].astype(str).str.lower()
    ok = text.isin(TRUE_WORDS | FALSE_WORDS)
    if not ok.all():
        pos = int(np.flatnonzero(~ok.to_numpy())[0])
        _fail(label, frame, pos, field,
              f"'{frame[field].iloc[pos]}' is not true/false (1/0 and yes/no also accepted)")
    out = text.isin(TRUE_WORDS - {""}) | ((text == "") & default)
    return out.astype(bool)


def check_unique(frame: pd.DataFrame, field: str, label: str) -> None:
    """Codes must be unique: name both rows of the first duplicate."""
    col = frame[field]
    dup = col.duplicated(keep=False) & (col != "")
    if dup.any():
        positions = np.flatnonzero(dup.to_numpy())
        value = col.iloc[positions[0]]
        rows = [spreadsheet_row(p) for p in positions if col.iloc[p] == value]
        raise DataError(label, f"duplicate code '{value}' (also in row {rows[0]})",
                        row=rows[1], field=field)


def check_not_blank(frame: pd.DataFrame, field: str, label: str) -> None:
    blank = frame[field] == ""
    if blank.any():
        _fail(label, frame, int(np.flatnonzero(blank.to_numpy())[0]), field,
              "is blank but a value is required")


# A generous box around the United Kingdom (WGS84 degrees).
UK_LON = (-8.7, 1.9)
UK_LAT = (49.8, 60.9)


def check_uk_coordinates(frame: pd.DataFrame, lon: pd.Series, lat: pd.Series,
                         label: str) -> None:
    """Latitude/longitude must lie in the UK; say so when they look swapped."""
    inside = lon.between(*UK_LON) & lat.between(*UK_LAT)
    known = lon.notna() & lat.notna()
    bad = known & ~inside
    if not bad.any():
        return
    pos = int(np.flatnonzero(bad.to_numpy())[0])
    if UK_LON[0] <= lat.iloc[pos] <= UK_LON[1] and UK_LAT[0] <= lon.iloc[pos] <= UK_LAT[1]:
        reason = (f"latitude {lat.iloc[pos]:g} and longitude {lon.iloc[pos]:g} look swapped "
                  "(latitude is about 51 in Kent, longitude about 0.5)")
    else:
        reason = (f"({lat.iloc[pos]:g}, {lon.iloc[pos]:g}) is outside the UK; coordinates "
                  "must be WGS84 degrees (latitude about 51.4, longitude about 0.5 in Medway)")
    _fail(label, frame, pos, "latitude", reason)
