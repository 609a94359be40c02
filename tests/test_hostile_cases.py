"""Named hostile cases, one or more per failure class of issue 15 (library level).

Each case: the reader/writer either gives the right answer or refuses with one line naming
the file (row, field); inputs and earlier outputs are never changed.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo import io_housing, io_nhs
from geo.atomic import atomic_folder, atomic_path, sweep_stale
from geo.canonical import load_folder, read_housing, read_practices
from geo.errors import DataError
from geo.export import export_dataset, load_export
from geo.io_population import read_census_residents
from geo.tables import parse_numbers
from tests.hostile_kit import refuses_cleanly, tried

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
NAMES = {"Strood", "Rochester", "Chatham", "Gillingham", "Rainham", "Hoo Peninsula"}


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(SAMPLE, dest)
    return dest


def edit(path: Path, row: int, column: str, value: str) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)


def refusal(fn, *args, **kwargs) -> str:
    tried()
    with pytest.raises(DataError) as err:
        fn(*args, **kwargs)
    message = str(err.value)
    assert "\n" not in message
    return message


# ------------------------------------------------ 1. numbers: one parser with bounds

@pytest.mark.parametrize("value", ["inf", "-inf", "1e308", "9" * 400, "NaN", "1e999",
                                   "0x10", "1_000"])
@pytest.mark.parametrize("file,column", [("practices.csv", "list_size"),
                                         ("housing_sites.csv", "dwellings"),
                                         ("housing_sites.csv", "y2019"),
                                         ("housing_sites.csv", "start_year"),
                                         ("practices.csv", "gp_wte"),
                                         ("hubs.csv", "capacity_patients")])
def test_hostile_numbers_are_refused_with_file_row_field(sample_copy, value, file, column):
    edit(sample_copy / file, 0, column, value)
    message = refusal(load_folder, sample_copy)
    assert message.startswith(f"{file}, row 2, field '{column}': ")


@pytest.mark.parametrize("reader,text,field", [
    (io_nhs.read_list_sizes, "CODE,NUMBER_OF_PATIENTS\nG82014,1e308\n",
     "NUMBER_OF_PATIENTS"),
    (read_census_residents, "LSOA11CD,LSOA11NM,All persons\nE01016016,A,inf\n",
     "All persons"),
    (lambda p: io_housing.read_brownfield(p), "SiteReference,GeoX,GeoY,NetDwellingsRangeTo,"
     f"LastUpdatedDate\n1,577000,168000,{'9' * 400},2019-01-24\n", "NetDwellingsRangeTo"),
])
def test_hostile_numbers_in_published_files(tmp_path, reader, text, field):
    f = tmp_path / "f.csv"
    f.write_text(text)
    assert f"f.csv, row 2, field '{field}'" in refusal(reader, f)


def test_number_parser_accepts_plain_numbers():
    tried()
    values = parse_numbers(pd.Series(["1", "2.5", "-3", "1,234", "", "1e3"]), "f", "x")
    assert values.iloc[:4].tolist() == [1, 2.5, -3, 1234] and values.iloc[5] == 1000


# ------------------------------------------------ 2. columns: one resolver, no misreads

def test_optional_columns_any_case_are_read(sample_copy):
    tried(3)
    p = sample_copy / "practices.csv"
    frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    frame.loc[1, "parent_code"] = frame.loc[0, "practice_code"]
    frame.loc[1, "list_size"] = "0"
    frame.loc[0, "gp_wte"] = "7.5"
    frame = frame.rename(columns={"parent_code": "Parent_Code", "gp_wte": "Gp Wte",
                                  "list_size": " LIST_SIZE "})
    frame.to_csv(p, index=False)
    h = sample_copy / "housing_sites.csv"
    housing = pd.read_csv(h, dtype=str, keep_default_na=False)
    housing.loc[0, "include"] = "false"
    housing.rename(columns={"include": "Include", "y2019": "Y2019"}).to_csv(h, index=False)
    ds = load_folder(sample_copy)
    assert ds.practices["parent_code"].iloc[1] == ds.practices["practice_code"].iloc[0]
    assert ds.practices["gp_wte"].iloc[0] == 7.5
    assert not ds.housing["include"].iloc[0] and "y2019" in ds.housing.columns


def test_duplicated_column_is_refused(sample_copy):
    p = sample_copy / "practices.csv"
    text = p.read_text().splitlines()
    text[0] += ",List_Size"
    text[1:] = [line + ",5" for line in text[1:]]
    p.write_text("\n".join(text) + "\n")
    assert "column 'List_Size' appears twice" in refusal(load_folder, sample_copy)


def test_bom_before_cp1252_text(tmp_path):
    tried()
    f = tmp_path / "list.csv"
    f.write_bytes(b"\xef\xbb\xbfCODE,NUMBER_OF_PATIENTS,NAME\r\nG82014,19866,Caf\xe9\r\n")
    frame, _ = io_nhs.read_list_sizes(f)
    assert frame["practice_code"].tolist() == ["G82014"]


def test_swapped_easting_northing_is_detected(tmp_path):
    f = tmp_path / "register.csv"
    f.write_text("SiteReference,GeoX,GeoY,NetDwellingsRangeTo,LastUpdatedDate\n"
                 "1,168000,577000,10,2019-01-24\n2,169000,576000,10,2019-01-24\n")
    medway = (0.43, 51.33, 0.75, 51.49)
    assert "look swapped" in refusal(io_housing.read_brownfield, f, near=medway)
    f.write_text(f.read_text().replace("168000,577000", "577000,168000")
                 .replace("169000,576000", "576000,169000"))
    tried()
    assert len(io_housing.read_brownfield(f, near=medway)[0]) == 2


# ------------------------------------------------ 3. malformed NHS files

@pytest.mark.parametrize("payload", [
    [{"odsCode": "G82014", "location": [51.4, 0.5]}],
    [{"odsCode": "G82014", "location": "51.4,0.5"}],
    [{"odsCode": "G82014", "location": {"latitude": [1], "longitude": {}}}],
    [{"odsCode": {"x": 1}, "location": {}}],
    [{"odsCode": "G82014", "location": {"latitude": True, "longitude": 0.5}}],
    [{"odsCode": "G82014", "location": {"latitude": "NaN", "longitude": "inf"}}],
    "just a string", 42, [],
])
def test_malformed_site_json(tmp_path, payload):
    f = tmp_path / "sites.json"
    f.write_text(json.dumps(payload))
    refuses_cleanly(io_nhs.read_gp_sites, f)


def test_deeply_nested_json(tmp_path):
    f = tmp_path / "sites.json"
    f.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in refusal(io_nhs.read_gp_sites, f)


@pytest.mark.parametrize("make", ["undefined cp1252 byte", "missing", "directory", "binary"])
def test_bad_postcode_lookups(tmp_path, make):
    f = tmp_path / "postcodes.csv"
    if make == "undefined cp1252 byte":
        f.write_bytes(b"pcds,lat,long,name\nME1 1AA,51.388,0.505,Caf\x81\n")
        tried()
        assert len(io_nhs.read_postcode_lookup(f)) == 1
        return
    if make == "directory":
        f.mkdir()
    if make == "binary":
        f.write_bytes(b"PK\x03\x04\x00\x00garbage")
    refusal(io_nhs.read_postcode_lookup, f)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 64])
def test_garbage_xlsx_pcn_file(tmp_path, content):
    f = tmp_path / "ePCN.xlsx"
    f.write_bytes(content)
    assert refusal(io_nhs.read_pcn_partners, f).startswith("ePCN.xlsx: ")


def test_huge_workbook_is_refused_before_opening(tmp_path):
    f = tmp_path / "ePCN.xlsx"
    with open(f, "wb") as fh:       # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 * 2**20)
    assert "too large" in refusal(io_nhs.read_pcn_partners, f)


# ------------------------------------------------ 6. '!' in a folder path

def test_exclamation_mark_in_folder(tmp_path):
    tried(3)
    folder = tmp_path / "Plans!2024" / "data!"
    shutil.copytree(SAMPLE, folder)
    ds = load_folder(folder)
    assert len(ds.localities) > 0
    out = tmp_path / "out!" / "export!.gpkg"
    export_dataset(ds, out)
    assert len(load_export(out).practices) == len(ds.practices)
    geo = tmp_path / "geo!json"
    export_dataset(ds, geo, "geojson")
    assert len(load_export(geo).hubs) == len(ds.hubs)


# ------------------------------------------------ 7. not regular files, absurd sizes

def test_named_pipe_and_dev_zero_are_refused(tmp_path):
    fifo = tmp_path / "practices.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in refusal(read_practices, fifo, NAMES)
    zero = tmp_path / "housing_sites.csv"
    zero.symlink_to("/dev/zero")
    assert "not a regular file" in refusal(read_housing, zero)
    assert "is a folder" in refusal(read_housing, tmp_path)


def test_completion_year_9999_is_refused(sample_copy):
    h = sample_copy / "housing_sites.csv"
    h.write_text(h.read_text().replace("y2021", "y9999", 1))
    assert "completion year 9999" in refusal(load_folder, sample_copy)


def test_too_many_hubs_refused_early(sample_copy):
    h = sample_copy / "hubs.csv"
    rows = [f"H{i},Hub {i},51.38,0.52,proposed,," for i in range(20_000)]
    h.write_text("hub_id,name,latitude,longitude,status,locality,capacity_patients\n"
                 + "\n".join(rows) + "\n")
    assert "too many hubs: about 20,000 rows" in refusal(load_folder, sample_copy)


# ------------------------------------------------ 9. round trips of hostile names

@pytest.mark.parametrize("name", ["Bad\rName", "Line\nBreak", "Tab\tName"])
def test_control_characters_in_names_round_trip(sample_copy, tmp_path, name):
    tried(3)
    p = sample_copy / "practices.csv"
    p.write_bytes(p.read_bytes().replace(b"Halling Family Practice",
                                         f'"{name}"'.encode()))
    ds = load_folder(sample_copy)
    clean = ds.practices["name"].iloc[0]
    assert not any(c in clean for c in "\x00\r\n")
    for target, fmt in ((tmp_path / "x.gpkg", None), (tmp_path / "csv", "csv"),
                        (tmp_path / "gj", "geojson")):
        export_dataset(ds, target, fmt)
        assert load_export(target).practices["name"].iloc[0] == clean


# ------------------------------------------------ 10. formula-safe exports

def test_formulas_are_neutralised_in_csv_and_xlsx(sample_copy, tmp_path):
    tried(2)
    formula = '=HYPERLINK("http://example.invalid","x")'
    edit(sample_copy / "hubs.csv", 0, "name", formula)
    edit(sample_copy / "hubs.csv", 1, "name", "@SUM(A1)")
    ds = load_folder(sample_copy)
    export_dataset(ds, tmp_path / "x.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["hubs"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(c.value == "'" + formula for c in cells)
    export_dataset(ds, tmp_path / "csv", "csv")
    raw = (tmp_path / "csv" / "hubs.csv").read_text()
    assert "'=HYPERLINK" in raw and "'@SUM" in raw
    assert load_folder(tmp_path / "csv").hubs["name"].iloc[0] == formula   # reads back


# ------------------------------------------------ 11. atomic folders, stale temps, layers

def test_folder_write_killed_midway_leaves_the_old_folder(sample_copy, tmp_path,
                                                          monkeypatch):
    tried()
    ds = load_folder(sample_copy)
    out = tmp_path / "out"
    export_dataset(ds, out, "csv")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    ds.hubs.loc[0, "name"] = "Changed"
    calls = {"n": 0}
    real = pd.DataFrame.to_csv

    def dying(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(self, *a, **k)
    monkeypatch.setattr(pd.DataFrame, "to_csv", dying)
    with pytest.raises(OSError):
        export_dataset(ds, out, "csv")
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_stale_temporaries_of_dead_writers_are_swept(tmp_path):
    tried(2)
    target = tmp_path / "export.gpkg"
    dead = 2 ** 22 + 12345          # above the usual pid_max: no such process
    (tmp_path / f".export.gpkg.{dead}-abc.part.gpkg").write_text("torn")
    (tmp_path / f".export.gpkg.{dead}-dir.part").mkdir()
    live = tmp_path / f".export.gpkg.{os.getpid()}-live.part.gpkg"
    live.write_text("in progress")
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(["export.gpkg", live.name])
    assert sweep_stale(target) == 0


def test_user_files_survive_a_folder_swap(tmp_path):
    tried()
    out = tmp_path / "folder"
    out.mkdir()
    (out / "my notes.txt").write_text("mine")
    with atomic_folder(out) as tmp:
        (tmp / "practices.csv").write_text("x\n")
    assert (out / "my notes.txt").read_text() == "mine"


def test_localities_layer_name_is_stable(sample_copy, tmp_path):
    tried()
    ds = load_folder(sample_copy)
    ds.save(tmp_path / "saved")
    doc = json.loads((tmp_path / "saved" / "localities.geojson").read_text())
    assert doc["name"] == "localities"
