"""Import steps for practice-level figures: payments, GP workforce, deprivation, capacity.

Each step (declared in geo/sources.py, run by geo/importer.py) reads its file, cut to the
area's practice codes (any status in the practice list), joined to the imported practices by
code, and reported: its date, what joined, which practices of the
area have closed or merged since, which imported practices it lacks. Also the vintage check
between the practice list and the list sizes, and attaching a closed or merged practice's
site to its successor.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo import io_capacity, io_deprivation, io_payments, io_workforce
from geo.dataset import OPTIONAL_FILES
from geo.errors import DataError

# List sizes dated more than this many years from the practice list are a different
# population of practices (closures and mergers): a data-quality threshold, not a planning
# assumption.
VINTAGE_GAP_YEARS = 1.0


def payments(ctx) -> None:
    """NHS Payments to General Practice, one file per financial year."""
    parts = []
    for path in ctx.inputs.payments:
        got = io_payments.read_payments(path, ctx.area_codes, ctx.main_codes)
        if parts and got.frame["financial_year"].iloc[0] in {
                p["financial_year"].iloc[0] for p in parts if len(p)}:
            raise DataError(Path(path).name, "a payments file for financial year "
                            f"{got.frame['financial_year'].iloc[0]} was already given")
        parts.append(got.frame)
        ctx.report.figures += got.join.lines("registered and weighted lists, premises "
                                             "payments")
        ctx.report.figures.append(f"  {len(got.frame)} practices of the area in the file")
        ctx.add_source(path, io_payments.PUBLISHER, got.join.date, got.join.rows_kept,
                       got.join.outside_area, f"{len(got.frame)} practices of the area")
    ctx.tables[OPTIONAL_FILES["payments"]] = pd.concat(parts, ignore_index=True)


def workforce(ctx) -> None:
    """GP workforce per practice (headcount and FTE, as the file gives them)."""
    got = io_workforce.read_workforce(ctx.inputs.workforce, ctx.area_codes, ctx.main_codes)
    lines = got.join.lines(f"GP {io_workforce.GP_MEASURE}")
    totals = io_workforce.medway_totals(got.frame)
    lines.append("  Area totals by financial year (fully qualified GPs; practices with no "
                 "figure not counted): " + io_workforce.totals_text(totals))
    ctx.report.figures += lines
    ctx.tables[OPTIONAL_FILES["workforce"]] = got.frame
    ctx.add_source(ctx.inputs.workforce, io_workforce.PUBLISHER, got.join.date,
                   got.join.rows_kept, got.join.outside_area, io_workforce.GP_MEASURE)


def deprivation(ctx) -> None:
    """The practices' deprivation score (IMD)."""
    got = io_deprivation.read_deprivation(ctx.inputs.deprivation, ctx.area_codes,
                                          ctx.main_codes)
    ctx.report.figures += got.join.lines("deprivation score")
    ctx.tables[OPTIONAL_FILES["deprivation"]] = got.frame
    ctx.add_source(ctx.inputs.deprivation, io_deprivation.PUBLISHER, got.join.date,
                   got.join.rows_kept, got.join.outside_area, "higher = more deprived")


def capacity(ctx) -> None:
    """The estates team's known capacity per site (overrides the premises proxy)."""
    path = ctx.inputs.capacity
    frame = io_capacity.read_capacity(path, set(ctx.practices["practice_code"]))
    known = int(frame["gia_m2"].notna().sum())
    ctx.report.figures.append(f"{Path(path).name}: known capacity for {len(frame)} sites "
                              f"({known} with m² GIA); it overrides the premises-payments "
                              "proxy there")
    ctx.tables[OPTIONAL_FILES["capacity"]] = frame
    ctx.add_source(path, "known capacity (estates team's return)", "", len(frame), 0,
                   "site code, m² GIA, rooms, tenure, condition")


# Reading each back from a data folder (geo/canonical.py): ``reader(path, dataset)``.

def payments_table(path, ds) -> pd.DataFrame:
    return io_payments.read_payments_table(path)


def workforce_table(path, ds) -> pd.DataFrame:
    return io_workforce.read_workforce_table(path)


def deprivation_table(path, ds) -> pd.DataFrame:
    return io_deprivation.read_deprivation_table(path)


def capacity_table(path, ds) -> pd.DataFrame:
    return io_capacity.read_capacity(path, [*ds.practices["practice_code"],
                                            *ds.hubs["hub_id"].astype(str)])


def years_between(first: str, second: str) -> float | None:
    """Years between two ISO-ish dates ('2019-12-20', '2026-04-01'); None if unknown."""
    try:
        a, b = pd.Timestamp(first), pd.Timestamp(second)
    except (ValueError, TypeError):
        return None
    if pd.isna(a) or pd.isna(b):
        return None
    return abs((b - a).days) / 365.25


def vintage_warning(practice_date: str, list_date: str, list_file: str,
                    missing: list[str], names: dict) -> str | None:
    """A warning when the list sizes are far in time from the practice list."""
    gap = years_between(practice_date, list_date)
    if gap is None or gap <= VINTAGE_GAP_YEARS:
        return None
    text = (f"List sizes ({list_file}, {list_date}) are {gap:.1f} years from the practice "
            f"list ({practice_date}): practices closed, merged or opened in between, so some "
            "lists hold patients of practices that merged into them.")
    if missing:
        text += (f" {len(missing)} practices of the practice list have no list size there "
                 "(closed or merged between the two dates; list size unknown, not 0): "
                 + ", ".join(f"{c} {names.get(c, '')}".strip() for c in missing)
                 + ". Use a list-size file dated nearer the practice list, or attach each "
                   "to its successor (--successor OLD=NEW).")
    return text


def attach_successors(practices: pd.DataFrame, successors: dict[str, str],
                      label: str = "successor") -> list[str]:
    """Make each closed/merged practice's site a branch of its successor (in place).

    Its patients are on the successor's list; the site stays on the map as a branch.
    """
    notes = []
    codes = set(practices["practice_code"])
    for old, new in successors.items():
        old, new = old.strip().upper(), new.strip().upper()
        if old not in codes:
            raise DataError(label, f"'{old}' is not an imported practice", field="successor")
        if new not in codes or new == old:
            raise DataError(label, f"successor '{new}' of {old} is not another imported "
                                   "practice", field="successor")
        row = practices["practice_code"] == old
        practices.loc[row, "parent_code"] = new
        practices.loc[row, "list_size"] = 0
        practices.loc[row, "list_size_known"] = True
        practices.loc[practices["parent_code"] == old, "parent_code"] = new
        notes.append(f"{old}: site attached to {new} as a branch (its patients are on "
                     f"{new}'s list)")
    return notes
