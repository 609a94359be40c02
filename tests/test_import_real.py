"""The whole import on the real Medway files: facts a planner can check against the sources."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from cli import main as cli_main
from geo.canonical import load_folder
from geo.importer import ImportInputs, detect_inputs, run_import, save_import

FILES = dict(
    epraccur="epraccur_medway.csv",
    sites="nhs_choices_gp_sites_medway_2017-02.json",
    list_sizes="gp-reg-pat-prac-all_medway_2021-01.csv",
    pcns="ePCN_medway_2019-12_core_partners.csv",
    boundaries="wards_medway_2013.geojson",
    ward_localities="ward_localities.csv",
    population="census2021_lsoa21_usual_residents_age6_medway.csv",
    population_areas="lsoa_medway_2011.geojson",
    brownfield="brownfield_register_medway_2019-01-24.csv",
    projection="snpp2022_migcat_persons_medway.csv",
)


@pytest.fixture(scope="module")
def shared():
    from tests.conftest import SHARED_MEDWAY
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway")
    return SHARED_MEDWAY


@pytest.fixture(scope="module")
def result(shared):
    inputs = ImportInputs(commissioner="09W", **{k: shared / v for k, v in FILES.items()})
    return run_import(inputs)


@pytest.fixture(scope="module")
def medway_area(shared):
    wards = gpd.read_file(shared / "wards_medway_2013.geojson")
    return shapely.union_all(wards.geometry.values)


def test_44_practices_inside_medways_wards(result, medway_area):
    ds = result.dataset
    mains = ds.main_practices()
    assert len(mains) == 44
    inside = shapely.contains_xy(medway_area, mains["longitude"], mains["latitude"])
    assert inside.all(), mains.loc[~inside, "practice_code"].tolist()
    assert (mains["locality"] != "").all()
    # the two practices held at a predecessor's premises are among them, placed
    assert {"G82100", "G82719"} <= set(mains["practice_code"])
    notes = "\n".join(result.report.placement_notes)
    assert "G82100" in notes and "Y00198" in notes and "G82719" in notes and "G82656" in notes


def test_list_sizes_join_by_code_40_of_44(result):
    mains = result.dataset.main_practices().set_index("practice_code")
    with_size = mains[mains["list_size"] > 0]
    assert len(with_size) == 40
    assert with_size["list_size"].sum() == 305_465           # SOURCES.md: 2021 total
    missing = {s.split()[0] for s in result.report.list_size_missing}
    assert missing == set(mains.index[mains["list_size"] == 0])
    assert missing == {"G82109", "G82133", "G82622", "G82820"}


def test_closed_and_dormant_practices_are_skipped_and_listed(result):
    skipped = "\n".join(result.report.closed_skipped)
    assert "G82230" in skipped and "closed 2019-01-31" in skipped
    assert "Y00198" in skipped and "dormant" in skipped
    assert "G82230" not in set(result.dataset.practices["practice_code"])


def test_22_wards_become_six_localities_with_populations_against_the_target(result):
    ds, rep = result.dataset, result.report
    assert len(ds.localities) == 6 and rep.counts["wards dissolved"] == 22
    table = rep.localities.set_index("locality")
    assert table["wards"].sum() == 22
    assert table["residents"].sum() == 279_771               # census total, all placed
    # Both measures side by side; the judgement is the app's (models/localities.py), on
    # the measure the planner chose, against the assumptions' band.
    from models.assumptions import default_assumptions
    from models.localities import locality_summary
    a = default_assumptions()
    low, high = a.value("locality_min_population"), a.value("locality_max_population")
    judged = locality_summary(ds, basis="residents").set_index("locality")
    for name, row in table.iterrows():
        expected = ("below" if row["residents"] < low else
                    "above" if row["residents"] > high else "")
        assert judged.at[name, "flag"].startswith(expected)
        assert judged.at[name, "residents"] == row["residents"]
    assert "registered patients" in rep.text() and "census residents" in rep.text()


def test_census_residents_all_located_split_areas_reported(result):
    rep, pop = result.report, result.dataset.population
    assert rep.population_total == 279_771 == pop["residents"].sum()
    assert len(rep.population_split) == 12 and not rep.population_unmatched
    assert (pop["locality"] != "").all()


def test_28_brownfield_sites_land_in_medway_with_their_ranges(result, medway_area):
    housing = result.dataset.housing
    assert len(housing) == 28 and housing["dwellings"].sum() == 783
    assert shapely.contains_xy(medway_area, housing["longitude"], housing["latitude"]).all()
    assert (housing["start_year"] == 2020).all()
    assert any("start_year = 2020" in a for a in result.report.assumptions)
    assert "dwellings_min" in result.tables["housing_sites.csv"].columns


def test_hubs_pcns_and_sources(result):
    ds = result.dataset
    assert sorted(ds.hubs["locality"]) == ["Gillingham", "Lordswood", "Rainham", "Rochester"]
    assert ds.pcns["pcn_code"].nunique() == 7
    assert set(ds.pcns["practice_code"]) <= set(ds.practices["practice_code"])
    assert "G82727" in "\n".join(result.report.pcn_unmatched)     # dormant, in a PCN
    src = ds.sources.set_index("file")
    assert int(src.at["epraccur_medway.csv", "rows_kept"]) == 44
    assert src.at["gp-reg-pat-prac-all_medway_2021-01.csv", "date"] == "2021-01-01"


def test_saved_folder_opens_as_a_data_folder(result, tmp_path):
    ds = save_import(result, tmp_path / "real")
    again = load_folder(tmp_path / "real")
    assert len(again.practices) == len(ds.practices) == len(result.dataset.practices)
    assert again.population is not None and again.pcns is not None


def test_cli_import_writes_the_folder_and_folder_detection_finds_the_files(shared, tmp_path,
                                                                            capsys):
    out = tmp_path / "medway"
    args = ["import", "--commissioner", "09W", "--out", str(out)]
    for key, name in FILES.items():
        args += [f"--{key.replace('_', '-')}", str(shared / name)]
    assert cli_main(args) == 0
    printed = capsys.readouterr().out
    assert "practices (main sites): 44" in printed and "Lordswood" in printed
    assert len(load_folder(out).main_practices()) == 44
    found = detect_inputs(shared)
    figures = {"payments", "workforce", "deprivation"}
    assert {k: v.name for k, v in found.items() if k not in figures | {"list_sizes"}} == \
        {k: v for k, v in FILES.items() if k != "list_sizes"}
    assert [Path(p).name for p in found["payments"].split(";")] == [
        f"nhs_payments_to_gp_medway_{y}.csv" for y in ("2017-18", "2019-20", "2022-23")]
    # The FTE file (GP FTE with the same year's patients) is preferred to the headcount series.
    assert found["workforce"].name == "gp_workforce_fte_medway_fy2023-2025.csv"
    assert found["deprivation"].name == "imd_practice_medway.csv"


def test_cli_import_without_boundaries_says_why(shared, tmp_path, capsys):
    code = cli_main(["import", "--epraccur", str(shared / FILES["epraccur"]),
                     "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "--boundaries" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_the_preview_is_checked_in_memory_and_writes_nothing(shared, monkeypatch, tmp_path):
    """The import preview validates what it built with the data-folder readers, without
    writing a temporary folder: no file is created anywhere until the planner saves."""
    import tempfile

    import geo.atomic

    def no_disk(*_a, **_k):
        raise AssertionError("the preview wrote to disk")
    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_disk)
    monkeypatch.setattr(tempfile, "mkdtemp", no_disk)
    monkeypatch.setattr(geo.atomic, "atomic_folder", no_disk)
    inputs = ImportInputs(commissioner="09W", **{k: shared / v for k, v in FILES.items()})
    ds = run_import(inputs).dataset
    assert len(ds.main_practices()) == 44 and ds.folder is None


def test_the_wards_are_kept_for_the_map_and_go_with_a_folder_export(result, tmp_path):
    """The ward file the localities come from is written beside them (the map's faint ward
    layer, findable by name) and travels with the data when it is exported as a folder."""
    from geo.export import export_csv_folder
    from rendering.map_context import ward_features
    ds = save_import(result, tmp_path / "real")
    wards = ward_features(ds)["features"]
    assert len(wards) == 22 and "Chatham Central" in {f["properties"]["name"] for f in wards}
    export_csv_folder(ds, tmp_path / "copy")
    assert len(ward_features(load_folder(tmp_path / "copy"))["features"]) == 22
