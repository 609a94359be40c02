"""Bad input: one clear message naming the file, row and field; nothing half-changed.

Reader/importer cases use small files written here (and the real Medway files where the
case is "a good file beside a bad one"); canonical-folder cases break one file of a copy of
the sample and load it through geo.canonical.load_folder.
"""
from __future__ import annotations

import copy
import json
import time

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.errors import DataError
from geo.io_boundaries import dissolve_localities, read_boundaries, read_ward_table
from geo.io_housing import read_brownfield
from geo.io_nhs import read_epraccur, read_gp_sites, read_list_sizes, read_postcode_lookup
from geo.io_population import read_census_residents
from geo.canonical import load_folder, load_sample
from geo.importer import ImportInputs, run_import

EPR_ROW = ('"G82014","WOODLANDS FAMILY PRACTICE","Y59","Q88","WOODLANDS","ROAD","GILLINGHAM",'
           '"KENT","","{pc}","19740401","","A","B","09W","20130401","","01634","","","","0","",'
           '"09W","","4",""\r\n')


def epraccur(tmp_path, postcode="ME7 2BU"):
    f = tmp_path / "epraccur.csv"
    f.write_text(EPR_ROW.format(pc=postcode))
    return f


def message(exc_info) -> str:
    return str(exc_info.value)


# ---------------------------------------------------------------- readers

def test_empty_file(tmp_path):
    f = tmp_path / "epraccur.csv"
    f.write_text("")
    with pytest.raises(DataError, match="epraccur.csv: the file is empty"):
        read_epraccur(f)


