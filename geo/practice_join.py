"""Joining a practice-level NHS file to the imported practices, and saying what did not join.

NHS files are published for all of England (or a region); the importer cuts them to the area
by practice code, as it does the list sizes, and keeps three lists for the report: rows of
the area's practices that are no longer active (closed or merged since), active practices
the file lacks, and how many rows were outside the area.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.errors import DataError
from geo.tables import blank_missing, parse_float, read_csv_text


@dataclass
class JoinReport:
    """What joined: counts and the codes a planner needs to check."""

    file: str
    date: str
    rows_read: int = 0
    rows_kept: int = 0
    outside_area: int = 0
    not_active: list[str] = field(default_factory=list)   # area codes not imported (closed…)
    missing: list[str] = field(default_factory=list)      # imported practices not in the file
    joined: int = 0                                       # imported practices found in it

    def lines(self, what: str) -> list[str]:
        out = [f"{self.file} ({self.date or 'date not stated'}): {what} for "
               f"{self.joined} of the imported practices"]
        if self.not_active:
            out.append(f"  {len(self.not_active)} practices in it are practices of the area no longer "
                       "active in the practice list (closed or merged since): "
                       + ", ".join(self.not_active[:30])
                       + (" …" if len(self.not_active) > 30 else ""))
        if self.missing:
            out.append(f"  {len(self.missing)} imported practices are not in it (shown as "
                       "unknown): " + ", ".join(self.missing[:30])
                       + (" …" if len(self.missing) > 30 else ""))
        if self.outside_area:
            out.append(f"  {self.outside_area:,} rows outside the area left out")
        return out


def cut_to_area(frame: pd.DataFrame, code_col: str, area_codes, active_codes,
                report: JoinReport) -> pd.DataFrame:
    """Keep rows whose practice is one of ``area_codes`` (any status); fill ``report``.

    ``area_codes`` None keeps every row (a file already cut to the area).
    """
    codes = frame[code_col].astype(str).str.strip().str.upper()
    frame = frame.assign(**{code_col: codes})
    report.rows_read = len(frame)
    if area_codes is not None:
        keep = codes.isin(set(area_codes)) | codes.isin(set(active_codes or ()))
        report.outside_area = int((~keep).sum())
        frame = frame[keep]
    report.rows_kept = len(frame)
    if active_codes is not None:
        active = set(active_codes)
        present = set(frame[code_col])
        report.not_active = sorted(present - active)
        report.missing = sorted(active - present)
        report.joined = len(active & present)
    return frame.reset_index(drop=True)


def column(frame: pd.DataFrame, label: str, *names: str, required: bool = True) -> str | None:
    """The frame's column matching any of ``names`` (case and spacing ignored)."""
    norm = {re.sub(r"[\s._]+", " ", c).strip().lower(): c for c in frame.columns}
    for name in names:
        found = norm.get(re.sub(r"[\s._]+", " ", name).strip().lower())
        if found is not None:
            return found
    if not required:
        return None
    raise DataError(label, f"missing column '{names[0]}' (found: "
                           f"{', '.join(map(str, frame.columns))[:200]})", field=names[0])


FY_IN_NAME = re.compile(r"(?<!\d)(20)?(\d{2})[-_ /]?(20)?(\d{2})(?!\d)")


def financial_year(text: str) -> str | None:
    """'…_2017-18.csv' / '17-18' / '201718' → '2017-18' (consecutive years only)."""
    for m in FY_IN_NAME.finditer(str(text)):
        first, second = int(m.group(2)), int(m.group(4))
        if (first + 1) % 100 == second:
            return f"20{first:02d}-{second:02d}"
    return None


def year_of_file(path: Path, given: str | None, label: str) -> str:
    """The financial year a file covers: as given, else from its name, else a clear error."""
    year = financial_year(given) if given else financial_year(Path(path).name)
    if year is None:
        raise DataError(label, "cannot tell which financial year this file covers: put it in "
                               "the file name (e.g. payments_2017-18.csv)")
    return year


def read_figure_table(path: Path, columns: list[str], required: list[str],
                      numbers: tuple[str, ...]) -> pd.DataFrame:
    """A data folder's per-practice figures (what the importer wrote): ``required`` columns
    present, the others blank where left out, ``numbers`` finite and ≥ 0 (blank = unknown)."""
    label = path.name
    frame = read_csv_text(path, label, required=required)
    blank_missing(frame, columns)
    for col in numbers:
        frame[col] = parse_float(frame, col, label, required=False, lo=0)
    return frame[columns]
