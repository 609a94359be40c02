"""A postcode lookup (ONS Postcode Directory style): the fallback geocoder for practices the
NHS site file does not place."""
from __future__ import annotations

import codecs
import csv
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import DataError, spreadsheet_row
from geo.inputs import check_input_file
from geo.nhs_codes import norm_postcode
from geo.tables import UK_LAT, UK_LON, column_key, parse_numbers


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


# ---------------------------------------------------------------- OS Code-Point Open

CODEPOINT_NO_COORDINATES = 90    # Code-Point positional quality: no grid reference


def is_codepoint(path: str | Path) -> bool:
    """True for an OS Code-Point Open area file as published: no header row, the postcode
    then positional quality, eastings and northings (EPSG:27700)."""
    _, first = _lookup_header(Path(path), Path(path).name)
    cells = next(csv.reader([first]))
    return len(cells) >= 4 and all(c.strip().isdigit() for c in cells[1:4]) and \
        len(norm_postcode(cells[0])) >= 5


def read_codepoint(path: str | Path, wanted=None) -> pd.DataFrame:
    """A Code-Point Open area file (any area, as published) → postcode key, latitude,
    longitude (index = key), like read_postcode_lookup; postcodes without coordinates
    (positional quality 90) are dropped."""
    from geo.crs import to_wgs84
    path = Path(path)
    label = path.name
    check_input_file(path, label)
    try:
        frame = pd.read_csv(path, header=None, usecols=[0, 1, 2, 3], dtype=str,
                            keep_default_na=False, encoding="utf-8-sig",
                            encoding_errors="replace")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        raise DataError(label, f"is not a Code-Point Open CSV ({str(exc).strip()[:160]})") \
            from None
    if len(frame) > MAX_POSTCODES:
        raise DataError(label, f"too many postcodes: more than {MAX_POSTCODES:,} rows")
    frame.columns = ["postcode", "quality", "eastings", "northings"]
    frame["key"] = frame["postcode"].map(norm_postcode)
    if wanted is not None:
        frame = frame[frame["key"].isin({norm_postcode(p) for p in wanted})]
    rows = [i + 1 for i in frame.index]        # no header: the file's own line numbers
    east = parse_numbers(frame["eastings"], label, "eastings", rows=rows)
    north = parse_numbers(frame["northings"], label, "northings", rows=rows)
    quality = pd.to_numeric(frame["quality"], errors="coerce")
    placed = (quality != CODEPOINT_NO_COORDINATES) & (east > 0) & (north > 0)
    lon, lat = to_wgs84(east[placed].to_numpy(float), north[placed].to_numpy(float))
    out = pd.DataFrame({"postcode": frame.loc[placed, "postcode"].str.strip().to_numpy(),
                        "latitude": lat, "longitude": lon},
                       index=frame.loc[placed, "key"].to_numpy())
    return out[~out.index.duplicated()]


def place_postcode(path: str | Path, postcode: str) -> tuple[float, float]:
    """(latitude, longitude) of one postcode from a Code-Point Open or ONS-style file;
    DataError naming the postcode when the file does not hold it."""
    reader = read_codepoint if is_codepoint(path) else read_postcode_lookup
    found = reader(path, wanted=[postcode])
    key = norm_postcode(postcode)
    if key not in found.index:
        raise DataError(Path(path).name, f"postcode '{postcode}' is not in this file "
                                         "(or has no grid reference)", field="postcode")
    row = found.loc[key]
    return float(row["latitude"]), float(row["longitude"])
