"""GP workforce per practice (NHS Digital "General Practice Workforce").

Two layouts are read: the practice-level CSV NHS Digital publishes for one date (``PRAC_CODE``,
``TOTAL_GP_EXTGL_HC`` and, where given, ``TOTAL_GP_EXTGL_FTE``; the year comes from the file
name) and a yearly series with a ``fiscal_year`` column (``16`` = 2015/16), as collated by the
Health Equity Evidence Centre. The GP figure is the **headcount of fully qualified GPs**
(excluding GPs in training and locums); FTE is kept where the file gives it. ``NA`` or blank
is unknown, never zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import DataError
from geo.practice_join import (
    JoinReport, column, cut_to_area, read_figure_table, year_of_file,
)
from geo.tables import parse_float, read_csv_text

PUBLISHER = "NHS Digital, General Practice Workforce (practice level)"
WORKFORCE_COLUMNS = ["practice_code", "financial_year", "average_patients", "gp_headcount",
                     "gp_fte"]
GP_MEASURE = "headcount of fully qualified GPs (excl. trainees and locums)"


@dataclass
class WorkforceFile:
    frame: pd.DataFrame
    join: JoinReport


def _fiscal(value: str) -> str:
    """'16' / '2016' (the year the financial year ends) → '2015-16'."""
    end = int(value) % 100
    return f"20{(end - 1) % 100:02d}-{end:02d}"


def read_workforce(path: str | Path, area_codes=None, active_codes=None,
                   year: str | None = None) -> WorkforceFile:
    path = Path(path)
    label = path.name
    raw = read_csv_text(path, label)
    raw = raw.replace({"NA": "", "N/A": "", "NULL": "", "..": ""})
    code = column(raw, label, "Practice.Code", "PRAC_CODE", "Practice Code", "practice_code")
    heads = column(raw, label, "TOTAL_GP_EXTGL_HC", "gp_headcount")
    fte = column(raw, label, "TOTAL_GP_EXTGL_FTE", "gp_fte", required=False)
    patients = column(raw, label, "TOTAL_PATIENTS", "average_patients", required=False)
    fy_col = column(raw, label, "fiscal_year", "financial_year", required=False)
    if fy_col is None:
        years = pd.Series(year_of_file(path, year, label), index=raw.index)
    else:
        bad = ~raw[fy_col].str.fullmatch(r"\d{2}|\d{4}|\d{4}-\d{2}")
        if bad.any():
            pos = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(label, f"'{raw[fy_col].iloc[pos]}' is not a financial year",
                            row=pos + 2, field=fy_col)
        years = raw[fy_col].map(lambda v: v if "-" in v else _fiscal(v))
    raw = raw.assign(_fy=years)
    span = sorted(set(years))
    join = JoinReport(file=label, date=(f"financial years {span[0]} to {span[-1]}"
                                        if len(span) > 1 else f"financial year {span[0]}")
                      if span else "")
    raw = cut_to_area(raw, code, area_codes, active_codes, join)
    out = pd.DataFrame({
        "practice_code": raw[code], "financial_year": raw["_fy"],
        "average_patients": (parse_float(raw, patients, label, required=False, lo=0)
                             if patients else float("nan")),
        "gp_headcount": parse_float(raw, heads, label, required=False, lo=0),
        "gp_fte": parse_float(raw, fte, label, required=False, lo=0) if fte else float("nan")})
    dup = out.duplicated(["practice_code", "financial_year"])
    if dup.any():
        raise DataError(label, f"practice '{out.loc[dup, 'practice_code'].iloc[0]}' has two "
                               f"rows for {out.loc[dup, 'financial_year'].iloc[0]}",
                        field=code)
    return WorkforceFile(frame=out[WORKFORCE_COLUMNS], join=join)


def read_workforce_table(path: Path) -> pd.DataFrame:
    """The canonical ``gp_workforce.csv`` of a data folder."""
    return read_figure_table(path, WORKFORCE_COLUMNS, ["practice_code", "financial_year",
                                                       "gp_headcount"],
                             ("average_patients", "gp_headcount", "gp_fte"))


def medway_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per financial year: practices, GP headcount (known only), practices with no figure."""
    g = frame.groupby("financial_year")
    return pd.DataFrame({"practices": g.size(), "gp_headcount": g["gp_headcount"].sum(),
                         "unknown": g["gp_headcount"].apply(lambda s: int(s.isna().sum()))})
