"""Issue 25, items 1, 2 and 8: nothing lost whatever the path. `--out` naming an input or a
place inside the data folder is refused before any work by every command (one check,
cli/common.py); folder writes (the roads import included) are whole or not at all, with the
user's umask; a full disk names the path; messages say which scenario or option is wrong.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import UserError, build_parser, main
from geo import roads as R
from tests.hostile_kit import tried
from tests.roads_fixture import write_river_osm

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"




def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def refused(capsys, argv) -> str:
    tried()
    code = main(argv)
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)
    return lines[0]


# ------------------------------------------------ 1. --out is never an input

OVERWRITES = {   # the cases of issue 25, item 1: each destroyed its input with exit 0
    "demand over practices.csv": (["demand", "--data", "{D}", "--out", "{D}/practices.csv"],
                                  "practices.csv"),
    "group over its --practices": (["group", "--practices", "{D}/practices.csv", "--out",
                                    "{D}/practices.csv"], "practices.csv"),
    "report over practices.csv": (["report", "--data", "{D}", "--out", "{D}/practices.csv"],
                                  "practices.csv"),
    "export over localities.geojson": (["export", "--data", "{D}", "--out",
                                        "{D}/localities.geojson"], "localities.geojson"),
    "export over roads.gpkg": (["export", "--data", "{D}", "--out", "{D}/roads.gpkg"],
                               "roads.gpkg"),
    "export over its data folder": (["export", "--data", "{D}", "--out", "{D}"], None),
    "hubs over hubs.csv": (["hubs", "--data", "{D}", "--out", "{D}/hubs.csv"], "hubs.csv"),
    "import --roads over its folder": (["import", "--data", "{D}", "--roads", "{OSM}",
                                        "--out", "{D}"], None),
    "demand into the data folder": (["demand", "--data", "{D}", "--out", "{D}/new.csv"],
                                     None),
}


@pytest.mark.parametrize("case", sorted(OVERWRITES))
def test_out_naming_an_input_is_refused_and_changes_nothing(data, tmp_path, capsys, case):
    argv, victim = OVERWRITES[case]
    osm = write_river_osm(tmp_path / "river.osm")
    before = snapshot(data)
    line = refused(capsys, [a.format(D=data, OSM=osm) for a in argv])
    assert "--out" in line and ("input" in line or "data folder" in line), line
    assert snapshot(data) == before
    if victim:
        assert victim in line


def test_writing_a_data_folder_over_its_input_needs_force(data, tmp_path, capsys):
    line = refused(capsys, ["export", "--data", str(data), "--out", str(data)])
    assert "--force" in line
    osm = write_river_osm(tmp_path / "river.osm")
    line = refused(capsys, ["import", "--data", str(data), "--roads", str(osm), "--out",
                            str(data)])
    assert "--force" in line
    tried()
    assert main(["import", "--data", str(data), "--roads", str(osm), "--out", str(data),
                 "--force"]) == 0
    assert (data / "practices.csv").is_file() and R.has_roads(data)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".D.")] == []


def test_out_that_holds_the_data_folder_is_refused(data, tmp_path, capsys):
    line = refused(capsys, ["export", "--data", str(data), "--out", str(tmp_path)])
    assert "holds the input" in line


def test_out_through_a_symbolic_link_to_the_input_is_refused(data, tmp_path, capsys):
    link = tmp_path / "alias.csv"
    link.symlink_to(data / "practices.csv")
    line = refused(capsys, ["group", "--practices", str(data / "practices.csv"), "--out",
                            str(link)])
    assert "is the input --practices" in line


@pytest.mark.parametrize("writer", ["export (atomic folder)", "import --roads"])
def test_a_symbolic_link_to_a_folder_is_written_through(tmp_path, capsys, writer):
    """The link stays a link, the folder it points to gets the files, nothing is left."""
    from geo.canonical import load_sample
    from geo.export import export_dataset
    tried()
    real = tmp_path / "real"
    real.mkdir()
    (real / "mine.txt").write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    osm = write_river_osm(tmp_path / "river.osm")
    if writer == "import --roads":
        assert main(["import", "--data", str(SAMPLE), "--roads", str(osm), "--out",
                     str(link)]) == 0
    else:
        export_dataset(load_sample(), link, "csv")
    assert link.is_symlink() and (real / "practices.csv").is_file()
    assert (real / "mine.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real", "river.osm"]


def test_new_commands_call_the_check_in_one_line(data, tmp_path):
    """What compare / s106 / capacity call for an output option of their own."""
    from cli.common import check_output
    tried(2)
    with pytest.raises(UserError, match="is the input --plan"):
        check_output(str(data / "hubs.csv"), "file", inputs=[("--plan", data / "hubs.csv")])
    assert check_output(str(tmp_path / "ok.csv"), "file",
                        inputs=[("--plan", data / "hubs.csv")]) == tmp_path / "ok.csv"


SPELLINGS = st.sampled_from(["{D}/practices.csv", "{D}/./practices.csv",
                             "{D}/../sample/practices.csv", "{D}//hubs.csv", "{D}/sub/x.csv",
                             "{D}/housing_sites.csv", "{D}", "{D}/.", "{D}/localities.geojson"])


@settings(max_examples=40, deadline=None, derandomize=True)
@given(spelling=SPELLINGS, command=st.sampled_from(["demand", "hubs", "report", "group",
                                                     "export"]))
def test_any_spelling_of_a_path_in_the_data_folder_is_refused(spelling, command):
    """Property: however the path is spelt, --out inside --data is refused (before work)."""
    from cli.common import check_command_output
    tried()
    data = str(SAMPLE)
    out = spelling.format(D=data)
    args = build_parser().parse_args(([command, "--practices", f"{data}/practices.csv"]
                                      if command == "group" else [command, "--data", data])
                                     + ["--out", out])
    with pytest.raises(UserError):
        check_command_output(args)


# ------------------------------------------------ 2. atomic folder writes, umask

def test_roads_import_to_a_full_disk_leaves_nothing(data, tmp_path, capsys, monkeypatch):
    for name in (R.ROADS_FILE, R.ROADS_ABOUT):
        (data / name).unlink(missing_ok=True)
    osm = write_river_osm(tmp_path / "river.osm")
    out = tmp_path / "NEW"

    def full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    line = refused(capsys, ["import", "--data", str(data), "--roads", str(osm), "--out",
                            str(out)])
    assert "No space left on device" in line and str(out) in line
    assert not out.exists()                   # not a folder that loads without roads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["D", "river.osm"]   # no litter


def test_roads_import_over_an_existing_folder_is_all_or_nothing(data, tmp_path, capsys,
                                                                 monkeypatch):
    osm = write_river_osm(tmp_path / "river.osm")
    out = tmp_path / "OLD"
    shutil.copytree(data, out)
    (out / "practices.csv").write_text((out / "practices.csv").read_text()
                                       .replace("Halling", "Old Halling"))
    before = snapshot(out)
    real = pyogrio.write_dataframe
    calls = []

    def dies_on_second_layer(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*a, **k)
    monkeypatch.setattr(pyogrio, "write_dataframe", dies_on_second_layer)
    refused(capsys, ["import", "--data", str(data), "--roads", str(osm), "--out", str(out)])
    assert snapshot(out) == before


def test_folders_are_written_with_the_users_umask(tmp_path):
    """Not drwx------: colleagues on a shared drive can open what was written."""
    from geo.canonical import load_sample
    from geo.export import export_dataset
    tried(2)
    osm = write_river_osm(tmp_path / "river.osm")
    old = os.umask(0o022)
    try:
        assert main(["import", "--data", str(SAMPLE), "--roads", str(osm), "--out",
                     str(tmp_path / "shared")]) == 0
        export_dataset(load_sample(), tmp_path / "csv", "csv")
    finally:
        os.umask(old)
    for name in ("shared", "csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o755, name


# ------------------------------------------------ 8. messages

def _scenario(tmp_path, name, change) -> Path:
    from geo.canonical import load_sample
    from models.plan import Plan
    from models.scenario import save_scenario
    from models.scenario.plan_io import scenario_from_plan
    path = tmp_path / f"{name}.scenario.json"
    save_scenario(scenario_from_plan(Plan(load_sample()), name), path)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))
    return path


def test_scenario_refusals_name_the_scenario_file(tmp_path, capsys):
    gone = _scenario(tmp_path, "gone", lambda d: d.update(
        data={"kind": "folder", "path": str(tmp_path / "moved"), "fingerprint": ""}))
    line = refused(capsys, ["demand", "--scenario", str(gone)])
    assert "gone.scenario.json" in line and "data folder" in line
    bad = _scenario(tmp_path, "bad", lambda d: d.update(
        assumptions={"persons_per_dwelling": 99}))
    line = refused(capsys, ["demand", "--scenario", str(bad)])
    assert "bad.scenario.json" in line and "persons_per_dwelling" in line


def test_a_scenario_on_other_data_warns_once_and_runs(data, tmp_path, capsys):
    """Its locks on practices the data lacks are said to be ignored, and are."""
    tried()
    locked = _scenario(tmp_path, "locks", lambda d: d.update(
        locks={"together": [["X80001", "X80002"]], "apart": [["X80003", "X80004"]]}))
    p = pd.read_csv(data / "practices.csv", dtype=str, keep_default_na=False)
    gone = {"X80001", "X80002"}
    p[~p.practice_code.isin(gone) & ~p.parent_code.isin(gone)].to_csv(
        data / "practices.csv", index=False)
    (data / "capacity.csv").unlink(missing_ok=True)   # it names the practices taken out
    code = main(["group", "--data", str(data), "--scenario", str(locked)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "ignored: X80001, X80002" in err and "error" not in err


def test_more_groups_than_practices_is_one_line(capsys):
    line = refused(capsys, ["group", "--groups", "1000000"])
    assert "1,000,000" in line and "(51)" in line


def test_no_space_left_names_the_path(tmp_path, capsys, monkeypatch):
    real = pd.DataFrame.to_csv

    def full(self, path=None, *a, **k):
        if path is None:
            return real(self, path, *a, **k)
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    out = tmp_path / "demand.csv"
    line = refused(capsys, ["demand", "--out", str(out)])
    assert line == f"error: cannot read or write {out}: No space left on device"
    assert list(tmp_path.iterdir()) == []
