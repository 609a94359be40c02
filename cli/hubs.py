"""`hubs`: keep the existing hubs, add K new sites nearest the patients, report the distance."""
from __future__ import annotations

import argparse
import math

from cli import UserError
from cli.plan_args import add_plan_options, build_plan

KEEP = {"existing": ("existing",), "planned": ("existing", "planned"),
        "all": ("existing", "planned", "proposed")}

DESCRIPTION = """\
Keep the hubs already there and add K new hub sites chosen to minimise the patient-weighted
mean straight-line distance (km, British National Grid EPSG:27700) from each practice site
to its nearest hub (the p-median problem: greedy add + vertex-substitution interchange,
then a Lagrangian lower bound and, on small problems, an exact integer programme with
HiGHS, so it says how far from optimal the answer can be). Prints the hubs, that objective
before and after, and ends with the line `objective_km before=<float> after=<float>`.
--out writes the resulting layout: the kept hubs and the K new ones.

Demand: every practice site weighted by its list_size (main practices carry their whole
list; branch sites carry 0, as in practices.csv). Candidate sites: every row of the
practices file (main and branch sites), plus any hubs not kept (--keep) and, with
--grid-km, a grid over the localities.

--practices F.csv: a canonical practices.csv alone; starts from no hubs unless --hubs is
given ("before" is then nan) and picks the K sites among the practice sites.
--data DIR: a canonical data folder (its hubs.csv supplies the hubs). Neither: the
illustrative sample. New hubs get status "proposed".

--travel drive|walk uses the data folder's imported roads (roads.gpkg; `import --roads`):
the objective becomes the patient-weighted mean travel time in minutes by road, catchments
go to the quickest hub, the table gains mean_minutes and a line gives the shares of
patients within 10 / 15 / 20 minutes; it ends with `objective_minutes before=<float>
after=<float>` instead. --travel straight (the default) is the straight line above.

--travel transit uses the data folder's imported timetable (timetable/; `import
--timetable F.zip`): door-to-hub minutes = walk to a stop + wait + ride + changes + walk
from the stop, the median over departures in a window (--date, --window-start), walking
the whole way where quicker; shares within 15 / 30 / 45 minutes; every figure names the
feed, its dates and the window.
"""


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def register(sub) -> None:
    p = sub.add_parser("hubs", help="add K hub sites minimising patients' distance to a hub",
                       description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--data", dest="hubs_data", metavar="DIR",
                     help="canonical data folder (default: the illustrative sample)")
    src.add_argument("--practices", metavar="F.csv",
                     help="a canonical practices.csv on its own (no hubs unless --hubs)")
    p.add_argument("--hubs", dest="hubs_file", metavar="F.csv",
                   help="hubs.csv to start from (with --practices; --data uses its own)")
    p.add_argument("--add", type=_count, default=1, metavar="K",
                   help="number of new hub sites to add (default 1; 0 just reports)")
    p.add_argument("--keep", choices=sorted(KEEP), default="existing",
                   help="which hubs stay open: existing (default), planned (existing + "
                        "planned) or all; hubs not kept become candidate sites")
    p.add_argument("--with-housing", action="store_true",
                   help="also weight included housing sites by their new patients "
                        "(dwellings × persons per dwelling × registration share, from "
                        "the assumptions; --data or the sample only)")
    p.add_argument("--grid-km", type=_positive, metavar="KM",
                   help="also consider a grid of sites this far apart inside the "
                        "localities (--data or the sample only)")
    add_plan_options(p)
    p.add_argument("--travel", choices=("straight", "drive", "walk", "transit"),
                   default="straight",
                   help="what to minimise: straight-line km (default), drive / walk "
                        "minutes on the data folder's imported roads, or public-transport "
                        "minutes from its imported timetable (transit)")
    p.add_argument("--date", dest="transit_date", metavar="YYYY-MM-DD",
                   help="--travel transit: the day of the departure window (default: the "
                        "weekday of the timetable's validity with the most trips)")
    p.add_argument("--window-start", dest="window_start", metavar="HH:MM",
                   help="--travel transit: start of the departure window (default: the "
                        "transit_window_start_h assumption, 09:00; its length is "
                        "transit_window_hours)")
    p.add_argument("--out", metavar="hubs.csv",
                   help="write hub_id, name, latitude, longitude, status, served_patients, "
                        "mean_distance_km for every hub of the result")
    p.set_defaults(func=run)


