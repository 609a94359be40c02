"""Command line: `import --roads`, `import --data DIR --roads F --out DIR2`, `hubs --travel`."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from cli import main
from geo import roads as R
from tests.roads_fixture import write_river_osm

MINUTES = re.compile(r"^objective_minutes before=(\S+) after=(\S+)$")


def _bare_sample(sample_dir, tmp_path):
    folder = tmp_path / "plain"
    shutil.copytree(sample_dir, folder)
    for name in (R.ROADS_FILE, R.ROADS_ABOUT):
        (folder / name).unlink(missing_ok=True)
    return folder


def test_add_roads_to_an_existing_folder(sample_dir, tmp_path, capsys):
    plain = _bare_sample(sample_dir, tmp_path)
    osm = write_river_osm(tmp_path / "river.osm")
    out = tmp_path / "with_roads"
    assert main(["import", "--data", str(plain), "--roads", str(osm), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "5 roads and paths" in text and "OpenStreetMap" in text
    assert R.load_roads(out).counts()["places"] == 3
    assert (out / "practices.csv").read_text() == (plain / "practices.csv").read_text()
    assert not R.has_roads(plain)                      # the source folder is untouched
    # Roads added in place too (DIR2 = DIR).
    assert main(["import", "--data", str(plain), "--roads", str(osm), "--out",
                 str(plain), "--force"]) == 0
    assert R.has_roads(plain)


def test_bad_road_file_is_one_line_and_writes_nothing(sample_dir, tmp_path, capsys):
    plain = _bare_sample(sample_dir, tmp_path)
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"\x00\x01not a pbf")
    out = tmp_path / "out"
    assert main(["import", "--data", str(plain), "--roads", str(bad), "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err
    assert "broken.osm.pbf" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_hubs_by_drive_time_on_the_sample(capsys):
    assert main(["hubs", "--add", "1", "--travel", "drive"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    m = MINUTES.match(lines[-1])
    assert m and float(m.group(2)) < float(m.group(1))
    assert any("mean_minutes" in ln for ln in lines)
    assert any("within 10 / 15 / 20 minutes" in ln for ln in lines)
    assert any("illustrative" in ln for ln in lines)
    assert not any(ln.startswith("objective_km") for ln in lines)


def test_hubs_walk_writes_mean_minutes(tmp_path, capsys):
    out = tmp_path / "hubs.csv"
    assert main(["hubs", "--add", "1", "--travel", "walk", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert "mean_minutes" in table and table["mean_minutes"].notna().any()
    assert MINUTES.match(capsys.readouterr().out.strip().splitlines()[-1])


def test_straight_line_stays_as_it_was(capsys):
    assert main(["hubs", "--add", "1", "--travel", "straight"]) == 0
    straight = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["hubs", "--add", "1"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == straight
    assert straight.startswith("objective_km ")


@pytest.mark.parametrize("argv", [["--practices", "data/sample/practices.csv"], None])
def test_travel_without_roads_is_refused(argv, sample_dir, tmp_path, capsys):
    args = argv or ["--data", str(_bare_sample(sample_dir, tmp_path))]
    if argv:
        args = ["--practices", str(sample_dir / "practices.csv")]
    assert main(["hubs", *args, "--travel", "walk"]) == 2
    err = capsys.readouterr().err
    assert "roads" in err and "straight" in err or "imported roads" in err


def test_import_roads_beside_the_real_published_files(medway, tmp_path, capsys):
    """`import --roads F` with the real Medway files: roads clipped to the real localities
    plus the margin, then hubs by drive time on the result."""
    s = lambda name: str(medway / name)  # noqa: E731
    osm = write_river_osm(tmp_path / "river.osm")      # lies inside Medway (Chatham area)
    out = tmp_path / "real"
    assert main(["import", "--epraccur", s("epraccur_medway.csv"), "--commissioner", "09W",
                 "--sites", s("nhs_choices_gp_sites_medway_2017-02.json"),
                 "--list-sizes", s("gp-reg-pat-prac-all_medway_2021-01.csv"),
                 "--boundaries", s("wards_medway_2013.geojson"),
                 "--ward-localities", s("ward_localities.csv"),
                 "--roads", str(osm), "--quiet", "--out", str(out)]) == 0
    assert "5 roads and paths" in capsys.readouterr().out
    about = R.load_roads(out).source
    assert about["file"] == "river.osm" and about["margin_m"] == 5000
    assert main(["hubs", "--data", str(out), "--add", "1", "--travel", "drive"]) == 0
    assert MINUTES.match(capsys.readouterr().out.strip().splitlines()[-1])


def test_roads_and_a_timetable_are_written_with_the_folder_in_one_step(
        sample_dir, tmp_path, capsys, monkeypatch):
    """`import --data D --roads R --timetable F --out NEW`: one new folder holding both, a
    copy of it keeps its timetable, and a fault while writing leaves no half folder."""
    from geo import io_gtfs
    from tests.transit_fixture import write_feed
    plain = _bare_sample(sample_dir, tmp_path)
    osm = write_river_osm(tmp_path / "river.osm")
    stops = [(s, f"Stop {s}", 51.385, lon) for s, lon in zip("ABCD", (0.50, 0.52, 0.54, 0.56))]
    feed = write_feed(tmp_path / "feed.zip", [("t1", "S", [("A", "09:00:00"),
                                                            ("C", "09:12:00")])], stops=stops)
    both = tmp_path / "both"
    assert main(["import", "--data", str(plain), "--roads", str(osm), "--timetable",
                 str(feed), "--out", str(both)]) == 0
    assert "Timetable:" in capsys.readouterr().out
    assert R.has_roads(both) and io_gtfs.has_timetable(both)
    again = tmp_path / "again"          # roads added to a copy: the timetable comes along
    assert main(["import", "--data", str(both), "--roads", str(osm), "--out", str(again)]) == 0
    assert io_gtfs.has_timetable(again) and R.has_roads(again)

    def full_disk(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(io_gtfs, "save_feed", full_disk)
    crash = tmp_path / "crash"
    assert main(["import", "--data", str(plain), "--roads", str(osm), "--timetable",
                 str(feed), "--out", str(crash)]) == 2
    assert not crash.exists() and sorted(p.name for p in tmp_path.iterdir()
                                         if p.name.startswith("crash")) == []