def test_wrong_delimiter(tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("CODE;NUMBER_OF_PATIENTS\nG82014;19866\n")
    with pytest.raises(DataError, match="list.csv: the columns are separated by semicolons"):
        read_list_sizes(f)


def test_missing_column(tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("CODE,PATIENTS_TOTAL_X\nG82014,19866\n")
    with pytest.raises(DataError) as err:
        read_list_sizes(f)
    assert "list.csv, field 'NUMBER_OF_PATIENTS': missing column" in message(err)


def test_non_numeric_list_size(tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("CODE,NUMBER_OF_PATIENTS\nG82014,19866\nG82051,n/a\n")
    with pytest.raises(DataError) as err:
        read_list_sizes(f)
    assert message(err) == ("list.csv, row 3, field 'NUMBER_OF_PATIENTS': 'n/a' is not a "
                            "whole number")


def test_negative_dwellings(tmp_path):
    f = tmp_path / "register.csv"
    f.write_text("SiteReference,SiteNameAddress,GeoX,GeoY,NetDwellingsRangeFrom,"
                 "NetDwellingsRangeTo,LastUpdatedDate\n1,A,577000,168000,5,-10,2019-01-24\n")
    with pytest.raises(DataError) as err:
        read_brownfield(f)
    assert message(err).startswith("register.csv, row 2, field 'NetDwellingsRangeTo': -10 is "
                                   "below the minimum 0")


def test_duplicate_code(tmp_path):
    f = tmp_path / "list.csv"
    f.write_text("CODE,NUMBER_OF_PATIENTS\nG82014,1\nG82051,2\nG82014,3\n")
    with pytest.raises(DataError) as err:
        read_list_sizes(f)
    assert message(err) == ("list.csv, row 4, field 'CODE': duplicate code 'G82014' (also "
                            "in row 2)")


def test_duplicate_ward_in_the_ward_table(tmp_path):
    f = tmp_path / "ward_localities.csv"
    f.write_text("ward_code,ward_name,locality\nE05002249,A,Chatham\nE05002249,A,Strood\n")
    with pytest.raises(DataError, match=r"ward_localities.csv, row 3, field 'ward_code': "
                                        r"ward 'E05002249' is listed twice"):
        read_ward_table(f)


def test_unknown_crs(tmp_path, medway):
    wards = gpd.read_file(medway / "wards_medway_2013.geojson").to_crs(27700)
    shp = tmp_path / "wards.shp"
    wards.to_file(shp)
    shp.with_suffix(".prj").unlink()                 # a Shapefile sent without its .prj
    with pytest.raises(DataError, match="wards.shp: declares no coordinate reference system"):
        read_boundaries(shp)


def test_wrong_declared_crs(tmp_path, medway):
    wards = gpd.read_file(medway / "wards_medway_2013.geojson").to_crs(27700)
    wards = wards.set_crs(4326, allow_override=True)  # metres labelled as degrees
    path = tmp_path / "wards.gpkg"
    wards.to_file(path)
    with pytest.raises(DataError, match="not in the UK once reprojected"):
        read_boundaries(path)


def test_invalid_polygon(tmp_path):
    bowtie = shapely.Polygon([(0.50, 51.38), (0.52, 51.40), (0.52, 51.38), (0.50, 51.40)])
    good = shapely.box(0.53, 51.38, 0.55, 51.40)
    path = tmp_path / "wards.geojson"
    gpd.GeoDataFrame({"WD13CD": ["E1", "E2"]}, geometry=[good, bowtie], crs=4326) \
        .to_file(path)
    with pytest.raises(DataError) as err:
        read_boundaries(path)
    assert message(err).startswith("wards.geojson, row 2, field 'geometry': feature is not "
                                   "a valid polygon (Self-intersection")


def test_postcode_not_found_is_reported_with_file_row_and_field(tmp_path, medway):
    lookup = tmp_path / "postcodes.csv"
    lookup.write_text("pcds,lat,long\nME1 1AA,51.388,0.505\n")
    inputs = ImportInputs(epraccur=epraccur(tmp_path, "ME7 2BU"), postcodes=lookup,
                          boundaries=medway / "wards_medway_2013.geojson",
                          ward_localities=medway / "ward_localities.csv")
    with pytest.raises(DataError, match="no practice could be placed"):
        run_import(inputs)
    f = tmp_path / "epraccur.csv"
    f.write_text(EPR_ROW.format(pc="ME7 2BU") + EPR_ROW.format(pc="ME1 1AA")
                 .replace("G82014", "G82051"))
    result = run_import(inputs)
    assert result.dataset.practices["practice_code"].tolist() == ["G82051"]
    assert result.report.without_coordinates[0].startswith(
        "epraccur.csv, row 1, field 'postcode': G82014")
    assert "ME7 2BU not found in postcodes.csv" in result.report.without_coordinates[0]


def test_latitude_and_longitude_swapped(tmp_path):
    f = tmp_path / "sites.csv"
    f.write_text("odsCode,name,postcode,latitude,longitude\n"
                 "G82014,A,ME7 2BU,51.378,0.566\nG82051,B,ME1 2AY,0.511,51.372\n")
    with pytest.raises(DataError) as err:
        read_gp_sites(f)
    assert message(err).startswith("sites.csv, row 3, field 'latitude': latitude 0.511 and "
                                   "longitude 51.372 look swapped")


def test_coordinates_outside_the_uk(tmp_path):
    f = tmp_path / "postcodes.csv"
    f.write_text("pcds,lat,long\nME1 1AA,51.388,0.505\nME1 1AB,40.71,-74.0\n")
    with pytest.raises(DataError, match=r"postcodes.csv, row 3, field 'lat': \(40.71, -74\) "
                                        "is outside the UK"):
        read_postcode_lookup(f)


def test_json_site_outside_the_uk(tmp_path):
    f = tmp_path / "sites.json"
    f.write_text(json.dumps([{"odsCode": "G82014", "location": {
        "postcode": "ME7 2BU", "latitude": 0.566, "longitude": 51.378}}]))
    with pytest.raises(DataError, match="sites.json, field 'location.latitude': record 1 "
                                        r"\(G82014\): latitude 0.566 and longitude 51.378 "
                                        "look swapped"):
        read_gp_sites(f)


def test_utf8_bom_and_windows_1252_names_load_intact(tmp_path, medway):
    table = tmp_path / "ward_localities.csv"
    text = (medway / "ward_localities.csv").read_text().replace("Chatham", "Chatham Café")
    table.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))     # Excel's "CSV UTF-8"
    frame = read_ward_table(table)
    assert list(frame.columns) == ["ward_code", "ward_name", "locality"]   # BOM not in name
    assert "Chatham Café" in set(frame["locality"])
    sites = tmp_path / "sites.csv"
    sites.write_bytes("odsCode,name,postcode,latitude,longitude\n"
                      "G82133,St Mary’s Surgery – Café,ME2 4DG,51.3975,0.4966\n"
                      .encode("cp1252"))                         # Excel's plain "CSV"
    assert read_gp_sites(sites)["name"].iloc[0] == "St Mary’s Surgery – Café"


def test_a_100k_row_file_loads_quickly(tmp_path):
    rows = "\n".join(f"P{i:05d},{1000 + i % 9000}" for i in range(100_000))
    f = tmp_path / "gp-reg-pat-prac-all.csv"
    f.write_text("CODE,NUMBER_OF_PATIENTS\n" + rows + "\n")
    start = time.perf_counter()
    frame, _ = read_list_sizes(f)
    elapsed = time.perf_counter() - start
    assert len(frame) == 100_000
    assert elapsed < 30, f"{elapsed:.1f}s"      # generous: a hang, not a benchmark
    big = tmp_path / "onspd.csv"
    big.write_text("pcds,lat,long,other\n" + "\n".join(
        f"ME{i // 1000} {i % 1000:03d},51.{i % 9000 + 1000},0.5,x" for i in range(100_000))
        + "\nME99 9ZZ,51.4,0.5,x\n")
    lookup = read_postcode_lookup(big, wanted=["ME99 9ZZ"])
    assert lookup.index.tolist() == ["ME999ZZ"]


def test_a_file_that_is_not_a_csv(tmp_path):
    f = tmp_path / "epraccur.csv"
    f.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200))   # a zip, renamed
    with pytest.raises(DataError, match="epraccur.csv: this is not a text CSV file"):
        read_epraccur(f)


