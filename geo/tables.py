"""Reading CSV tables as people actually save them, with messages that point at the cell.

Files come from Excel (Windows-1252, UTF-8 with BOM, semicolons in some locales) and from
NHS/ONS downloads (Latin-1, CRLF). Everything is read as text first, then each column is
parsed by a function that names the file, spreadsheet row and field on the first bad value.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.bounds import (
    GB_LAT, GB_LON, MAX_CELL_CHARS, MAX_COLUMNS, MAX_MAGNITUDE, MAX_NAME_CHARS, MAX_ROWS,
)
from geo.errors import DataError, spreadsheet_row
from geo.inputs import read_bytes
from geo.text import FORMAT_CHARS, refuse_in_csv

TRUE_WORDS = {"true", "1", "yes", "y", "t", ""}
FALSE_WORDS = {"false", "0", "no", "n", "f"}
# A plain decimal number (optionally with an exponent): no inf, nan, hex or 400 digits.
NUMBER = re.compile(r"^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?$")
# Control characters that break CSV/GeoJSON round trips (NUL, lone CR, …); tabs stay.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
SPACE_AT_EDGE = re.compile(r"[ \t\xa0]\"?(,|\n|$)|(^|,|\n)\"?[ \t\xa0]")
CONTROL_IN_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
NEUTRALISED_IN_TEXT = re.compile(r"'[=+\-@\t\r]")
# A leading quote the exporters add so a spreadsheet shows '=…' as text, not a formula.
NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass(frozen=True)
class CsvText:
    """A table's CSV text held in memory under the file name it would be saved as: the
    importer checks what it built with the very readers that open a data folder, without
    writing a temporary folder and reading it back."""

    name: str
    text: str


def decode_text(path: Path | CsvText, label: str) -> str:
    """File bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    A BOM is removed before any decoding (Excel writes one even before cp1252 text);
    bytes cp1252 leaves undefined become U+FFFD rather than failing the whole file.
    """
    if isinstance(path, CsvText):
        return _line_ends(path.text, label)
    raw = read_bytes(path, label)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _line_ends(raw.decode("utf-16"), label)
        except UnicodeDecodeError:
            raise DataError(label, "is not readable UTF-16 text") from None
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if not raw.strip():
        raise DataError(label, "the file is empty")
    if raw[:4096].count(b"\x00") > 8:     # a stray NUL is cleaned; many mean binary
        raise DataError(label, "this is not a text CSV file (it contains binary data); "
                               "save it from Excel as 'CSV (comma delimited)'")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return _line_ends(text, label)


def _line_ends(text: str, label: str) -> str:
    """CRLF and old-Mac CR line ends → LF; a lone CR inside a line → a space. A NUL stays,
    for ``read_csv_text`` to refuse with its row and field."""
    if not text.strip():
        raise DataError(label, "the file is empty")
    text = text.replace("\r\n", "\n")
    if "\n" not in text:            # "CSV (Macintosh)": CR ends every line
        return text.replace("\r", "\n")
    return text.replace("\r", " ")


# A line longer than this holds a cell past MAX_CELL_CHARS whatever its columns.
MAX_LINE_BYTES = MAX_COLUMNS * MAX_CELL_CHARS


def check_row_count(path: Path, label: str, max_rows: int, header: bool, what: str) -> None:
    """Refuse a file of more than ``max_rows`` data rows, counted a megabyte at a time, so
    that a million-row file is refused without being held in memory."""
    from geo.inputs import check_input_file
    path = check_input_file(path, label)
    lines, last, run = 0, b"\n", 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                ends = chunk.count(b"\n")
                parts = chunk.split(b"\n") if ends else [chunk]
                run += len(parts[0])
                sizes = [run, *map(len, parts[1:])]
                if max(sizes) > MAX_LINE_BYTES:       # a 200 MB "name": never read in
                    at = sizes.index(max(sizes))
                    raise DataError(label, f"a line of more than {MAX_LINE_BYTES // 10**6} "
                                           "million characters; no cell or name can be "
                                           "that long", row=lines + at + 1)
                run = len(parts[-1]) if ends else run
                lines += ends
                last = chunk[-1:]
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror or exc})") from None
    rows = lines + (last != b"\n") - header
    if rows > max_rows:
        raise DataError(label, f"too many {what}: about {rows:,} rows (this app handles "
                               f"up to {max_rows:,}); split the file or keep your area's rows")


# Any run of this many characters without a line end holds a cell past the cap (or more
# columns than any table has): then the cells are measured one by one.
LONG_LINE = re.compile("[^\n]{%d}" % MAX_CELL_CHARS)


def check_shape(text: str, label: str, header: bool = True) -> None:
    """Caps checked before parsing: columns per row (from the first line) and cell length."""
    first = text.split("\n", 1)[0]
    columns = first.count(",") + 1
    if columns > MAX_COLUMNS:
        raise DataError(label, f"has {columns:,} columns; a table here has at most "
                               f"{MAX_COLUMNS:,} (is this the right file?)", row=1)
    long = LONG_LINE.search(text)
    if not long:
        return
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if len(row) > MAX_COLUMNS:
                raise DataError(label, f"has {len(row):,} columns; a table here has at "
                                       f"most {MAX_COLUMNS:,}", row=number)
            for pos, cell in enumerate(row):
                if len(cell) > MAX_CELL_CHARS:
                    raise DataError(label, f"a cell of {len(cell):,} characters; at most "
                                           f"{MAX_CELL_CHARS:,}", row=number,
                                    field=f"column {pos + 1}")
    except csv.Error:     # a cell past the csv module's own limit (128 KB)
        raise DataError(label, f"a cell of more than {MAX_CELL_CHARS:,} characters",
                        row=text.count("\n", 0, long.start()) + 1) from None


def column_key(name) -> str:
    """How columns are matched: 'Gp Wte', 'GP_WTE' and ' gp-wte ' are the same column."""
    return re.sub(r"[\s_\-\ufeff]+", "", str(name)).lower()


def find_column(frame: pd.DataFrame, *names: str) -> str | None:
    """The frame's column matching the first of ``names`` present (by ``column_key``)."""
    keys = {column_key(c): c for c in frame.columns}
    return next((keys[column_key(n)] for n in names if n and column_key(n) in keys), None)


