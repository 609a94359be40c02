"""GP workforce per practice (NHS Digital "General Practice Workforce").

Three layouts are read:

* the practice-level CSV NHS Digital publishes each month (``PRAC_CODE``, ``PRAC_NAME``, …,
  ``TOTAL_PATIENTS``, ``TOTAL_GP_EXTGL_HC``, ``TOTAL_GP_EXTGL_FTE``); its date comes from the
  file name (``…_2024-03.csv``, ``… March 2024 …`` or a financial year ``2023-24``);
* a yearly series with a ``fiscal_year`` column (``16`` = 2015/16) — headcount only, as
  collated by the Health Equity Evidence Centre;
* the same collation with a ``Year`` column (``2023`` = FY2022/23), whose figures are the
  **means of the monthly files** within the financial year, FTE and headcount both.

The GP figures are those of **fully qualified GPs** (excluding GPs in training and locums):
``gp_headcount`` (people) and ``gp_fte`` (full-time equivalents, 37.5 hours = 1), never one
for the other. ``average_patients`` is the file's own ``TOTAL_PATIENTS`` of the same period,
so a ratio of patients to GPs can use one period. ``NA`` or blank is unknown, never zero.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import DataError
from geo.practice_join import (
    JoinReport, column, cut_to_area, financial_year, read_figure_table, year_of_file,
)
from geo.tables import parse_float, read_csv_text

PUBLISHER = "NHS Digital, General Practice Workforce (practice level)"
WORKFORCE_COLUMNS = ["practice_code", "financial_year", "average_patients", "gp_headcount",
                     "gp_fte", "as_at"]
GP_MEASURE = "headcount of fully qualified GPs (excl. trainees and locums)"


@dataclass
class WorkforceFile:
    frame: pd.DataFrame
    join: JoinReport


def _fiscal(value: str) -> str:
    """'16' / '2016' (the year the financial year ends) → '2015-16'."""
    end = int(value) % 100
    return f"20{(end - 1) % 100:02d}-{end:02d}"


MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH_NUM = re.compile(r"(?<!\d)(20\d{2})[-_ ](0[1-9]|1[0-2])(?!\d)")
_MONTH_NAME = re.compile(r"(?i)(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
                         r"[-_ ]*(20\d{2})")


def month_of_name(name: str) -> pd.Timestamp | None:
    """The month a monthly file is dated (last day), from '…_2024-03…' / '… March 2024 …'."""
    m = _MONTH_NUM.search(name)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
    else:
        m = _MONTH_NAME.search(name)
        if not m:
            return None
        year, month = int(m.group(2)), MONTHS[m.group(1).lower()[:3]]
    return pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)


def _fy_of(day: pd.Timestamp) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def read_workforce(path: str | Path, area_codes=None, active_codes=None,
                   year: str | None = None) -> WorkforceFile:
    path = Path(path)
    label = path.name
    raw = read_csv_text(path, label)
    raw = raw.replace({"NA": "", "N/A": "", "NULL": "", "..": ""})
    code = column(raw, label, "Practice.Code", "PRAC_CODE", "Practice Code", "practice_code")
    fte = column(raw, label, "TOTAL_GP_EXTGL_FTE", "gp_fte", required=False)
    heads = column(raw, label, "TOTAL_GP_EXTGL_HC", "gp_headcount", required=fte is None)
    patients = column(raw, label, "TOTAL_PATIENTS", "average_patients", required=False)
    fy_col = column(raw, label, "fiscal_year", "financial_year", "Year", required=False)
    as_at = ""
    if fy_col is None:
        month = None if year else month_of_name(path.name)
        if month is not None and financial_year(path.name) is None:
            as_at = month.date().isoformat()
            years = pd.Series(_fy_of(month), index=raw.index)
        else:
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
    mean = fy_col is not None and fte is not None   # the collation's yearly means
    join = JoinReport(file=label, date=as_at or ((f"financial years {span[0]} to {span[-1]}"
                                                  if len(span) > 1
                                                  else f"financial year {span[0]}")
                                                 + (" (means of the monthly files)"
                                                    if mean else "")
                                                 if span else ""))
    raw = cut_to_area(raw, code, area_codes, active_codes, join)
    out = pd.DataFrame({
        "practice_code": raw[code], "financial_year": raw["_fy"],
        "average_patients": (parse_float(raw, patients, label, required=False, lo=0)
                             if patients else float("nan")),
        "gp_headcount": (parse_float(raw, heads, label, required=False, lo=0)
                         if heads else float("nan")),
        "gp_fte": parse_float(raw, fte, label, required=False, lo=0) if fte else float("nan"),
        "as_at": as_at})
    dup = out.duplicated(["practice_code", "financial_year"])
    if dup.any():
        raise DataError(label, f"practice '{out.loc[dup, 'practice_code'].iloc[0]}' has two "
                               f"rows for {out.loc[dup, 'financial_year'].iloc[0]}",
                        field=code)
    return WorkforceFile(frame=out[WORKFORCE_COLUMNS], join=join)


def read_workforce_table(path: Path) -> pd.DataFrame:
    """The canonical ``gp_workforce.csv`` of a data folder."""
    return read_figure_table(path, WORKFORCE_COLUMNS, ["practice_code", "financial_year"],
                             ("average_patients", "gp_headcount", "gp_fte"))


def medway_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per financial year: practices, patients, GP headcount and FTE (known only; NaN where
    the file gives none), and practices with no GP figure."""
    g = frame.groupby("financial_year")
    known = lambda s: s.sum() if s.notna().any() else float("nan")   # noqa: E731
    gps = frame["gp_fte"].fillna(frame["gp_headcount"])
    return pd.DataFrame({"practices": g.size(), "patients": g["average_patients"].agg(known),
                         "gp_headcount": g["gp_headcount"].agg(known),
                         "gp_fte": g["gp_fte"].agg(known),
                         "unknown": gps.isna().groupby(frame["financial_year"]).sum()
                         .astype(int)})


def totals_text(totals: pd.DataFrame) -> str:
    """'2022-23 130 headcount, 86.6 FTE for 320,843 patients (1 unknown); …' (import report)."""
    parts = []
    for fy, r in totals.iterrows():
        figures = [f"{r.gp_headcount:,.0f} headcount" if pd.notna(r.gp_headcount) else "",
                   f"{r.gp_fte:,.1f} FTE" if pd.notna(r.gp_fte) else ""]
        text = f"{fy} " + ", ".join(f for f in figures if f)
        if pd.notna(r.patients):
            text += f" for {r.patients:,.0f} patients"
        parts.append(text + (f" ({int(r.unknown)} unknown)" if r.unknown else ""))
    return "; ".join(parts)