def test_another_csv_given_as_epraccur(tmp_path, medway):
    with pytest.raises(DataError, match="ward_localities.csv, row 1: has 3 columns; an ODS "
                                        "epraccur file has 27"):
        read_epraccur(medway / "ward_localities.csv")


def test_broken_json(tmp_path):
    f = tmp_path / "sites.json"
    f.write_text('[{"odsCode": "G82014", ')
    with pytest.raises(DataError, match="sites.json: is not valid JSON"):
        read_gp_sites(f)


def test_a_ward_table_that_does_not_match_the_boundary_file(tmp_path, medway):
    wards = read_boundaries(medway / "wards_medway_2013.geojson")
    table = pd.DataFrame({"ward_code": ["E05013000", "E05013001"],
                          "ward_name": ["Chatham Central & Brompton", "Fort Horsted"],
                          "locality": ["Chatham", "Chatham"]})
    with pytest.raises(DataError) as err:
        dissolve_localities(wards, table, boundary_label="wards_medway_2013.geojson",
                            table_label="wards_2023.csv")
    assert message(err).startswith("wards_2023.csv, row 2, field 'ward_code': none of its "
                                   "ward codes")


def test_census_area_counted_twice(tmp_path):
    f = tmp_path / "census.csv"
    f.write_text("lsoa21_code,lsoa21_name,usual_residents\nE01016016,Medway 015A,1\n"
                 "E01016016,Medway 015A,2\n")
    with pytest.raises(DataError, match=r"census.csv, row 3, field 'lsoa21_code': area "
                                        "'E01016016' is counted twice"):
        read_census_residents(f)


def test_a_failed_import_changes_nothing(tmp_path, medway):
    open_ds = load_sample()
    before = copy.deepcopy(open_ds)
    bad = tmp_path / "list.csv"
    bad.write_text("CODE,NUMBER_OF_PATIENTS\nG82014,-5\n")
    out = tmp_path / "out"
    inputs = ImportInputs(epraccur=medway / "epraccur_medway.csv", commissioner="09W",
                          sites=medway / "nhs_choices_gp_sites_medway_2017-02.json",
                          list_sizes=bad, boundaries=medway / "wards_medway_2013.geojson",
                          ward_localities=medway / "ward_localities.csv")
    with pytest.raises(DataError, match="list.csv, row 2, field 'NUMBER_OF_PATIENTS'"):
        run_import(inputs)
    assert not out.exists()
    pd.testing.assert_frame_equal(open_ds.practices, before.practices)


