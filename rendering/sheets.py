"""The finance workbook's sheets: demand by year in "in year" and "to date" columns, the
totals apart from the area rows, GP supply per practice and per area, and a cover sheet.

A finance analyst adds columns up. So every by-year sheet holds **area rows only**, and its
totals (the whole area, per year and over all years) are on a sheet of their own, named
``<sheet>_total``: summing any ``…_in_year`` column over the area rows gives the total
sheet's "all years" row. Each demand measure appears twice, named for how it adds:

* ``<measure>_in_year`` — what that year adds (new patients registered that year; the GP
  WTE, rooms, m² and £ newly needed that year). Sum these over years and areas.
* ``<measure>_to_date`` — the running total up to and including that year (patients added
  since the first year; GP WTE, rooms, m² and £ needed by then). Sum over areas, never
  over years.

Unknown figures stay empty cells (never 0). Used by File → Export data (XLSX, CSV folder)
through rendering/plan_tables.py, and by the Demand tab's own export (``export_demand``).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from geo.atomic import atomic_path
from geo.export import style_workbook
from geo.tables import spreadsheet_safe as safe
from models.demand import FLOW_MEASURES, MEASURES, UNITS
from models.localities import MEDWAY

IN_YEAR, TO_DATE = "_in_year", "_to_date"
TOTAL_SUFFIX = "_total"
# cumulative_patients is new_patients to date; it is not repeated as a measure of its own.
SKIPPED = {"cumulative_patients"}
HEADLINE = ["new_patients", "gp_wte_needed", "rooms_needed", "floorspace_m2",
            "capital_cost_gbp"]


def _measures(table: pd.DataFrame) -> list[str]:
    return [m for m in MEASURES if m in table.columns and m not in SKIPPED]


def in_year_and_to_date(table: pd.DataFrame) -> pd.DataFrame:
    """The demand table (year × area, central figures) with each measure as an in-year and
    a to-date column. Flows (new patients…) are per year already: to date is their running
    sum. Stocks (GP WTE, rooms, m², £ needed by a year) are to date already: in year is the
    increase over the year before (the first year shown: the whole stock)."""
    frame = table.reset_index(drop=True)      # area blocks, years ascending within each
    out = frame[["year", "area"]].copy()
    by_area = frame.groupby("area", sort=False)
    for m in _measures(frame):
        if m in FLOW_MEASURES:
            out[m + IN_YEAR] = frame[m]
            out[m + TO_DATE] = by_area[m].cumsum()
        else:
            out[m + IN_YEAR] = by_area[m].diff().fillna(frame[m])
            out[m + TO_DATE] = frame[m]
    return out


def total_label(by: str) -> str:
    return f"{MEDWAY} (all {'localities' if by == 'locality' else by + 's'})"


def demand_sheets(result, name: str | None = None) -> dict[str, pd.DataFrame]:
    """``demand_by_<by>`` (area rows, year × area) and ``demand_by_<by>_total`` (the whole
    area per year, then the all-years row) from a DemandResult."""
    name = name or f"demand_by_{result.by}"
    frame = in_year_and_to_date(result.table)
    whole = frame["area"] == MEDWAY
    areas = frame[~whole].reset_index(drop=True)
    total = frame[whole].reset_index(drop=True)
    total["area"] = total_label(result.by)
    if len(total):
        last = {c: (total[c].sum() if c.endswith(IN_YEAR) else total[c].iloc[-1])
                for c in total.columns if c.endswith((IN_YEAR, TO_DATE))}
        span = f"{int(total['year'].iloc[0])}–{int(total['year'].iloc[-1])}"
        total = pd.concat([total, pd.DataFrame([{
            "year": np.nan, "area": f"{total_label(result.by)}, all years {span}",
            **last}])], ignore_index=True)
    total["year"] = pd.array(total["year"], dtype="Int64")
    return {name: areas, name + TOTAL_SUFFIX: total}


def demand_range(result) -> pd.DataFrame:
    """The whole area's headline figures over the years shown, with their low–high range
    (each end a whole scenario: every assumption at its demand-lowering or -raising end)."""
    totals = result.totals()
    row = totals[totals["area"] == MEDWAY]
    rows = []
    for m in [m for m in HEADLINE + _measures(result.table) if m in totals.columns]:
        if any(r["measure"] == m for r in rows):
            continue
        get = (lambda c: float(row[c].iloc[0]) if len(row) and c in row else np.nan)
        rows.append({"measure": m, "unit": UNITS.get(m, ""),
                     "how_it_adds": "sum of the years" if m in FLOW_MEASURES
                     else "needed by the last year",
                     "central": get(m), "low": get(f"{m}_low"), "high": get(f"{m}_high")})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- supply

def practice_supply_sheet(ds, assumptions) -> pd.DataFrame:
    """One row per main practice (models/supply.py): list and its date, GP headcount and
    FTE and their period, the same period's patients, patients per GP, the gap to the
    benchmark, need-weighted list, IMD score, premises £, each source's year. Unknown =
    empty (NaN), never 0."""
    from models.supply import practice_supply
    out, years = practice_supply(ds, assumptions)
    out = out.copy()
    bench = assumptions.value("patients_per_gp_wte")
    usable = (out["gps"] > 0) & ~out["implausible"].astype(bool)
    # GPs needed at the benchmark minus GPs there (FTE; positive = short, negative =
    # surplus), on the same period's patients; unknown or implausible stays empty.
    out.insert(out.columns.get_loc("patients_per_gp") + 1, "gp_gap",
               (out["ratio_patients"] / bench - out["gps"]).where(usable))
    out.insert(out.columns.get_loc("need_index"), "payments_year",
               years.get("payments") or None)
    out.insert(out.columns.get_loc("imd_score"), "imd_year", years.get("imd") or None)
    return out


def area_supply_sheets(ds, assumptions, by: str = "locality", groups=None,
                       name: str | None = None) -> dict[str, pd.DataFrame]:
    """``supply_by_<by>`` (area rows) and ``…_total`` (the whole area's row)."""
    from models.supply import supply_by
    _, areas, _ = supply_by(ds, assumptions, by, groups)
    return split_total(areas, name or f"supply_by_{by}", by)


def split_total(frame: pd.DataFrame, name: str, by: str) -> dict[str, pd.DataFrame]:
    """Area rows on ``name``, the whole-area row on ``name_total``: a SUM over the area
    rows never counts the total again."""
    whole = frame["area"] == MEDWAY
    total = frame[whole].reset_index(drop=True)
    total["area"] = total_label(by)
    return {name: frame[~whole].reset_index(drop=True), name + TOTAL_SUFFIX: total}


# ---------------------------------------------------------------- cover

SHEET_NOTES = {
    "demand_by_": "GP demand from the new dwellings, one row per year × area (area rows "
                  "only). '…_in_year' = what that year adds: sum it over years and areas. "
                  "'…_to_date' = the running total by that year: sum it over areas, never "
                  "over years.",
    "supply_by_": "Today's lists and GPs per area: list, GPs, patients per GP, the gap to "
                  "the benchmark (GPs short; negative = to spare), need-weighted list, "
                  "deprivation (list-weighted IMD) and premises £. Area rows only.",
    "supply": "One row per practice: list and its date, GP headcount and FTE and their "
              "year, patients per GP, the gap to the benchmark, need-weighted list, IMD "
              "score and year, premises payments (£ a year).",
    "demand_range": "The whole area's headline figures with their low–high range; each "
                    "end is a whole scenario (every assumption at its demand-lowering or "
                    "-raising end at once), so the ends do not add across areas.",
    "capacity_by_": "Space and capacity per year × area (area rows only): appointments, "
                    "rooms and m² needed against available. Each figure is the level in "
                    "that year (needed or available by then): add over areas, never over "
                    "years.",
    "estate_register": "The estate register: one row per site with its floor area, "
                       "clinical rooms, tenure and condition (empty = not in the return).",
    "assumptions": "Every planning assumption with its unit, range and source.",
    "Assumptions": "Every planning assumption with its unit, range and source.",
    "extended_groups": "The extended practice groups with their size and spread.",
    "hub_access": "Access to the nearest hub for the whole area, now and with growth.",
    "practices": "The practices and branch sites (list_size empty = unknown; a branch's "
                 "patients are in its parent's list, so it reads 0; gp_wte is the WTE "
                 "entered in the data folder, empty where not given: the supply sheet has "
                 "the workforce file's headcount and FTE).",
    "hubs": "The hubs with the patients they serve.",
    "localities": "The localities with their hub, area (km²) and a central point.",
    "housing_sites": "The housing sites: dwellings, phasing, and whether each is in the "
                     "projections.",
    "population": "Census residents by small area (LSOA).",
    "pcns": "The real Primary Care Networks (core partners).",
    "groups": "The data's own grouping of practices (groups.csv).",
    "practices_in_scenario": "The practices with the scenario's edits, extended group and "
                             "catchment hub (list_size empty = unknown).",
    "hubs_in_scenario": "The hubs with the scenario's edits and the patients they serve.",
    "Sources": "Every input file with its publisher and date.",
}


def sheet_note(sheet: str) -> str:
    if sheet.endswith(TOTAL_SUFFIX):
        return (f"The totals of {sheet[:-len(TOTAL_SUFFIX)]}: the whole area (per year; "
                "on demand sheets then the all-years row). Not an area: kept apart so a SUM "
                "over the area rows never counts it twice; counts and amounts in the area "
                "rows sum to these rows (ratios such as patients per GP do not add).")
    if sheet in SHEET_NOTES:
        return SHEET_NOTES[sheet]
    for prefix, note in SHEET_NOTES.items():
        if prefix.endswith("_") and sheet.startswith(prefix):
            return note
    return "Data layer, as loaded (with the scenario's edits)."


def demand_notes(result) -> list[tuple[str, str]]:
    """What the demand counts (the new dwellings', already in the list, existing
    pressure) and its warnings, for the cover."""
    from models.demand import attribution_lines
    rows = [("Demand counted", "The new dwellings' own demand (what a developer can be "
                               "asked to fund)" + (f": homes completed after the list sizes' "
                                                  f"date ({result.list_date})"
                                                  if result.list_date else "")
             + f", years {result.years[0]}–{result.years[-1]}" if result.years else
             "No new demand: no included housing site completes homes in the years shown")]
    rows += [("Demand counted", line) for line in attribution_lines(result)]
    rows += [("Warning", w) for w in result.warnings]
    return rows


def cover_frame(*, scenario: str, label: str, dates: list[tuple[str, str]],
                sheets: list[str], sample: bool = False,
                notes: list[tuple[str, str]] = ()) -> pd.DataFrame:
    """The cover sheet: scenario, data, the data's dates, what the demand counts, how to
    read each sheet."""
    rows = [("Workbook", "Medway Estates Planner: GP demand from housing growth, GP supply "
                         "and the estate"),
            ("Scenario", scenario or "(unsaved: the data as loaded, with any edits)"),
            ("Data", label)]
    if sample:
        rows.append(("Note", "ILLUSTRATIVE SAMPLE: invented practices, list sizes and "
                             "housing sites. Do not use for decisions."))
    rows.append(("Exported", dt.datetime.now().strftime("%Y-%m-%d %H:%M")))
    rows += [(f"Data date: {what}", when or "not recorded") for what, when in dates]
    rows += list(notes)
    rows += [("How to read", "In-year columns ('…_in_year') add over years and areas; "
                             "to-date columns ('…_to_date') are running totals: add them "
                             "over areas only. Totals are on the '…_total' sheets, never "
                             "among the area rows. 'existing_…' columns are existing "
                             "pressure (longer consultations on today's list), not the new "
                             "dwellings': never add them to the developer figures. An empty "
                             "cell means unknown (never zero). £ are at the cost base of "
                             "the cost-per-m² assumption (see the assumptions sheet).")]
    rows += [(f"Sheet: {s}", sheet_note(s)) for s in sheets]
    if "supply" in sheets:
        from models.supply import SUPPLY_SHEET_COLUMNS
        rows.append(("Columns of supply", "; ".join(
            f"{k} = {v}" for k, v in SUPPLY_SHEET_COLUMNS.items())))
    return pd.DataFrame(rows, columns=["item", "value"])


def source_dates(ds) -> list[tuple[str, str]]:
    """(what, date) per input file, from the data's sources table."""
    if ds.is_sample:
        return [("illustrative sample", "invented (data/make_sample.py)")]
    src = ds.sources
    if src is None or src.empty:
        return []
    out = []
    for r in src.itertuples():
        date = str(getattr(r, "date", "") or "")
        out.append((f"{r.publisher} ({r.file})", "" if date == "nan" else date))
    return out


# ---------------------------------------------------------------- the Demand tab's export

def export_demand(result, path: str | Path, label: str, *, ds=None,
                  scenario: str = "") -> list[Path]:
    """XLSX: Cover, demand_by_<by> (area rows) and its _total sheet, demand_range,
    supply_by_<by> and its _total sheet (today's lists and GPs with the new demand), the
    assumptions. CSV: the area rows, plus ``-total.csv`` and ``-assumptions.csv`` beside."""
    path = Path(path)
    sheets = demand_sheets(result)
    sheets["demand_range"] = demand_range(result)
    sheets.update(split_total(result.baseline, f"supply_by_{result.by}", result.by))
    sheets["assumptions"] = result.assumptions.to_frame()
    if path.suffix.lower() == ".csv":
        name = f"demand_by_{result.by}"
        sides = {path: sheets[name],
                 path.with_name(path.stem + "-total.csv"): sheets[name + TOTAL_SUFFIX],
                 path.with_name(path.stem + "-assumptions.csv"): sheets["assumptions"]}
        for target, frame in sides.items():
            with atomic_path(target) as tmp:
                safe(frame).to_csv(tmp, index=False)
        return list(sides)
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    cover = cover_frame(scenario=scenario, label=label,
                        dates=source_dates(ds) if ds is not None else [],
                        sheets=list(sheets), sample=bool(ds is not None and ds.is_sample),
                        notes=demand_notes(result))
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            safe(cover).to_excel(xl, sheet_name="Cover", index=False)
            for name, frame in sheets.items():
                safe(frame).to_excel(xl, sheet_name=name[:31], index=False)
            style_workbook(xl.book)
    return [path]


# ---------------------------------------------------------------- comparing scenarios

def export_comparison(table: pd.DataFrame, path: str | Path,
                      about: list[tuple[str, str]]) -> Path:
    """The comparison (one row per measure, one column per scenario, then
    differs_from_first) as CSV, or as XLSX with a cover naming each scenario's file and
    data. Unknown measures are empty cells."""
    path = Path(path)
    frame = table.reset_index()
    if path.suffix.lower() == ".csv":
        with atomic_path(path) as tmp:
            safe(frame).to_csv(tmp, index=False)
        return path
    cover = pd.DataFrame(
        [("Workbook", "Scenarios compared measure by measure (models/measures.py)"),
         ("Exported", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
         *[(f"Scenario: {name}", what) for name, what in about],
         ("How to read", "One row per measure, its unit in its name; one column per "
                         "scenario; differs_from_first is TRUE where a scenario differs "
                         "from the first. Demand and £ are for the housing each scenario "
                         "includes, by the last year of its projection. An empty cell "
                         "means unknown (e.g. no deprivation scores in the data)."),
         ("Sheet: compare", "The measures side by side.")],
        columns=["item", "value"])
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            safe(cover).to_excel(xl, sheet_name="Cover", index=False)
            safe(frame).to_excel(xl, sheet_name="compare", index=False)
            style_workbook(xl.book)
    return path
