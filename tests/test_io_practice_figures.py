"""Payments, workforce, deprivation and capacity readers on the real Medway files and on
England-wide-shaped copies (rows outside the area are cut by practice code)."""
from __future__ import annotations

import pytest

from geo import io_capacity, io_deprivation, io_payments, io_workforce
from geo.errors import DataError
from geo.practice_join import financial_year
from tests.conftest import SHARED_MEDWAY

PAY = "nhs_payments_to_gp_medway_{}.csv"
WORKFORCE = "gp_workforce_headcount_medway_fy2016-2024.csv"


@pytest.fixture(scope="module")
def shared():
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway (relative to the "
                    "repository root)")
    return SHARED_MEDWAY


@pytest.mark.parametrize("year, rows, registered, weighted, premises", [
    ("2017-18", 51, 307_593, 294_482, 5.71e6),
    ("2019-20", 48, 324_014, 309_069, 4.47e6),
    ("2022-23", 41, 321_147, 316_021, 5.39e6)])
def test_payments_totals_match_the_published_files(shared, year, rows, registered, weighted,
                                                   premises):
    f = io_payments.read_payments(shared / PAY.format(year)).frame
    assert len(f) == rows                    # 2017-18: the plan's "51 GP practices"
    assert (f["financial_year"] == year).all()
    assert round(f["registered_patients"].sum()) == registered
    assert round(f["weighted_patients"].sum()) == weighted
    assert f["premises_gbp"].sum() == pytest.approx(premises, rel=0.002)


def test_payments_2022_23_layout_reads_pcn_from_code_column(shared):
    f = io_payments.read_payments(shared / PAY.format("2022-23")).frame
    row = f.set_index("practice_code").loc["G82014"]
    assert row["pcn_code"] == "U76908" and "GILLINGHAM SOUTH" in row["pcn_name"]


def test_payments_cut_to_the_area_and_join_reported(shared, tmp_path):
    src = (shared / PAY.format("2017-18")).read_text()
    lines = src.splitlines()
    other = lines[1].replace("G82011", "A81001")          # a practice outside the area
    path = tmp_path / "england_17-18.csv"
    path.write_text("\n".join(lines + [other]) + "\n")
    area = {ln.split(",")[4] for ln in lines[1:]}
    active = sorted(area - {"G82011"}) + ["G82999"]
    got = io_payments.read_payments(path, area_codes=area, active_codes=active)
    assert len(got.frame) == 51 and got.join.outside_area == 1
    assert got.join.not_active == ["G82011"] and got.join.missing == ["G82999"]
    assert any("A81001" not in ln for ln in got.join.lines("list sizes"))


def test_payments_year_must_be_known(tmp_path, shared):
    path = tmp_path / "payments.csv"
    path.write_text((shared / PAY.format("2017-18")).read_text())
    with pytest.raises(DataError, match="financial year"):
        io_payments.read_payments(path)


def test_workforce_headcount_series(shared):
    f = io_workforce.read_workforce(shared / WORKFORCE).frame
    totals = io_workforce.medway_totals(f)["gp_headcount"]
    assert totals["2016-17"] == 137 and totals["2015-16"] == 144 and totals["2023-24"] == 128
    # NA is unknown, not zero
    assert f["gp_headcount"].isna().sum() == 8
    assert f["gp_fte"].isna().all()


def test_workforce_single_date_layout_with_fte(tmp_path):
    path = tmp_path / "GPW_practice_2019-20.csv"
    path.write_text("PRAC_CODE,TOTAL_PATIENTS,TOTAL_GP_EXTGL_HC,TOTAL_GP_EXTGL_FTE\n"
                    "G82014,19633,7,5.6\nG82050,8000,NA,NA\n")
    f = io_workforce.read_workforce(path).frame
    assert list(f["financial_year"]) == ["2019-20", "2019-20"]
    assert f["gp_fte"].iloc[0] == 5.6 and f["gp_headcount"].isna().iloc[1]


def test_workforce_bad_value_names_row_and_field(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text('"Practice.Code","fiscal_year","TOTAL_PATIENTS","TOTAL_GP_EXTGL_HC"\n'
                    '"G82014",17,100,three\n')
    with pytest.raises(DataError, match=r"w.csv, row 2, field 'TOTAL_GP_EXTGL_HC'"):
        io_workforce.read_workforce(path)


def test_deprivation_2019_scores(shared):
    got = io_deprivation.read_deprivation(shared / "imd_practice_medway.csv")
    f = got.frame
    assert (f["year"] == "2019").sum() == 48
    assert "2019" in got.join.date


def test_capacity_template_round_trip_and_bad_condition(tmp_path):
    import pandas as pd
    practices = pd.DataFrame({"practice_code": ["G82014", "G82014-B1"]})
    path = tmp_path / "capacity.csv"
    io_capacity.write_template(practices, path)
    assert path.read_text().splitlines()[0] == ("site_code,gia_m2,clinical_rooms,tenure,"
                                                "condition,lease_end,hours_per_week,notes")
    path.write_text("site_code,gia_m2,clinical_rooms,tenure,condition\n"
                    "G82014,850,12,leased,b\nG82014-B1,,,,\n")
    f = io_capacity.read_capacity(path, site_codes=practices["practice_code"])
    assert f["gia_m2"].iloc[0] == 850 and f["condition"].iloc[0] == "B"
    assert pd.isna(f["gia_m2"].iloc[1])
    path.write_text("site_code,gia_m2,clinical_rooms,tenure,condition\nG82014,850,12,,E\n")
    with pytest.raises(DataError, match="row 2, field 'condition'"):
        io_capacity.read_capacity(path)
    path.write_text("site_code,gia_m2\nZZZ,10\n")
    with pytest.raises(DataError, match="not a practice"):
        io_capacity.read_capacity(path, site_codes=practices["practice_code"])


@pytest.mark.parametrize("text, year", [("payments_2017-18.csv", "2017-18"),
                                        ("17-18.csv", "2017-18"), ("201920", "2019-20"),
                                        ("list_2026-04.csv", None)])
def test_financial_year_from_name(text, year):
    assert financial_year(text) == year
