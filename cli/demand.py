"""`demand`: GP demand from new dwellings, per area and year, with low–high ranges."""
from __future__ import annotations

import argparse

from cli import UserError
from cli.plan_args import add_plan_options, build_plan
from models.assumptions import TREND_COMPOUND_RATE

DESCRIPTION = """\
Project the GP demand of the included housing sites: dwellings × persons per dwelling ×
registration share = new patients; then GP WTE (÷ patients per GP WTE), consultations and
GP hours, clinical rooms, floorspace and capital cost, each year and each area, with low and
high figures from the low/high ends of the planning assumptions (docs/design.md §6; --assumptions
prints them with their sources). Prints the Medway total, a table by area with today's list
sizes and GP WTE, and new patients by area and year. --out writes one row per year × area
(area "Medway" = all areas) with the columns year, area, new_dwellings, new_residents,
new_patients, cumulative_patients, gp_wte_needed, consultations, gp_hours, rooms_needed,
floorspace_m2, capital_cost_gbp, then gp_wte_by_hours, clinical_room_m2, the _low/_high
companions and data (what the data is).

--by locality: each site's locality. --by group: the extended practice group whose
practices' patient-weighted centre is nearest the site (groups from --groups F.csv, else the
folder's groups.csv, else computed now by the grouping tool if it is installed). --by hub: the nearest hub. Distances are straight lines in British
National Grid metres (EPSG:27700).
"""


def register(sub) -> None:
    p = sub.add_parser("demand", help="GP demand from new dwellings by area and year",
                       description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", dest="demand_data", metavar="DIR",
                   help="canonical data folder (default: the illustrative sample)")
    p.add_argument("--by", choices=["locality", "group", "hub"], default="locality",
                   help="areas to split the demand by (default locality)")
    p.add_argument("--groups", metavar="F.csv",
                   help="practice_code,group file for --by group (as `group` writes)")
    p.add_argument("--include", action="append", default=[], metavar="SITE_ID",
                   help="count this housing site even if excluded in the data (repeatable)")
    p.add_argument("--exclude", action="append", default=[], metavar="SITE_ID",
                   help="leave this housing site out (repeatable)")
    p.add_argument("--trend", action="store_true",
                   help="lengthen GP consultations by the 1992/93–2006/07 trend "
                        f"({TREND_COMPOUND_RATE * 100:.1f}%%/yr compound) from the year before the "
                        "first completions")
    p.add_argument("--trend-base", type=int, metavar="YEAR",
                   help="with --trend: the year the consultation length applies to")
    p.add_argument("--trend-method", choices=["compound", "simple"], default="compound",
                   help="with --trend: compound (default) or simple growth")
    p.add_argument("--need-weighted", action="store_true",
                   help="GP gap on need-weighted (Carr-Hill) lists from the payments file")
    p.add_argument("--dwellings-end", choices=["low", "high"],
                   help="which end of each site's dwelling range (brownfield registers give "
                        "a minimum and maximum; default high)")
    p.add_argument("--start-year", type=int, metavar="YEAR",
                   help="first completion year for sites without per-year completions")
    p.add_argument("--build-years", type=int, metavar="N",
                   help="build-out years for sites without per-year completions "
                        "(default: the site's own, else 5)")
    p.add_argument("--assumptions", action="store_true",
                   help="also print every assumption used, with its source")
    p.add_argument("--out", metavar="demand.csv", help="write the year × area table")
    add_plan_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd

    from geo.atomic import atomic_path
    from geo.tables import spreadsheet_safe
    from models.demand import DemandError, project_demand

    plan = build_plan(args, args.demand_data or args.data)
    ds, assumptions = plan.dataset, plan.assumptions
    if args.trend_base is not None and not args.trend:
        raise UserError("--trend-base goes with --trend")
    if args.trend:
        assumptions = assumptions.with_options(apply_length_trend=True,
                                               length_trend_base_year=args.trend_base,
                                               length_trend_method=args.trend_method)
    phasing = {k: v for k, v in (("dwellings_range_end", args.dwellings_end),
                                 ("phasing_start_year", args.start_year),
                                 ("phasing_build_years", args.build_years),
                                 ("need_weighted_lists", args.need_weighted or None))
               if v is not None}
    if phasing:
        assumptions = assumptions.with_options(**phasing)
    known = set(ds.housing["site_id"].astype(str))
    include: dict[str, bool] = {}
    for flag, ids in ((True, args.include), (False, args.exclude)):
        for sid in ids:
            if sid not in known:
                raise UserError(f"housing site '{sid}' is not in housing_sites.csv")
            if sid in include and include[sid] != flag:
                raise UserError(f"housing site '{sid}' is both included and excluded")
            include[sid] = flag

    groups, group_note = None, ""
    if args.groups and args.by != "group":
        raise UserError("--groups goes with --by group")
    if args.by == "group":
        groups, group_note = _groups(plan, args.groups)

    try:
        result = project_demand(ds, assumptions, by=args.by, groups=groups, include=include,
                                group_bounds=plan.grouping_bounds())
    except DemandError as exc:
        raise UserError(str(exc)) from None

    if args.out:
        table = result.table.copy()
        table["data"] = ds.label
        with atomic_path(args.out) as tmp:
            spreadsheet_safe(table.round(4)).to_csv(tmp, index=False)

    with pd.option_context("display.width", 200, "display.max_columns", 40,
                           "display.max_colwidth", 40):
        _print(ds, result, args.by, group_note)
        if args.assumptions:
            frame = assumptions.to_frame()
            print("\nAssumptions")
            for _, row in frame.iterrows():
                mark = " (edited)" if row["edited"] else ""
                mark += " — uncertain" if row["uncertain"] else ""
                print(f"  {row['assumption']}: {row['value used']:g} {row['unit']} "
                      f"[{row['low']:g}–{row['high']:g}]{mark}. Source: {row['source']}")
    if args.out:
        print(f"wrote {args.out}")
    return 0


