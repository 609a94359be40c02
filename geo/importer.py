"""Real published files → a canonical data folder and a Dataset, with a report to preview.

Nothing is written or changed until the caller saves: ``run_import`` runs one step per
source given (declared in geo/sources.py; the steps are in geo/import_steps.py and the
sources' own modules), builds the canonical tables, validates them in memory with the very
readers ``load_folder`` uses (geo/canonical.py: as_files, dataset_from_files) and returns the Dataset plus an
``ImportReport`` saying what was kept, skipped, matched and assumed. ``save_import`` then
writes the folder, each file atomically.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import geopandas as gpd
import pandas as pd

from geo import io_nhs
from geo.canonical import (
    as_files, dataset_from_files, load_folder, locality_of_points, write_folder,
)
from geo.dataset import (
    FILES, HOUSING_COLUMNS, HUB_COLUMNS, OPTIONAL_FILES, PRACTICE_COLUMNS, WARD_FILE, Dataset,
)
from geo.errors import DataError
from geo.import_files import detect_inputs  # noqa: F401 (the importer's API)
from geo.import_report import ImportInputs, ImportReport, ImportResult  # noqa: F401
from geo.import_steps import ImportContext
from geo.progress import check
from geo.sources import SOURCES, load


def run_import(inputs: ImportInputs, *, ward_table: pd.DataFrame | None = None,
               progress: Callable[[float, str], None] | None = None,
               cancel: Callable[[], bool] | None = None) -> ImportResult:
    """Read the inputs and build a validated Dataset; raise DataError on bad input.

    One step per given source, in the order geo/sources.py declares them; ``ward_table``
    overrides the ward → locality file (the app's edited copy).
    """
    _check_required(inputs, ward_table)
    ctx = ImportContext(inputs=inputs, ward_table=ward_table)
    steps = [s for s in SOURCES if s.step and (s.required or inputs.given(s.key))]
    total = len(steps) + 2
    for done, source in enumerate(steps):
        _tick(progress, cancel, done / total, source.message)
        load(source.step)(ctx)
    _tick(progress, cancel, len(steps) / total, "Healthy Living Centres")
    hubs = _hubs(ctx)
    _tick(progress, cancel, (len(steps) + 1) / total, "Checking the result")
    result = _finish(ctx, hubs)
    if progress:
        progress(1.0, "Done")
    return result


def _check_required(inputs: ImportInputs, ward_table) -> None:
    if inputs.epraccur is None:
        raise DataError("epraccur", "no ODS practice file (epraccur) was given; it lists the "
                                    "practices to import")
    if inputs.boundaries is None or (inputs.ward_localities is None and ward_table is None):
        raise DataError("boundaries", "localities are made by dissolving ward boundaries with "
                                      "a ward → locality table: give both a boundary file "
                                      "and the ward table (ward_code, ward_name, locality)")


def _tick(progress, cancel, fraction: float, message: str) -> None:
    check(cancel)
    if progress:
        progress(min(fraction, 1.0), message)


def _hubs(ctx: ImportContext) -> pd.DataFrame:
    """Existing hubs: NHS sites whose address names a Healthy Living Centre."""
    hubs = io_nhs.derive_hlc_hubs(ctx.sites)
    if len(hubs):
        ctx.report.hub_notes.append(
            f"{len(hubs)} existing hubs derived from shared-address NHS sites whose address "
            "names a Healthy Living Centre (" + ", ".join(hubs["name"]) + "); capacity "
            "unknown (blank).")
    else:
        ctx.report.hub_notes.append("No hub file exists in the published data and no "
                                    "Healthy Living Centre site was found: hubs.csv is "
                                    "empty (header only).")
    localities = ctx.localities
    hub_loc = locality_of_points(localities, hubs["longitude"], hubs["latitude"])
    for name in localities["name"]:
        inside = hubs.loc[hub_loc == name, "hub_id"]
        if len(inside):
            localities.loc[localities["name"] == name, "hub_id"] = sorted(inside)[0]
    return hubs


def _housing(ctx: ImportContext) -> pd.DataFrame:
    if not ctx.housing_parts:
        ctx.report.housing_notes.append("No housing file given: housing_sites.csv is empty.")
        return pd.DataFrame(columns=HOUSING_COLUMNS)
    housing = pd.concat(ctx.housing_parts, ignore_index=True).fillna("")
    housing = housing.astype(str).replace({"<NA>": "", "nan": ""})
    dup = housing["site_id"].duplicated()
    if dup.any():
        raise DataError(ctx.inputs.housing.name if ctx.inputs.housing else "housing",
                        f"site_id '{housing.loc[dup, 'site_id'].iloc[0]}' is used by the "
                        "brownfield register too; rename it", field="site_id")
    return housing


def _finish(ctx: ImportContext, hubs: pd.DataFrame) -> ImportResult:
    """The canonical tables, validated in memory as a data folder is, and the report."""
    rep, info = ctx.report, ctx.ward_info
    sources_frame = pd.DataFrame(ctx.sources, columns=["file", "publisher", "date",
                                                       "rows_kept", "rows_skipped", "note"])
    tables = {FILES["practices"]: ctx.practices[PRACTICE_COLUMNS],
              FILES["hubs"]: hubs[HUB_COLUMNS],
              FILES["housing"]: _housing(ctx),
              FILES["localities"]: ctx.localities,
              OPTIONAL_FILES["sources"]: sources_frame}
    tables.update(ctx.tables)
    tables[WARD_FILE] = ctx.wards      # the map's faint ward layer, from the same file
    ds = dataset_from_files(as_files(tables), label="the imported data")
    ds.folder = None
    rep.warnings = list(ds.warnings)
    rep.sources = sources_frame
    rep.localities = _locality_table(ds, ctx.localities, info, ctx.population)
    rep.counts = {
        "practices (main sites)": len(ds.main_practices()),
        "branch sites": len(ds.branches()),
        "registered patients": int(ds.practices["list_size"].sum()),
        "localities": len(ds.localities),
        "wards dissolved": info["wards_used"],
        "hubs": len(ds.hubs),
        "housing sites": len(ds.housing),
        "dwellings": int(ds.housing["dwellings"].sum()),
    }
    if ds.pcns is not None:
        rep.counts["PCNs"] = int(ds.pcns["pcn_code"].nunique())
    if ds.population is not None:
        rep.counts["population areas"] = len(ds.population)
        rep.counts["residents placed"] = int(ds.population["residents"].sum())
    return ImportResult(dataset=ds, report=rep, tables=tables)


def _locality_table(ds: Dataset, localities: gpd.GeoDataFrame, info: dict,
                    population: pd.DataFrame | None) -> pd.DataFrame:
    patients = ds.practices.groupby("locality")["list_size"].sum()
    rows = []
    for name in localities["name"]:
        residents = None
        if population is not None:
            residents = int(population.loc[population["locality"] == name, "residents"].sum())
        rows.append({"locality": name, "wards": info["wards_per_locality"].get(name, 0),
                     "registered_patients": int(patients.get(name, 0)),
                     "residents": residents})
    return pd.DataFrame(rows)


def write_tables(tables: dict, folder: str | Path, also=None) -> None:
    """Write the canonical files (CSV / GeoJSON); the folder is swapped in whole."""
    write_folder(tables, folder, also)


def save_import(result: ImportResult, folder: str | Path, also=None) -> Dataset:
    """Write the imported folder and load it back (what ``--data DIR`` will open);
    ``also(tmp)`` adds files (the roads) to the folder before it is swapped in."""
    write_tables(result.tables, folder, also)
    ds = load_folder(folder)
    return ds
