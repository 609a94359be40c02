"""The importer's steps, one per source (declared in geo/sources.py), and what they share.

Each step takes the ``ImportContext``: it reads its source's file(s), joins them to what the
earlier steps built (the practices, the localities), adds lines to the report and a row to
sources.csv, and leaves its canonical table in ``ctx.tables``. Steps run in the order the
sources are declared; a step runs when its source was given (a required one always runs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import io_boundaries, io_housing, io_nhs, io_population
from geo.sources import BY_KEY
from geo.canonical import locality_of_points
from geo.dataset import OPTIONAL_FILES, is_branch
from geo.errors import DataError
from geo.import_figures import attach_successors, vintage_warning
from geo.import_report import ImportInputs, ImportReport


@dataclass
class ImportContext:
    """What the steps of one import build together."""

    inputs: ImportInputs
    ward_table: pd.DataFrame | None = None      # the app's edited ward → locality table
    report: ImportReport = field(default_factory=ImportReport)
    sources: list[dict] = field(default_factory=list)     # sources.csv rows
    tables: dict = field(default_factory=dict)            # optional file name → frame
    epr: object = None                  # the ODS read (all rows, skipped, commissioner)
    sites: pd.DataFrame | None = None   # NHS sites as read (for the hubs)
    practices: pd.DataFrame | None = None
    practice_list_date: str = ""
    localities: gpd.GeoDataFrame | None = None
    wards: gpd.GeoDataFrame | None = None
    ward_info: dict = field(default_factory=dict)
    population: pd.DataFrame | None = None
    housing_parts: list = field(default_factory=list)

    def add_source(self, path, publisher: str, date: str, kept: int, skipped: int,
                   note: str) -> None:
        """One row of sources.csv: the file, who published it, its date, what was kept."""
        self.sources.append({"file": Path(path).name, "publisher": publisher,
                             "date": date or "", "rows_kept": int(kept),
                             "rows_skipped": int(skipped), "note": note})

    @property
    def mains(self) -> pd.Series:
        return ~is_branch(self.practices)

    @property
    def main_codes(self) -> set:
        return set(self.practices.loc[self.mains, "practice_code"])

    @property
    def area_codes(self) -> set:
        """Every practice code of the area in the ODS file, whatever its status."""
        return set(self.epr.all_rows["practice_code"])


def date_in_name(path: Path) -> str:
    m = re.search(r"(\d{4}-\d{2}(?:-\d{2})?)", Path(path).name)
    return m.group(1) if m else ""


def fmt_date(text: str) -> str:
    text = str(text)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if re.fullmatch(r"\d{8}", text) else text


def practices(ctx: ImportContext) -> None:
    """ODS practice list, placed at their NHS sites or by postcode (sites, postcodes)."""
    inputs, rep = ctx.inputs, ctx.report
    epr = ctx.epr = io_nhs.read_epraccur(inputs.epraccur, inputs.commissioner)
    rep.closed_skipped = [f"{r.practice_code} {r.name} ({r.postcode}) — {r.status}"
                          f"{', closed ' + fmt_date(r.close_date) if r.close_date else ''}"
                          for r in epr.skipped.itertuples()]
    rep.other_settings = epr.other_settings
    dates = pd.concat([epr.all_rows["open_date"], epr.all_rows["close_date"]])
    dates = dates[dates.str.fullmatch(r"\d{8}")]
    ctx.practice_list_date = fmt_date(dates.max()) if len(dates) else ""
    ctx.add_source(inputs.epraccur, "NHS Digital, Organisation Data Service (ODS) epraccur",
                   BY_KEY["epraccur"].date(inputs.epraccur, ctx.practice_list_date),
                   len(epr.practices),
                   epr.rows_read - len(epr.practices),
                   f"commissioner {epr.commissioner or 'any'}; active GP practices "
                   "(status A, prescribing setting 4)")
    sites = ctx.sites = io_nhs.read_gp_sites(inputs.sites) if inputs.sites else None
    lookup = None
    if inputs.postcodes:
        wanted = list(epr.practices["postcode"])
        if sites is not None:
            wanted += list(sites["postcode"])
        lookup = io_nhs.read_postcode_lookup(inputs.postcodes, wanted)
    placement = io_nhs.place_practices(
        epr.practices, sites, lookup, epraccur_label=inputs.epraccur.name,
        sites_label=inputs.sites.name if inputs.sites else "sites",
        lookup_label=inputs.postcodes.name if inputs.postcodes else "postcodes",
        inactive_codes=set(epr.all_rows.loc[epr.all_rows["status"] != "A", "practice_code"]))
    found = ctx.practices = placement.sites
    if found.empty:
        raise DataError(inputs.epraccur.name, "no practice could be placed on the map: give "
                                              "the NHS GP sites file and/or a postcode lookup")
    rep.placement_notes = [f"{c}: {how}" for c, how in placement.how.items()
                           if not how.startswith("NHS site at its ODS postcode")]
    rep.without_coordinates = placement.unplaced
    rep.unused_sites = placement.unused_sites
    if sites is not None:
        used = len(found) - sum(1 for h in placement.how.values()
                                if h.startswith("postcode lookup"))
        ctx.add_source(inputs.sites, "NHS Choices (NHS.UK) GP sites",
                       date_in_name(inputs.sites), used, len(sites) - used,
                       "one record per site; main and branch sites share the ODS code")
    if lookup is not None:
        ctx.add_source(inputs.postcodes, "Postcode lookup (ONS Postcode Directory style)",
                       date_in_name(inputs.postcodes), len(lookup), 0,
                       "only the postcodes needed were read")
    found["list_size_known"] = True
    if inputs.successors:
        rep.placement_notes += attach_successors(found, inputs.successors)
    if not inputs.list_sizes:
        rep.assumptions.append("No list-size file: every list_size is 0.")


def list_sizes(ctx: ImportContext) -> None:
    """Registered patients joined by practice code; the vintage against the practice list."""
    inputs, rep, practices = ctx.inputs, ctx.report, ctx.practices
    mains = ctx.mains
    sizes, extract = io_nhs.read_list_sizes(inputs.list_sizes)
    by_code = sizes.set_index("practice_code")["list_size"]
    practices.loc[mains, "list_size"] = practices.loc[mains, "practice_code"] \
        .map(by_code).fillna(0).astype(int)
    main_codes = ctx.main_codes
    missing = sorted(main_codes - set(by_code.index))
    practices.loc[practices["practice_code"].isin(missing), "list_size_known"] = False
    names = dict(zip(practices["practice_code"], practices["name"]))
    vintage = vintage_warning(ctx.practice_list_date, extract, inputs.list_sizes.name,
                              missing, names)
    if vintage:
        rep.figures.append("WARNING: " + vintage)
    rep.list_size_missing = [f"{c} {names[c]} (not in {inputs.list_sizes.name}, "
                             f"dated {extract or 'undated'}: likely merged or closed "
                             "since the ODS extract)" for c in missing]
    unmatched = sizes.loc[~sizes["practice_code"].isin(main_codes), "practice_code"]
    rep.list_size_unmatched = list(unmatched)
    ctx.add_source(inputs.list_sizes, "NHS Digital, Patients Registered at a GP Practice",
                   extract, len(sizes) - len(unmatched), len(unmatched),
                   "read by header name (CODE, NUMBER_OF_PATIENTS)")


def pcns(ctx: ImportContext) -> None:
    """The real Primary Care Networks (ePCN core partners) of the imported practices."""
    inputs, rep = ctx.inputs, ctx.report
    frame, ended = io_nhs.read_pcn_partners(inputs.pcns)
    main_codes = ctx.main_codes
    rep.pcn_unmatched = [f"{r.practice_code} ({r.pcn_name})"
                         for r in frame.itertuples() if r.practice_code not in main_codes]
    frame = frame[frame["practice_code"].isin(main_codes)].reset_index(drop=True)
    rep.pcn_missing = sorted(main_codes - set(frame["practice_code"]))
    ctx.add_source(inputs.pcns, "NHS Digital, ODS ePCN (core partners)",
                   date_in_name(inputs.pcns), len(frame), len(rep.pcn_unmatched) + ended,
                   f"{frame['pcn_code'].nunique()} PCNs")
    ctx.tables[OPTIONAL_FILES["pcns"]] = frame


def localities(ctx: ImportContext) -> None:
    """Ward polygons dissolved into localities by the ward → locality table."""
    inputs = ctx.inputs
    ctx.wards = io_boundaries.read_boundaries(inputs.boundaries)
    table_label = inputs.ward_localities.name if inputs.ward_localities else \
        "ward table (edited)"
    table = ctx.ward_table
    if table is None:
        table = ctx.ward_table = io_boundaries.read_ward_table(inputs.ward_localities)
    ctx.localities, info = io_boundaries.dissolve_localities(
        ctx.wards, table, boundary_label=inputs.boundaries.name, table_label=table_label)
    ctx.ward_info = info
    ctx.add_source(inputs.boundaries, "Office for National Statistics (boundaries)",
                   _boundary_date(info["code_column"]) or date_in_name(inputs.boundaries),
                   info["wards_used"], info["wards_left_out"],
                   f"ward codes from {info['code_column']}")
    ctx.sources.append({"file": inputs.ward_localities.name if inputs.ward_localities else
                        "ward table (edited in the app)", "publisher": "ward → locality "
                        "table (a planning assumption, editable)", "date": "",
                        "rows_kept": len(table), "rows_skipped": 0,
                        "note": f"{len(ctx.localities)} localities"})


def _boundary_date(code_column: str) -> str:
    m = re.match(r"^[A-Za-z]+(\d{2})CD$", code_column or "")
    return f"20{m.group(1)} boundaries" if m else ""


def population(ctx: ImportContext) -> None:
    """Census residents placed at their small areas, each given its locality."""
    inputs, rep = ctx.inputs, ctx.report
    if inputs.population_areas is None:
        raise DataError(inputs.population.name, "the census counts need their area polygons "
                                                "(population areas file) to be placed on "
                                                "the map")
    residents = io_population.read_census_residents(inputs.population)
    areas = io_population.read_area_polygons(inputs.population_areas)
    placed, unplaced = io_population.place_population(residents, areas,
                                                      inputs.population.name)
    placed.insert(5, "locality", locality_of_points(
        ctx.localities, placed["longitude"], placed["latitude"]))
    rep.population_total = int(residents["residents"].sum())
    rep.population_placed = int(placed["residents"].sum())
    rep.population_split = [f"{r.area_code} {r.area_name} ({r.residents:,}): {r.placed_by}"
                            for r in placed.itertuples() if r.placed_by != "own polygon"]
    rep.population_unmatched = [f"{r.reason} ({r.residents:,} residents)"
                                for r in unplaced.itertuples()]
    ctx.add_source(inputs.population, "Office for National Statistics, Census usual "
                                      "residents", BY_KEY["population"].date(inputs.population),
                   len(placed), len(unplaced), f"{rep.population_total:,} residents")
    ctx.add_source(inputs.population_areas, "Office for National Statistics (small-area "
                                            "boundaries)",
                   BY_KEY["population_areas"].date(inputs.population_areas), len(areas),
                   0, "")
    ctx.population = placed
    ctx.tables[OPTIONAL_FILES["population"]] = placed


def brownfield(ctx: ImportContext) -> None:
    """The council's brownfield land register → housing sites (maximum of each range)."""
    inputs, rep = ctx.inputs, ctx.report
    bf, binfo = io_housing.read_brownfield(inputs.brownfield, inputs.brownfield_start_year,
                                           near=tuple(ctx.localities.total_bounds))
    ctx.housing_parts.append(bf)
    rep.housing_notes.append(
        f"{len(bf)} brownfield sites, {binfo['dwellings_min_total']:,}–"
        f"{binfo['dwellings_max_total']:,} net dwellings (minimum–maximum); "
        f"{binfo['coordinates']}.")
    rep.assumptions.append(
        f"Brownfield dwellings = the maximum of each site's range (minimum kept as "
        f"dwellings_min); start_year = {binfo['start_year']} for every site (register "
        f"year {binfo['register_year']} + 1; the register gives no phasing), built "
        "evenly over the default 5 years.")
    ctx.add_source(inputs.brownfield, "Brownfield land register (local planning authority)",
                   binfo["register_date"], len(bf), binfo["ended"],
                   "ended sites (EndDate) left out")


def housing(ctx: ImportContext) -> None:
    """A housing_sites.csv in the app's own format, added to the register's sites."""
    inputs = ctx.inputs
    canon = io_housing.read_canonical_housing(inputs.housing)
    ctx.housing_parts.append(canon)
    ctx.add_source(inputs.housing, "housing sites table (canonical format)",
                   date_in_name(inputs.housing), len(canon), 0, "")
