"""The canonical data folder (docs/design.md §3): read and validate it as a whole, write it back.

A bad folder never yields a half-loaded dataset: every file is checked before anything is
returned, and a refusal names the file, the spreadsheet row and the column.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.validation import explain_validity

from geo.atomic import atomic_folder
from geo.bounds import (
    BUILD_YEARS_MAX, BUILD_YEARS_MIN, DWELLINGS_MAX, GP_WTE_MAX, HUB_CAPACITY_MAX,
    LIST_SIZE_MAX, MAX_AREAS, MAX_HOUSING_SITES, MAX_HUBS, MAX_NAME_CHARS, MAX_POLYGONS,
    MAX_PRACTICE_SITES,
    RESIDENTS_MAX, YEAR_MAX, YEAR_MIN,
)
from geo.dataset import (
    FILES, HOUSING_COLUMNS, HUB_COLUMNS, MIX_COLUMNS, HUB_STATUSES, OPTIONAL_FILES, PRACTICE_COLUMNS,
    PRACTICE_FIGURES, SAMPLE_DIR, WARD_FILE, YEAR_COLUMN, Dataset, is_branch,
)
from geo.crs import BNG
from geo.errors import DataError, spreadsheet_row
from geo.inputs import check_input_file, gdal_path
from geo.sources import BY_KEY, load
from geo.text import clean_text
from geo.tables import (
    CONTROL, CsvText, blank_missing, check_name_length, check_not_blank, check_uk_coordinates, check_unique,
    column_key, parse_bool, parse_float, parse_int, read_csv_text, spreadsheet_safe,
)

LOCALITY_FILES = ("localities.geojson", "localities.gpkg")


# ---------------------------------------------------------------- loading

def load_sample() -> Dataset:
    ds = load_folder(SAMPLE_DIR)
    ds.is_sample = True
    return ds


def load_folder(folder: str | Path) -> Dataset:
    """Read and validate a canonical data folder; raise DataError on the first problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), "is not a folder")
    names = [*FILES.values(), *OPTIONAL_FILES.values(), *LOCALITY_FILES]
    files = {name: folder / name for name in dict.fromkeys(names) if (folder / name).exists()}
    return dataset_from_files(files, folder=folder, label=str(folder))


def dataset_from_files(files: Mapping[str, Path | CsvText | gpd.GeoDataFrame], *,
                       folder: Path | None = None, label: str = "the data") -> Dataset:
    """Validate a data folder's files as a whole: each is a file on disk, or — for the
    importer — the text (CsvText) or the polygons it is about to write. Same checks either way.
    """
    missing = [name for key, name in FILES.items()
               if key != "localities" and name not in files]
    localities_file = next((files[n] for n in LOCALITY_FILES if n in files), None)
    if localities_file is None:
        missing.append("localities.geojson (or localities.gpkg)")
    if missing:
        raise DataError(label, "the data folder lacks " + ", ".join(missing))
    localities = read_localities(localities_file)
    names = set(localities["name"])
    practices = read_practices(files[FILES["practices"]], names)
    hubs = read_hubs(files[FILES["hubs"]], names)
    housing = read_housing(files[FILES["housing"]])
    ds = Dataset(localities=localities, hubs=hubs, practices=practices, housing=housing,
                 folder=folder)
    _read_optional(ds, files)
    assign_localities(ds)
    return ds


