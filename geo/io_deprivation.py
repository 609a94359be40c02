"""Practice deprivation: OHID Fingertips indicator 93553 "Deprivation score (IMD 2010/2015/2019)".

The score is the practice's registered population weighted by the Index of Multiple
Deprivation score of the areas its patients live in; higher = more deprived. Fingertips
exports hold many indicators and area types; only indicator 93553 rows of the area's
practices are kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import DataError
from geo.practice_join import JoinReport, column, cut_to_area, read_figure_table
from geo.tables import parse_float, read_csv_text

PUBLISHER = "OHID Fingertips, indicator 93553 Deprivation score (IMD), GP practice"
INDICATOR = "93553"
DEPRIVATION_COLUMNS = ["practice_code", "year", "imd_score"]


@dataclass
class DeprivationFile:
    frame: pd.DataFrame
    join: JoinReport


def read_deprivation(path: str | Path, area_codes=None, active_codes=None) -> DeprivationFile:
    path = Path(path)
    label = path.name
    raw = read_csv_text(path, label)
    ind = column(raw, label, "IndicatorID", "Indicator ID", required=False)
    if ind is not None:
        raw = raw[raw[ind] == INDICATOR]
        if raw.empty:
            raise DataError(label, f"has no rows of indicator {INDICATOR} (deprivation score)",
                            field=ind)
    code = column(raw, label, "AreaCode", "Area Code", "practice_code")
    year = column(raw, label, "Year", "Time period", "year")
    value = column(raw, label, "Value", "imd_score")
    years = sorted(set(raw[year]))
    join = JoinReport(file=label, date="IMD " + ", ".join(years))
    raw = cut_to_area(raw.reset_index(drop=True), code, area_codes, active_codes, join)
    out = pd.DataFrame({"practice_code": raw[code], "year": raw[year],
                        "imd_score": parse_float(raw, value, label, required=False, lo=0)})
    out = out.drop_duplicates(["practice_code", "year"], keep="last")
    return DeprivationFile(frame=out.reset_index(drop=True), join=join)


def read_deprivation_table(path: Path) -> pd.DataFrame:
    return read_figure_table(path, DEPRIVATION_COLUMNS, DEPRIVATION_COLUMNS, ("imd_score",))
