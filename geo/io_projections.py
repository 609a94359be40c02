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
from geo.tables import CsvText, parse_float, read_csv_text

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


TIDY_COLUMNS = ["area_code", "area_name", "age", "year", "persons"]


def import_step(ctx) -> None:
    """Import step (geo/sources.py): the projection kept in the data folder, tidy."""
    from geo.dataset import OPTIONAL_FILES
    path = ctx.inputs.projection
    tidy = read_projection(path)
    years = tidy["year"]
    ctx.tables[OPTIONAL_FILES["projection"]] = tidy
    ctx.report.figures.append(
        f"{Path(path).name}: {tidy['area_name'].iloc[0]} population projection "
        f"{years.min()}–{years.max()} by single year of age (the Capacity tab's ONS trend)")
    ctx.add_source(path, PUBLISHER, f"{years.min()}-based", len(tidy), 0,
                   "persons by single year of age; the trend housing growth is added to")


def projection_table(path, ds=None) -> pd.DataFrame:
    """The data folder's tidy projection (area_code, area_name, age, year, persons)."""
    path = path if isinstance(path, CsvText) else Path(path)
    frame = read_csv_text(path, path.name, required=TIDY_COLUMNS, max_rows=MAX_ROWS,
                          what="projection rows")
    for col in ("age", "year"):
        frame[col] = parse_float(frame, col, path.name, lo=0, hi=3000).astype(int)
    frame["persons"] = parse_float(frame, "persons", path.name, lo=0)
    return frame[TIDY_COLUMNS]
