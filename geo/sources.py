"""The import inputs, each declared once: the one list every other place is made from.

A ``Source`` names a published file the importer reads: who publishes it, the command-line
flag, how its file name is recognised in a folder, the reader, the step that joins it into
the import, the canonical data-folder file it becomes (if any), whether it is required, what
it joins on and where its date comes from. From ``SOURCES`` come the ``import`` command's
file flags (cli/import_data.py), the import dialog's rows (gui/import_dialog.py), file
detection (geo/import_files.py), the importer's steps (geo/importer.py), the data folder's
optional files (geo/dataset.py) and the README's inputs table (checked by
tests/test_sources.py; ``python -m geo.sources`` prints it).

Functions are named as ``"module:function"`` and imported when used, so this module imports
nothing of ours and every other module can read it.

A road extract and a timetable are ``FolderLayer``s: kept as their own folder entries
(roads.gpkg, timetable/) rather than a Dataset table, added by ``import --roads/--timetable``
or File → Import …; their flags, the entries a copy replaces and the dialogs' titles, file
filters and margins come from ``FOLDER_LAYERS``.

Adding a source: declare it here; write its reader and its step (``step(ctx)``, see
geo/import_steps.py) in its own ``geo/io_*.py``; paste the regenerated README table.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Source:
    """One input of the import."""

    key: str                  # the ImportInputs field and the flag (--list-sizes)
    label: str                # the import dialog's row
    publisher: str            # who publishes it (sources.csv says the same)
    help: str                 # the flag's help and the dialog's tooltip
    patterns: str             # file-name pattern (regex, case-insensitive) in a folder
    file_filter: str          # the dialog's file chooser filter
    reader: str               # "module:function" reading the published file
    step: str | None = None   # "module:function(ctx)" joining it; None = read by ``part_of``
    part_of: str | None = None   # the source whose step reads this one (sites → epraccur)
    folder_file: str | None = None   # canonical data-folder file it is kept as
    folder_reader: str | None = None  # "module:function(path, ds)" reading that file back
    required: bool = False
    many: bool = False        # one file per year (repeatable flag; ';' in the dialog)
    pick: str = "plainest"    # which of several matching files: plainest, newest, json, all
    joins_on: str = ""        # what it joins to the practices or areas on
    date_rule: str = ""       # where its date comes from
    message: str = ""         # the progress line while its step runs
    date_from: str = ""       # a DATE_RULES key: how ``date()`` dates a file of it

    def date(self, path, found: str = "") -> str:
        """The date sources.csv records for a file of this source: what the file says
        (``found``), else what its name says, by this source's rule (DATE_RULES)."""
        rule = DATE_RULES.get(self.date_from)
        return rule(str(path).replace("\\", "/").rsplit("/", 1)[-1], found) if rule \
            else found

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")


