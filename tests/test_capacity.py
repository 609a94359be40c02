"""Space and capacity: the estate register (read, refused, edited, saved), the room-session
model (linear in rooms; ample rooms never short; no row = unknown), the year each gap
opens, the ONS trend, and the `capacity` command on the sample and on a small register of
real Medway sites."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from cli import main as cli_main
from geo.canonical import load_folder, load_sample
from geo.errors import DataError
from geo.io_capacity import read_capacity
from models.assumptions import Assumptions
from models.capacity.by_year import capacity_by_year
from models.capacity.register import register_of, with_value
from models.capacity.sessions import site_capacity
from models.capacity.spare import hub_capacity_patients, spare_capacity
from models.plan import Plan

HEADER = "site_code,gia_m2,clinical_rooms,tenure,condition,lease_end,hours_per_week,notes\n"
ONS = "snpp2022_migcat_persons_medway.csv"


def _with_rooms(ds, code, rooms):
    out = ds.copy()
    out.capacity = with_value(out, code, "clinical_rooms", rooms)
    return out


# ---------------------------------------------------------------- the register

@pytest.mark.parametrize("row, field, why", [
    ("X80001,100,-2,owned,A,,52.5,", "clinical_rooms", "below the minimum"),
    ("X80001,100,10000,owned,A,,52.5,", "clinical_rooms", "above the maximum"),
    ("X80001,100,4,owned,Z,,52.5,", "condition", "not a condition"),
    ("X99999,100,4,owned,A,,52.5,", "site_code", "not a practice"),
    ("X80001,100,4,leased,A,31/02/2030,52.5,", "lease_end", "not a date"),
    ("X80001,100,4,squatted,A,,52.5,", "tenure", "not a tenure"),
    ("X80001,100,4,owned,A,,200,", "hours_per_week", "above the maximum"),
])
def test_bad_register_rows_are_refused_naming_file_row_and_field(sample_copy, row, field,
                                                                 why, capsys):
    path = sample_copy / "capacity.csv"
    path.write_text(HEADER + "X80002,100,2,owned,B,,52.5,\n" + row + "\n")
    with pytest.raises(DataError) as err:
        load_folder(sample_copy)
    assert err.value.row == 3 and err.value.field == field and why in str(err.value)
    assert str(err.value).startswith("capacity.csv, row 3, field")
    # The command line refuses in one line (exit 2) and writes nothing.
    out = sample_copy.parent / "cap.csv"
    assert cli_main(["capacity", "--data", str(sample_copy), "--out", str(out)]) == 2
    err_text = capsys.readouterr().err.strip()
    assert err_text.count("\n") == 0 and "capacity.csv, row 3" in err_text
    assert not out.exists()


def test_old_five_column_return_and_an_xlsx_register_still_read(tmp_path):
    old = tmp_path / "capacity.csv"
    old.write_text("site_code,gia_m2,clinical_rooms,tenure,condition\nX80001,120,3,NHSPS,b\n")
    frame = read_capacity(old, ["X80001"])
    assert frame.at[0, "tenure"] == "NHS Property Services" and frame.at[0, "condition"] == "B"
    assert pd.isna(frame.at[0, "hours_per_week"]) and frame.at[0, "lease_end"] == ""
    book = tmp_path / "register.xlsx"
    pd.DataFrame({"Site code": ["X80001"], "GIA m2": [120], "Clinical rooms": [3],
                  "Tenure": ["leased"], "Lease end": [pd.Timestamp("2031-03-31")],
                  "Hours per week": [52.5]}).to_excel(book, index=False)
    frame = read_capacity(book, ["X80001"])
    assert frame.at[0, "lease_end"] == "2031-03-31" and frame.at[0, "clinical_rooms"] == 3
    pd.DataFrame({"site_code": ["X80001"], "clinical_rooms": [-1]}).to_excel(book, index=False)
    with pytest.raises(DataError, match="register.xlsx, row 2, field 'clinical_rooms'"):
        read_capacity(book, ["X80001"])


def test_a_register_edit_is_undoable_and_saved_in_a_scenario(tmp_path):
    from models import scenario as sc
    plan = Plan(load_sample())
    assert "HLC-CHA" not in set(register_of(plan.dataset)["site_code"])   # planned hub
    command = plan.set_state("estate", with_value(plan.dataset, "HLC-CHA", "clinical_rooms",
                                                  "12"), "Set rooms")
    assert register_of(plan.dataset).set_index("site_code").at["HLC-CHA",
                                                               "clinical_rooms"] == 12
    path = tmp_path / "option.scenario.json"
    sc.save_scenario(sc.scenario_from_plan(plan, "Option"), path)
    plan.revert(command)
    assert "HLC-CHA" not in set(register_of(plan.dataset)["site_code"])
    again, warnings = sc.plan_from_scenario(sc.load_scenario(path))
    assert not warnings
    assert register_of(again.dataset).set_index("site_code").at["HLC-CHA",
                                                                "clinical_rooms"] == 12
    with pytest.raises(ValueError, match="from 0 to 300"):
        with_value(plan.dataset, "X80001", "clinical_rooms", "10000")
    with pytest.raises(ValueError, match="condition"):
        with_value(plan.dataset, "X80001", "condition", "Z")


# ---------------------------------------------------------------- the model

def test_doubling_a_sites_rooms_doubles_its_capacity_exactly():
    ds = load_sample()
    a = Assumptions()
    before = site_capacity(ds, a.value).set_index("site_code").at["X80005",
                                                                 "capacity_appointments"]
    rooms = int(register_of(ds).set_index("site_code").at["X80005", "clinical_rooms"])
    after = site_capacity(_with_rooms(ds, "X80005", 2 * rooms), a.value).set_index(
        "site_code").at["X80005", "capacity_appointments"]
    assert after == 2 * before
    site = capacity_by_year(_with_rooms(ds, "X80005", 2 * rooms), a, by="site")
    first = capacity_by_year(ds, a, by="site")
    label = "X80005 Cliffe Family Practice"        # the practice: its main site + branch
    grown = site.area(label)["capacity_appointments"].iloc[0] - \
        first.area(label)["capacity_appointments"].iloc[0]
    assert grown == before                         # exactly the doubled site's own again


def test_ample_rooms_give_no_gap_in_any_year_and_a_missing_row_reads_unknown():
    ds = load_sample()
    ds.capacity = register_of(ds).assign(clinical_rooms=pd.array([300] * len(ds.capacity),
                                                                 dtype="Int64"))
    result = capacity_by_year(ds, Assumptions(), by="locality")
    known = result.table[result.table["rooms_short"].notna()]
    assert (known["rooms_short"] < 0).all()
    assert all(g.startswith("none by") for g in result.areas["gap_opens"])
    by_site = capacity_by_year(load_sample(), Assumptions(), by="site").areas
    row = by_site[by_site["area"].str.startswith("X80024 ")].iloc[0]   # no register row
    assert row["gap_opens"] == "unknown" and np.isnan(row["utilisation_now"])


def test_on_the_sample_utilisation_now_and_the_year_gaps_open(capsys, tmp_path):
    result = capacity_by_year(load_sample(), Assumptions(), by="locality")
    areas = result.areas.set_index("area")
    assert result.now_year == 2016 and result.years == [2017, 2018, 2019, 2020, 2021]
    assert areas.at["Strood", "gap_opens"] == "2018"
    assert areas.at["Chatham", "gap_opens"] == "2019"
    assert areas.at["Medway", "practices_known"] == 47      # 4 practices lack a row
    assert 0.6 < areas.at["Medway", "utilisation_now"] < 0.7
    # The flat ratios are the cross-check beside it: 1.2 rooms per 1,000 patients.
    med = result.area("Medway").iloc[0]
    assert med["rooms_topdown"] == pytest.approx(med["patients_covered"] / 1000 * 1.2)
    out = tmp_path / "cap.xlsx"
    assert cli_main(["capacity", "--by", "locality", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Strood" in printed and "2018" in printed and "75%" in printed
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"Capacity by year", "Capacity areas", "Estate register",
            "Capacity assumptions"} <= set(sheets)
    register = sheets["Estate register"].set_index("site_code")
    assert pd.isna(register.at["X80024", "clinical_rooms"])      # unknown: an empty cell


def test_spare_capacity_of_named_sites_and_a_hubs_capacity():
    plan = Plan(load_sample())
    spare = spare_capacity(plan, ["X80005", "X80024"])
    assert spare.unknown == ("X80024",) and spare.sites == ("X80005",)
    assert spare.spare_appointments == pytest.approx(spare.capacity_appointments
                                                     - spare.needed_appointments)
    assert spare_capacity(plan, ["X80024"]) is None
    hub = hub_capacity_patients(plan.dataset, plan.assumptions, "HLC-ROC")
    assert hub > 0 and hub_capacity_patients(plan.dataset, plan.assumptions, "HLC-CHA") is None


def test_the_ons_trend_grows_the_lists_without_counting_new_homes_twice(medway):
    from geo.io_projections import read_projection
    projection = read_projection(medway / ONS)
    totals = projection.groupby("year")["persons"].sum()
    assert round(totals.loc[2022]) == 282_643
    plain = capacity_by_year(load_sample(), Assumptions(), by="locality")
    trend = capacity_by_year(load_sample(), Assumptions(), by="locality",
                             projection=projection)
    m = trend.area("Medway").set_index("year")
    # Overlap 1: the dwellings first house the trend's growth, so growth is the larger of
    # the two, never their sum.
    housing = plain.area("Medway").set_index("year")["new_patients"].iloc[-1]
    for year in (2023, 2030):
        grown = m.at[year, "new_patients"] + m.at[year, "trend_patients"]
        assert grown == pytest.approx(max(housing, m.at[year, "trend_patients"]))
    assert trend.years[-1] > plain.years[-1]
    bad = medway.parent / "nonexistent.csv"
    with pytest.raises(DataError):
        read_projection(bad)


# ---------------------------------------------------------------- real Medway sites

# A small register written for this test (figures invented for real practice codes).
REAL_REGISTER = HEADER + (
    "G82014,640,9,NHS Property Services,B,,52.5,test register\n"
    "G82014-B1,150,2,leased,C,2027-03-31,20,test register\n"
    "G82051,180,3,leased,C,2029-09-30,52.5,test register\n"
    "G82077,320,4,owned,B,,50,test register\n")


@pytest.fixture(scope="module")
def real_folder(tmp_path_factory):
    from tests.conftest import SHARED_MEDWAY
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway")
    root = tmp_path_factory.mktemp("realcap")
    register = root / "register.csv"
    register.write_text(REAL_REGISTER)
    s = lambda name: str(SHARED_MEDWAY / name)  # noqa: E731
    out = root / "medway"
    code = cli_main(["import", "--epraccur", s("epraccur_medway.csv"), "--commissioner",
                     "09W", "--sites", s("nhs_choices_gp_sites_medway_2017-02.json"),
                     "--list-sizes", s("gp-reg-pat-prac-all_medway_2021-01.csv"),
                     "--boundaries", s("wards_medway_2013.geojson"),
                     "--ward-localities", s("ward_localities.csv"),
                     "--brownfield", s("brownfield_register_medway_2019-01-24.csv"),
                     "--capacity", str(register), "--projection", s(ONS),
                     "--out", str(out), "--quiet"])
    assert code == 0
    return out


@pytest.mark.slow
def test_real_medway_sites_show_utilisation_and_gap_year(real_folder, capsys, tmp_path):
    out = tmp_path / "real.csv"
    assert cli_main(["capacity", "--data", str(real_folder), "--by", "site", "--trend",
                     "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    areas = pd.read_csv(out.with_name("real-areas.csv")).set_index("area")
    woodlands = areas[areas.index.str.startswith("G82014 ")].iloc[0]
    assert 0 < woodlands["utilisation_now"] < 5
    assert woodlands["gap_opens"] != "unknown"
    unknown = areas[areas["practices_known"] == 0]
    assert (unknown["gap_opens"] == "unknown").all() and len(unknown) > 30
    assert "ONS 2022-based projection" in printed
    elms = areas[areas.index.str.startswith("G82077 ")].iloc[0]
    assert elms["gap_opens"] == "unknown"          # its three branches have no row
    by_locality = capacity_by_year(load_folder(real_folder), Assumptions())
    assert by_locality.areas["practices_known"].sum() == 2 * 2   # each area + Medway
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_compare_and_the_data_export_carry_the_space_gap(tmp_path):
    from models.measures import key_measures
    from rendering.plan_tables import export_plan
    plan = Plan(load_sample())
    key = "clinical rooms short at the horizon (room sessions; − = spare)"
    before = key_measures(plan)
    assert before["localities with a space gap by the horizon"] == 2
    plan.set_state("estate", with_value(plan.dataset, "X80001", "clinical_rooms", 41),
                   "more rooms")
    after = key_measures(plan)
    assert after[key] <= before[key] - 40 + 1e-9   # 40 more rooms: at least 40 fewer short
    assert after["localities with a space gap by the horizon"] == 1       # Strood's closes
    out = tmp_path / "plan.xlsx"
    export_plan(plan, out)
    sheets = pd.read_excel(out, sheet_name=None)
    register = sheets["estate_register"].set_index("site_code")
    assert register.at["X80001", "clinical_rooms"] == 41
    assert pd.isna(register.at["X80024", "clinical_rooms"])
    assert "capacity_by_locality" in sheets
