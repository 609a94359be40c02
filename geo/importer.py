"""Real published files → a canonical data folder and a Dataset, with a report to preview.

Nothing is written or changed until the caller saves: ``run_import`` reads every input,
builds the canonical tables, validates them in memory with the very readers ``load_folder``
uses (geo/canonical.py: as_files, dataset_from_files) and returns the Dataset plus an
``ImportReport`` saying what was kept, skipped, matched and assumed. ``save_import`` then
writes the folder, each file atomically.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import geopandas as gpd
import pandas as pd

from geo.errors import DataError
from geo.progress import Cancelled
from geo import io_boundaries, io_housing, io_nhs, io_population
from geo.import_figures import (
    FigureInputs, attach_successors, import_figures, vintage_warning,
)
from geo.canonical import (
    as_files, dataset_from_files, load_folder, locality_of_points, write_folder,
)
from geo.dataset import (
    FILES, HUB_COLUMNS, OPTIONAL_FILES, PRACTICE_COLUMNS, WARD_FILE, Dataset, is_branch,
)
from geo.import_files import detect_inputs  # noqa: F401 (the importer's API)
from geo.import_report import ImportInputs, ImportReport, ImportResult  # noqa: F401



def _date_in_name(path: Path) -> str:
    m = re.search(r"(\d{4}-\d{2}(?:-\d{2})?)", path.name)
    return m.group(1) if m else ""


def run_import(inputs: ImportInputs, *, ward_table: pd.DataFrame | None = None,
               progress: Callable[[float, str], None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Read the inputs and build a validated Dataset; raise DataError on bad input.

    ``ward_table`` overrides the ward → locality file (the app's edited copy).
    """
    steps = iter(range(1, 100))
    total = 10

    def step(message: str) -> None:
        if cancelled and cancelled():
            raise Cancelled()
        if progress:
            progress(min(next(steps) / total, 1.0), message)

    rep = ImportReport()
    sources: list[dict] = []
    if inputs.epraccur is None:
        raise DataError("epraccur", "no ODS practice file (epraccur) was given; it lists the "
                                    "practices to import")
    if inputs.boundaries is None or (inputs.ward_localities is None and ward_table is None):
        raise DataError("boundaries", "localities are made by dissolving ward boundaries with "
                                      "a ward → locality table: give both a boundary file "
                                      "and the ward table (ward_code, ward_name, locality)")

    step("Reading the ODS practice list")
    epr = io_nhs.read_epraccur(inputs.epraccur, inputs.commissioner)
    rep.closed_skipped = [f"{r.practice_code} {r.name} ({r.postcode}) — {r.status}"
                          f"{', closed ' + _fmt_date(r.close_date) if r.close_date else ''}"
                          for r in epr.skipped.itertuples()]
    rep.other_settings = epr.other_settings
    dates = pd.concat([epr.all_rows["open_date"], epr.all_rows["close_date"]])
    dates = dates[dates.str.fullmatch(r"\d{8}")]
    practice_list_date = _fmt_date(dates.max()) if len(dates) else ""
    sources.append(_source(inputs.epraccur, "NHS Digital, Organisation Data Service (ODS) "
                                            "epraccur", _fmt_date(dates.max()) if len(dates)
                           else "", len(epr.practices), epr.rows_read - len(epr.practices),
                           f"commissioner {epr.commissioner or 'any'}; active GP practices "
                           "(status A, prescribing setting 4)"))

    step("Reading NHS site coordinates")
    sites = io_nhs.read_gp_sites(inputs.sites) if inputs.sites else None
    lookup = None
    if inputs.postcodes:
        step("Reading the postcode lookup")
        wanted = list(epr.practices["postcode"])
        if sites is not None:
            wanted += list(sites["postcode"])
        lookup = io_nhs.read_postcode_lookup(inputs.postcodes, wanted)
    placement = io_nhs.place_practices(
        epr.practices, sites, lookup, epraccur_label=inputs.epraccur.name,
        sites_label=inputs.sites.name if inputs.sites else "sites",
        lookup_label=inputs.postcodes.name if inputs.postcodes else "postcodes",
        inactive_codes=set(epr.all_rows.loc[epr.all_rows["status"] != "A", "practice_code"]))
    practices = placement.sites
    if practices.empty:
        raise DataError(inputs.epraccur.name, "no practice could be placed on the map: give "
                                              "the NHS GP sites file and/or a postcode lookup")
    rep.placement_notes = [f"{c}: {how}" for c, how in placement.how.items()
                           if not how.startswith("NHS site at its ODS postcode")]
    rep.without_coordinates = placement.unplaced
    rep.unused_sites = placement.unused_sites
    if sites is not None:
        used = len(practices) - sum(1 for h in placement.how.values()
                                    if h.startswith("postcode lookup"))
        sources.append(_source(inputs.sites, "NHS Choices (NHS.UK) GP sites",
                               _date_in_name(inputs.sites), used, len(sites) - used,
                               "one record per site; main and branch sites share the ODS "
                               "code"))
    if lookup is not None:
        sources.append(_source(inputs.postcodes, "Postcode lookup (ONS Postcode Directory "
                                                 "style)", _date_in_name(inputs.postcodes),
                               len(lookup), 0, "only the postcodes needed were read"))

    practices["list_size_known"] = True
    if inputs.successors:
        rep.placement_notes += attach_successors(practices, inputs.successors)
    mains = ~is_branch(practices)
    if inputs.list_sizes:
        step("Joining list sizes")
        sizes, extract = io_nhs.read_list_sizes(inputs.list_sizes)
        by_code = sizes.set_index("practice_code")["list_size"]
        practices.loc[mains, "list_size"] = practices.loc[mains, "practice_code"] \
            .map(by_code).fillna(0).astype(int)
        main_codes = set(practices.loc[mains, "practice_code"])
        missing = sorted(main_codes - set(by_code.index))
        practices.loc[practices["practice_code"].isin(missing), "list_size_known"] = False
        names = dict(zip(practices["practice_code"], practices["name"]))
        vintage = vintage_warning(practice_list_date, extract, inputs.list_sizes.name,
                                  missing, names)
        if vintage:
            rep.figures.append("WARNING: " + vintage)
        rep.list_size_missing = [f"{c} {names[c]} (not in {inputs.list_sizes.name}, "
                                 f"dated {extract or 'undated'}: likely merged or closed "
                                 "since the ODS extract)" for c in missing]
        unmatched = sizes.loc[~sizes["practice_code"].isin(main_codes), "practice_code"]
        rep.list_size_unmatched = list(unmatched)
        sources.append(_source(inputs.list_sizes, "NHS Digital, Patients Registered at a GP "
                                                  "Practice", extract,
                               len(sizes) - len(unmatched), len(unmatched),
                               "read by header name (CODE, NUMBER_OF_PATIENTS)"))
    else:
        rep.assumptions.append("No list-size file: every list_size is 0.")

    figure_tables, figure_lines = import_figures(
        FigureInputs(inputs.payments, inputs.workforce, inputs.deprivation, inputs.capacity),
        area_codes=set(epr.all_rows["practice_code"]),
        active_codes=set(practices.loc[mains, "practice_code"]),
        site_codes=set(practices["practice_code"]), sources=sources, source_row=_source)
    rep.figures += figure_lines

    pcns = None
    if inputs.pcns:
        step("Reading PCN membership")
        pcns, ended = io_nhs.read_pcn_partners(inputs.pcns)
        main_codes = set(practices.loc[mains, "practice_code"])
        rep.pcn_unmatched = [f"{r.practice_code} ({r.pcn_name})"
                             for r in pcns.itertuples() if r.practice_code not in main_codes]
        pcns = pcns[pcns["practice_code"].isin(main_codes)].reset_index(drop=True)
        rep.pcn_missing = sorted(main_codes - set(pcns["practice_code"]))
        sources.append(_source(inputs.pcns, "NHS Digital, ODS ePCN (core partners)",
                               _date_in_name(inputs.pcns), len(pcns),
                               len(rep.pcn_unmatched) + ended,
                               f"{pcns['pcn_code'].nunique()} PCNs"))

    step("Dissolving wards into localities")
    wards = io_boundaries.read_boundaries(inputs.boundaries)
    table_label = inputs.ward_localities.name if inputs.ward_localities else \
        "ward table (edited)"
    if ward_table is None:
        ward_table = io_boundaries.read_ward_table(inputs.ward_localities)
    localities, info = io_boundaries.dissolve_localities(
        wards, ward_table, boundary_label=inputs.boundaries.name, table_label=table_label)
    sources.append(_source(inputs.boundaries, "Office for National Statistics (boundaries)",
                           _boundary_date(info["code_column"]) or _date_in_name(
                               inputs.boundaries), info["wards_used"], info["wards_left_out"],
                           f"ward codes from {info['code_column']}"))
    sources.append({"file": inputs.ward_localities.name if inputs.ward_localities else
                    "ward table (edited in the app)", "publisher": "ward → locality table "
                    "(a planning assumption, editable)", "date": "",
                    "rows_kept": len(ward_table), "rows_skipped": 0,
                    "note": f"{len(localities)} localities"})

    step("Healthy Living Centres")
    hubs = io_nhs.derive_hlc_hubs(sites)
    if len(hubs):
        rep.hub_notes.append(
            f"{len(hubs)} existing hubs derived from shared-address NHS sites whose address "
            "names a Healthy Living Centre (" + ", ".join(hubs["name"]) + "); capacity "
            "unknown (blank).")
    else:
        rep.hub_notes.append("No hub file exists in the published data and no Healthy "
                             "Living Centre site was found: hubs.csv is empty (header only).")
    hub_loc = locality_of_points(localities, hubs["longitude"], hubs["latitude"])
    for name in localities["name"]:
        inside = hubs.loc[hub_loc == name, "hub_id"]
        if len(inside):
            localities.loc[localities["name"] == name, "hub_id"] = sorted(inside)[0]

    population = None
    if inputs.population:
        step("Placing census residents")
        if inputs.population_areas is None:
            raise DataError(inputs.population.name, "the census counts need their area "
                                                    "polygons (population areas file) to be "
                                                    "placed on the map")
        residents = io_population.read_census_residents(inputs.population)
        areas = io_population.read_area_polygons(inputs.population_areas)
        population, unplaced = io_population.place_population(residents, areas,
                                                               inputs.population.name)
        population.insert(5, "locality", locality_of_points(
            localities, population["longitude"], population["latitude"]))
        rep.population_total = int(residents["residents"].sum())
        rep.population_placed = int(population["residents"].sum())
        rep.population_split = [f"{r.area_code} {r.area_name} ({r.residents:,}): {r.placed_by}"
                                for r in population.itertuples()
                                if r.placed_by != "own polygon"]
        rep.population_unmatched = [f"{r.reason} ({r.residents:,} residents)"
                                    for r in unplaced.itertuples()]
        sources.append(_source(inputs.population, "Office for National Statistics, Census "
                                                  "usual residents",
                               _date_in_name(inputs.population), len(population),
                               len(unplaced), f"{rep.population_total:,} residents"))
        sources.append(_source(inputs.population_areas, "Office for National Statistics "
                                                        "(small-area boundaries)",
                               _date_in_name(inputs.population_areas), len(areas), 0, ""))

    step("Housing sites")
    housing_parts = []
    if inputs.brownfield:
        bf, binfo = io_housing.read_brownfield(inputs.brownfield, inputs.brownfield_start_year,
                                               near=tuple(localities.total_bounds))
        housing_parts.append(bf)
        rep.housing_notes.append(
            f"{len(bf)} brownfield sites, {binfo['dwellings_min_total']:,}–"
            f"{binfo['dwellings_max_total']:,} net dwellings (minimum–maximum); "
            f"{binfo['coordinates']}.")
        rep.assumptions.append(
            f"Brownfield dwellings = the maximum of each site's range (minimum kept as "
            f"dwellings_min); start_year = {binfo['start_year']} for every site (register "
            f"year {binfo['register_year']} + 1; the register gives no phasing), built "
            "evenly over the default 5 years.")
        sources.append(_source(inputs.brownfield, "Brownfield land register (local planning "
                                                  "authority)",
                               str(binfo["register_year"] or ""), len(bf), binfo["ended"],
                               "ended sites (EndDate) left out"))
    if inputs.housing:
        canon = io_housing.read_canonical_housing(inputs.housing)
        housing_parts.append(canon)
        sources.append(_source(inputs.housing, "housing sites table (canonical format)",
                               _date_in_name(inputs.housing), len(canon), 0, ""))
    if housing_parts:
        housing = pd.concat(housing_parts, ignore_index=True).fillna("")
        housing = housing.astype(str).replace({"<NA>": "", "nan": ""})
        dup = housing["site_id"].duplicated()
        if dup.any():
            raise DataError(inputs.housing.name if inputs.housing else "housing",
                            f"site_id '{housing.loc[dup, 'site_id'].iloc[0]}' is used by the "
                            "brownfield register too; rename it", field="site_id")
    else:
        housing = pd.DataFrame(columns=["site_id", "name", "latitude", "longitude",
                                        "dwellings", "status", "include", "start_year"])
        rep.housing_notes.append("No housing file given: housing_sites.csv is empty.")

    step("Checking the result")
    sources_frame = pd.DataFrame(sources, columns=["file", "publisher", "date", "rows_kept",
                                                   "rows_skipped", "note"])
    tables = {FILES["practices"]: practices[PRACTICE_COLUMNS],
              FILES["hubs"]: hubs[HUB_COLUMNS],
              FILES["housing"]: housing,
              FILES["localities"]: localities,
              OPTIONAL_FILES["sources"]: sources_frame}
    tables.update(figure_tables)
    if pcns is not None:
        tables[OPTIONAL_FILES["pcns"]] = pcns
    if population is not None:
        tables[OPTIONAL_FILES["population"]] = population
    tables[WARD_FILE] = wards      # the map's faint ward layer, from the same file
    ds = dataset_from_files(as_files(tables), label="the imported data")
    ds.folder = None
    rep.warnings = list(ds.warnings)
    rep.sources = sources_frame
    rep.localities = _locality_table(ds, localities, info, population)
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
    if progress:
        progress(1.0, "Done")
    return ImportResult(dataset=ds, report=rep, tables=tables)


def _fmt_date(text: str) -> str:
    text = str(text)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if re.fullmatch(r"\d{8}", text) else text


def _boundary_date(code_column: str) -> str:
    m = re.match(r"^[A-Za-z]+(\d{2})CD$", code_column or "")
    return f"20{m.group(1)} boundaries" if m else ""


def _source(path: Path, publisher: str, date: str, kept: int, skipped: int,
            note: str) -> dict:
    return {"file": Path(path).name, "publisher": publisher, "date": date or "",
            "rows_kept": int(kept), "rows_skipped": int(skipped), "note": note}


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