SOURCES: tuple[Source, ...] = (
    Source("epraccur", "ODS practices (epraccur) *",
           "NHS Digital, Organisation Data Service (ODS) epraccur",
           "NHS ODS epraccur.csv (GP practices; no header row)",
           r"epraccur.*\.csv$", "CSV (*.csv)", "geo.io_nhs:read_epraccur",
           step="geo.import_steps:practices", folder_file="practices.csv", required=True,
           joins_on="practice code (the list every other file is joined to)",
           date_rule="extract date not in the file (latest open/close date noted)",
           date_from="ods",
           message="Reading the ODS practice list"),
    Source("sites", "NHS GP sites", "NHS Choices (NHS.UK) GP sites",
           "NHS Choices GP sites JSON/CSV (coordinates of main and branch sites)",
           r"(gp.?sites|gp-data|choices).*\.(json|csv)$", "JSON or CSV (*.json *.csv)",
           "geo.io_nhs:read_gp_sites", part_of="epraccur", folder_file="practices.csv",
           pick="json",
           joins_on="practice code and postcode", date_rule="YYYY-MM in the file name"),
    Source("postcodes", "Postcode lookup",
           "Postcode lookup (ONS Postcode Directory style)",
           "postcode lookup CSV (pcds/pcd/postcode + lat/long), the fallback geocoder",
           r"(onspd|nspl|postcode|pcd).*\.csv$", "CSV (*.csv)",
           "geo.io_nhs:read_postcode_lookup", part_of="epraccur", folder_file="practices.csv",
           joins_on="postcode", date_rule="YYYY-MM in the file name"),
    Source("list_sizes", "List sizes", "NHS Digital, Patients Registered at a GP Practice",
           "NHS Digital gp-reg-pat-prac-all.csv (registered patients)",
           r"gp-reg-pat-prac-all.*\.csv$", "CSV (*.csv)", "geo.io_nhs:read_list_sizes",
           step="geo.import_steps:list_sizes", folder_file="practices.csv", pick="newest",
           joins_on="practice code",
           date_rule="extract date column", message="Joining list sizes"),
    Source("payments", "NHS Payments to GP (per year; separate files with ;)",
           "NHS Digital / NHS England, NHS Payments to General Practice",
           "NHS Payments to General Practice CSV, one per financial year (repeatable; the "
           "year is read from the file name, e.g. 2017-18): registered and need-weighted "
           "lists, premises payments",
           r"payments.*\.csv$", "CSV (*.csv)", "geo.io_payments:read_payments",
           step="geo.import_figures:payments", folder_file="payments.csv",
           folder_reader="geo.import_figures:payments_table", many=True, pick="all",
           joins_on="practice code", date_rule="financial year in the file name",
           message="Joining NHS payments"),
    Source("workforce", "GP workforce", "NHS Digital, General Practice Workforce (practice "
           "level)",
           "NHS Digital GP workforce per practice (headcount of fully qualified GPs; FTE "
           "where the file gives it)",
           r"workforce.*\.csv$", "CSV (*.csv)", "geo.io_workforce:read_workforce",
           step="geo.import_figures:workforce", folder_file="gp_workforce.csv",
           folder_reader="geo.import_figures:workforce_table",
           joins_on="practice code", date_rule="financial year column or the file name",
           message="Joining the GP workforce"),
    Source("deprivation", "Practice deprivation (IMD)",
           "OHID Fingertips, indicator 93553 Deprivation score (IMD), GP practice",
           "OHID Fingertips practice deprivation score (indicator 93553)",
           r"(imd|deprivation).*\.csv$", "CSV (*.csv)",
           "geo.io_deprivation:read_deprivation", step="geo.import_figures:deprivation",
           folder_file="deprivation.csv",
           folder_reader="geo.import_figures:deprivation_table",
           joins_on="practice code", date_rule="IMD year column",
           message="Joining deprivation scores"),
    Source("capacity", "Estate register (known capacity per site)",
           "known capacity (estates team's return)",
           "estate register per site (CSV or XLSX): site_code, gia_m2, clinical_rooms, "
           "tenure, condition, lease_end, hours_per_week, notes (overrides the "
           "premises-payments proxy; no row = unknown)",
           r"(capacity|estate.?register).*\.(csv|xlsx)$", "CSV or Excel (*.csv *.xlsx)",
           "geo.io_capacity:read_capacity",
           step="geo.import_figures:capacity", folder_file="capacity.csv",
           folder_reader="geo.import_figures:capacity_table",
           joins_on="site code (practice, branch or hub)", date_rule="not stated (the return's)",
           message="Joining the estate register"),
    Source("pcns", "PCN core partners", "NHS Digital, ODS ePCN (core partners)",
           "ePCN core partners CSV (or ePCN.xlsx)",
           r"epcn.*(core|partner).*\.csv$|^epcn.*\.xlsx$", "CSV or Excel (*.csv *.xlsx)",
           "geo.io_nhs:read_pcn_partners", step="geo.import_steps:pcns",
           folder_file="pcns.csv",
           joins_on="practice code", date_rule="YYYY-MM in the file name",
           message="Reading PCN membership"),
    Source("boundaries", "Ward boundaries *", "Office for National Statistics (boundaries)",
           "ward boundaries (GeoJSON, GeoPackage or Shapefile, any CRS)",
           r"^(?!.*localit).*ward.*\.(geojson|json|gpkg|shp)$",
           "Boundaries (*.geojson *.json *.gpkg *.shp)", "geo.io_boundaries:read_boundaries",
           step="geo.import_steps:localities", folder_file="localities.geojson",
           required=True,
           joins_on="ward code (to the ward → locality table)",
           date_rule="boundary year in the code column (WD13CD → 2013)",
           message="Dissolving wards into localities"),
    Source("ward_localities", "Ward → locality table *",
           "ward → locality table (a planning assumption, editable)",
           "ward → locality table: ward_code,ward_name,locality",
           r"ward.?localit.*\.csv$", "CSV (*.csv)", "geo.io_boundaries:read_ward_table",
           part_of="boundaries", folder_file="localities.geojson", required=True,
           joins_on="ward code",
           date_rule="none (an assumption)"),
    Source("population", "Census residents",
           "Office for National Statistics, Census usual residents",
           "census usual residents by small area (e.g. LSOA), optionally by age",
           r"(census|usual.?resident|population).*\.csv$", "CSV (*.csv)",
           "geo.io_population:read_census_residents", step="geo.import_steps:population",
           folder_file="population.csv",
           joins_on="area code (to the area polygons)", date_rule="census year in the file name (census day)",
           date_from="census",
           message="Placing census residents"),
    Source("population_areas", "Census area polygons",
           "Office for National Statistics (small-area boundaries)",
           "the small areas' polygons (e.g. LSOA GeoJSON)",
           r"lsoa.*\.(geojson|json|gpkg|shp)$", "Boundaries (*.geojson *.json *.gpkg *.shp)",
           "geo.io_population:read_area_polygons", part_of="population",
           folder_file="population.csv",
           joins_on="area code", date_rule="boundary year in the file name",
           date_from="boundaries"),
    Source("brownfield", "Brownfield land register",
           "Brownfield land register (local planning authority)",
           "brownfield land register CSV (national data standard)",
           r"brownfield.*\.csv$", "CSV (*.csv)", "geo.io_housing:read_brownfield",
           step="geo.import_steps:brownfield", folder_file="housing_sites.csv",
           joins_on="place (coordinates)",
           date_rule="register year (FirstAddedDate)", message="Housing sites"),
    Source("housing", "Housing sites (app format)", "housing sites table (canonical format)",
           "housing_sites.csv in the canonical format",
           r"housing_sites.*\.csv$", "CSV (*.csv)", "geo.io_housing:read_canonical_housing",
           step="geo.import_steps:housing", folder_file="housing_sites.csv",
           joins_on="place (coordinates)",
           date_rule="YYYY-MM in the file name", message="Housing sites (app format)"),
)

