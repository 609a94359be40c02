"""Timetable input: a published feed read and stored; bad feeds refused in one line naming
the file and field, changing nothing (reader and `import --timetable`); `hubs --travel
transit` on the command line."""
from __future__ import annotations

import re
import zipfile

import pytest

from cli import main
from geo import io_gtfs
from geo.errors import DataError
from tests.southampton_fixture import FEED, write_southampton_folder
from tests.transit_fixture import write_feed

GOOD = [("t1", "S", [("A", "09:00:00"), ("B", "09:10:00"), ("C", "09:20:00")])]


def _refused(path, *words):
    with pytest.raises(DataError) as err:
        io_gtfs.read_feed(path)
    line = str(err.value)
    assert "\n" not in line
    for w in words:
        assert w in line, line
    return line


def test_a_good_feed_reads_as_a_zip_and_as_a_folder(tmp_path):
    for feed in (io_gtfs.read_feed(write_feed(tmp_path / "f.zip", GOOD)),
                 io_gtfs.read_feed(write_feed(tmp_path / "dir", GOOD, as_zip=False))):
        assert feed.counts()["stop_times"] == 3 and len(feed.stops) == 4
        assert feed.source["valid_from"] == "2025-06-01"
        assert feed.source["agencies"] == ["Test Buses"]


def test_a_truncated_zip_is_refused(tmp_path):
    whole = write_feed(tmp_path / "f.zip", GOOD).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    _refused(cut, "cut.zip", "truncated")


def test_a_missing_required_file_is_named(tmp_path):
    _refused(write_feed(tmp_path / "f.zip", GOOD, drop=["stop_times.txt"]),
             "f.zip/stop_times.txt", "required GTFS file missing")
    _refused(write_feed(tmp_path / "g.zip", GOOD, calendar=[]), "calendar.txt",
             "calendar_dates.txt")


def test_times_past_48_hours_are_refused_with_row_and_field(tmp_path):
    bad = [("t1", "S", [("A", "47:00:00"), ("B", "48:10:00")])]
    _refused(write_feed(tmp_path / "f.zip", bad), "stop_times.txt", "row 3",
             "field 'arrival_time'", "48:10:00", "past 48:00:00")
    bad = [("t1", "S", [("A", "9h00"), ("B", "09:10:00")])]
    _refused(write_feed(tmp_path / "g.zip", bad), "stop_times.txt", "row 2", "not a time")


def test_a_stop_without_coordinates_is_refused(tmp_path):
    stops = [("A", "Stop A", "", ""), ("B", "Stop B", 51.0, -1.4), ("C", "Stop C", 51.0, -1.3)]
    _refused(write_feed(tmp_path / "f.zip", GOOD, stops=stops), "stops.txt", "row 2",
             "field 'stop_lat'", "'A' has no coordinates")


def test_a_trip_with_one_stop_is_refused(tmp_path):
    bad = GOOD + [("lonely", "S", [("A", "10:00:00")])]
    _refused(write_feed(tmp_path / "f.zip", bad), "stop_times.txt", "field 'trip_id'",
             "'lonely' calls at one stop only")


def test_a_calendar_that_never_runs_is_refused(tmp_path):
    _refused(write_feed(tmp_path / "f.zip", GOOD,
                        calendar=[("S", "0000000", "20250601", "20250831")]),
             "calendar.txt", "never runs")
    _refused(write_feed(tmp_path / "g.zip", GOOD,
                        calendar=[("S", "1111100", "20250901", "20250801")]),
             "calendar.txt", "field 'end_date'", "before start_date")


def test_a_2_gb_zip_is_refused_before_anything_is_extracted(tmp_path, monkeypatch):
    huge = tmp_path / "england.zip"
    with open(huge, "wb") as f:            # sparse: no disk is used
        f.truncate(2 * 1024 ** 3)
    _refused(huge, "england.zip", "2.0 GB", "larger than")
    # A small zip that would unpack to more than the limit is refused from its directory.
    monkeypatch.setattr(io_gtfs, "MAX_UNPACKED_BYTES", 100)
    _refused(write_feed(tmp_path / "f.zip", GOOD), "f.zip", "unpacks to")


def test_import_refuses_a_bad_feed_and_changes_nothing(tmp_path, capsys):
    folder = write_southampton_folder(tmp_path / "data")
    before = sorted(p.name for p in folder.iterdir())
    bad = write_feed(tmp_path / "bad.zip", GOOD, drop=["stops.txt"])
    out = tmp_path / "out"
    assert main(["import", "--data", str(folder), "--timetable", str(bad), "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.zip/stops.txt" in err[0]
    assert sorted(p.name for p in folder.iterdir()) == before and not out.exists()
    # Into the folder itself (--force): refused the same way, the folder as it was.
    assert main(["import", "--data", str(folder), "--timetable", str(bad), "--out",
                 str(folder), "--force"]) == 2
    assert sorted(p.name for p in folder.iterdir()) == before


def test_hubs_travel_transit_without_a_timetable_says_how_to_add_one(tmp_path, capsys):
    folder = write_southampton_folder(tmp_path / "data")
    assert main(["hubs", "--data", str(folder), "--travel", "transit", "--add", "0"]) == 2
    assert "--timetable" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not FEED.is_file(), reason="the GTFS feed in ../shared is absent")
def test_import_the_real_feed_and_run_hubs_by_public_transport(tmp_path, capsys):
    plain = write_southampton_folder(tmp_path / "data")
    out = tmp_path / "with_timetable"
    assert main(["import", "--data", str(plain), "--timetable", str(FEED), "--out",
                 str(out)]) == 0
    text = capsys.readouterr().out
    assert "routes" in text and "valid 2025-06-15 to 2025-08-30" in text
    assert not io_gtfs.has_timetable(plain) and io_gtfs.has_timetable(out)
    feed = io_gtfs.load_feed(out)
    assert feed.source["file"] == FEED.name and "Open Government Licence" in \
        feed.source["licence"]
    assert feed.counts()["stops"] < 2643                 # clipped to the area + margin
    hubs_csv = tmp_path / "hubs_out.csv"
    assert main(["hubs", "--data", str(out), "--travel", "transit", "--add", "1",
                 "--out", str(hubs_csv)]) == 0
    text = capsys.readouterr().out
    assert "Tue 08 Jul 2025 09:00–10:00" in text and "2025-06-15 to 2025-08-30" in text
    assert "15 / 30 / 45 minutes" in text
    m = re.search(r"^objective_minutes before=(\S+) after=(\S+)$", text, re.MULTILINE)
    assert m and float(m.group(2)) <= float(m.group(1))
    assert "mean_minutes" in hubs_csv.read_text().splitlines()[0]
    # A day outside the validity is refused; a night with no bus says so.
    assert main(["hubs", "--data", str(out), "--travel", "transit", "--add", "0",
                 "--date", "2026-01-06"]) == 2
    assert "outside the timetable's validity" in capsys.readouterr().err
    assert main(["hubs", "--data", str(out), "--travel", "transit", "--add", "0",
                 "--window-start", "03:00"]) == 0
    assert "No bus or train" in capsys.readouterr().out
    assert zipfile.is_zipfile(FEED)
