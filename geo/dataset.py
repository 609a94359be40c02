"""The Dataset: localities, hubs, practices (with branches) and housing sites.

The base data a plan is made on, as read from a canonical data folder (geo/canonical.py) or
built by the importer (geo/importer.py). Points are kept as WGS84 longitude/latitude columns;
locality polygons as a GeoDataFrame in EPSG:4326. Column names and statuses are defined here
once for the whole program.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.sample_folder import SAMPLE_DIR  # noqa: F401  (its home; read here too)
from geo.sources import folder_tables, optional_files

PRACTICE_COLUMNS = ["practice_code", "name", "latitude", "longitude", "list_size",
                    "parent_code", "locality", "gp_wte", "postcode", "list_size_known"]
# list_size_known: false where the list-size file had no figure for a practice (closed or
# merged since the practice list); its list_size 0 is then a placeholder, shown as unknown.
HUB_COLUMNS = ["hub_id", "name", "latitude", "longitude", "status", "locality",
               "capacity_patients"]
# A site's dwelling mix, by bedrooms (dwelling counts; optional): models/housing.persons_by_site.
MIX_COLUMNS = ("beds_1", "beds_2", "beds_3", "beds_4plus")
HOUSING_COLUMNS = ["site_id", "name", "latitude", "longitude", "dwellings", "status",
                   "include", "start_year"]
HUB_STATUSES = ("existing", "planned", "proposed")
YEAR_COLUMN = re.compile(r"^y(\d{4})$")
DEFAULT_BUILD_YEARS = 5

WARD_FILE = "wards.geojson"   # optional: the wards the localities came from, for the map

FILES = {
    "practices": "practices.csv",
    "hubs": "hubs.csv",
    "housing": "housing_sites.csv",
    "localities": "localities.geojson",
}
# The optional files: an existing grouping and the sources list, plus one per import source
# kept in the folder (declared in geo/sources.py: pcns, population, payments, workforce …).
OPTIONAL_FILES = {"groups": "groups.csv", "sources": "sources.csv",
                  **optional_files(FILES.values())}
# Tables read back by their source's folder reader into ``Dataset.<key>`` (practice figures
# joined by code: payments, workforce, deprivation, capacity, and any source declared since).
PRACTICE_FIGURES = folder_tables()
SAMPLE_LABEL = "Illustrative sample (not real data)"


def is_branch(practices):
    """The one rule for branch surgeries: a site with a parent practice (blank parent_code =
    a main practice). Takes the practices frame (→ a boolean Series) or one row (→ bool)."""
    return practices["parent_code"] != ""


def main_practice_code(practices: pd.DataFrame) -> pd.Series:
    """Each site's main practice: the parent for a branch, the practice itself otherwise."""
    return practices["parent_code"].where(is_branch(practices), practices["practice_code"])


@dataclass
class Dataset:
    """Everything the map and the models work on, plus where it came from."""

    localities: gpd.GeoDataFrame
    hubs: pd.DataFrame
    practices: pd.DataFrame
    housing: pd.DataFrame
    folder: Path | None = None
    is_sample: bool = False
    warnings: list[str] = field(default_factory=list)
    groups: pd.DataFrame | None = None       # practice_code, group (an existing grouping)
    pcns: pd.DataFrame | None = None         # practice_code, pcn_code, pcn_name
    population: pd.DataFrame | None = None   # area_code, area_name, residents, lat/long
    sources: pd.DataFrame | None = None      # file, publisher, date, rows_kept, rows_skipped
    payments: pd.DataFrame | None = None     # practice × financial year: lists, premises £
    workforce: pd.DataFrame | None = None    # practice × financial year: GP headcount/FTE
    deprivation: pd.DataFrame | None = None  # practice × IMD year: deprivation score
    capacity: pd.DataFrame | None = None     # site: m² GIA, clinical rooms, tenure, condition

    def __getattr__(self, name: str):
        """A declared source's table the data does not hold (one with no field above) is
        None, as the fields' are."""
        if name in PRACTICE_FIGURES:
            return None
        raise AttributeError(name)

    @property
    def label(self) -> str:
        """What the title bar, status bar and every export say about the data shown."""
        if self.is_sample:
            return SAMPLE_LABEL
        return str(self.folder) if self.folder else "Unsaved data"

    @property
    def year_columns(self) -> list[str]:
        return sorted(c for c in self.housing.columns if YEAR_COLUMN.match(c))

    def main_practices(self) -> pd.DataFrame:
        return self.practices[~is_branch(self.practices)]

    def branches(self) -> pd.DataFrame:
        return self.practices[is_branch(self.practices)]

    def copy(self) -> "Dataset":
        return copy.deepcopy(self)

    def save(self, folder: str | Path) -> None:
        """Write the canonical folder; each file is replaced atomically."""
        from geo.canonical import save_folder
        save_folder(self, folder)