def run(args) -> int:
    import numpy as np
    import pandas as pd

    from geo.atomic import atomic_path
    from geo.bounds import MAX_HUB_PAIRS, MAX_HUB_PAIRS_BY_TIME, MAX_HUBS, MAX_PRACTICE_SITES
    from geo.tables import spreadsheet_safe
    from geo.tables import read_csv_text
    from geo import canonical as dsmod
    from geo.dataset import HUB_COLUMNS
    from models import hubs as H
    from models.hubs.siting import Objective, SitingProblem

    if args.practices and args.data:
        raise UserError("give either --data or --practices, not both")
    if args.practices:
        if args.scenario or args.settings:
            raise UserError("--scenario and --set need a data folder (--data) or the sample, "
                            "not --practices")
        if args.with_housing or args.grid_km:
            raise UserError("--with-housing and --grid-km need a data folder (--data); "
                            "a practices file alone has no housing sites or localities")
        names = _localities_named(read_csv_text(args.practices, required=["practice_code"],
                                                max_rows=MAX_PRACTICE_SITES,
                                                what="practice sites"))
        practices = dsmod.read_practices(_path(args.practices), names)
        hubs = pd.DataFrame(columns=HUB_COLUMNS)
        if args.hubs_file:
            hubs = dsmod.read_hubs(_path(args.hubs_file),
                                   _localities_named(read_csv_text(
                                       args.hubs_file, max_rows=MAX_HUBS, what="hubs")))
        demand = H.practice_demand(practices)
        label = args.practices
        if args.travel != "straight":
            raise UserError(f"--travel {args.travel} needs a data folder with imported roads "
                            "or timetable (--data DIR after `import --roads` / `--timetable`); a practices file alone "
                            "has none")
        graph = graph_note = None
    else:
        if args.hubs_file:
            raise UserError("--hubs goes with --practices; a data folder has its own hubs.csv")
        plan = build_plan(args, args.hubs_data or args.data)
        ds = plan.dataset
        hubs = ds.hubs
        demand = plan.demand_points()      # housing growth always counted "with growth"
        label = ds.label
        graph, graph_note = _road_graph(plan, args.travel, args)
    weight = "patients_with_growth" if args.with_housing else "patients_now"
    if demand[weight].sum() <= 0:
        raise UserError(f"{label}: there are no patients to serve (every list_size is 0)")

    keep = KEEP[args.keep]
    if args.practices:          # no plan: the problem is built from the files' tables
        spare = hubs[~hubs["status"].isin(keep)]
        problem = SitingProblem(demand, hubs, H.candidate_sites(practices=practices,
                                                                hubs=spare),
                                args.add, Objective(graph, weight), keep)
    else:                       # the window's entry point (Hubs tab → Suggest sites)
        problem = plan.siting_problem(args.add, grid_km=args.grid_km, keep=keep,
                                      with_growth=args.with_housing, travel=graph)
    candidates = problem.candidates
    pairs = int((demand[weight] > 0).sum()) * len(candidates)
    most = MAX_HUB_PAIRS if graph is None else MAX_HUB_PAIRS_BY_TIME
    if pairs > most:
        raise UserError(f"{label}: too many sites for the hub optimiser: "
                        f"{int((demand[weight] > 0).sum()):,} practice sites × "
                        f"{len(candidates):,} candidate sites (at most "
                        f"{most:,} pairs{'' if graph is None else ' by travel time'}); "
                        "use one area's practices")
    if args.add > len(candidates):
        raise UserError(f"--add {args.add}: there are only {len(candidates)} candidate sites")
    settings = plan.hub_settings() if not args.practices else {}
    result = problem.solve()
    layout = H.evaluate_layout(demand, result.hubs, **settings)
    timed = None
    if graph is not None:
        from models.travel_access import evaluate_by_time
        if args.travel == "transit":
            from models.transit.layout import evaluate_by_transit as evaluate_by_time
        timed = evaluate_by_time(demand, result.hubs, graph)
        layout.assigned = timed.assigned     # catchments by time
    per_hub = layout.per_hub
    served = per_hub["served_patients_with_growth" if args.with_housing else "served_patients"]
    table = pd.DataFrame({
        "hub_id": per_hub["hub_id"], "name": per_hub["name"],
        "latitude": per_hub["latitude"].astype(float),
        "longitude": per_hub["longitude"].astype(float), "status": per_hub["status"],
        "served_patients": served.round().astype(int),
        "mean_distance_km": _mean_km(layout.assigned, per_hub["hub_id"], weight),
        "served_patients_with_growth": per_hub["served_patients_with_growth"].round()
        .astype(int)})
    if timed is not None:
        table["served_patients"] = _served(timed.assigned, per_hub["hub_id"], weight)
        table["served_patients_with_growth"] = _served(timed.assigned, per_hub["hub_id"],
                                                       "patients_with_growth")
        table["mean_minutes"] = _mean_km(timed.assigned, per_hub["hub_id"], weight,
                                         "minutes")
    if args.out:
        with atomic_path(args.out) as tmp:
            spreadsheet_safe(table).to_csv(tmp, index=False, float_format="%.6f")

    print(f"Data: {label}")
    print(f"Demand: {int(demand[weight].sum()):,} patients at {int((demand[weight] > 0).sum())}"
          f" sites; {len(candidates)} candidate sites; kept hubs: {args.keep}")
    with pd.option_context("display.width", 160, "display.max_colwidth", 48):
        print(table.drop(columns=["latitude", "longitude"]).to_string(
            index=False, float_format=lambda v: f"{v:.3f}"))
    access = layout.access["with_growth" if args.with_housing else "now"]
    if not np.isnan(access["mean_distance_km"]):
        print("Share of patients within 1 / 2 / 5 km of a hub (straight line): "
              + " / ".join(f"{100 * access[f'share_within_{t}km']:.1f}%" for t in (1, 2, 5)))
    if timed is not None and args.travel == "transit":
        t = timed.access["with_growth" if args.with_housing else "now"]
        print(f"Mean public-transport time to the quickest hub: {t['mean_minutes']:.1f} min "
              "(mean_minutes, median over the window's departures); share of patients within "
              "15 / 30 / 45 minutes: "
              + " / ".join(f"{100 * t[f'share_within_{b}min']:.1f}%" for b in (15, 30, 45))
              + "; share of departures arriving within them: "
              + " / ".join(f"{100 * t[f'departures_within_{b}min']:.1f}%"
                           for b in (15, 30, 45)))
        print(graph_note)
    elif timed is not None:
        t = timed.access["with_growth" if args.with_housing else "now"]
        print(f"Mean {args.travel} time to the quickest hub by road: "
              f"{t['mean_minutes']:.1f} min (mean_minutes); share of patients within "
              "10 / 15 / 20 minutes: "
              + " / ".join(f"{100 * t[f'share_within_{b}min']:.1f}%" for b in (10, 15, 20)))
        print(graph_note)
    print(result.summary())
    if args.out:
        print(f"wrote {args.out}")
    growth = int(round(float(demand["new_patients"].sum())))
    print(f"New patients from housing growth (in served_patients_with_growth): {growth:,}")
    if demand.attrs.get("growth_note"):
        print(f"note: {demand.attrs['growth_note']}")
    if result.by_time:
        print(f"objective_minutes before={result.objective_before_minutes:.6f} "
              f"after={result.objective_after_minutes:.6f}")
    else:
        print(f"objective_km before={result.objective_before_km:.6f} "
              f"after={result.objective_after_km:.6f}")
    return 0


