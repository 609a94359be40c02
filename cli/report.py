"""`report`: the board-paper PDF (map, localities, groups, hubs, demand, assumptions)."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("report", help="write a multi-page PDF report",
                       description="Write the standard report as a PDF: map, locality "
                                   "table, groups, hubs and access, demand by year and "
                                   "area, assumptions with sources, data sources.")
    p.add_argument("--data", dest="report_data", metavar="DIR",
                   help="data folder (default: the illustrative sample)")
    p.add_argument("--scenario", metavar="F", help="a saved scenario file to report on")
    p.add_argument("--out", required=True, metavar="F.pdf", help="the PDF to write")
    p.set_defaults(func=run)


def run(args) -> int:
    from cli.common import open_dataset
    from rendering.report import board_report, write_pdf
    groups, name, assumptions = None, "", None
    if args.scenario:
        from models import scenario as sc
        scenario = sc.load_scenario(args.scenario)
        base = open_dataset(args.report_data or args.data) if (args.report_data or args.data) \
            else sc.open_scenario_data(scenario)
        ds = sc.apply_scenario(base, scenario)
        groups, name = dict(scenario.groups) or None, scenario.name
        if scenario.assumptions:
            from models.assumptions import Assumptions
            assumptions = Assumptions.from_dict(scenario.assumptions)
        for warning in ds.warnings:
            print(f"warning: {warning}")
    else:
        ds = open_dataset(args.report_data or args.data)
    if groups is None and ds.groups is not None:
        groups = dict(zip(ds.groups["practice_code"], ds.groups["group"]))
    pages = write_pdf(board_report(ds, groups=groups, scenario_name=name,
                                   assumptions=assumptions), args.out, ds.label, ds.is_sample)
    print(f"wrote {args.out} ({pages} pages; data: {ds.label})")
    return 0
