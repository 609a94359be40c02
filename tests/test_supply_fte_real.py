"""GP FTE on one period, on the real Medway files: the NHS Digital workforce file's own FTE
and patients, 2026-04 lists beside them with both dates and the effect, merged practices'
GPs following their patients, implausible figures flagged (../shared/data/medway)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from cli import main as cli_main
from tests.conftest import SHARED_MEDWAY, imported
from tests.test_supply_real import _args

FTE = "gp_workforce_fte_medway_fy2023-2025.csv"


def _import(out, *extra):
    args = _args(SHARED_MEDWAY, "gp-reg-pat-prac-all_medway_2026-04.csv")
    args[args.index("--workforce") + 1] = str(SHARED_MEDWAY / FTE)
    return imported(args + list(extra), out)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return _import(tmp_path_factory.mktemp("fte") / "medway",
                   "--successor", "G82775=G82737")


def test_the_derived_annual_fte_file_reads_as_published():
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway")
    from geo import io_workforce
    got = io_workforce.read_workforce(SHARED_MEDWAY / FTE)
    f = got.frame[got.frame["financial_year"] == "2022-23"]
    assert f["gp_fte"].notna().sum() == 38
    assert f["gp_fte"].sum() == pytest.approx(86.6, abs=0.05)
    assert f["average_patients"].sum() == pytest.approx(320_800, abs=100)
    assert "means of the monthly files" in got.join.date


def test_monthly_published_layout_is_dated_from_its_name(tmp_path):
    from geo import io_workforce
    path = tmp_path / "General Practice Workforce March 2024 practice level.csv"
    path.write_text("PRAC_CODE,PRAC_NAME,TOTAL_PATIENTS,TOTAL_GP_HC,TOTAL_GP_EXTGL_HC,"
                    "TOTAL_GP_FTE,TOTAL_GP_EXTGL_FTE\nG82014,X,20400,18,15,11.2,9.9\n")
    got = io_workforce.read_workforce(path)
    row = got.frame.iloc[0]
    assert row["financial_year"] == "2023-24" and row["as_at"] == "2024-03-31"
    assert row["gp_fte"] == 9.9 and row["gp_headcount"] == 15
    assert got.join.date == "2024-03-31"


def test_supply_uses_one_period_fte_and_flags_the_implausible(folder):
    from geo.canonical import load_folder
    from models.supply import practice_supply
    ds = load_folder(folder)
    prac, years = practice_supply(ds, workforce_year="2023-24")
    assert years["gp_period"] == "FY2023/24" and years["lists"] == "2026-04-01"
    p = prac.set_index("practice_code")
    assert set(p["gp_basis"]) <= {"FTE", "est.", ""} and (p["gp_basis"] == "FTE").sum() > 30
    # same period: the workforce file's own patients, not the 2026 list
    assert p.at["G82014", "ratio_patients"] == pytest.approx(20435.5)
    assert p.at["G82014", "list_size"] == 20343
    # one GP for 16,500 patients is flagged, not used
    assert p.at["G82719", "implausible"] and any("G82719" in x for x in years["implausible"])
    # the merged practice's GPs and patients follow it to its successor
    assert "G82775" in p.at["G82737", "merged_from"]
    assert p.at["G82737", "gp_fte"] == pytest.approx(2.1 + 1.2)
    assert years["merged"] == {"G82775": "G82737"}


def test_demand_prints_basis_both_dates_and_the_effect(folder, capsys):
    assert cli_main(["demand", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "fully qualified GPs (excl. trainees and locums), FTE as published" in out
    assert re.search(r"one period: GPs and registered patients both from the GP workforce "
                     r"file, FY2024/25 \(list sizes shown are dated 2026-04-01\); with the "
                     r"2026-04-01 lists against the FY2024/25 GPs the gap would read "
                     r"[\d.]+ instead of [\d.]+ \([+-][\d.]+ GP FTE", out)
    assert re.search(r"\d FTE \(\d+ unknown\)", out)
    assert "Implausible GP figures flagged" in out and "G82741" in out
    assert not re.search(r"\bnan\b", out, re.I)
    assert "GPs and patients of merged practices follow them to their successor: " \
           "G82775 → G82737" in out


def test_headcount_only_gives_est_fte(folder):
    from geo.canonical import load_folder
    from models.assumptions import Assumptions
    from models.supply import area_supply, practice_supply
    ds = load_folder(folder)
    ds.workforce = ds.workforce.assign(gp_fte=np.nan)
    prac, years = practice_supply(ds)
    assert set(prac["gp_basis"]) <= {"est.", ""}
    row = prac.set_index("practice_code").loc["G82014"]
    assert row["gps"] == pytest.approx(row["gp_headcount"] * 0.70)
    area = area_supply(prac, ["x"], ["x"] * len(prac), Assumptions()).iloc[-1]
    assert area["gp_basis"] == "est."


def test_completions_before_the_2026_list_are_not_added_and_the_trend_is_apart(folder,
                                                                              capsys):
    assert cli_main(["demand", "--data", str(folder), "--trend"]) == 0
    out = capsys.readouterr().out
    assert "Already in the list: 783 dwellings completed before the list sizes' date " \
           "(2026-04-01)" in out
    assert "Medway total: 0 new dwellings" in out
    assert "Existing pressure (not attributable to new dwellings" in out
    assert "base year 2026/27" in out              # the trend runs from the list's date
