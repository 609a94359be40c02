"""`python main.py compare A.scenario.json B.scenario.json [C…] --out F.csv|F.xlsx`:
scenarios side by side, measure by measure — the window's File → Compare scenarios… table
(models/measures.py), with the demand and money of each: new patients, GP WTE, rooms,
floorspace, capital, £ per dwelling, the GP gap and the most deprived fifth's access.

Every scenario is read and checked before anything is written; a missing or damaged file,
or an --out that names an input, is refused with one line (exit 2) and nothing is written.
"""
from __future__ import annotations

import argparse
from pathlib import Path

OUT_SUFFIXES = (".csv", ".xlsx")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "compare", help="compare saved scenarios measure by measure, with demand and money",
        description="Compare two or more saved scenarios side by side: localities, groups, "
                    "hub access, and the demand and money of the housing each includes "
                    "(new patients, GP WTE, rooms, floorspace, capital £, £ per dwelling, "
                    "GP gap, access of the most deprived fifth of patients).")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="two or more .scenario.json files (the first is the reference)")
    p.add_argument("--data", dest="compare_data", metavar="DIR",
                   help="open every scenario on this data folder (default: the data each "
                        "scenario names)")
    p.add_argument("--travel", choices=("straight", "drive", "walk"), default="straight",
                   help="measure the deprived fifth's access by straight line (km) or by "
                        "drive/walk minutes on the data folder's imported roads")
    p.add_argument("--out", required=True, metavar="F.csv|F.xlsx",
                   help="the comparison table (CSV, or an Excel workbook with a cover sheet)")
    p.set_defaults(func=run)


def check_inputs(args) -> tuple[list[Path], Path]:
    from cli import UserError
    if len(args.scenarios) < 2:
        raise UserError("compare needs at least two scenario files")
    out = Path(args.out)
    paths = [Path(p) for p in args.scenarios]
    # (an --out naming an input is refused before this, by cli.common's one check)
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise UserError(f"--out {args.out}: use a .csv or .xlsx file name")
    for path in paths:
        if not path.is_file():
            raise UserError(f"{path}: no such scenario file")
    return paths, out


def run(args: argparse.Namespace) -> int:
    from geo.canonical import load_folder
    from models import scenario as sc
    from models.measures import key_measures, measure_text
    from rendering.sheets import export_comparison

    paths, out = check_inputs(args)
    base = load_folder(args.compare_data) if args.compare_data else None
    rows: dict[str, dict] = {}
    about = []
    for path in paths:
        scenario = sc.load_scenario(path)
        plan, warnings = sc.plan_from_scenario(scenario, base.copy() if base else None)
        for warning in warnings:
            print(f"warning: {path.name}: {warning}")
        name = scenario.name or path.name
        label = name if name not in rows else f"{name} ({path.name})"
        rows[label] = key_measures(plan, travel=args.travel)
        about.append((label, f"{path.name} on {plan.dataset.label}"))
    table = sc.compare_scenarios(rows)
    export_comparison(table, out, about)
    differ = int(table[sc.DIFF_COLUMN].sum())
    shown = table.drop(columns=[sc.DIFF_COLUMN]).copy()
    for column in shown.columns:
        shown[column] = [measure_text(m, v) for m, v in zip(shown.index, shown[column])]
    print(shown.to_string())
    print(f"{differ} of {len(table)} measures differ from {next(iter(rows))}; wrote {out}")
    return 0
