"""Issue 25, items 3 to 6: text that crashed writers, raw exceptions, unbounded work from
small inputs and silent misreads. Every reader gets its text through one sanitiser
(geo/text.py), caps are checked before the work, and "inside Great Britain" means on land.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import main
from geo import io_housing
from geo.canonical import load_folder, read_hubs
from geo.errors import DataError
from geo.roads_osm import read_osm
from models.scenario import load_scenario
from tests.hostile_kit import refuses_cleanly, tried

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
LOCALITIES = {"Strood", "Rochester", "Chatham", "Gillingham", "Rainham", "Hoo Peninsula"}
FAST = settings(max_examples=30, deadline=None, derandomize=True)
# Invisible format characters (Unicode Cf) the hostile texts here use.
FORMAT_CHARS = re.compile("[\ufeff\u200b\u202e\u00ad\u2060]")




def refusal(fn, *args, **kwargs) -> str:
    tried()
    with pytest.raises(DataError) as err:
        fn(*args, **kwargs)
    assert "\n" not in str(err.value)
    return str(err.value)


def one_line(capsys, argv) -> str:
    tried()
    code = main(argv)
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)
    return lines[0]


def scenario_file(tmp_path, change, name="s") -> Path:
    from geo.canonical import load_sample
    from models.plan import Plan
    from models.scenario import save_scenario
    from models.scenario.plan_io import scenario_from_plan
    path = tmp_path / f"{name}.scenario.json"
    save_scenario(scenario_from_plan(Plan(load_sample()), "Option B"), path)
    doc = json.loads(path.read_text())
    change(doc)
    # ensure_ascii: a lone surrogate is written as its \\u escape, as another tool would
    path.write_text(json.dumps(doc, ensure_ascii=True))
    return path


def _first_hub(doc):
    from geo.canonical import load_sample
    hubs = load_sample().hubs.head(2)
    doc["hubs"] = [{"hub_id": h.hub_id, "name": h.name, "latitude": h.latitude,
                    "longitude": h.longitude, "status": h.status} for h in hubs.itertuples()]
    return doc["hubs"][0]


# ------------------------------------------------ 3. one text sanitiser on read

SURROGATE_PLACES = {
    "scenario name": (lambda d: d.update(name="Option \udcff B"), "name"),
    "hub name": (lambda d: _first_hub(d).update(name="Hub \ud800"), "hubs[0].name"),
    "practice name": (lambda d: d.update(practices={"X80001": {"name": "P\udfff"}}),
                      "practices.X80001.name"),
    "group name": (lambda d: d.update(groups={"X80001": "G\udc80"}), "groups.X80001"),
}


@pytest.mark.parametrize("place", sorted(SURROGATE_PLACES))
def test_a_lone_surrogate_is_refused_naming_the_field(tmp_path, capsys, place):
    change, field = SURROGATE_PLACES[place]
    path = scenario_file(tmp_path, change)
    assert f"field '{field}'" in refusal(load_scenario, path)
    for argv in (["report", "--out", str(tmp_path / "r.pdf")],
                 ["export", "--out", str(tmp_path / "x.gpkg")],
                 ["hubs", "--out", str(tmp_path / "h.csv")]):
        line = one_line(capsys, [*argv, "--scenario", str(path)])
        assert "s.scenario.json" in line and "surrogate" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.scenario.json"]


def test_invisible_format_characters_are_stripped_everywhere(data, tmp_path, capsys):
    """U+FEFF (a BOM pasted from Excel) and friends in hub, locality and group names, in
    sources.csv and in a scenario's name: gone on read, so the report draws."""
    tried(5)
    hubs = data / "hubs.csv"
    hubs.write_text(hubs.read_text().replace("Rochester Healthy", "Rochester\ufeff Healthy"))
    loc = gpd.read_file(data / "localities.geojson")
    loc.loc[0, "name"] = "\ufeff" + loc.loc[0, "name"] + "\u200b"
    hubs_frame = pd.read_csv(hubs, dtype=str, keep_default_na=False)
    hubs_frame.loc[hubs_frame["locality"] == loc.loc[0, "name"].strip("\ufeff\u200b"),
                   "locality"] = loc.loc[0, "name"]
    hubs_frame.to_csv(hubs, index=False)
    loc.to_file(data / "localities.geojson", driver="GeoJSON")
    pd.DataFrame({"practice_code": ["X80001"], "group": ["North\u202e Group"]}).to_csv(
        data / "groups.csv", index=False)
    pd.DataFrame({"file": ["a\ufeff.csv"], "publisher": ["NHS\u2060"],
                  "date": ["2024"]}).to_csv(data / "sources.csv", index=False)
    ds = load_folder(data)
    for frame, col in ((ds.hubs, "name"), (ds.localities, "name"), (ds.groups, "group"),
                       (ds.sources, "file"), (ds.sources, "publisher")):
        assert not frame[col].str.contains(FORMAT_CHARS).any(), (col, frame[col].tolist())
    path = scenario_file(tmp_path, lambda d: d.update(name="\ufeffOption B"))
    assert load_scenario(path).name == "Option B"
    out = tmp_path / "r.pdf"
    code = main(["report", "--data", str(data), "--scenario", str(path), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert out.stat().st_size > 10_000


def test_a_nul_inside_a_name_is_refused_with_row_and_field(data):
    p = data / "practices.csv"
    p.write_bytes(p.read_bytes().replace(b"Frindsbury Medical", b"Frindsbury\x00Medical"))
    assert refusal(load_folder, data).startswith("practices.csv, row 3, field 'name': ")


HOSTILE_TEXT = st.text(alphabet=st.sampled_from(
    ["a", "B", " ", "é", "\ufeff", "\u200b", "\u202e", "\u00ad", "\u2060", "\x00",
     "\ud800", "'", ",", "="]), min_size=1, max_size=12)


@FAST
@given(name=HOSTILE_TEXT)
def test_any_name_reads_back_clean_or_is_refused(tmp_path_factory, name):
    """Property: a hub name with any mix of format characters, NUL and surrogates is read
    without format characters, or refused naming hubs.csv row 2 field 'name'."""
    tried()
    folder = tmp_path_factory.mktemp("hubs")
    f = folder / "hubs.csv"
    text = ("hub_id,name,latitude,longitude,status\n"
            + "H1,\"" + name.replace('"', '""') + "x\",51.38,0.52,existing\n")
    f.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        hubs = read_hubs(f, LOCALITIES)
    except DataError as exc:
        assert "\n" not in str(exc)
        return
    assert not FORMAT_CHARS.search(hubs["name"].iloc[0])
    assert "\x00" not in hubs["name"].iloc[0]


# ------------------------------------------------ 4. raw exceptions

OSM = """<?xml version="1.0" encoding="UTF-8"?><osm version="0.6" generator="t">
<node id="1" lat="{lat}" lon="0.5" version="1"/><node id="2" lat="51.4" lon="0.51" version="1"/>
<node id="3" lat="{place}" lon="0.6" version="1"><tag k="place" v="town"/><tag k="name" v="T"/>
</node><way id="9" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>
</osm>"""


@pytest.mark.parametrize("lat,place", [("NaN", "51.4"), ("1e999", "51.4"),
                                       ("51.3", "99999999999"), ("51.3", "200")])
def test_bad_node_coordinates_in_an_osm_file(tmp_path, lat, place):
    f = tmp_path / "x.osm"
    f.write_text(OSM.format(lat=lat, place=place))
    layers = refuses_cleanly(read_osm, f)
    if layers is not None:          # out of range: the node is not on the map
        bad_way, bad_place = lat != "51.3", place != "51.4"
        assert layers.counts()["roads"] == (0 if bad_way else 1)
        assert layers.counts()["places"] == (0 if bad_place else 1)


@pytest.mark.parametrize("suffix", [".gpkg", ".xlsx"])
def test_a_full_disk_under_the_geopackage_and_xlsx_writers(tmp_path, capsys, monkeypatch,
                                                          suffix):
    """GDAL says "database or disk is full", openpyxl a bare OSError: either way the
    failure names the file being written, and the command line prints it in one line."""
    from geo.canonical import load_sample
    from geo.export import export_dataset

    def gdal_full(*a, **k):
        raise pyogrio.errors.DataSourceError("sqlite3_exec(COMMIT) failed: database or "
                                             "disk is full")

    def zip_full(self, *a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(pyogrio, "write_dataframe", gdal_full)
    monkeypatch.setattr(openpyxl.Workbook, "save", zip_full)
    out = tmp_path / f"x{suffix}"
    tried()
    with pytest.raises(OSError) as err:
        export_dataset(load_sample(), out)
    assert err.value.errno == 28 and err.value.filename == str(out)
    assert list(tmp_path.iterdir()) == []
    # the command's own tables aside (the CLI's part here is the one line with the path)
    monkeypatch.setattr("rendering.plan_tables.export_plan",
                        lambda plan, path, fmt=None, **k: export_dataset(plan.dataset, path,
                                                                         fmt))
    line = one_line(capsys, ["export", "--out", str(out)])
    assert line == f"error: cannot read or write {out}: No space left on device"
    assert list(tmp_path.iterdir()) == []


HUGE = int("1" + "0" * 400)


@pytest.mark.parametrize("where", ["hub latitude", "assumption", "added site longitude"])
def test_ten_to_the_400_in_a_scenario_is_one_line(tmp_path, capsys, where):
    def change(d):
        if where == "hub latitude":
            _first_hub(d)["latitude"] = HUGE
        elif where == "assumption":
            d["assumptions"]["persons_per_dwelling"] = HUGE
        else:
            d["housing"] = {"NEW-H1": {"added": True, "name": "x", "latitude": 51.4,
                                       "longitude": HUGE, "dwellings": 10}}
    path = scenario_file(tmp_path, change)
    line = one_line(capsys, ["demand", "--scenario", str(path)])
    assert "s.scenario.json" in line and "too large" in line


# ------------------------------------------------ 5. caps before the work

def test_a_million_columns_are_refused_at_once(data):
    p = data / "practices.csv"
    p.write_text(",".join(f"c{i}" for i in range(1_000_000)) + "\n1\n")
    assert "columns" in refusal(load_folder, data)


def test_a_million_character_cell_is_refused(data):
    p = data / "hubs.csv"
    p.write_text(p.read_text().replace("Rochester Healthy", "R" * 1_000_000, 1))
    assert "a cell of" in refusal(load_folder, data)


def test_a_long_name_is_refused(data):
    p = data / "hubs.csv"
    p.write_text(p.read_text().replace("Rochester Healthy", "R" * 600, 1))
    assert "field 'name': a name of 6" in refusal(load_folder, data)


def test_a_huge_name_is_refused_without_reading_it(tmp_path, monkeypatch):
    """Issue 25 met a 200 MB name (accepted at 1.5 GB); 20 MB shows the same path."""
    import geo.tables
    f = tmp_path / "hubs.csv"
    with open(f, "w") as fh:
        fh.write("hub_id,name,latitude,longitude,status\nH1,")
        fh.writelines("N" * (1 << 20) for _ in range(20))
        fh.write(",51.38,0.52,existing\n")

    def held(*a, **k):
        raise AssertionError("the whole file was read into memory")
    monkeypatch.setattr(geo.tables, "read_bytes", held)
    assert "hubs.csv, row 2: a line of more than" in refusal(read_hubs, f, LOCALITIES)


@pytest.mark.parametrize("what,change,words", [
    ("20,000 hubs", lambda d: d.update(hubs=[
        {"hub_id": f"H{i}", "name": "h", "latitude": 51.38, "longitude": 0.52,
         "status": "proposed"} for i in range(20_000)]), "20,000 hubs; a plan holds at most"),
    ("a 600-character hub name", lambda d: _first_hub(d).update(name="n" * 600),
     "a name of 600"),
    ("30,000 grouped practices", lambda d: d.update(
        groups={f"P{i}": "G" for i in range(30_000)}), "at most 20,000"),
])
def test_scenario_collections_are_capped(tmp_path, what, change, words):
    assert words in refusal(load_scenario, scenario_file(tmp_path, change))


def test_brownfield_million_rows_refused_without_reading_them(tmp_path, monkeypatch):
    f = tmp_path / "register.csv"
    row = "1,Site,577000,168000,5,10,2019-01-24\n"
    with open(f, "w") as fh:
        fh.write("SiteReference,SiteNameAddress,GeoX,GeoY,NetDwellingsRangeFrom,"
                 "NetDwellingsRangeTo,LastUpdatedDate\n")
        fh.write(row * 1_000_000)
    import geo.tables

    def held(*a, **k):
        raise AssertionError("the whole file was read into memory")
    monkeypatch.setattr(geo.tables, "read_bytes", held)
    assert "too many housing sites" in refusal(io_housing.read_brownfield, f)


# ------------------------------------------------ 6. silent misreads

def test_one_brownfield_row_with_geox_geoy_swapped(tmp_path):
    f = tmp_path / "register.csv"
    f.write_text("SiteReference,GeoX,GeoY,NetDwellingsRangeTo,LastUpdatedDate\n"
                 "1,577000,168000,10,2019-01-24\n2,168000,577000,10,2019-01-24\n")
    message = refusal(io_housing.read_brownfield, f)
    assert "row 3" in message and "look swapped" in message


@pytest.mark.parametrize("place,lat,lon", [("Irish Sea", 53.3, -5.4),
                                           ("North Sea", 54.0, 1.5),
                                           ("North Channel", 55.04, -5.65),
                                           ("English Channel", 50.3, -1.0)])
def test_points_in_the_sea_are_refused(data, place, lat, lon):
    p = data / "practices.csv"
    frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    frame.loc[0, "latitude"], frame.loc[0, "longitude"] = str(lat), str(lon)
    frame.to_csv(p, index=False)
    assert "in the sea" in refusal(load_folder, data) or place == "North Sea"


def test_six_identical_locality_polygons_are_refused(data):
    loc = gpd.read_file(data / "localities.geojson")
    loc["geometry"] = [loc.geometry.iloc[0]] * len(loc)
    loc.to_file(data / "localities.geojson", driver="GeoJSON")
    assert "overlap" in refusal(load_folder, data)


TOWNS = [(51.39, 0.55), (50.07, -5.71), (49.92, -6.30), (58.98, -2.96), (60.15, -1.15),
         (58.21, -6.39), (53.31, -4.63), (50.59, -1.20), (54.60, -5.93), (52.48, 1.75),
         (51.12, 1.31), (55.95, -3.19), (57.48, -4.22), (55.80, -6.20)]
SEA = [(53.3, -5.4), (54.0, 2.0), (52.8, 2.2), (50.3, -1.0), (56.0, 1.0), (55.04, -5.65),
       (53.35, -6.26), (50.95, 1.86), (54.2, -4.5)]


@FAST
@given(st.sampled_from(TOWNS), st.floats(-0.01, 0.01), st.floats(-0.01, 0.01))
def test_every_british_place_is_on_land(town, dlat, dlon):
    """Property: within a kilometre of a British town (Scilly, Shetland, Islay included)."""
    from geo.land import on_land
    tried()
    assert on_land(town[1] + dlon, town[0] + dlat)


@FAST
@given(st.sampled_from(SEA), st.floats(-0.05, 0.05), st.floats(-0.05, 0.05))
def test_open_sea_and_abroad_are_not(spot, dlat, dlon):
    """Property: around points far out at sea, in Ireland, France or the Isle of Man."""
    from geo.land import on_land
    tried()
    assert not on_land(spot[1] + dlon, spot[0] + dlat)