def read_csv_text(path: Path | str | CsvText, label: str | None = None, header: bool = True,
                  required: list[str] | tuple[str, ...] = (),
                  optional: list[str] | tuple[str, ...] = (), max_rows: int = MAX_ROWS,
                  what: str = "rows") -> pd.DataFrame:
    """Read a CSV as all-text columns (blank → ""), stripping spaces around names and values.

    Columns are matched by ``column_key`` (case, spaces, '_' and '-' ignored): ``required``
    ones must be present and, like ``optional`` ones, are renamed to the given spelling. Two
    columns with the same key are refused (which copy is meant?). Past ``max_rows`` rows the
    file is refused with "too many {what}". Control characters in cells become spaces.
    """
    path = path if isinstance(path, CsvText) else Path(path)
    label = label or path.name
    if isinstance(path, Path):   # count rows on disk first: a huge file is never held
        check_row_count(path, label, max_rows, header, what)
    text = decode_text(path, label)
    lines = text.count("\n") + (not text.endswith("\n")) - header
    if lines > max_rows:     # before parsing: a million-row file is refused in a second
        raise DataError(label, f"too many {what}: about {lines:,} rows (this app handles "
                               f"up to {max_rows:,}); split the file or keep your area's rows")
    check_shape(text, label, header)
    refuse_in_csv(text, label, header)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, header=None,
                            skipinitialspace=False)
    except pd.errors.EmptyDataError:
        raise DataError(label, "the file is empty") from None
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise DataError(label, f"is not a well-formed CSV ({_short(exc)})") from None
    # What cleaning the cells need, found on the whole text at C speed (a per-cell pass
    # over a million rows costs seconds): spaces at cell edges, control characters or
    # line breaks inside quoted cells, a neutralising quote to remove.
    work = [op for op, needed in (
        ("format", FORMAT_CHARS.search(text)),
        ("strip", SPACE_AT_EDGE.search(text)),
        ("control", CONTROL_IN_LINE.search(text) or len(frame) < lines + header),
        ("quote", NEUTRALISED_IN_TEXT.search(text))) if needed]
    del text
    frame = frame.fillna("")
    if header:
        names = [FORMAT_CHARS.sub("", CONTROL.sub(" ", str(c))).strip() or f"Unnamed: {i}"
                 for i, c in enumerate(frame.iloc[0])]
        frame = frame.iloc[1:].reset_index(drop=True)
        frame.columns = names
        _check_duplicates(names, label)
    if len(frame) > max_rows:
        raise DataError(label, f"too many {what}: {len(frame):,} (this app handles up to "
                               f"{max_rows:,}); split the file or keep your area's rows")
    if header:
        _canonical_names(frame, required, optional, label)
    return frame.apply(_clean_cells, work=work) if work else frame