def _path(text: str):
    from pathlib import Path
    return Path(text)


def _localities_named(frame) -> set[str]:
    """A practices/hubs file read alone: any locality it names is accepted as given."""
    return set(frame["locality"]) - {""} if "locality" in frame.columns else set()


def _mean_km(assigned, hub_ids, weight, column="distance_km"):
    """Patient-weighted mean distance (or minutes) of each hub's catchment (blank if it
    serves nobody)."""
    import numpy as np
    out = []
    for hub_id in hub_ids:
        mine = assigned[assigned["hub_id"] == hub_id]
        w = mine[weight].to_numpy(float)
        out.append(float(np.dot(w, mine[column]) / w.sum()) if w.sum() > 0 else np.nan)
    return out


def _served(assigned, hub_ids, weight):
    return [int(round(assigned.loc[assigned["hub_id"] == h, weight].sum())) for h in hub_ids]


def _transit_network(plan, args):
    """The timetable network for the chosen day and window, and a line naming them."""
    from datetime import date

    from geo.io_gtfs import load_feed
    from geo.roads import load_roads
    from models.transit.access import network_for
    ds = plan.dataset
    feed = load_feed(ds.folder)
    if feed is None:
        raise UserError(f"--travel transit: {ds.label} has no imported timetable; add one "
                        "with `import --data DIR --timetable feed.gtfs.zip --out DIR`")
    day = start_h = None
    if args.transit_date:
        try:
            day = date.fromisoformat(args.transit_date)
        except ValueError:
            raise UserError(f"--date '{args.transit_date}' is not a date YYYY-MM-DD") from None
    if args.window_start:
        hh, sep, mm = args.window_start.partition(":")
        if not (sep and hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise UserError(f"--window-start '{args.window_start}' is not a time HH:MM")
        start_h = int(hh) + int(mm) / 60
    try:
        net = network_for(feed, plan.assumptions, day, start_h, roads=load_roads(ds.folder))
    except ValueError as exc:
        raise UserError(f"--date: {exc}") from None
    note = f"Public transport: {net.label()}"
    if net.no_service:
        note += f"\nwarning: {net.no_service_text()}"
    return net, note


def _road_graph(plan, travel: str, args=None):
    """The drive/walk graph of the folder's roads (the plan's travel assumptions) and a
    line about it; None for straight line."""
    if travel == "straight":
        return None, None
    if travel == "transit":
        return _transit_network(plan, args)
    from geo.roads import load_roads
    from models.travel_access import graph_for
    ds = plan.dataset
    layers = load_roads(ds.folder)
    if layers is None:
        raise UserError(f"--travel {travel}: {ds.label} has no imported roads; add them with "
                        "`import --data DIR --roads extract.osm.pbf --out DIR`, or use "
                        "--travel straight")
    graph = graph_for(layers, travel, plan.assumptions)
    return graph, (f"Road graph: {graph.nodes:,} junctions, {graph.edges:,} links "
                   f"({layers.label()}); assumptions: speeds by road class or tagged limit, "
                   "junction delay, parking (drive), walking speed — models/assumptions/")
