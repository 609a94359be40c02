"""`group`: practices → extended practice groups within list-size bounds (practice_code,group)."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from cli import UserError
from cli.plan_args import add_plan_options, build_plan

DESCRIPTION = """\
Group the main practices of a canonical practices.csv into extended practice groups whose
total registered list lies between --min-size and --max-size (default 30,000-50,000: the
Medway Model's local geographies, Operational Plan 2017-19 ch. 3; the K&M STP (Nov 2016)
gives 20,000-60,000 for extended practice groups). Branch sites follow their parent.

Compactness is the patient-weighted mean straight-line distance (EPSG:27700) of each
practice to its group's patient-weighted centre, the figure printed; without --groups the
fewest groups that fit the bounds are used. --contiguous keeps each group one patch of map
(practices whose nearest-practice areas touch). --within-localities groups each locality separately (needs the
locality column filled; blanks are filled from --localities F.geojson, or from a
localities.geojson/.gpkg beside the practices file). The same input and --seed give the
same groups.

Writes practice_code,group (one row per main practice) to --out and prints a summary
table. Real data is never refused: a practice above the maximum forms a group of its own
("over the maximum on its own") and the rest are grouped; where the bounds cannot all be
met the best grouping is written, each shortfall is printed as a warning, and the exit code
is 0. With --strict the command refuses instead (exit 2, with the reason). Bad input: exit 2.
"""


def _size(text: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("must be a number of patients, 0 or more")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _starts(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("must be a whole number from 0 to 100")
    return value


def register(sub) -> None:
    p = sub.add_parser("group", help="group practices into extended groups within size bounds",
                       description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--practices", metavar="F.csv",
                     help="a canonical practices.csv (default: the data folder's, or the "
                          "illustrative sample's)")
    src.add_argument("--data", dest="group_data", metavar="DIR",
                     help="a canonical data folder (default: the illustrative sample)")
    p.add_argument("--min-size", type=_size, default=None, metavar="N",
                   help="smallest group list size (default: the scenario's setting, else "
                        "the locality_min_population assumption, 30,000)")
    p.add_argument("--max-size", type=_size, default=None, metavar="N",
                   help="largest group list size (default: the scenario's setting, else "
                        "the locality_max_population assumption, 50,000)")
    p.add_argument("--groups", type=_count, metavar="K",
                   help="number of groups (default: the fewest that fit the bounds)")
    p.add_argument("--within-localities", action="store_true",
                   help="never mix localities: group each locality on its own")
    p.add_argument("--localities", metavar="F.geojson",
                   help="locality polygons used to fill blank locality cells")
    p.add_argument("--seed", type=int, default=None, metavar="N",
                   help="random seed (same input + seed → same groups; default: the "
                        "scenario's, else 0)")
    p.add_argument("--contiguous", action="store_true",
                   help="keep each group one patch of map (its territories touch)")
    p.add_argument("--starts", type=_starts, default=None, metavar="N",
                   help="further starts drawn from the seed, whose groups are recombined "
                        "for the least distance (default: 8 on areas of up to ~160 practices, "
                        "fewer on larger ones down to 4 from ~330 up to 1,000 practices, "
                        "none above; 0 = one start; more = slower, sometimes shorter)")
    p.add_argument("--strict", action="store_true",
                   help="refuse (exit 2) when the bounds cannot all be met, instead of "
                        "writing the best grouping with warnings")
    p.add_argument("--out", metavar="groups.csv", help="write practice_code,group here")
    add_plan_options(p)
    p.set_defaults(func=run)


def _settings(args):
    """Practices, grouping settings and locks: from the plan (data or sample, --scenario,
    --set), with the command's own flags on top."""
    from cli.plan_args import apply_settings
    from geo.canonical import read_localities
    from models.grouping.territories import study_area
    from models.plan import Plan
    if args.practices:
        if args.scenario:
            raise UserError("--scenario goes with --data (or the sample), not --practices")
        practices, notes = _read(args)
        plan = Plan(_empty_dataset(practices))
        apply_settings(plan, args.settings)
        label, locks = Path(args.practices).name, None
        poly = _localities_file(args, Path(args.practices))
        localities = read_localities(poly) if poly is not None and args.contiguous else None
    else:
        plan = build_plan(args, args.group_data or args.data)
        practices, notes = plan.dataset.practices, []
        label, locks = plan.dataset.label, plan.grouping_locks()
        localities = plan.dataset.localities if args.contiguous else None
    s = plan.grouping_settings()
    for key, flag in (("min_size", args.min_size), ("max_size", args.max_size),
                      ("n_groups", args.groups), ("seed", args.seed)):
        if flag is not None:
            s[key] = flag
    if args.within_localities:
        s["within_localities"] = True
    s["seed"] = s.get("seed") or 0
    boundary = study_area(localities) if localities is not None else None
    return practices, notes, label, s, locks, boundary