def test_cli_bad_input_is_one_line_exit_2(tmp_path, medway, capsys):
    from cli import main as cli_main
    bad = tmp_path / "list.csv"
    bad.write_text("CODE,NUMBER_OF_PATIENTS\nG82014,lots\n")
    code = cli_main(["import", "--epraccur", str(medway / "epraccur_medway.csv"),
                     "--sites", str(medway / "nhs_choices_gp_sites_medway_2017-02.json"),
                     "--list-sizes", str(bad),
                     "--boundaries", str(medway / "wards_medway_2013.geojson"),
                     "--ward-localities", str(medway / "ward_localities.csv"),
                     "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == ("error: list.csv, row 2, field 'NUMBER_OF_PATIENTS': 'lots' is not "
                           "a whole number")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- canonical folder

def edit_csv(path, fn):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = fn(frame)
    (frame if out is None else out).to_csv(path, index=False)


def _set(col, value, row=0):
    def fn(frame):
        frame.loc[row, col] = value
    return fn


FOLDER_CASES = [
    ("missing column", "practices.csv", lambda f: f.drop(columns="list_size"),
     "practices.csv, field 'list_size': missing column"),
    ("duplicate code", "practices.csv", _set("practice_code", "X80001", 1),
     "practices.csv, row 3, field 'practice_code': duplicate code 'X80001' (also in row 2)"),
    ("branch without parent", "practices.csv", _set("parent_code", "X99999", 52),
     "practices.csv, row 54, field 'parent_code': branch's parent practice 'X99999'"),
    ("branch with patients", "practices.csv", _set("list_size", "100", 52),
     "practices.csv, row 54, field 'list_size': a branch's list_size must be 0"),
    ("non-numeric list size", "practices.csv", _set("list_size", "3,0x3"),
     "practices.csv, row 2, field 'list_size': '3,0x3' is not a whole number"),
    ("unknown locality", "practices.csv", _set("locality", "Stroud"),
     "practices.csv, row 2, field 'locality': locality 'Stroud' is not one of"),
    ("swapped coordinates", "hubs.csv",
     lambda f: f.assign(latitude=f["longitude"], longitude=f["latitude"]),
     "hubs.csv, row 2, field 'latitude': latitude 0.5075 and longitude 51.3795 look swapped"),
    ("bad hub status", "hubs.csv", _set("status", "maybe"),
     "hubs.csv, row 2, field 'status': status 'maybe' must be one of"),
    ("negative dwellings", "housing_sites.csv", _set("dwellings", "-20"),
     "housing_sites.csv, row 2, field 'dwellings': -20 is below the minimum 0"),
    ("completions above dwellings", "housing_sites.csv", _set("y2017", "9999"),
     "housing_sites.csv, row 2, field 'y2017': per-year completions add up to"),
    ("no phasing", "housing_sites.csv",
     lambda f: f.assign(start_year="", **{c: "" for c in f.columns if c.startswith("y20")}),
     "field 'start_year': give start_year"),
    ("bad include flag", "housing_sites.csv", _set("include", "perhaps"),
     "housing_sites.csv, row 2, field 'include': 'perhaps' is not true/false"),
]


@pytest.mark.parametrize("name,file,breaker,expected", FOLDER_CASES,
                         ids=[c[0] for c in FOLDER_CASES])
def test_broken_canonical_folder(sample_copy, name, file, breaker, expected):
    edit_csv(sample_copy / file, breaker)
    with pytest.raises(DataError) as err:
        load_folder(sample_copy)
    assert expected in message(err)


def test_folder_missing_a_file(sample_copy):
    (sample_copy / "hubs.csv").unlink()
    with pytest.raises(DataError, match="the data folder lacks hubs.csv"):
        load_folder(sample_copy)


def test_folder_locality_polygon_invalid(sample_copy):
    loc = gpd.read_file(sample_copy / "localities.geojson")
    minx, miny, maxx, maxy = loc.geometry.iloc[1].bounds
    loc.loc[1, "geometry"] = shapely.Polygon([(minx, miny), (maxx, maxy), (maxx, miny),
                                              (minx, maxy)])
    loc.to_file(sample_copy / "localities.geojson", driver="GeoJSON")
    with pytest.raises(DataError, match=r"localities.geojson, row 2, field 'geometry': "
                                        r"locality '.*' is not a valid polygon"):
        load_folder(sample_copy)


def test_folder_population_residents_not_a_number(sample_copy):
    (sample_copy / "population.csv").write_text(
        "area_code,area_name,residents,latitude,longitude\nE1,A,1500,51.38,0.55\n"
        "E2,B,many,51.39,0.56\n")
    with pytest.raises(DataError, match="population.csv, row 3, field 'residents': 'many'"):
        load_folder(sample_copy)


def test_folder_with_bom_and_windows_1252_names_loads_intact(sample_copy):
    path = sample_copy / "practices.csv"
    text = path.read_text(encoding="utf-8").replace("Halling Family Practice",
                                                    "Hålling Café – St Mary’s")
    path.write_bytes(text.encode("cp1252"))
    hubs = sample_copy / "hubs.csv"
    hubs.write_bytes(b"\xef\xbb\xbf" + hubs.read_bytes())
    ds = load_folder(sample_copy)
    assert ds.practices.at[0, "name"] == "Hålling Café – St Mary’s"
    assert "hub_id" in ds.hubs.columns and len(ds.hubs) == 6
