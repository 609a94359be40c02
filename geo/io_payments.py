"""NHS Payments to General Practice (NHS Digital / NHS England), one file per financial year.

What the planner needs from it: the registered list and the need-weighted (Carr-Hill) list,
both "last known figure", and the premises payments (notional or actual rent and rates
reimbursed), a proxy for the size and cost of the existing estate — not a floor area.
Columns are found by header name, so the 2017-18, 2019-20 and 2022-23 layouts all work
(2022-23 heads the PCN code ``Code`` and puts the PCN name under ``CCG NAME``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.errors import DataError
from geo.practice_join import (
    JoinReport, column, cut_to_area, read_figure_table, year_of_file,
)
from geo.tables import parse_float, read_csv_text

PUBLISHER = "NHS Digital / NHS England, NHS Payments to General Practice"
PAYMENT_COLUMNS = ["practice_code", "financial_year", "practice_name", "postcode",
                   "registered_patients", "weighted_patients", "premises_gbp", "rurality",
                   "contract_type", "pcn_code", "pcn_name", "close_date"]
REGISTERED = "Number of Registered Patients (Last Known Figure)"
WEIGHTED = "Number of Weighted Patients (Last Known Figure)"
PREMISES = "Premises Payments"


@dataclass
class PaymentsFile:
    frame: pd.DataFrame      # PAYMENT_COLUMNS, one row per practice of the area
    join: JoinReport


def read_payments(path: str | Path, area_codes=None, active_codes=None,
                  year: str | None = None) -> PaymentsFile:
    """One year's payments file, cut to the area's practice codes (any status)."""
    path = Path(path)
    label = path.name
    fy = year_of_file(path, year, label)
    raw = read_csv_text(path, label)
    code = column(raw, label, "Practice Code")
    join = JoinReport(file=label, date=f"financial year {fy}")
    raw = cut_to_area(raw, code, area_codes, active_codes, join)
    pcn_code = column(raw, label, "PCN Code", required=False)
    pcn_name = column(raw, label, "PCN Name", required=False)
    if pcn_code is None and column(raw, label, "Code", required=False):
        pcn_code = column(raw, label, "Code")           # 2022-23 layout
        pcn_name = column(raw, label, "CCG NAME", required=False)
    dup = raw[code].duplicated()
    if dup.any():
        raise DataError(label, f"practice '{raw.loc[dup, code].iloc[0]}' appears twice",
                        field=code)

    def text(name):
        found = column(raw, label, name, required=False)
        return raw[found] if found else ""

    def number(name):
        return parse_float(raw, column(raw, label, name), label, required=False, lo=0)

    out = pd.DataFrame({
        "practice_code": raw[code], "financial_year": fy,
        "practice_name": text("Practice Name"), "postcode": text("Practice Postcode"),
        "registered_patients": number(REGISTERED), "weighted_patients": number(WEIGHTED),
        "premises_gbp": number(PREMISES), "rurality": text("Practice Rurality"),
        "contract_type": text("Contract Type"),
        "pcn_code": raw[pcn_code] if pcn_code else "",
        "pcn_name": raw[pcn_name] if pcn_name else "",
        "close_date": text("Practice Close Date")})
    out["postcode"] = out["postcode"].astype(str).str.split().str.join(" ")
    return PaymentsFile(frame=out[PAYMENT_COLUMNS], join=join)


def read_payments_table(path: Path) -> pd.DataFrame:
    """The canonical ``payments.csv`` of a data folder (written by the importer)."""
    label = path.name
    frame = read_figure_table(path, PAYMENT_COLUMNS, ["practice_code", "financial_year",
                                                      "registered_patients"],
                              ("registered_patients", "weighted_patients", "premises_gbp"))
    dup = frame.duplicated(["practice_code", "financial_year"])
    if dup.any():
        pos = int(dup.to_numpy().nonzero()[0][0])
        raise DataError(label, f"practice '{frame['practice_code'].iloc[pos]}' has two rows "
                               f"for {frame['financial_year'].iloc[pos]}", row=pos + 2,
                        field="practice_code")
    return frame
