"""`capacity`: space and capacity by year — utilisation now, rooms and m² needed against
available, and the year each area's gap opens."""
from __future__ import annotations

import argparse

from cli.plan_args import add_plan_options, build_plan

DESCRIPTION = """\
Room-session capacity from the estate register (capacity.csv in the data folder): each
site hosts rooms × opening hours × weeks open × a utilisation target ÷ room minutes per
appointment face-to-face appointments a year; its patients need list × appointments per
patient a year × face-to-face share × (1 + did-not-attend share). New patients of the
included housing sites register at the nearest practice, phased as `demand` phases them.
Prints, per area, utilisation now (% of open room hours), rooms available and needed, rooms
short (negative = spare) at the last year and the year the gap opens, with the top-down
cross-check (1.2 rooms and 68.6 m² per 1,000 patients) beside. A site with no register row
is unknown, never 0: its practice is left out of the area figures and counted.

--out writes one row per year × area (the first year is "now": today's lists) as CSV, with
-areas.csv and -sites.csv beside it, or an .xlsx workbook with those sheets and the
assumptions. --trend grows the lists with the ONS 2022-based projection (the data folder's,
from `import --projection`, or --projection F, the file as ONS publishes it), housing-led
growth incremental to it.
"""


def register(sub) -> None:
    p = sub.add_parser("capacity", help="space and capacity by year: utilisation and gaps",
                       description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", dest="capacity_data", metavar="DIR",
                   help="canonical data folder (default: the illustrative sample)")
    p.add_argument("--by", choices=["site", "locality", "group", "hub"], default="locality",
                   help="areas to sum by (default locality); site = each practice with its "
                        "branches, and each hub")
    p.add_argument("--projection", metavar="F.csv",
                   help="ONS subnational population projection (2022-based, persons by "
                        "single year of age) for --trend")
    p.add_argument("--trend", action="store_true",
                   help="grow the lists with the ONS projection (housing-led growth "
                        "incremental to it)")
    p.add_argument("--out", metavar="F.csv|F.xlsx", help="write the year × area table")
    add_plan_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from cli import UserError
    from models.capacity.by_year import CapacityError, plan_capacity
    from rendering.capacity_page import summary_lines
    plan = build_plan(args, args.capacity_data or args.data)
    projection = None
    if args.projection and not args.trend:
        raise UserError("--projection goes with --trend")
    if args.trend:
        from geo.io_projections import read_projection
        projection = read_projection(args.projection) if args.projection else \
            plan.dataset.projection
        if projection is None:
            raise UserError("--trend needs a population projection: --projection F (the "
                            "ONS file) or a data folder imported with --projection")
    if args.out and not args.out.lower().endswith((".csv", ".xlsx")):
        raise UserError(f"--out {args.out}: give a .csv or .xlsx file name")
    try:
        result = plan_capacity(plan, by=args.by, projection=projection)
    except CapacityError as exc:
        raise UserError(str(exc)) from None
    ds = plan.dataset
    print(f"Space and capacity by year — {ds.label}")
    for line in summary_lines(result, plan.assumptions):
        print(line)
    for warning in result.warnings:
        print(f"warning: {warning}")
    if args.out:
        from rendering.capacity_sheets import export_capacity
        written = export_capacity(result, plan.assumptions, args.out, ds.label)
        print("wrote " + ", ".join(str(p) for p in written))
    return 0
