"""ONS subnational population projections (2022-based), as ONS publishes them.

Columns ``AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, 2022 … 2047``: one row per single
year of age (0 … 89, "90 and over") plus "All ages", persons. Read by header name; the rows
of one area and the ``Population`` component are kept. Returns a tidy frame
``area_code, area_name, age, year, persons`` (``age`` 0–90, 90 = "90 and over"; "All ages" is
checked against the sum, then dropped). A bad file gets one line naming file, row and field.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from geo.errors import DataError, spreadsheet_row
from geo.tables import parse_float, read_csv_text

PUBLISHER = "ONS, Subnational population projections for England: 2022-based"
MAX_ROWS = 200_000
OLDEST = 90
YEAR = re.compile(r"^\d{4}$")


def read_projection(path: str | Path, area_code: str | None = None) -> pd.DataFrame:
    """The projection's persons by single year of age and year (see the module notes)."""
    path = Path(path)
    label = path.name
    frame = read_csv_text(path, label, required=["AREA_CODE", "AREA_NAME", "COMPONENT",
                                                 "SEX", "AGE_GROUP"],
                          max_rows=MAX_ROWS, what="projection rows")
    years = [c for c in frame.columns if YEAR.match(str(c).strip())]
    if not years:
        raise DataError(label, "has no year columns (2022, 2023, …)", row=1)
    keep = (frame["COMPONENT"].str.lower() == "population") & \
        (frame["SEX"].str.lower().isin(["persons", "all"]))
    frame = frame[keep]
    if area_code:
        frame = frame[frame["AREA_CODE"].str.upper() == area_code.upper()]
    areas = frame["AREA_CODE"].unique()
    if len(areas) == 0:
        raise DataError(label, "has no Population rows for persons"
                        + (f" in area {area_code}" if area_code else ""), field="COMPONENT")
    if len(areas) > 1:
        raise DataError(label, f"holds {len(areas)} areas ({', '.join(areas[:5])}); give "
                               "one area's rows", field="AREA_CODE")
    rows = frame.index.to_numpy()
    ages = []
    for pos, text in zip(rows, frame["AGE_GROUP"].str.strip()):
        low = text.lower()
        if low == "all ages":
            ages.append(-1)
        elif low in ("90 and over", "90+"):
            ages.append(OLDEST)
        elif text.isdigit() and int(text) < OLDEST:
            ages.append(int(text))
        else:
            raise DataError(label, f"'{text}' is not an age (0–89, '90 and over' or "
                                   "'All ages')", row=spreadsheet_row(pos), field="AGE_GROUP")
    frame = frame.assign(age=ages)
    values = {y: parse_float(frame.reset_index(drop=True), y, label, lo=0).to_numpy()
              for y in years}
    wide = pd.DataFrame({"age": ages, **values})
    if wide["age"].duplicated().any():
        raise DataError(label, "an age appears twice for the area", field="AGE_GROUP")
    by_age = wide[wide["age"] >= 0]
    if set(by_age["age"]) != set(range(OLDEST + 1)):
        raise DataError(label, "does not hold every single year of age 0–89 and '90 and "
                               "over'", field="AGE_GROUP")
    total = wide[wide["age"] < 0]
    if len(total):
        for y in years:
            got, want = by_age[y].sum(), float(total[y].iloc[0])
            if abs(got - want) > max(1.0, want * 1e-4):
                raise DataError(label, f"the ages of {y} add up to {got:,.0f}, not the "
                                       f"'All ages' {want:,.0f}", field=y)
    tidy = by_age.melt(id_vars="age", var_name="year", value_name="persons")
    tidy["year"] = tidy["year"].astype(int)
    tidy.insert(0, "area_name", str(frame["AREA_NAME"].iloc[0]))
    tidy.insert(0, "area_code", str(areas[0]))
    return tidy.sort_values(["year", "age"]).reset_index(drop=True)


PROJECTION_FILE = "population_projection.csv"   # in a data folder, as ONS publishes it


def folder_projection(folder) -> pd.DataFrame | None:
    """The data folder's projection (written by ``import --projection``), or None."""
    if folder is None:
        return None
    path = Path(folder) / PROJECTION_FILE
    return read_projection(path) if path.is_file() else None


def projection_text(source: str | Path) -> str:
    """One area's rows of the ONS file, columns as published, as the CSV text a data
    folder keeps in ``population_projection.csv`` (checked by read_projection first)."""
    tidy = read_projection(source)
    wide = tidy.pivot_table(index="age", columns="year", values="persons").sort_index()
    frame = pd.DataFrame({"AREA_CODE": tidy["area_code"].iloc[0],
                          "AREA_NAME": tidy["area_name"].iloc[0], "COMPONENT": "Population",
                          "SEX": "persons",
                          "AGE_GROUP": [str(a) if a < OLDEST else "90 and over"
                                        for a in wide.index]})
    for year in wide.columns:
        frame[str(year)] = wide[year].to_numpy()
    return frame.to_csv(index=False, float_format="%.3f", lineterminator="\n")
