"""Small-area population: census usual residents by area (LSOA) + the areas' polygons →
one population point per area (at a point inside its polygon), with residents by age group.

Census 2021 counts use 2021 LSOA codes; the boundary file may be 2011 LSOAs. Areas whose
code has no polygon are not dropped:
- a 2021 LSOA split from a 2011 one (its parent's code is then absent from the census) is
  placed in its parent: the name "Medway 003F" shares the MSOA part "Medway 003" with the
  parent "Medway 003C"; where two or more parents in that MSOA lost their code, the split
  areas are placed at a point in the union of those parents' polygons (approximate);
- anything else is reported with its residents and no coordinates.
"""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import BNG
from geo.errors import DataError, spreadsheet_row
from geo.io_boundaries import read_boundaries
from geo.bounds import RESIDENTS_MAX
from geo.tables import parse_int, read_csv_text

CODE_NAMES = re.compile(r"^(lsoa\d*_?code|lsoa\d*cd|area_?code|geography code|"
                        r"lower layer super output areas code|.*\bcode)$", re.I)
NAME_NAMES = re.compile(r"^(lsoa\d*_?name|lsoa\d*nm|area_?name|geography|"
                        r"lower layer super output areas|name)$", re.I)
COUNT_NAMES = re.compile(r"^(usual_?residents|observation|count|residents|value|"
                         r"total|population|all persons)$", re.I)
AGE_NAMES = re.compile(r"^age", re.I)
SMALL_AREA = re.compile(r"^(.*?)([A-Z]{1,2})$")   # "Medway 003F" → ("Medway 003", "F")


def _pick(columns, pattern, exclude=()):
    for col in columns:
        if pattern.match(col.strip()) and col not in exclude and not AGE_NAMES.match(col):
            return col
    return None


def age_column_name(label: str) -> str:
    """'Aged 16 to 24 years' → 'age_16_24'; 'Aged 15 years and under' → 'age_0_15'."""
    nums = re.findall(r"\d+", label)
    low = label.lower()
    if "under" in low and nums:
        return f"age_0_{nums[0]}"
    if ("over" in low or "plus" in low or "+" in low) and nums:
        return f"age_{nums[0]}_plus"
    if len(nums) >= 2:
        return f"age_{nums[0]}_{nums[1]}"
    return "age_" + re.sub(r"[^a-z0-9]+", "_", low).strip("_")


def read_census_residents(path: str | Path) -> pd.DataFrame:
    """Census usual residents by area: long (one row per area × age group) or wide
    (one row per area) → area_code, area_name, residents [, age_… columns], row."""
    path = Path(path)
    label = path.name
    frame = read_csv_text(path, label)
    cols = list(frame.columns)
    age = next((c for c in cols if AGE_NAMES.match(c) and not c.lower().endswith("code")),
               None)
    code = _pick(cols, CODE_NAMES, exclude=[c for c in cols if "age" in c.lower()])
    count = next((c for c in cols if COUNT_NAMES.match(c.strip())), None)
    name = _pick(cols, NAME_NAMES, exclude=[code])
    if code is None or count is None:
        read_csv_text(path, label, required=["area_code", "residents"])  # standard message
    if frame.empty:
        raise DataError(label, "has a header but no areas")
    frame["_n"] = parse_int(frame, count, label, lo=0, hi=RESIDENTS_MAX)
    frame["_row"] = [spreadsheet_row(i) for i in range(len(frame))]
    frame[code] = frame[code].str.upper()
    blank = frame[code] == ""
    if blank.any():
        pos = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError(label, "is blank but a value is required", row=spreadsheet_row(pos),
                        field=code)
    key = [code, age] if age else [code]
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        raise DataError(label, f"area '{frame[code].iloc[pos[0]]}' is counted twice (also in "
                               f"row {spreadsheet_row(pos[0])})", row=spreadsheet_row(pos[1]),
                        field=code)
    names = frame.groupby(code, sort=False)[name].first() if name else None
    first_row = frame.groupby(code, sort=False)["_row"].min()
    out = pd.DataFrame({"area_code": first_row.index,
                        "area_name": names.reindex(first_row.index).to_numpy() if name
                        else "",
                        "residents": frame.groupby(code, sort=False)["_n"].sum()
                        .reindex(first_row.index).astype(int).to_numpy(),
                        "row": first_row.to_numpy()})
    if age:
        wide = frame.pivot_table(index=code, columns=age, values="_n", aggfunc="sum",
                                 sort=False).reindex(first_row.index)
        for col in wide.columns:
            out[age_column_name(str(col))] = wide[col].fillna(0).astype(int).to_numpy()
    return out