def read_localities(path: Path | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The locality polygons from a boundary file (or polygons about to be written one)."""
    if isinstance(path, gpd.GeoDataFrame):
        label, gdf = FILES["localities"], path.copy()
    else:
        label = path.name
        check_input_file(path, label)
        try:
            with gdal_path(path) as readable:
                gdf = gpd.read_file(readable, max_features=MAX_POLYGONS + 1)
        except Exception as exc:  # pyogrio raises several types for unreadable files
            raise DataError(label, "cannot be read as a boundary file "
                                   f"({str(exc)[:160]})") from None
    if gdf.empty:
        raise DataError(label, "contains no locality polygons")
    if len(gdf) > MAX_POLYGONS:
        raise DataError(label, f"too many localities: more than {MAX_POLYGONS:,} polygons")
    if gdf.crs is None:
        raise DataError(label, "declares no coordinate reference system (CRS); "
                               "save it with one (e.g. EPSG:27700 or EPSG:4326)")
    if "name" not in gdf.columns:
        raise DataError(label, "missing attribute 'name' (the locality name)", field="name")
    gdf = gdf.to_crs(4326)
    gdf["name"] = [clean_text(str(n), label, row=pos + 1, field="name")
                   for pos, n in enumerate(gdf["name"].fillna(""))]
    gdf["name"] = gdf["name"].str.replace(CONTROL, " ", regex=True).str.strip()
    for pos, (name, geom) in enumerate(zip(gdf["name"], gdf.geometry)):
        row = pos + 1
        if len(name) > MAX_NAME_CHARS:
            raise DataError(label, f"a locality name of {len(name):,} characters; at most "
                                   f"{MAX_NAME_CHARS}", row=row, field="name")
        if not name:
            raise DataError(label, "locality name is blank", row=row, field="name")
        if geom is None or geom.is_empty:
            raise DataError(label, f"locality '{name}' has no geometry", row=row,
                            field="geometry")
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise DataError(label, f"locality '{name}' is a {geom.geom_type}, not a polygon",
                            row=row, field="geometry")
        if not geom.is_valid:
            raise DataError(label, f"locality '{name}' is not a valid polygon "
                                   f"({explain_validity(geom)})", row=row, field="geometry")
    frame = pd.DataFrame({"name": gdf["name"]})
    check_unique(frame.rename(columns={"name": "name"}), "name", label)
    minx, miny, maxx, maxy = gdf.total_bounds
    if not (-8.7 <= minx and maxx <= 1.9 and 49.8 <= miny and maxy <= 60.9):
        raise DataError(label, "the polygons are not in the UK once reprojected; is the "
                               f"declared CRS ({gdf.crs.to_string()}) right?")
    check_no_overlap(gdf, label)
    if "hub_id" not in gdf.columns:
        gdf["hub_id"] = ""
    gdf["hub_id"] = [clean_text(str(h), label, row=pos + 1, field="hub_id")
                     for pos, h in enumerate(gdf["hub_id"].fillna(""))]
    if "locality_id" not in gdf.columns:
        gdf["locality_id"] = [_slug(n) for n in gdf["name"]]
    return gdf[["locality_id", "name", "hub_id", "geometry"]].reset_index(drop=True)


# Localities tile the area: two sharing more than this share of the smaller one's area are
# the same place twice (a copied feature), not a shared boundary drawn a little differently.
OVERLAP_SHARE = 0.10


def check_no_overlap(gdf: gpd.GeoDataFrame, label: str) -> None:
    """Refuse localities that overlap (six copies of one polygon would otherwise load)."""
    polygons = gdf.geometry.to_crs(BNG).values
    areas = shapely.area(polygons)
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    for i, j in zip(left[pairs], right[pairs]):
        shared = shapely.area(shapely.intersection(polygons[i], polygons[j]))
        smaller = min(areas[i], areas[j])
        if smaller > 0 and shared > OVERLAP_SHARE * smaller:
            names = gdf["name"].iloc
            raise DataError(label, f"localities '{names[i]}' (row {i + 1}) and "
                                   f"'{names[j]}' overlap ({shared / smaller:.0%} of the "
                                   "smaller one); localities must not overlap",
                            row=int(j) + 1, field="geometry")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _check_locality_names(frame: pd.DataFrame, label: str, names: set[str]) -> None:
    bad = (frame["locality"] != "") & ~frame["locality"].isin(names)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(label, f"locality '{frame['locality'].iloc[pos]}' is not one of the "
                               f"localities ({', '.join(sorted(names))}); leave it blank to "
                               "assign it from the map", row=spreadsheet_row(pos),
                        field="locality")


def _points(frame: pd.DataFrame, label: str) -> None:
    frame["latitude"] = parse_float(frame, "latitude", label)
    frame["longitude"] = parse_float(frame, "longitude", label)
    check_uk_coordinates(frame, frame["longitude"], frame["latitude"], label)


def _sites(frame: pd.DataFrame, columns: list[str], key: str, label: str) -> None:
    """What every point layer needs: its optional columns present (blank), an id on every
    row, no id twice, coordinates in Great Britain."""
    blank_missing(frame, columns)
    check_not_blank(frame, key, label)
    check_unique(frame, key, label)
    check_name_length(frame, "name", label)
    _points(frame, label)


def read_practices(path: Path, locality_names: set[str]) -> pd.DataFrame:
    label = path.name
    required = ["practice_code", "name", "latitude", "longitude", "list_size"]
    frame = read_csv_text(path, label, required=required, optional=PRACTICE_COLUMNS,
                          max_rows=MAX_PRACTICE_SITES, what="practice sites")
    if frame.empty:
        raise DataError(label, "has a header but no practices")
    _sites(frame, PRACTICE_COLUMNS, "practice_code", label)
    frame["list_size"] = parse_int(frame, "list_size", label, lo=0, hi=LIST_SIZE_MAX)
    frame["gp_wte"] = parse_float(frame, "gp_wte", label, required=False, lo=0,
                                  hi=GP_WTE_MAX)
    frame["list_size_known"] = parse_bool(frame, "list_size_known", label, default=True)
    codes = set(frame["practice_code"])
    branch = is_branch(frame)
    for pos in np.flatnonzero(branch.to_numpy()):
        parent = frame["parent_code"].iloc[pos]
        row = spreadsheet_row(pos)
        if parent not in codes:
            raise DataError(label, f"branch's parent practice '{parent}' is not in the file",
                            row=row, field="parent_code")
        if parent == frame["practice_code"].iloc[pos]:
            raise DataError(label, "a site cannot be its own parent", row=row,
                            field="parent_code")
        parent_row = frame.index[frame["practice_code"] == parent][0]
        if is_branch(frame.loc[parent_row]):
            raise DataError(label, f"parent '{parent}' is itself a branch; name the main "
                                   "practice", row=row, field="parent_code")
        if frame["list_size"].iloc[pos] != 0:
            raise DataError(label, "a branch's list_size must be 0 (its patients are on "
                                   f"the parent practice {parent}'s list)", row=row,
                            field="list_size")
    _check_locality_names(frame, label, locality_names)
    frame["list_size"] = frame["list_size"].astype(int)
    return frame[PRACTICE_COLUMNS].reset_index(drop=True)


def read_hubs(path: Path, locality_names: set[str]) -> pd.DataFrame:
    label = path.name
    frame = read_csv_text(path, label, required=["hub_id", "name", "latitude", "longitude",
                                                 "status"], optional=HUB_COLUMNS,
                          max_rows=MAX_HUBS, what="hubs")
    _sites(frame, HUB_COLUMNS, "hub_id", label)
    frame["status"] = frame["status"].str.lower()
    bad = ~frame["status"].isin(HUB_STATUSES)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(label, f"status '{frame['status'].iloc[pos]}' must be one of "
                               f"{', '.join(HUB_STATUSES)}", row=spreadsheet_row(pos),
                        field="status")
    frame["capacity_patients"] = parse_float(frame, "capacity_patients", label,
                                             required=False, lo=0, hi=HUB_CAPACITY_MAX)
    _check_locality_names(frame, label, locality_names)
    return frame[HUB_COLUMNS].reset_index(drop=True)


def read_housing(path: Path) -> pd.DataFrame:
    label = path.name
    frame = read_csv_text(path, label, required=["site_id", "name", "latitude", "longitude",
                                                 "dwellings"],
                          optional=HOUSING_COLUMNS + ["build_years", "dwellings_min"]
                          + list(MIX_COLUMNS),
                          max_rows=MAX_HOUSING_SITES, what="housing sites")
    frame.columns = [column_key(c) if YEAR_COLUMN.match(column_key(c)) else c
                     for c in frame.columns]
    _sites(frame, HOUSING_COLUMNS, "site_id", label)
    frame["dwellings"] = parse_int(frame, "dwellings", label, lo=0, hi=DWELLINGS_MAX)
    frame["include"] = parse_bool(frame, "include", label, default=True)
    frame["start_year"] = parse_int(frame, "start_year", label, required=False, lo=YEAR_MIN,
                                    hi=YEAR_MAX)
    if "build_years" in frame.columns:
        frame["build_years"] = parse_int(frame, "build_years", label, required=False,
                                         lo=BUILD_YEARS_MIN, hi=BUILD_YEARS_MAX)
    else:
        frame["build_years"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    extra = []
    if "dwellings_min" in frame.columns:    # the low end of a register's dwelling range
        frame["dwellings_min"] = parse_int(frame, "dwellings_min", label, required=False, lo=0,
                                           hi=DWELLINGS_MAX)
        extra = ["dwellings_min"]
    for col in MIX_COLUMNS:     # the site's dwelling mix by bedrooms (counts), where given
        if col in frame.columns:
            frame[col] = parse_int(frame, col, label, required=False, lo=0, hi=DWELLINGS_MAX)
            extra.append(col)
    years = sorted(c for c in frame.columns if YEAR_COLUMN.match(c))
    for col in years:
        if not YEAR_MIN <= int(col[1:]) <= YEAR_MAX:
            raise DataError(label, f"completion year {col[1:]} is outside {YEAR_MIN}–"
                                   f"{YEAR_MAX}", row=1, field=col)
        frame[col] = parse_int(frame, col, label, required=False, lo=0, hi=DWELLINGS_MAX)
    phased = frame[years].notna().any(axis=1) if years else pd.Series(False, frame.index)
    for pos in range(len(frame)):
        row = spreadsheet_row(pos)
        if phased.iloc[pos]:
            total = int(frame[years].iloc[pos].fillna(0).sum())
            if total > frame["dwellings"].iloc[pos]:
                raise DataError(label, f"per-year completions add up to {total:,}, more than "
                                       f"the site's {frame['dwellings'].iloc[pos]:,} dwellings",
                                row=row, field=years[0])
        elif frame["dwellings"].iloc[pos] > 0 and pd.isna(frame["start_year"].iloc[pos]):
            raise DataError(label, "give start_year (or per-year completions y2017, y2018, …) "
                                   "so the dwellings can be phased", row=row,
                            field="start_year")
    frame["dwellings"] = frame["dwellings"].astype(int)
    return frame[HOUSING_COLUMNS + ["build_years"] + extra + years].reset_index(drop=True)


def _read_optional(ds: Dataset, files: Mapping) -> None:
    """Optional extras of a data folder; each validated like the main layers."""
    path = files.get(OPTIONAL_FILES["groups"])
    if path is not None:
        frame = read_csv_text(path, path.name, required=["practice_code", "group"],
                              max_rows=MAX_PRACTICE_SITES, what="practices")
        check_unique(frame, "practice_code", path.name)
        check_name_length(frame, "group", path.name)
        _check_known_codes(frame, ds.practices, path.name)
        ds.groups = frame[["practice_code", "group"]]
    path = files.get(OPTIONAL_FILES["pcns"])
    if path is not None:
        frame = read_csv_text(path, path.name, required=["practice_code", "pcn_code",
                                                         "pcn_name"],
                              max_rows=MAX_PRACTICE_SITES, what="practices")
        check_unique(frame, "practice_code", path.name)
        ds.pcns = frame[["practice_code", "pcn_code", "pcn_name"]]
    path = files.get(OPTIONAL_FILES["population"])
    if path is not None:
        frame = read_csv_text(path, path.name, required=["area_code", "area_name", "residents",
                                                         "latitude", "longitude"],
                              max_rows=MAX_AREAS, what="areas")
        check_unique(frame, "area_code", path.name)
        frame["residents"] = parse_int(frame, "residents", path.name, lo=0,
                                       hi=RESIDENTS_MAX).astype(int)
        _points(frame, path.name)
        ds.population = frame
    path = files.get(OPTIONAL_FILES["sources"])
    if path is not None:
        ds.sources = read_csv_text(path, path.name, required=["file", "publisher", "date"])
    _read_practice_figures(ds, files)


def _read_practice_figures(ds: Dataset, files: Mapping) -> None:
    """Each import source's table (payments, workforce, deprivation, capacity …), when the
    folder has it, read by the reader its declaration names (geo/sources.py)."""
    for key in PRACTICE_FIGURES:
        path = files.get(OPTIONAL_FILES[key])
        if path is not None:
            setattr(ds, key, load(BY_KEY[key].folder_reader)(path, ds))


def _check_known_codes(frame: pd.DataFrame, practices: pd.DataFrame, label: str) -> None:
    bad = ~frame["practice_code"].isin(practices["practice_code"])
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(label, f"practice '{frame['practice_code'].iloc[pos]}' is not in "
                               "practices.csv", row=spreadsheet_row(pos), field="practice_code")


# ---------------------------------------------------------------- spatial assignment

def locality_of_points(localities: gpd.GeoDataFrame, lon, lat) -> np.ndarray:
    """Name of the locality polygon containing each point ('' where none does)."""
    pts = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
    out = np.full(len(pts), "", dtype=object)
    tree = shapely.STRtree(localities.geometry.values)
    pt_idx, poly_idx = tree.query(pts, predicate="within")
    names = localities["name"].to_numpy()
    out[pt_idx] = names[poly_idx]
    return out


def assign_localities(ds: Dataset) -> None:
    """Fill blank ``locality`` cells from the polygons; note points outside every locality."""
    for layer, id_col in (("practices", "practice_code"), ("hubs", "hub_id"),
                          ("housing", "site_id")):
        frame = getattr(ds, layer)
        if "locality" not in frame.columns:
            frame["locality"] = ""
        blank = frame["locality"] == ""
        if blank.any():
            found = locality_of_points(ds.localities, frame.loc[blank, "longitude"],
                                       frame.loc[blank, "latitude"])
            frame.loc[blank, "locality"] = found
        out = frame.loc[frame["locality"] == ""]
        if len(out):
            what = {"practices": "practice sites", "hubs": "hubs",
                    "housing": "housing sites"}[layer]
            named = [f"{n} ({c})" if str(n).strip() and n != c else str(c)    # names first
                     for c, n in zip(out[id_col], out.get("name", out[id_col]))]
            ds.warnings.append(f"{len(out)} {what} lie outside every locality: "
                               + ", ".join(named[:10]) + (" …" if len(named) > 10 else ""))


# ---------------------------------------------------------------- saving

def save_folder(ds: Dataset, folder: str | Path, extra: dict | None = None) -> None:
    """Write the canonical folder as a whole: a sibling folder is written, then swapped in.

    ``extra``: more file name → text (e.g. README.txt) written in the same swap.
    """
    tables = {FILES["practices"]: ds.practices[PRACTICE_COLUMNS],
              FILES["hubs"]: ds.hubs[HUB_COLUMNS]}
    housing = ds.housing.copy()
    housing["include"] = housing["include"].map({True: "true", False: "false"})
    tables[FILES["housing"]] = housing
    tables[FILES["localities"]] = ds.localities
    for key, frame in (("groups", ds.groups), ("pcns", ds.pcns),
                       ("population", ds.population), ("sources", ds.sources),
                       *((key, getattr(ds, key)) for key in PRACTICE_FIGURES)):
        if frame is not None:
            tables[OPTIONAL_FILES[key]] = frame
    wards = Path(ds.folder) / WARD_FILE if getattr(ds, "folder", None) else None
    if wards is not None and wards.is_file():    # the map's ward layer goes with the data
        tables[WARD_FILE] = wards.read_text(encoding="utf-8")
    write_folder({**tables, **(extra or {})}, folder)


def write_folder(tables: dict, folder: str | Path, also=None) -> None:
    """File name → frame (CSV; GeoJSON for .geojson) or text; the folder swapped in whole.
    ``also(tmp)`` writes more files (the roads) into the same new folder before the swap."""
    with atomic_folder(folder) as tmp:
        for name, content in as_files(tables).items():
            if isinstance(content, CsvText):
                (tmp / name).write_text(content.text, encoding="utf-8")
            else:
                content.to_file(tmp / name, driver="GeoJSON", layer=Path(name).stem)
        if also is not None:
            also(tmp)


def as_files(tables: dict) -> dict[str, CsvText | gpd.GeoDataFrame]:
    """The files a data folder's tables are written as, held in memory: the CSV text (the one
    CSV writer for data folders) or the locality polygons. ``dataset_from_files`` validates
    them exactly as ``load_folder`` validates the written folder."""
    out: dict[str, CsvText | gpd.GeoDataFrame] = {}
    for name, frame in tables.items():
        if isinstance(frame, str):
            out[name] = CsvText(name, frame)
        elif name == FILES["localities"]:
            out[name] = frame[["name", "hub_id", "locality_id", "geometry"]]
        elif name.endswith(".geojson"):   # other polygons (the wards), as read, in WGS84
            out[name] = frame.to_crs(4326) if frame.crs is not None else frame
        else:
            out[name] = CsvText(name, spreadsheet_safe(frame).to_csv(
                index=False, float_format="%.10g", lineterminator="\n"))
    return out
