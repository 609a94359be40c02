"""`python main.py export`: a data folder (or the sample) → GeoPackage, XLSX, CSV or GeoJSON.

The format follows the extension: .gpkg (all layers), .xlsx (a sheet per layer + README +
Sources), otherwise a folder of canonical CSVs (or GeoJSON per layer with --format geojson).
"""
from __future__ import annotations

import argparse

from cli.common import add_force_option
from cli.plan_args import add_plan_options, build_plan


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="export the data (sample or --data DIR) as GeoPackage, XLSX, CSV or "
                       "GeoJSON",
        description="Export every layer of a data folder. The sample is labelled "
                    "'Illustrative sample' in every export.")
    p.add_argument("--data", dest="export_data", metavar="DIR",
                   help="data folder to export (default: the illustrative sample)")
    p.add_argument("--out", required=True, metavar="PATH",
                   help="F.gpkg, F.xlsx, or a folder (canonical CSVs)")
    p.add_argument("--format", choices=["gpkg", "xlsx", "csv", "geojson"],
                   help="override the format the extension implies (a folder: csv or "
                        "geojson)")
    add_plan_options(p)
    add_force_option(p)
    p.set_defaults(func=run, out_kind="auto", writes_data_folder=True)


def run(args: argparse.Namespace) -> int:
    from geo.export import data_label
    from rendering.plan_tables import export_plan

    plan = build_plan(args, args.export_data or getattr(args, "data", None))
    ds = plan.dataset
    name = ""
    if args.scenario:
        from models import scenario as sc
        name = sc.load_scenario(args.scenario).name
    written = export_plan(plan, args.out, args.format, scenario=name)   # as File → Export data
    print(f"Exported {data_label(ds)} → {args.out} ({len(written)} file"
          f"{'s' if len(written) != 1 else ''})")
    return 0