def read_area_polygons(path: str | Path) -> gpd.GeoDataFrame:
    """Small-area polygons (LSOA11CD/LSOA21CD … and a name) in BNG: area_code, area_name."""
    gdf = read_boundaries(path)
    label = Path(path).name
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    code = next((c for c in cols if re.match(r"^(lsoa\d*cd|msoa\d*cd|oa\d*cd|.*code|.*cd)$",
                                             c, re.I)), None)
    name = next((c for c in cols if re.match(r"^(lsoa\d*nm|msoa\d*nm|.*name|.*nm)$", c, re.I)
                 and not c.lower().endswith("nmw")), None)
    if code is None:
        raise DataError(label, "has no area code attribute (e.g. LSOA11CD)",
                        field="LSOA11CD")
    out = gpd.GeoDataFrame({"area_code": gdf[code].astype(str).str.strip().str.upper(),
                            "area_name": gdf[name].astype(str).str.strip() if name else ""},
                           geometry=gdf.geometry.values, crs=gdf.crs).to_crs(BNG)
    return out


def place_population(residents: pd.DataFrame, areas: gpd.GeoDataFrame,
                     census_label: str = "census") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Residents by area → points (WGS84) at a point inside each area's polygon.

    Returns (points: area_code, area_name, residents, latitude, longitude, placed_by,
    [age…]; unplaced: area_code, area_name, residents, row, reason).
    """
    poly = areas.drop_duplicates("area_code").set_index("area_code")
    codes = set(residents["area_code"])
    placed_by = pd.Series("", index=residents.index, dtype=object)
    geoms = pd.Series(None, index=residents.index, dtype=object)
    exact = residents["area_code"].isin(poly.index)
    geoms[exact] = poly.geometry.reindex(residents.loc[exact, "area_code"]).to_numpy()
    placed_by[exact] = "own polygon"
    # 2011 areas with no census count: candidate parents of split 2021 areas, by MSOA part.
    orphans = poly[~poly.index.isin(codes)]
    parent_groups: dict[str, list[str]] = {}
    for code, nm in zip(orphans.index, orphans["area_name"]):
        m = SMALL_AREA.match(str(nm))
        if m:
            parent_groups.setdefault(m.group(1).strip(), []).append(code)
    reasons = pd.Series("", index=residents.index, dtype=object)
    for idx in residents.index[~exact]:
        m = SMALL_AREA.match(str(residents.at[idx, "area_name"]))
        parents = parent_groups.get(m.group(1).strip(), []) if m else []
        if len(parents) == 1:
            geoms[idx] = poly.geometry[parents[0]]
            placed_by[idx] = f"split from {parents[0]} ({poly.at[parents[0], 'area_name']})"
        elif len(parents) > 1:
            geoms[idx] = poly.geometry[parents].union_all()
            names = " + ".join(f"{p} ({poly.at[p, 'area_name']})" for p in parents)
            placed_by[idx] = f"split from one of {names} (approximate: their union)"
        else:
            reasons[idx] = (f"{census_label}, row {residents.at[idx, 'row']}, field "
                            f"'area_code': {residents.at[idx, 'area_code']} "
                            f"{residents.at[idx, 'area_name']} has no polygon in the area file "
                            "and no parent area could be found by name")
    ok = geoms.notna()
    pts = gpd.GeoSeries(list(geoms[ok]), crs=BNG).representative_point().to_crs(4326)
    ages = [c for c in residents.columns if c.startswith("age_")]
    points = pd.DataFrame({"area_code": residents.loc[ok, "area_code"].to_numpy(),
                           "area_name": residents.loc[ok, "area_name"].to_numpy(),
                           "residents": residents.loc[ok, "residents"].astype(int).to_numpy(),
                           "latitude": np.round(pts.y.to_numpy(), 6),
                           "longitude": np.round(pts.x.to_numpy(), 6),
                           "placed_by": placed_by[ok].to_numpy()})
    for col in ages:
        points[col] = residents.loc[ok, col].astype(int).to_numpy()
    unplaced = residents.loc[~ok, ["area_code", "area_name", "residents", "row"]].copy()
    unplaced["reason"] = reasons[~ok].to_numpy()
    return points, unplaced.reset_index(drop=True)
