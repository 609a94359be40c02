"""`s106`: the developer-contribution evidence pack (PDF, optionally XLSX workings) for a
housing site of the plan or a new planning application; `--all` writes one pack per
included site plus a summary table into a folder (atomically)."""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from cli import UserError
from cli.plan_args import add_plan_options, build_plan


class _All(argparse.Action):
    """--all: --out is then a folder (checked as one before any work)."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.all = True
        namespace.out_kind = "folder"


def _point(text: str) -> tuple[float, float]:
    lat, sep, lon = text.partition(",")
    try:
        return float(lat), float(lon)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' must look like LAT,LON in WGS84 "
                                         "degrees, e.g. 51.38,0.52") from None


def register(sub) -> None:
    p = sub.add_parser(
        "s106", help="write a developer-contribution (S106) evidence pack",
        description="A healthcare contribution request for a housing site or a new planning "
                    "application: new patients, the catchment's practices and spare "
                    "capacity, m² and £, the CIL Regulation 122 tests, as a PDF (and the "
                    "workings as XLSX). --all: one pack per included site and a summary.")
    p.add_argument("--data", dest="s106_data", metavar="DIR",
                   help="data folder (default: the illustrative sample)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--site", metavar="ID", help="a housing site of the plan")
    where.add_argument("--at", type=_point, metavar="LAT,LON",
                       help="a new application at this point (WGS84)")
    where.add_argument("--postcode", metavar="PC",
                       help="a new application at this postcode (needs --postcodes)")
    where.add_argument("--all", nargs=0, action=_All, default=False,
                       help="every included housing site; --out is a folder")
    p.add_argument("--postcodes", metavar="F.csv",
                   help="OS Code-Point Open area file as published (or an ONS postcode "
                        "lookup) to place --postcode")
    p.add_argument("--dwellings", type=float, metavar="N", help="dwellings (new application)")
    p.add_argument("--mix", metavar="1:20,2:40,3:30,4:10",
                   help="bedroom mix as bedrooms:share (4 = four or more)")
    p.add_argument("--name", metavar="TEXT", help="the application's name")
    p.add_argument("--start-year", type=int, metavar="Y", help="first completions (year)")
    p.add_argument("--catchment", choices=["straight", "drive"], default="straight",
                   help="practices within catchment_radius_km (straight line, default) or "
                        "catchment_drive_minutes by road (needs imported roads)")
    p.add_argument("--out", required=True, metavar="F.pdf | FOLDER",
                   help="the PDF to write (with --all: the folder)")
    p.add_argument("--xlsx", metavar="F.xlsx", help="also write the workings as XLSX")
    add_plan_options(p)
    p.set_defaults(func=run, out_kind="file")


def _inputs(args) -> list[Path]:
    return [Path(x).resolve() for x in (args.postcodes, args.scenario) if x]


def _check_outputs(args) -> None:
    from cli.common import check_output
    outs = [args.out] + ([args.xlsx] if args.xlsx else [])
    if args.xlsx:
        check_output(args.xlsx, "file")
        if Path(args.xlsx).resolve() == Path(args.out).resolve():
            raise UserError("--xlsx and --out name the same file")
    for out in outs:
        if Path(out).resolve() in _inputs(args):
            raise UserError(f"{out} is an input of this command; give another output name")


def application_of(args, plan):
    """The development the arguments describe (one line naming what is wrong)."""
    from models.contribution import new_application, parse_mix, site_application
    if args.site:
        if args.dwellings is not None or args.mix:
            raise UserError("--dwellings and --mix are for a new application (--at or "
                            "--postcode); a site's dwellings come from the plan")
        return site_application(plan, args.site)
    if args.at is None and not args.postcode:
        raise UserError("say which development: --site ID, --at LAT,LON or --postcode PC "
                        "(or --all)")
    if args.dwellings is None:
        raise UserError("--dwellings N is needed for a new application")
    if args.postcode:
        if not args.postcodes:
            raise UserError("--postcode needs --postcodes F (OS Code-Point Open file)")
        from geo.io_postcodes import place_postcode
        lat, lon = place_postcode(args.postcodes, args.postcode)
    else:
        lat, lon = args.at
    mix = parse_mix(args.mix) if args.mix else ()
    return new_application(plan, lat, lon, args.dwellings, mix=mix,
                           name=args.name or (f"Application at {args.postcode.upper()}"
                                              if args.postcode else ""),
                           start_year=args.start_year)


def _graph(args, plan):
    if args.catchment != "drive":
        return None
    from cli.hubs import _road_graph
    return _road_graph(plan, "drive")[0]


def _scenario_name(args) -> str:
    if not args.scenario:
        return ""
    from models import scenario as sc
    return sc.load_scenario(args.scenario).name


def run(args) -> int:
    from models.contribution import assess
    from rendering.s106_pack import write_pack
    from rendering.s106_sheet import write_workings
    _check_outputs(args)
    plan = build_plan(args, args.s106_data or args.data)
    scenario = _scenario_name(args)
    graph = _graph(args, plan)
    if args.all:
        return _run_all(args, plan, graph, scenario)
    c = assess(plan, application_of(args, plan), graph=graph)
    pages = write_pack(plan, c, args.out, scenario)
    if args.xlsx:
        write_workings(plan, c, args.xlsx, scenario)
    print(f"{c.application.name}: {c.verdict}; {c.value('patients'):,.0f} new patients, "
          f"{c.value('net_m2'):,.1f} m² net of spare capacity")
    print(f"wrote {args.out} ({pages} pages){f' and {args.xlsx}' if args.xlsx else ''} "
          f"(data: {plan.dataset.label})")
    return 0


def _file_name(site_id: str, name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{site_id}-{name}").strip("-")[:80]


def _run_all(args, plan, graph, scenario: str) -> int:
    """One pack + workbook per included site, and summary.csv/.xlsx, into one folder."""
    import pandas as pd
    from geo.atomic import atomic_folder
    from geo.tables import spreadsheet_safe
    from models.contribution import ContributionError, assess, site_application
    from rendering.s106_pack import write_pack
    from rendering.s106_sheet import write_workings
    if args.dwellings is not None or args.mix or args.xlsx:
        raise UserError("--all writes every included site's pack and workbook into the "
                        "folder; --dwellings, --mix and --xlsx do not apply")
    housing = plan.dataset.housing
    sites = housing.loc[housing["include"].astype(bool), "site_id"].astype(str).tolist()
    if not sites:
        raise UserError("no housing site is included in projections; nothing to assess")
    done, rows = [], []
    for site in sites:
        try:
            c = assess(plan, site_application(plan, site), graph=graph)
        except ContributionError as exc:
            rows.append({"site_id": site, "verdict": f"refused: {exc}"})
            continue
        done.append(c)
        counted = c.catchment[c.catchment["included"]]
        rows.append({"site_id": site, "name": c.application.name,
                     "dwellings": c.application.dwellings,
                     "new_patients": c.value("patients"),
                     "catchment_practices": len(counted),
                     "spare_capacity_patients": c.value("spare"),
                     "net_patients": c.value("net"), "net_m2": c.value("net_m2"),
                     "request_gbp": c.request_gbp, "gbp_per_dwelling": c.value("per_dwelling"),
                     "verdict": c.verdict, "project": c.project,
                     "pack": _file_name(site, c.application.name) + ".pdf"})
    summary = spreadsheet_safe(pd.DataFrame(rows).round(
        {"new_patients": 1, "spare_capacity_patients": 1, "net_patients": 1, "net_m2": 1,
         "request_gbp": 0, "gbp_per_dwelling": 0}))
    with atomic_folder(args.out) as folder:
        for c in done:
            stem = _file_name(c.application.site_id, c.application.name)
            write_pack(plan, c, folder / f"{stem}.pdf", scenario)
            write_workings(plan, c, folder / f"{stem}.xlsx", scenario)
        summary.to_csv(folder / "summary.csv", index=False)
        (folder / "README.txt").write_text(
            f"S106 evidence packs, one per included housing site.\nData: "
            f"{plan.dataset.label}\nScenario: {scenario or '(none)'}\n", encoding="utf-8")
    total = sum(c.request_gbp for c in done)
    print(f"{len(done)} packs, {len(rows) - len(done)} refused; requests total "
          f"£{total:,.0f}")
    print(f"wrote {args.out} (summary.csv; data: {plan.dataset.label})")
    return 0