# Growth beyond the housing list (models/capacity/projection.py), declared here like the rest.
SOURCES += (
    Source("projection", "Population projection (ONS)",
           "ONS, Subnational population projections for England: 2022-based",
           "ONS subnational population projection, persons by single year of age, as "
           "published (one area's rows): the trend the Capacity tab and `capacity --trend` "
           "grow the lists with",
           r"(snpp|population.?projection).*\.csv$", "CSV (*.csv)",
           "geo.io_projections:read_projection", step="geo.io_projections:import_step",
           folder_file="population_projection.csv",
           folder_reader="geo.io_projections:projection_table",
           joins_on="the local authority (one area)", date_rule="the projection's base year",
           message="Reading the population projection"),
)

BY_KEY = {s.key: s for s in SOURCES}


@dataclass(frozen=True)
class FolderLayer:
    """A layer added to a data folder beside its tables (the road network, a timetable):
    read from a file as published, clipped to the localities plus a margin (an assumption),
    kept as its own entries of the folder and read when needed (not part of ``Dataset``).
    Added by ``import --KEY F`` (with a full import, or ``--data DIR`` to an existing
    folder) and by File → Import … in the window."""

    key: str                  # the flag (--timetable)
    name: str                 # what the file is (the README's table)
    label: str                # the window's dialog title (File → Import …)
    publisher: str            # who publishes it
    help: str                 # the flag's help
    metavar: str              # the flag's file
    file_filter: str          # the dialog's file chooser filter
    reader: str               # "module:function(path, localities, margin_m, progress=, cancel=)"
    writer: str               # "module:function(layer, folder)" into a folder being built
    entries: tuple[str, ...]  # what it is kept as in the data folder
    margin: str               # the assumption: how far beyond the localities it is kept
    date_rule: str = ""       # where its date comes from

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")