def _groups(plan, path: str | None):
    """The practice → group mapping for --by group, and a line saying where it came from."""
    ds = plan.dataset
    from pathlib import Path

    from geo.errors import DataError, spreadsheet_row
    from geo.tables import check_unique, read_csv_text

    if path:
        label = Path(path).name
        frame = read_csv_text(path, label, required=["practice_code", "group"])
        check_unique(frame, "practice_code", label)
        unknown = ~frame["practice_code"].isin(ds.practices["practice_code"])
        if unknown.any():
            pos = int(unknown.to_numpy().nonzero()[0][0])
            raise DataError(label, f"practice '{frame['practice_code'].iloc[pos]}' is not in "
                                   "the data's practices.csv", row=spreadsheet_row(pos),
                            field="practice_code")
        return frame[["practice_code", "group"]], f"groups from {path}"
    try:
        return plan.groups_everywhere()
    except ImportError:
        raise UserError("--by group: no grouping exists for this data (no groups.csv); run "
                        "`python main.py group --practices practices.csv --out groups.csv` "
                        "and pass --groups groups.csv") from None
    except (ValueError, RuntimeError) as exc:   # the grouping's own failure, in one line
        raise UserError(f"--by group: no groups.csv, and computing a grouping failed "
                        f"({str(exc)[:160]}); pass --groups F.csv") from None


def _persons(ds, m, a) -> str:
    """'2.4', or '2.31 on average (2 of 16 sites give their mix …)'."""
    from models.housing import mix_note
    note = mix_note(ds.housing)
    if not note or not m["new_dwellings"] > 0:
        return f"{a.value('persons_per_dwelling'):g}"
    return f"{m['new_residents'] / m['new_dwellings']:.2f} on average ({note})"


def _dwelling_range(m) -> str:
    """' (range 663–783)' where the ranges' dwellings differ from the central figure."""
    lo, hi = m.get("new_dwellings_low", m["new_dwellings"]), m.get("new_dwellings_high",
                                                                   m["new_dwellings"])
    return "" if lo == hi == m["new_dwellings"] else f" (range {_n(lo)}–{_n(hi)})"


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _range(row, measure: str, digits: int = 0, prefix: str = "") -> str:
    text = f"{prefix}{_n(row[measure], digits)}"
    if f"{measure}_low" in row:
        text += (f" ({prefix}{_n(row[measure + '_low'], digits)}–"
                 f"{prefix}{_n(row[measure + '_high'], digits)})")
    return text


