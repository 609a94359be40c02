"""`report`: the board-paper PDF (map, localities, groups, hubs, demand, assumptions)."""
from __future__ import annotations

from cli.plan_args import add_plan_options, build_plan


def register(sub) -> None:
    p = sub.add_parser("report", help="write a multi-page PDF report",
                       description="Write the standard report as a PDF: map, locality "
                                   "table, groups, hubs and access, demand by year and "
                                   "area, assumptions with sources, data sources.")
    p.add_argument("--data", dest="report_data", metavar="DIR",
                   help="data folder (default: the illustrative sample)")
    p.add_argument("--out", required=True, metavar="F.pdf", help="the PDF to write")
    add_plan_options(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from rendering.board_sections import data_dates, report_label
    from rendering.report import board_report, write_pdf
    plan = build_plan(args, args.report_data or args.data)
    name = ""
    if args.scenario:
        from models import scenario as sc
        name = sc.load_scenario(args.scenario).name
    ds = plan.dataset
    pages = write_pdf(board_report(plan, scenario_name=name), args.out, report_label(ds),
                      ds.is_sample, dates=data_dates(ds))
    print(f"wrote {args.out} ({pages} pages; data: {ds.label})")
    return 0