def blank_missing(frame: pd.DataFrame, columns) -> None:
    """Optional columns a file leaves out, added as blank text (in place): the readers then
    parse every column the same way, present or not."""
    for col in columns:
        if col not in frame.columns:
            frame[col] = ""


def _clean_cells(col: pd.Series, work: list[str]) -> pd.Series:
    if "format" in work:
        col = col.str.replace(FORMAT_CHARS, "", regex=True)
    if "control" in work:
        col = col.str.replace(CONTROL, " ", regex=True)
    if "strip" in work or "control" in work:
        col = col.str.strip()
    if "quote" in work:
        col = col.str.replace(NEUTRALISED, "", regex=True)
    return col


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit to write to CSV/XLSX: text cells lose control characters (NUL, lone CR)
    and those starting = + - @ get a leading quote, so a spreadsheet shows them as text
    rather than running them as formulas (read_csv_text removes the quote again)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype != object and not pd.api.types.is_string_dtype(out[col]):
            continue
        text = out[col]
        is_str = text.map(lambda v: isinstance(v, str))
        if not is_str.any():
            continue
        values = text[is_str].str.replace(CONTROL, " ", regex=True)
        risky = values.str.match(r"^[=+\-@\t\r]") & ~values.str.match(NUMBER)
        values[risky] = "'" + values[risky]
        out.loc[is_str, col] = values
    return out


def _short(exc: Exception) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[-1][:160]


def _check_duplicates(names: list[str], label: str) -> None:
    seen: dict[str, int] = {}
    for pos, name in enumerate(names):
        key = column_key(name)
        if key in seen:
            raise DataError(label, f"column '{name}' appears twice (columns {seen[key] + 1} "
                                   f"and {pos + 1}); delete one so it is clear which is "
                                   "meant", row=1, field=name)
        seen[key] = pos


def _canonical_names(frame: pd.DataFrame, required, optional, label: str) -> None:
    """Rename known columns to their canonical spelling (in place), or explain."""
    wanted = {column_key(r): r for r in list(optional) + list(required)}
    frame.columns = [wanted.get(column_key(c), c) for c in frame.columns]
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
                           f"(found: {', '.join(map(str, frame.columns))[:200] or 'none'})",
                    field=missing[0])


def _fail(label: str, frame: pd.DataFrame, pos: int, field: str, reason: str):
    raise DataError(label, reason, row=spreadsheet_row(pos), field=field)


def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])


