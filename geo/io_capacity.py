"""Known capacity of existing sites: a template the estates team fills in.

Columns: ``site_code`` (a practice or branch code as in practices.csv), ``gia_m2`` (gross
internal area), ``clinical_rooms``, ``tenure`` and ``condition`` (NHS estate condition
category A–D). Blank = unknown. Where a site's capacity is known it overrides the premises
payments proxy.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.atomic import atomic_path
from geo.errors import DataError, spreadsheet_row
from geo.tables import (
    CsvText, blank_missing, check_not_blank, check_unique, parse_float, parse_int,
    read_csv_text,
)

CAPACITY_COLUMNS = ["site_code", "gia_m2", "clinical_rooms", "tenure", "condition"]
CONDITIONS = ("A", "B", "C", "D")
TENURES = ("owned", "leased", "NHS Property Services", "Community Health Partnerships",
           "LIFT", "other")


def read_capacity(path: str | Path, site_codes=None) -> pd.DataFrame:
    """The capacity CSV, validated; ``site_codes`` (if given) must contain every site."""
    path = path if isinstance(path, CsvText) else Path(path)
    label = path.name
    frame = read_csv_text(path, label, required=["site_code"])
    blank_missing(frame, CAPACITY_COLUMNS)
    check_not_blank(frame, "site_code", label)
    frame["site_code"] = frame["site_code"].str.upper()
    check_unique(frame, "site_code", label)
    frame["gia_m2"] = parse_float(frame, "gia_m2", label, required=False, lo=0, hi=100_000)
    frame["clinical_rooms"] = parse_int(frame, "clinical_rooms", label, required=False, lo=0,
                                        hi=1000)
    frame["condition"] = frame["condition"].str.upper()
    bad = ~frame["condition"].isin(CONDITIONS + ("",))
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(label, f"'{frame['condition'].iloc[pos]}' is not a condition "
                               "category (A, B, C, D or blank)", row=spreadsheet_row(pos),
                        field="condition")
    if site_codes is not None:
        unknown = ~frame["site_code"].isin(set(site_codes))
        if unknown.any():
            pos = int(unknown.to_numpy().nonzero()[0][0])
            raise DataError(label, f"site '{frame['site_code'].iloc[pos]}' is not a practice "
                                   "or branch in practices.csv", row=spreadsheet_row(pos),
                            field="site_code")
    return frame[CAPACITY_COLUMNS].reset_index(drop=True)


def write_template(practices: pd.DataFrame, path: str | Path) -> None:
    """A blank capacity CSV listing every site, for the estates team to fill in."""
    frame = pd.DataFrame({"site_code": practices["practice_code"]})
    for col in CAPACITY_COLUMNS[1:]:
        frame[col] = ""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)
