"""ONS boundary files (GeoJSON, GeoPackage, Shapefile; any declared CRS) → localities.

Localities are not published: they are an editable assumption, a ward → locality table
(``ward_code, ward_name, locality``) whose wards are dissolved into one polygon per
locality. The dissolve is done in British National Grid metres and stored in WGS84.
"""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.validation import explain_validity

from geo.bounds import MAX_POLYGONS
from geo.crs import BNG
from geo.inputs import check_input_file, gdal_path
from geo.errors import DataError, spreadsheet_row
from geo.tables import check_not_blank, read_csv_text

WARD_TABLE_COLUMNS = ["ward_code", "ward_name", "locality"]
CODE_COLUMN = re.compile(r"^(wd\d{2}cd|ward_?code|code|.*cd)$", re.I)
NAME_COLUMN = re.compile(r"^(wd\d{2}nm|ward_?name|name|.*nm)$", re.I)


def read_boundaries(path: str | Path) -> gpd.GeoDataFrame:
    """Read polygons from any format GDAL knows; the file must declare its CRS.

    Rows in messages are feature numbers (1 = the first feature), as in a GIS attribute table.
    """
    path = Path(path)
    label = path.name
    check_input_file(path, label)
    try:
        with gdal_path(path) as readable:
            count = _feature_count(readable)
            if count > MAX_POLYGONS:
                raise DataError(label, f"too many polygons: {count:,} features (this app "
                                       f"handles up to {MAX_POLYGONS:,}); clip the file to "
                                       "your area first")
            gdf = gpd.read_file(readable)
    except DataError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise DataError(label, "cannot be read as a boundary file (GeoJSON, GeoPackage or "
                               f"Shapefile): {str(exc).splitlines()[0][:160]}") from None
    if gdf.empty:
        raise DataError(label, "contains no features")
    if gdf.crs is None:
        raise DataError(label, "declares no coordinate reference system (CRS), so the "
                               "polygons cannot be placed; for a Shapefile keep its .prj "
                               "file beside it, or save it with a CRS (e.g. EPSG:27700)")
    for pos, geom in enumerate(gdf.geometry):
        row = pos + 1
        if geom is None or geom.is_empty:
            raise DataError(label, "feature has no geometry", row=row, field="geometry")
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise DataError(label, f"feature is a {geom.geom_type}, not a polygon", row=row,
                            field="geometry")
        if not geom.is_valid:
            raise DataError(label, f"feature is not a valid polygon "
                                   f"({explain_validity(geom)}); repair it in a GIS "
                                   "(e.g. QGIS 'Fix geometries')", row=row, field="geometry")
    try:
        wgs = gdf.to_crs(4326)
    except Exception as exc:
        raise DataError(label, f"its CRS ({gdf.crs}) cannot be converted to WGS84: "
                               f"{str(exc)[:120]}") from None
    minx, miny, maxx, maxy = wgs.total_bounds
    if not (-8.7 <= minx and maxx <= 1.9 and 49.8 <= miny and maxy <= 60.9):
        raise DataError(label, "the polygons are not in the UK once reprojected; is the "
                               f"declared CRS ({gdf.crs.to_string()}) right?")
    return gdf


def _feature_count(path) -> int:
    """Features in the first layer (cheap: no geometry is read); 0 when GDAL cannot tell."""
    import pyogrio
    try:
        return int(pyogrio.read_info(path).get("features") or 0)
    except Exception:   # unreadable files get their message from read_file
        return 0


def read_ward_table(path: str | Path) -> pd.DataFrame:
    """The ward → locality table (a CSV a planner edits): ward_code, ward_name, locality."""
    path = Path(path)
    label = path.name
    frame = read_csv_text(path, label, required=["ward_code", "locality"],
                          optional=["ward_name"], max_rows=MAX_POLYGONS, what="wards")
    if "ward_name" not in frame.columns:
        frame["ward_name"] = ""
    if frame.empty:
        raise DataError(label, "has a header but no wards")
    return check_ward_table(frame[WARD_TABLE_COLUMNS].copy(), label)