def _empty_dataset(practices):
    """A practices file alone, as a dataset with no other layers (for its plan)."""
    import geopandas as gpd
    import pandas as pd

    from geo.dataset import HOUSING_COLUMNS, HUB_COLUMNS, Dataset
    return Dataset(localities=gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326),
                   hubs=pd.DataFrame(columns=HUB_COLUMNS), practices=practices,
                   housing=pd.DataFrame(columns=HOUSING_COLUMNS + ["build_years"]))


def _localities_file(args, practices_path: Path) -> Path | None:
    if args.localities:
        return Path(args.localities)
    for name in ("localities.geojson", "localities.gpkg"):
        if (practices_path.parent / name).exists():
            return practices_path.parent / name
    return None


def _read(args):
    """practices.csv as the Dataset reads it; blank localities filled when polygons exist."""
    from geo.bounds import MAX_PRACTICE_SITES
    from geo.canonical import locality_of_points, read_localities, read_practices
    from geo.dataset import is_branch
    from geo.tables import read_csv_text
    path = Path(args.practices)
    notes = []
    poly_path = _localities_file(args, path)
    localities = read_localities(poly_path) if poly_path is not None else None
    if localities is not None:
        names = set(localities["name"])
    else:  # no polygons: accept the locality names the file itself uses
        raw = read_csv_text(path, path.name, max_rows=MAX_PRACTICE_SITES,
                            what="practice sites")
        names = set(raw["locality"]) - {""} if "locality" in raw.columns else set()
    practices = read_practices(path, names)
    blank = (practices["locality"] == "") & ~is_branch(practices)
    if blank.any() and localities is not None:
        found = locality_of_points(localities, practices.loc[blank, "longitude"],
                                   practices.loc[blank, "latitude"])
        practices.loc[blank, "locality"] = found
        notes.append(f"locality filled from {poly_path.name} for {int(blank.sum())} "
                     "practices")
    return practices, notes


def run(args) -> int:
    from geo.atomic import atomic_path
    from geo.dataset import is_branch
    from geo.tables import spreadsheet_safe
    from models.grouping import GroupingError, group_practices

    practices, notes, label, s, locks, boundary = _settings(args)
    mains = int((~is_branch(practices)).sum())
    if s["n_groups"] is not None and s["n_groups"] > mains:
        given = "--groups" if args.groups is not None else "the scenario's n_groups"
        raise UserError(f"{label}: {given} {s['n_groups']:,} is more groups than there are "
                        f"practices to group ({mains:,}); give at most {mains:,}, or leave "
                        "--groups out for the fewest groups that fit the bounds")
    if s["within_localities"]:
        blank = practices.loc[(practices["locality"] == "") & ~is_branch(practices),
                              "practice_code"].tolist()
        if blank:
            raise UserError(f"{label}: --within-localities needs every practice's locality, "
                            f"but {len(blank)} are blank (e.g. {blank[0]}) and no locality "
                            "polygons were found to fill them; fill the locality column or "
                            "pass --localities F.geojson")
    try:
        result = group_practices(practices, s["min_size"], s["max_size"], s["n_groups"],
                                 within_localities=s["within_localities"], seed=s["seed"],
                                 locks=locks, strict=args.strict,
                                 contiguous=args.contiguous, boundary=boundary,
                                 starts=args.starts)
    except GroupingError as exc:
        raise UserError(f"{label}: {exc}") from None
    if args.out:
        out = Path(args.out)
        try:
            with atomic_path(out) as tmp:
                spreadsheet_safe(result.frame()).to_csv(tmp, index=False)
        except OSError as exc:
            raise UserError(f"{out}: cannot be written ({exc.strerror})") from None
    for note in notes:
        print(f"note: {note}")
    _print_summary(result, args, s)
    for problem in result.problems:   # the best grouping was written; say what falls short
        print(f"warning: {label}: {problem}", file=sys.stderr)
    return 0


def _print_summary(result, args, s) -> None:
    table, summary = result.table, result.summary
    width = max([len("group")] + [len(g) for g in table["group"]])
    print(f"{'group':<{width}}  {'practices':>9}  {'list size':>10}  within bounds")
    for row in table.itertuples():
        gap = row.outside_by
        flag = "yes" if row.within_bounds else (f"no (below by {-gap:,})" if gap < 0
                                                else f"no (above by {gap:,})")
        if row.note:
            flag += f", {row.note}"
        print(f"{row.group:<{width}}  {row.practices:>9}  {row.list_size:>10,}  {flag}")
    print(f"{'total':<{width}}  {int(table['practices'].sum()):>9}  "
          f"{summary['total_list_size']:>10,}  {summary['groups_within_bounds']} of "
          f"{summary['groups']}")
    m = result.summary
    print(f"bounds {s['min_size']:,.0f}-{s['max_size']:,.0f}; size CV {m['size_cv']:.3f}; "
          f"patient-weighted mean distance to group centre {m['mean_distance_km']:.2f} km "
          f"(straight line, EPSG:27700); seed {s['seed']}")
    if args.out:
        print(f"wrote {len(result.mapping)} practices to {args.out}")
