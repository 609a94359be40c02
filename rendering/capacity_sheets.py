"""Space and capacity out to Excel or CSV: the year × area table, the areas' summary (the
year each gap opens), the sites with their register figures, and the assumptions used."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.atomic import atomic_path
from geo.tables import spreadsheet_safe as safe

SITE_COLUMNS = ["site_code", "name", "kind", "parent_code", "locality", "in_register",
                "gia_m2", "clinical_rooms", "tenure", "condition", "lease_end",
                "hours_per_week", "hours_used", "hours_assumed", "notes",
                "capacity_appointments", "full_time_appointments"]


def capacity_sheets(result, assumptions) -> dict[str, pd.DataFrame]:
    """Sheet name → frame: Capacity by year, Capacity areas, Estate register, and the
    capacity assumptions (unknown stays an empty cell, never 0)."""
    frame = assumptions.to_frame()
    used = frame[frame["used by"].isin(["capacity"])
                 | frame["key"].isin(["rooms_per_1000_patients", "floorspace_m2_per_1000",
                                      "persons_per_dwelling", "registration_share"])]
    return {"Capacity by year": result.table, "Capacity areas": result.areas,
            "Estate register": result.sites[SITE_COLUMNS],
            "Capacity assumptions": used.reset_index(drop=True)}


def capacity_tables(plan) -> dict[str, pd.DataFrame]:
    """The data export's capacity tables: the estate register (one row per site, with its
    place; unknown = empty) and needed against available by year and locality."""
    from models.capacity.by_year import plan_capacity
    result = plan_capacity(plan, by="locality")
    sites = result.sites[SITE_COLUMNS + ["latitude", "longitude"]].copy()
    sites["clinical_rooms"] = sites["clinical_rooms"].astype(float)
    return {"estate_register": sites, "capacity_by_locality": result.table}


def export_capacity(result, assumptions, path: str | Path, label: str) -> list[Path]:
    """XLSX: the four sheets and About. CSV: the year × area table, plus
    ``<name>-areas.csv`` and ``<name>-sites.csv`` beside it."""
    path = Path(path)
    sheets = capacity_sheets(result, assumptions)
    about = pd.DataFrame({"item": ["Data", "Areas", "Now", "Years", "ONS trend", "Warnings"],
                          "value": [label, result.by, str(result.now_year),
                                    f"{result.years[0]}–{result.years[-1]}" if result.years
                                    else "", "yes" if result.trend else "no",
                                    "; ".join(result.warnings) or "none"]})
    if path.suffix.lower() == ".csv":
        written = []
        for suffix, name in (("", "Capacity by year"), ("-areas", "Capacity areas"),
                             ("-sites", "Estate register")):
            target = path.with_name(path.stem + suffix + ".csv")
            with atomic_path(target) as tmp:
                safe(sheets[name]).to_csv(tmp, index=False)
            written.append(target)
        return written
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            for name, frame in sheets.items():
                safe(frame).to_excel(xl, sheet_name=name, index=False)
            safe(about).to_excel(xl, sheet_name="About", index=False)
    return [path]