def check_ward_table(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Validate a ward table (also one edited in the app): codes present, unique, locality set."""
    frame = frame.astype(str).apply(lambda c: c.str.strip()).reset_index(drop=True)
    check_not_blank(frame, "ward_code", label)
    check_not_blank(frame, "locality", label)
    frame["ward_code"] = frame["ward_code"].str.upper()
    dup = frame["ward_code"].duplicated(keep=False)
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        first = frame["ward_code"].iloc[pos[0]]
        second = [p for p in pos if frame["ward_code"].iloc[p] == first][1]
        raise DataError(label, f"ward '{first}' is listed twice (also in row "
                               f"{spreadsheet_row(pos[0])}); a ward belongs to one locality",
                        row=spreadsheet_row(second), field="ward_code")
    return frame


def ward_columns(gdf: gpd.GeoDataFrame, table: pd.DataFrame) -> tuple[str, str | None]:
    """Which attribute holds the ward code (the one sharing most values with the table)."""
    codes = set(table["ward_code"])
    best, hits = None, 0
    for col in gdf.columns:
        if col == gdf.geometry.name:
            continue
        values = set(gdf[col].astype(str).str.strip().str.upper())
        n = len(values & codes)
        if n > hits:
            best, hits = col, n
    name = next((c for c in gdf.columns if c != gdf.geometry.name and NAME_COLUMN.match(c)
                 and not re.search(r"nmw$", c, re.I)), None)
    return best, name


def dissolve_localities(wards: gpd.GeoDataFrame, table: pd.DataFrame, *,
                        boundary_label: str = "boundaries",
                        table_label: str = "ward_localities.csv") -> tuple[gpd.GeoDataFrame,
                                                                           dict]:
    """Dissolve ward polygons into one polygon per locality named in the ward table.

    Every ward in the table must be in the boundary file (a typo would silently shrink a
    locality); boundary wards not in the table (e.g. a national file) are left out and
    counted. Returns (localities [locality_id, name, hub_id, geometry] in EPSG:4326, info).
    """
    table = check_ward_table(table, table_label)
    code_col, name_col = ward_columns(wards, table)
    if code_col is None:
        raise DataError(table_label, f"none of its ward codes ({', '.join(table['ward_code'][:3])}"
                                     f" …) is in {boundary_label}; the ward table does not "
                                     "match the boundary file (different years or areas?)",
                        row=2, field="ward_code")
    found = wards[code_col].astype(str).str.strip().str.upper()
    missing = ~table["ward_code"].isin(set(found))
    if missing.any():
        pos = int(np.flatnonzero(missing.to_numpy())[0])
        raise DataError(table_label, f"ward '{table['ward_code'].iloc[pos]}' "
                                     f"({table['ward_name'].iloc[pos] or 'no name'}) is not in "
                                     f"{boundary_label} (column {code_col}); "
                                     f"{int(missing.sum())} of {len(table)} wards do not match",
                        row=spreadsheet_row(pos), field="ward_code")
    keep = found.isin(set(table["ward_code"]))
    bng = wards[keep.to_numpy()].to_crs(BNG).copy()
    bng["ward_code"] = found[keep].to_numpy()
    bng = bng.merge(table[["ward_code", "locality"]], on="ward_code", how="left")
    polys, names = [], []
    for locality, grp in bng.groupby("locality", sort=False):
        merged = shapely.union_all(grp.geometry.values)
        merged = shapely.make_valid(merged) if not merged.is_valid else merged
        if merged.geom_type == "GeometryCollection":
            merged = shapely.union_all([g for g in merged.geoms
                                        if g.geom_type in ("Polygon", "MultiPolygon")])
        polys.append(merged)
        names.append(locality)
    order = [n for n in dict.fromkeys(table["locality"]) if n in names]
    out = gpd.GeoDataFrame({"name": names}, geometry=polys, crs=BNG).set_index("name") \
        .loc[order].reset_index()
    out = out.to_crs(4326)
    out.insert(0, "locality_id", [re.sub(r"[^a-z0-9]+", "-", n.lower()).strip("-")
                                  for n in out["name"]])
    out["hub_id"] = ""
    info = {
        "code_column": code_col,
        "name_column": name_col,
        "wards_used": int(keep.sum()),
        "wards_left_out": int((~keep).sum()),
        "wards_per_locality": table.groupby("locality", sort=False)["ward_code"].count()
        .to_dict(),
        "area_km2": dict(zip(out["name"], (out.to_crs(BNG).area / 1e6).round(2))),
    }
    return out[["locality_id", "name", "hub_id", "geometry"]], info


