"""`python main.py import`: real published NHS/ONS/council files → a canonical data folder.

Prints the import report (what was kept, skipped, matched and assumed) and writes the folder
only when every input passed its checks; `python main.py --data DIR` then opens it.
--roads F adds a road and place extract (OpenStreetMap .osm.pbf/.osm or OS Open Roads
.gpkg, geo/roads.py) clipped to the localities plus a margin; `import --data DIR --roads F
--out DIR2` adds roads to a data folder that already exists (DIR2 may be DIR, with --force).
"""
from __future__ import annotations

import argparse

from geo.sources import SOURCES


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import", help="import real published files (ODS epraccur, NHS GP sites, list sizes, "
                       "ePCN, ONS boundaries, census, brownfield register) into a data folder",
        description="Read the published files as published and write a canonical data folder "
                    "(practices.csv, hubs.csv, housing_sites.csv, localities.geojson, and "
                    "pcns.csv, population.csv, sources.csv when given).")
    p.add_argument("--epraccur", metavar="F",
                   help="NHS ODS epraccur.csv (GP practices; no header row); needed unless "
                        "--data adds roads to an existing folder")
    p.add_argument("--data", dest="import_data", metavar="DIR",
                   help="an existing data folder to add --roads to (written to --out)")
    p.add_argument("--roads", metavar="F",
                   help="road and place extract: OpenStreetMap .osm.pbf or .osm (e.g. the "
                        "county extract), or OS Open Roads .gpkg; clipped to the localities "
                        "plus the road_margin_km assumption, stored as roads.gpkg")
    p.add_argument("--timetable", metavar="F.zip",
                   help="public-transport timetable as published (GTFS zip or folder, e.g. a "
                        "Bus Open Data Service regional export); clipped to the localities "
                        "plus the transit_margin_km assumption, stored as timetable/")
    p.add_argument("--commissioner", metavar="CODE",
                   help="keep practices of this commissioner code only (Medway CCG: 09W)")
    p.add_argument("--brownfield-start-year", type=int, metavar="YEAR",
                   help="first completion year for brownfield sites (default: register year "
                        "+ 1)")
    for source in SOURCES:           # one flag per declared source (geo/sources.py)
        if source.many:
            p.add_argument(source.flag, action="append", default=[], metavar="F",
                           help=source.help)
        elif source.key != "epraccur":
            p.add_argument(source.flag, metavar="F", help=source.help)
    p.add_argument("--successor", action="append", default=[], metavar="OLD=NEW",
                   help="attach a closed or merged practice's site to its successor as a "
                        "branch (its patients are on the successor's list); repeatable")
    p.add_argument("--out", required=True, metavar="DIR", help="data folder to write")
    p.add_argument("--quiet", action="store_true", help="print only the summary counts")
    from cli.common import add_force_option
    add_force_option(p)
    p.set_defaults(func=run, out_kind="folder", writes_data_folder=True)


def run(args: argparse.Namespace) -> int:
    from cli import UserError
    from geo.importer import ImportInputs, run_import, save_import

    if args.import_data or (getattr(args, "data", None) and not args.epraccur):
        return _add_layers(args)
    if not args.epraccur:
        raise UserError("give --epraccur (the practices), or --data DIR --roads F to add "
                        "roads to an existing data folder")
    if not args.boundaries or not args.ward_localities:
        raise UserError("localities are made by dissolving wards: give --boundaries (ward "
                        "polygons) and --ward-localities (ward_code,ward_name,locality)")
    if args.population and not args.population_areas:
        raise UserError("--population needs --population-areas (the areas' polygons)")
    inputs = ImportInputs(
        commissioner=args.commissioner, brownfield_start_year=args.brownfield_start_year,
        successors=_pairs(args.successor), **{s.key: getattr(args, s.key) for s in SOURCES})
    result = run_import(inputs)
    lines = result.report.lines()
    if args.quiet:
        lines = [ln for ln in lines if ln.startswith(("Import summary", "  "))][:12]
    print("\n".join(lines))
    # Read roads and timetable first: the folder is then written once, whole.
    layers, feed, write = _read_layers(args, result.dataset.localities)
    save_import(result, args.out, also=write)
    _print_layers(layers, feed, args.out)
    return 0


def _read_layers(args, localities):
    """The roads and timetable asked for, read and clipped, and a writer that adds both to
    a folder being built (None when neither was asked for)."""
    from models.assumptions import default_assumptions
    layers = feed = None
    if args.roads:
        from geo.roads import read_roads_for
        layers = read_roads_for(args.roads, localities, _margin_m())
    if args.timetable:
        from geo.io_gtfs import read_feed_for
        margin = default_assumptions().value("transit_margin_km") * 1000.0
        feed = read_feed_for(args.timetable, localities, margin)

    def write(tmp):
        from geo.io_gtfs import save_feed
        from geo.roads import write_roads
        if layers is not None:
            write_roads(layers, tmp)
        if feed is not None:
            save_feed(feed, tmp)
    return layers, feed, (write if layers is not None or feed is not None else None)


def _print_layers(layers, feed, folder) -> None:
    if layers is not None:
        _print_roads(layers, folder)
    if feed is not None:
        _print_timetable(feed, folder)
    print(f"Wrote {folder} (open it with: python main.py --data {folder})")


def _margin_m() -> float:
    from models.assumptions import default_assumptions
    return default_assumptions().value("road_margin_km") * 1000.0


def _print_roads(layers, folder) -> None:
    c = layers.counts()
    print(f"Roads: {c['roads']:,} roads and paths, {c['water']:,} rivers/coastline, "
          f"{c['rail']:,} railway lines, {c['places']:,} places and stations "
          f"→ {folder}/roads.gpkg ({layers.label()})")


def _print_timetable(feed, folder) -> None:
    c = feed.counts()
    print(f"Timetable: {c['stops']:,} stops, {c['routes']:,} routes, {c['trips']:,} trips, "
          f"{c['stop_times']:,} stop times in the area → {folder}/timetable/ "
          f"({feed.label()}; {feed.source.get('licence', '')})")


def _add_layers(args) -> int:
    """`import --data DIR --roads F and/or --timetable F.zip --out DIR2`: DIR copied to DIR2
    with them added, the new folder swapped in whole (a refusal, crash or full disk leaves
    DIR2 as it was)."""
    from cli import UserError
    from geo.atomic import copy_folder_with
    from geo.canonical import load_folder
    from geo.io_gtfs import TIMETABLE_DIR
    from geo.roads import ROADS_ABOUT, ROADS_FILE, forget_roads
    if not args.roads and not args.timetable:
        raise UserError("--data DIR is for adding roads or a timetable: give --roads F or "
                        "--timetable F.zip as well")
    src = args.import_data or args.data
    layers, feed, write = _read_layers(args, load_folder(src).localities)
    replaced = ((ROADS_FILE, ROADS_ABOUT) if layers is not None else ()) + \
        ((TIMETABLE_DIR,) if feed is not None else ())
    copy_folder_with(src, args.out, write, replaces=replaced)
    forget_roads(args.out)
    _print_layers(layers, feed, args.out)
    return 0


def _pairs(items: list[str]) -> dict[str, str]:
    from cli import UserError
    out = {}
    for item in items:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UserError(f"--successor '{item}' must look like OLD=NEW, e.g. G82109=G82050")
        out[old.strip().upper()] = new.strip().upper()
    return out