def _print(ds, result, by: str, group_note: str) -> None:
    import pandas as pd

    from models.demand import MEDWAY, attribution_lines, cost_lines, rooms_line
    from models.display import known, money, money_range, number
    from models.housing import phasing_note

    a = result.assumptions
    housing = ds.housing.set_index(ds.housing["site_id"].astype(str))
    print(f"GP demand from new dwellings — data: {ds.label}")
    if ds.is_sample:
        print("(the illustrative sample: invented sites, practices and list sizes, not real "
              "data)")
    inc, exc = result.included_sites, result.excluded_sites
    print(f"Housing: {len(inc)} of {len(housing)} sites included, "
          f"{int(housing.loc[inc, 'dwellings'].sum()):,} dwellings"
          + (("; excluded: " + ", ".join(f"{s} {housing.at[s, 'name']} "
                                         f"({int(housing.at[s, 'dwellings']):,})"
                                         for s in exc)) if exc else ""))
    print(f"Areas: by {by}" + (f" ({group_note})" if group_note else ""))
    for note in result.warnings:
        print(f"note: {note}")
    if result.table.empty:
        return
    y0, y1 = result.years[0], result.years[-1]
    print(f"Years {y0}/{str(y0 + 1)[-2:]}–{y1}/{str(y1 + 1)[-2:]} (year homes are completed; "
          f"ranges allow a build-out delay of {a['buildout_delay_years'].scenario_low:g}–"
          f"{a['buildout_delay_years'].scenario_high:g} years)")

    totals = result.totals().set_index("area")
    m = totals.loc[MEDWAY]
    base = result.baseline.set_index("area")
    b = base.loc[MEDWAY]
    print(f"Housing phasing: {phasing_note(ds.housing, a.options)}")
    print(result.trend_note)
    print()
    print(f"Demand from new dwellings (attributable to the development; completions after "
          f"the list sizes' date {result.list_date or '— not recorded'}):")
    print(f"Medway total: {_n(m['new_dwellings'])} new dwellings{_dwelling_range(m)} × "
          f"{_persons(ds, m, a)} persons = {_n(m['new_residents'])} new "
          f"residents; × {a.value('registration_share'):.0%} registering = "
          f"{_n(m['new_patients'])} new patients (range {_n(m['new_patients_low'])}–"
          f"{_n(m['new_patients_high'])})")
    own = (f"{number(m['new_patients'] / result.medway_ratio, 1)} at Medway's own "
           f"{number(result.medway_ratio)} patients per GP (list ÷ GPs, "
           f"{int(b['practices_in_ratio'])} of {int(b['practices'])} practices with both "
           "figures)") if known(result.medway_ratio) else \
        "Medway's own patients per GP is unknown (no practice has a GP figure)"
    print(f"  GP WTE needed: {_range(m, 'gp_wte_needed', 1)} at "
          f"{a.value('patients_per_gp_wte'):,.0f} patients per GP WTE; {own}")
    hours_per_wte = (a.value("gp_hours_per_week") * a.value("gp_weeks_per_year")
                     * a.value("patient_facing_share"))
    print(f"  GP consultations a year by the end: "
          f"{_n(result.medway()['consultations'].iloc[-1])}; GP hours a year: "
          f"{_n(result.medway()['gp_hours'].iloc[-1])} "
          f"(= {_n(result.medway()['gp_wte_by_hours'].iloc[-1], 1)} WTE at "
          f"{hours_per_wte:,.0f} patient-facing hours per WTE-year)")
    print(f"  Clinical rooms: {_range(m, 'rooms_needed', 1)}; floorspace m²: "
          f"{_range(m, 'floorspace_m2')}; capital: "
          + money_range(m["capital_cost_gbp"], m["capital_cost_gbp_low"],
                        m["capital_cost_gbp_high"]))
    if ds.is_sample:
        print("  (illustrative sample: invented data)")
    for line in cost_lines(result) + [rooms_line(result)]:
        if line:
            print(f"  {line}")
    for line in attribution_lines(result):
        print(line)

    rows = []
    for area in result.areas + [MEDWAY]:
        t = totals.loc[area]
        rows.append({
            "area": area, "dwellings": _n(t["new_dwellings"]),
            "new patients": f"{_n(t['new_patients'])} ({_n(t['new_patients_low'])}–"
                            f"{_n(t['new_patients_high'])})",
            "GP WTE needed": _n(t["gp_wte_needed"], 1),
            "rooms": _n(t["rooms_needed"], 1), "m²": _n(t["floorspace_m2"]),
            "capital": money(t["capital_cost_gbp"])})
    print(f"\nNew demand by {by}, whole horizon")
    print(pd.DataFrame(rows).to_string(index=False))

    pivot = result.table.pivot(index="area", columns="year", values="new_patients")
    pivot = pivot.reindex(result.areas + [MEDWAY])
    pivot["total"] = pivot.sum(axis=1)
    print("\nNew patients by area and year")
    print(pivot.map(lambda v: _n(v)).to_string())
    _print_supply(result, by)