FOLDER_LAYERS: tuple[FolderLayer, ...] = (
    FolderLayer("roads", "Road and place extract", "Import roads", "OpenStreetMap contributors (ODbL) or Ordnance "
                "Survey, OS Open Roads (OGL)",
                "road and place extract: OpenStreetMap .osm.pbf or .osm (e.g. the county "
                "extract), or OS Open Roads .gpkg; clipped to the localities plus the "
                "road_margin_km assumption, stored as roads.gpkg", "F",
                "Road extracts (*.osm.pbf *.pbf *.osm *.osm.bz2 *.gpkg);;"
                "OpenStreetMap (*.osm.pbf *.pbf *.osm *.osm.bz2);;OS Open Roads (*.gpkg)",
                "geo.roads:read_roads_for", "geo.roads:write_roads",
                ("roads.gpkg", "roads.json"), "road_margin_km",
                "not in the file (its name, e.g. kent-latest, is kept in roads.json)"),
    FolderLayer("timetable", "Public-transport timetable (GTFS)", "Import timetable", "bus and train operators' GTFS feeds, e.g. "
                "the Department for Transport's Bus Open Data Service (OGL)",
                "public-transport timetable as published (GTFS zip or folder, e.g. a Bus "
                "Open Data Service regional export); clipped to the localities plus the "
                "transit_margin_km assumption, stored as timetable/", "F.zip",
                "GTFS timetables (*.zip);;All files (*)",
                "geo.io_gtfs:read_feed_for", "geo.io_gtfs:save_feed", ("timetable",),
                "transit_margin_km", "the feed's validity (calendar), kept in timetable.json"),
)
LAYER_BY_KEY = {s.key: s for s in FOLDER_LAYERS}

FROM_NAME = " (from the file name)"
CENSUS_DAYS = {2001: "29 April 2001", 2011: "27 March 2011", 2021: "21 March 2021"}


def _ods_date(name: str, found: str) -> str:
    """epraccur carries no extract date; its latest open/close date is only a lower bound."""
    if found.startswith("extract date not in the file"):    # already worded (re-dated)
        return found
    return "extract date not in the file" + (
        f"; latest open/close date {found}" if found else "")


def _census_date(name: str, found: str) -> str:
    if found:
        return found
    m = re.search(r"census[ _-]?((?:19|20)\d{2})", name, re.I) or \
        re.search(r"((?:19|20)\d1)", name)
    if not m:
        return ""
    year = int(m.group(1))
    day = f" ({CENSUS_DAYS[year]})" if year in CENSUS_DAYS else ""
    return f"Census {year}{day}{FROM_NAME}"


def _boundary_date(name: str, found: str) -> str:
    if found:
        return found
    m = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", name)
    if not m:
        return ""
    kind = "LSOA " if re.search(r"lsoa", name, re.I) else ""
    return f"{m.group(1)} {kind}boundaries{FROM_NAME}"


DATE_RULES: dict[str, Callable[[str, str], str]] = {
    "ods": _ods_date, "census": _census_date, "boundaries": _boundary_date}


def recorded_date(file: str, recorded: str) -> str:
    """A sources.csv row's date as a reader sees it, by its source's rule: folders saved
    before the rule (a bare ODS date, an empty census date) read as new imports do."""
    name = str(file).replace("\\", "/").rsplit("/", 1)[-1]
    source = next((s for s in SOURCES if s.date_from
                   and re.search(s.patterns, name, re.I)), None)
    return source.date(name, recorded) if source else recorded


def load(ref: str) -> Callable:
    """The function a ``"module:function"`` reference names."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def optional_files(main_files) -> dict[str, str]:
    """Source key → the optional data-folder file it is kept as (not one of ``main_files``,
    which every folder has)."""
    out: dict[str, str] = {}
    for s in SOURCES:
        if s.folder_file and s.folder_file not in {*main_files, *out.values()}:
            out[s.key] = s.folder_file
    return out


def folder_tables() -> tuple[str, ...]:
    """The sources whose folder file is read back generically into ``Dataset.<key>``."""
    return tuple(s.key for s in SOURCES if s.folder_reader)


def readme_table() -> str:
    """The README's inputs table (Markdown), made from the declarations."""
    rows = ["| flag | file | publisher | joins on | date | kept as |",
            "|---|---|---|---|---|---|"]
    for s in SOURCES:
        flag = f"`{s.flag}`" + (" (required)" if s.required else "") + \
            (" (repeatable)" if s.many else "")
        kept = f"`{s.folder_file}`" if s.folder_file else "report only"
        rows.append(f"| {flag} | {s.label.rstrip(' *')} | {s.publisher} | {s.joins_on} | "
                    f"{s.date_rule} | {kept} |")
    for f in FOLDER_LAYERS:
        kept = ", ".join(f"`{e}/`" if "." not in e else f"`{e}`" for e in f.entries)
        rows.append(f"| `{f.flag}` | {f.name} | {f.publisher} | clipped to the localities "
                    f"plus `{f.margin}` | {f.date_rule} | {kept} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(readme_table())
