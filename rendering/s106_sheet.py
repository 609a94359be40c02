"""The S106 workings as an Excel workbook a finance analyst can audit: every value cell is a
formula over the Assumptions sheet, the Catchment sheet and the steps above it, or an input
with its "from" (the data file and date, or the application).

Sheets: About (data label, scenario, date, verdict), Workings (the steps), Catchment (one row
per candidate practice), Assumptions (key, value, unit, source), Precedents.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from geo.atomic import atomic_path
from geo.tables import spreadsheet_safe
from models.contribution import COST_BASIS, PRECEDENTS
from models.contribution.catchment import ROOMS_BASIS
from rendering.board_sections import data_dates, report_label

BOLD = Font(bold=True)
CATCHMENT = ["practice_code", "name", "distance_km", "minutes", "within", "included",
             "list_size", "list_date", "gp_headcount", "gps", "gp_basis", "gp_date",
             "ratio_patients", "capacity_appointments",
             "patients_per_gp", "premises_m2", "premises_basis", "capacity_patients",
             "spare_patients", "from"]


def _col(name: str) -> str:
    return get_column_letter(CATCHMENT.index(name) + 1)


def _cell(value):
    """Unknown stays an empty cell (never 0)."""
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, str):       # a name from a file never runs as a formula
        return spreadsheet_safe(pd.DataFrame({"v": [value]}))["v"].iloc[0]
    return value


def _sheet(wb, title: str, header: list[str]):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    return ws


def write_workings(plan, c, path, scenario: str = "") -> None:
    """Write the workbook atomically."""
    ds, a = plan.dataset, plan.assumptions
    wb = Workbook()
    about = wb.active
    about.title = "About"
    for row in (("Data", report_label(ds)), ("Data dates", data_dates(ds)),
                ("Scenario", scenario or "(none: the data as loaded)"),
                ("Written", dt.date.today().isoformat()),
                ("Development", _cell(c.application.name)), ("Verdict", c.verdict),
                ("Project", _cell(c.project)),
                *((f"Cost basis: {k}", v) for k, v in COST_BASIS.items())):
        about.append(row)
    if ds.is_sample:
        about.append(("Note", "ILLUSTRATIVE SAMPLE DATA — NOT REAL"))

    asm = _sheet(wb, "Assumptions", ["key", "assumption", "value", "unit", "source",
                                     "edited"])
    where = {}
    for i, k in enumerate(a.keys(), start=2):
        e = a[k]
        asm.append([k, e.label, e.used, e.unit, e.source, e.user_edited])
        where[k] = f"Assumptions!$C${i}"

    cat = _sheet(wb, "Catchment", CATCHMENT)
    f_row, p_row = where["floorspace_m2_per_1000"], where["patients_per_gp_wte"]
    for i, r in enumerate(c.catchment.to_dict("records"), start=2):
        gps = r["gps"]
        known_m2 = r["premises_basis"] == ROOMS_BASIS
        values = {k: _cell(r.get(k)) for k in CATCHMENT}
        if known_m2:
            per_patient = (f"({where['appointments_per_patient_year']}*"
                           f"{where['face_to_face_share']}*(1+{where['dna_share']}))")
            values["capacity_patients"] = f"={_col('capacity_appointments')}{i}/{per_patient}"
            values["from"] = ("estate register: appointments a year its rooms host (rooms × "
                              "hours × weeks × utilisation target ÷ room time, models/"
                              "capacity) ÷ appointments per patient")
        elif np.isfinite(gps) and gps > 0:
            values["premises_m2"] = f"={_col('capacity_patients')}{i}/1000*{f_row}"
            values["capacity_patients"] = f"={_col('gps')}{i}*{p_row}"
            values["from"] = (f"proxy: GP FTE ({r['gp_basis']}) × patients_per_gp_wte, less "
                              f"the patients of the same period; GPs {r['gp_date']}")
        else:
            values["from"] = r["premises_basis"]
        against = "list_size" if known_m2 else "ratio_patients"
        if values["capacity_patients"] is not None and values[against] is not None:
            values["spare_patients"] = (f"={_col('capacity_patients')}{i}-"
                                        f"{_col(against)}{i}")
        cat.append([values[k] for k in CATCHMENT])

    work = _sheet(wb, "Workings", ["step", "quantity", "value", "unit", "how", "from", "key"])
    rows = {k: i for i, k in enumerate(c.steps["key"], start=2)}
    spare, inc = _col("spare_patients"), _col("included")
    for s in c.steps.to_dict("records"):
        if s["excel"] == "SPARE":
            formula = (f"=SUMIFS(Catchment!{spare}:{spare},Catchment!{inc}:{inc},TRUE,"
                       f"Catchment!{spare}:{spare},\">0\")")
        else:
            formula = re.sub(r"\{(\w+)\}", lambda m: f"C{rows[m.group(1)]}", s["excel"])
            formula = re.sub(r"\[(\w+)\]", lambda m: where[m.group(1)], formula)
        work.append([s["step"], s["quantity"], formula, s["unit"], s["how"], s["source"],
                     s["key"]])

    prec = _sheet(wb, "Precedents", ["body", "scheme", "year", "dwellings", "patients",
                                     "request_gbp", "gbp_per_dwelling", "gbp_per_resident",
                                     "source"])
    for i, p in enumerate(PRECEDENTS, start=2):
        prec.append([p.body, p.scheme, p.year, p.dwellings, p.patients, p.request_gbp,
                     f"=F{i}/D{i}", f"=F{i}/E{i}", p.source])
    for ws in wb.worksheets:
        for col in ws.columns:
            width = max(len(str(x.value or "")) for x in col[:50])
            ws.column_dimensions[col[0].column_letter].width = min(max(width, 8), 60)
    with atomic_path(path) as tmp:
        wb.save(tmp)