def _print_supply(result, by: str) -> None:
    """GP supply, need, deprivation and estate per area: unknowns say so, with counts."""
    import pandas as pd

    from models.demand import MEDWAY, target_band, target_flag
    from models.display import money, number
    from models.supply import gap_text, gp_text

    a = result.assumptions
    base = result.baseline.set_index("area")
    years = result.baseline.attrs.get("years", {})
    lo_t, hi_t, _ = target_band(by, a, result.group_bounds)
    bench = a["patients_per_gp_wte"]
    rows = []
    for area in result.areas + [MEDWAY]:
        r = base.loc[area]
        flag = (target_flag(r["list_size"], by, a, result.group_bounds) if area != MEDWAY
                else "")
        rows.append({
            "area": area, "practices": int(r["practices"]),
            "patients now": number(r["list_size"]) + (f" ({int(r['lists_unknown'])} unknown)"
                                                     if r["lists_unknown"] else ""),
            f"target {lo_t:,.0f}–{hi_t:,.0f}": flag or ("within" if area != MEDWAY else ""),
            "GPs (FTE used)": gp_text(r["gp_wte"], r["gp_basis"])
            + (f" ({int(r['gps_unknown'])} unknown)" if r["gps_unknown"] else ""),
            "GP headcount": number(r["gp_headcount"]),
            "patients per GP FTE": number(r["patients_per_gp_wte"]),
            "GP gap (range)": gap_text(r),
            "need-weighted list": number(r["weighted_list"]),
            "IMD score": number(r["imd_score"], 1),
            "premises £/yr": money(r["premises_gbp"]),
            "spare m²": number(r["spare_m2"]),
            "new m² − spare": number(r["net_new_m2"])})
    print(f"\nGP supply by {by}. GPs: {_gp_source(result)}. Lists shown: "
          f"{years.get('lists') or 'as in practices.csv'}. GP gap = ({_basis(a)} of practices "
          f"with a GP figure, {_ratio_period(years)}, + new patients) ÷ {bench.used:,.0f} per "
          f"GP FTE (range "
          f"{bench.low:,.0f}–{bench.high:,.0f}) − their GPs; positive = short. IMD = "
          f"list-weighted practice deprivation score (IMD {years.get('imd') or 'not loaded'}; "
          f"higher = more deprived). Premises = NHS Payments "
          f"{years.get('payments') or 'not loaded'}, a proxy for the estate, not a floor area; "
          "spare m² only where the capacity return gives m².")
    print(pd.DataFrame(rows).to_string(index=False))


def _gp_source(result) -> str:
    from models.supply import gp_source
    return gp_source(result.baseline.attrs.get("years", {}), result.assumptions)


def _ratio_period(years: dict) -> str:
    return (f"of the workforce file's own period {years['gp_period']}"
            if years.get("workforce") else "as in practices.csv")


def _basis(a) -> str:
    """What the GP gap counts: registered or need-weighted patients."""
    return ("need-weighted patients (Carr-Hill)" if a.options.get("need_weighted_lists")
            else "registered patients")