def parse_numbers(text: pd.Series, label: str, field: str, what: str = "a number",
                  rows=None) -> pd.Series:
    """The one number parser: text → finite floats (blank → NaN), refusing inf, NaN, hex,
    400-digit numbers and anything past ``MAX_MAGNITUDE`` with the file, row and field.

    ``rows`` gives the row number for each position (default: spreadsheet rows).
    """
    shown_text = text.astype(str).str.strip()
    text = shown_text.str.replace(",", "", regex=False)
    blank = text == ""
    ok = blank | text.str.match(NUMBER)
    values = pd.Series(np.nan, index=text.index, dtype=float)
    values[ok & ~blank] = text[ok & ~blank].astype(float)
    too_big = values.abs() > MAX_MAGNITUDE
    bad = ~ok | too_big
    if bad.any():
        pos = _first(bad)
        row = rows[pos] if rows is not None else spreadsheet_row(pos)
        shown = shown_text.iloc[pos]
        shown = shown if len(shown) <= 40 else shown[:40] + "…"
        long_digits = re.fullmatch(r"[+-]?[\d.]{21,}", text.iloc[pos]) is not None
        reason = (f"{shown} is too large to be {what} (beyond {MAX_MAGNITUDE:g})"
                  if ok.iloc[pos] or long_digits else f"'{shown}' is not {what}")
        raise DataError(label, reason, row=row, field=field)
    return values


def parse_float(frame: pd.DataFrame, field: str, label: str, *, required: bool = True,
                lo: float | None = None, hi: float | None = None,
                what: str = "a number") -> pd.Series:
    """Text column → finite floats (blank → NaN unless required), range-checked."""
    values = parse_numbers(frame[field], label, field, what)
    if required and values.isna().any():
        _fail(label, frame, _first(values.isna()), field, "is blank but a value is required")
    if lo is not None and (values < lo).any():
        pos = _first(values < lo)
        _fail(label, frame, pos, field, f"{frame[field].iloc[pos]} is below the minimum {lo:g}")
    if hi is not None and (values > hi).any():
        pos = _first(values > hi)
        _fail(label, frame, pos, field, f"{frame[field].iloc[pos]} is above the maximum {hi:g}")
    return values


def parse_int(frame: pd.DataFrame, field: str, label: str, *, required: bool = True,
              lo: int | None = None, hi: int | None = None) -> pd.Series:
    """Text column → whole numbers (nullable Int64), range-checked."""
    values = parse_float(frame, field, label, required=required, lo=lo, hi=hi,
                         what="a whole number")
    frac = values.notna() & (values != values.round())
    if frac.any():
        pos = _first(frac)
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


def check_name_length(frame: pd.DataFrame, field: str, label: str) -> None:
    """Names are shown on the map, in tables and reports: at most MAX_NAME_CHARS."""
    if field not in frame.columns:
        return
    long = frame[field].str.len() > MAX_NAME_CHARS
    if long.any():
        pos = _first(long)
        _fail(label, frame, pos, field, f"a name of {len(frame[field].iloc[pos]):,} "
                                        f"characters; at most {MAX_NAME_CHARS}")


def check_not_blank(frame: pd.DataFrame, field: str, label: str) -> None:
    blank = frame[field] == ""
    if blank.any():
        _fail(label, frame, int(np.flatnonzero(blank.to_numpy())[0]), field,
              "is blank but a value is required")


# A generous box around Great Britain (WGS84 degrees); one owner: geo.bounds.
UK_LON = GB_LON
UK_LAT = GB_LAT


def check_uk_coordinates(frame: pd.DataFrame, lon: pd.Series, lat: pd.Series,
                         label: str) -> None:
    """Latitude/longitude must lie on UK land (geo/land.py: a box would pass the North Sea);
    say so when they look swapped."""
    from geo.land import land_refusal, on_land
    known = (lon.notna() & lat.notna()).to_numpy()
    bad = known & ~on_land(lon.to_numpy(float), lat.to_numpy(float))
    if not bad.any():
        return
    pos = int(np.flatnonzero(bad)[0])
    _fail(label, frame, pos, "latitude", land_refusal(float(lon.iloc[pos]),
                                                      float(lat.iloc[pos])))
