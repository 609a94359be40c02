"""Demand results out to Excel or CSV, with the assumptions sheet that explains them."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.atomic import atomic_path
from geo.tables import spreadsheet_safe as safe


def export_demand(result, path: str | Path, label: str) -> list[Path]:
    """XLSX: Demand (year × area), Totals, Baseline, Assumptions and About sheets.
    CSV: the year × area table, plus ``<name>-assumptions.csv`` beside it."""
    path = Path(path)
    assumptions = result.assumptions.to_frame()
    about = pd.DataFrame({"item": ["Data", "Areas", "Years", "Warnings"],
                          "value": [label, result.by,
                                    f"{result.years[0]}–{result.years[-1]}" if result.years
                                    else "", "; ".join(result.warnings) or "none"]})
    if path.suffix.lower() == ".csv":
        side = path.with_name(path.stem + "-assumptions.csv")
        with atomic_path(path) as tmp:
            safe(result.table).to_csv(tmp, index=False)
        with atomic_path(side) as tmp:
            safe(assumptions).to_csv(tmp, index=False)
        return [path, side]
    if path.suffix.lower() != ".xlsx":
        path = path.with_suffix(".xlsx")
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            safe(result.table).to_excel(xl, sheet_name="Demand", index=False)
            safe(result.totals()).to_excel(xl, sheet_name="Totals", index=False)
            safe(result.baseline).to_excel(xl, sheet_name="Baseline", index=False)
            safe(assumptions).to_excel(xl, sheet_name="Assumptions", index=False)
            safe(about).to_excel(xl, sheet_name="About", index=False)
    return [path]
