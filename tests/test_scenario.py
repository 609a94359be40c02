"""Scenarios: save → open gives back the planner's edits; bad files are refused, harmlessly."""
from __future__ import annotations

import copy
import json
import math
import pickle

import pandas as pd
import pytest

from geo.errors import DataError
from geo.canonical import load_folder, load_sample, locality_of_points
from models.edits import apply_edit
from models.scenario import (DIFF_COLUMN, Scenario, apply_scenario, compare_scenarios,
                             load_scenario, save_scenario, scenario_from_dataset, temp_files)

HOSTILE_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def base():
    return load_sample()


def _same_frames(a, b):
    for layer in ("hubs", "practices", "housing", "localities"):
        pd.testing.assert_frame_equal(getattr(a, layer), getattr(b, layer))


def _edited(base):
    """What a planner does in a session: hubs moved/added/removed, a site on, edits, groups."""
    ds = base.copy()
    hubs = ds.hubs
    strood = hubs.index[hubs["hub_id"] == "HLC-STR"][0]
    hubs.loc[strood, ["latitude", "longitude"]] = [51.4012345678, 0.4801234567]
    new = {"hub_id": "NEW-1", "name": HOSTILE_NAME, "latitude": 51.35, "longitude": 0.6,
           "status": "proposed", "capacity_patients": float("nan"),
           "locality": locality_of_points(ds.localities, [0.6], [51.35])[0]}
    ds.hubs = pd.concat([hubs[hubs["hub_id"] != "HLC-CHA"], pd.DataFrame([new])],
                        ignore_index=True).astype(base.hubs.dtypes.to_dict())
    lodge = ds.housing.loc[~ds.housing["include"], "site_id"].iloc[0]
    apply_edit(ds, "housing", lodge, "include", True)
    apply_edit(ds, "housing", "H01", "dwellings", 400)
    apply_edit(ds, "practices", "X80001", "list_size", 5_123)
    apply_edit(ds, "practices", "X80002", "gp_wte", "")          # GP WTE now unknown
    apply_edit(ds, "practices", "X80003", "name", "Higham Road – “New” Surgery")
    mains = ds.main_practices()["practice_code"]
    ds.groups = pd.DataFrame({"practice_code": mains,
                              "group": [f"Group {i % 7}" for i in range(len(mains))]})
    return ds


LOCKS = {"together": [["X80001", "X80002", "X80005"]], "apart": [["X80003", "X80004"]],
         "fixed": {"X80006": "Group 5"}}
ASSUMPTIONS = {"persons_per_dwelling": 2.5, "gain": {"low": 0.5, "central": 1.0},
               "note": "user-edited & <b>bold</b>", "rooms": [1.0, 1.2, 1.4], "flag": None}
GROUPING = {"min_size": 30_000, "max_size": 50_000, "n_groups": None,
            "within_localities": True, "seed": 42}


@pytest.fixture
def saved(base, tmp_path):
    """An edited session saved to disk: (edited dataset, path, scenario)."""
    edited = _edited(base)
    sc = scenario_from_dataset(edited, "Option B – Strood moved", base=base,
                               notes="Board paper draft.\nSecond line.", locks=LOCKS,
                               assumptions=ASSUMPTIONS, grouping=GROUPING)
    path = tmp_path / "option-b.scenario.json"
    save_scenario(sc, path)
    return edited, path, sc


def test_saved_scenario_opens_to_the_same_edited_dataset(base, saved):
    edited, path, sc = saved
    untouched = load_sample()
    again = load_scenario(path)
    assert again == sc
    result = apply_scenario(base, again)
    _same_frames(result, edited)
    pd.testing.assert_frame_equal(result.groups.reset_index(drop=True),
                                  edited.groups.reset_index(drop=True))
    assert result.warnings == []
    assert again.locks == LOCKS and again.assumptions == ASSUMPTIONS
    assert again.grouping == GROUPING
    assert again.notes == "Board paper draft.\nSecond line."
    # the base dataset is never changed by applying a scenario
    _same_frames(base, untouched)
    assert base.groups is None and result is not base


def test_fixed_locks_given_as_codes_keep_their_group_names(base, saved, tmp_path):
    edited, path, _ = saved
    group_of = dict(zip(edited.groups["practice_code"], edited.groups["group"]))
    sc = scenario_from_dataset(edited, "Codes only", base=base,
                               locks={"fixed": ["X80006", "X80010"], "apart": [("X80001",
                                                                                "X80002")]})
    assert sc.locks["fixed"] == {"X80006": group_of["X80006"], "X80010": group_of["X80010"]}
    assert sc.locks["apart"] == [["X80001", "X80002"]]
    doc = _doc(path)
    doc["locks"]["fixed"] = ["X80007"]                     # as another tool may write it
    listed = tmp_path / "listed.scenario.json"
    listed.write_text(json.dumps(doc), encoding="utf-8")
    assert load_scenario(listed).locks["fixed"] == {"X80007": group_of["X80007"]}
    doc["groups"] = {}
    listed.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match=r"locks.fixed\[0\].*no group"):
        load_scenario(listed)


def test_only_the_changed_values_are_stored(saved):
    _, _, sc = saved
    assert set(sc.practices) == {"X80001", "X80002", "X80003"}
    assert sc.practices["X80001"] == {"list_size": 5_123}
    assert sc.practices["X80002"] == {"gp_wte": None}
    assert set(sc.housing) == {"H01", "H16"} and sc.housing["H16"] == {"include": True}
    assert [h["hub_id"] for h in sc.hubs].count("HLC-CHA") == 0


def test_the_file_is_readable_json_with_text_kept_verbatim(saved):
    _, path, _ = saved
    raw = path.read_text(encoding="utf-8")
    doc = json.loads(raw)
    assert doc["format"] == "medway-scenario" and doc["version"] == 1
    assert list(doc) == sorted(doc)
    assert "Option B – Strood moved" in raw            # readable, not \u escapes
    assert HOSTILE_NAME in raw                          # stored as text, not sanitised
    hub = next(h for h in load_scenario(path).hubs if h["hub_id"] == "NEW-1")
    assert hub["name"] == HOSTILE_NAME


def test_a_newer_version_is_refused_with_a_clear_message(saved, tmp_path):
    _, path, _ = saved
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["version"] = 2
    doc["something_new"] = {"from": "the future"}
    newer = tmp_path / "newer.scenario.json"
    newer.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_scenario(newer)
    assert str(err.value) == ("newer.scenario.json, field 'version': this scenario was saved "
                              "by a newer version (2) of the app; this version reads up to 1")


class _Payload:
    """Pickles to a call of os.system (never unpickled here: the reader must not run it)."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        import os
        return os.system, (self.command,)


def _doc(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _with(path, change):
    doc = _doc(path)
    change(doc)
    return json.dumps(doc, allow_nan=True).encode()


def _hostile_files(path, marker):
    """(label, bytes, words the message must contain) for each bad file."""
    good = path.read_bytes()
    shell = f"touch {marker}"
    yield "not JSON", b"name = Option B\nhubs = 6\n", "not valid JSON at line 1"
    yield "empty", b"", "empty"
    yield "binary", bytes(range(256)) * 8, "binary"
    yield "pickle", pickle.dumps(_Payload(shell), protocol=0), "not valid JSON"
    yield "pickle v4", pickle.dumps(_Payload(shell)), "binary"
    yield "yaml object", f"!!python/object/apply:os.system ['{shell}']\n".encode(), "JSON"
    yield "truncated", good[: good.rindex(b"}")], "ends too early"
    yield "cut mid-string", good[: good.index(b"Board paper") + 5], "ends too early"
    yield "cut in half", good[: len(good) // 2], "ends too early"
    yield "a list", b"[1, 2, 3]", "JSON list"
    yield "GeoJSON", b'{"type": "FeatureCollection", "features": []}', "marker"
    yield "deep nesting bomb", b"[" * 200_000 + b"]" * 200_000, "deep"
    yield "nesting in assumptions", _with(path, lambda d: d["assumptions"].update(
        bomb=json.loads("[" * 40 + "]" * 40))), "field 'assumptions.bomb"
    yield "huge name", _with(path, lambda d: d.update(name="x" * 20_001)), "field 'name'"
    yield "huge key", _with(path, lambda d: d["groups"].update({"k" * 5_000: "g"})), "key of"
    yield "NaN", _with(path, lambda d: d["hubs"][0].update(latitude=math.nan)), "NaN"
    yield "infinity", good.replace(b'"latitude": 51.3795', b'"latitude": 1e999'), "range"
    yield "huge integer", good.replace(b'"list_size": 5123', b'"list_size": ' + b"9" * 5000), \
        "too many digits"
    yield "text latitude", _with(path, lambda d: d["hubs"][3].update(latitude="51.4")), \
        "field 'hubs[3].latitude'"
    yield "outside the UK", _with(path, lambda d: d["hubs"][1].update(latitude=40.7)), \
        "field 'hubs[1].latitude': (40.7, 0.556) is outside the UK"
    yield "bad status", _with(path, lambda d: d["hubs"][0].update(status="demolished")), \
        "field 'hubs[0].status'"
    yield "duplicate hub", _with(path, lambda d: d["hubs"].append(d["hubs"][0])), "hub_id"
    yield "fractional list size", _with(path, lambda d: d["practices"]["X80001"].update(
        list_size=10.5)), "field 'practices.X80001.list_size': must be a whole number"
    yield "negative list size", _with(path, lambda d: d["practices"]["X80001"].update(
        list_size=-5)), "below the minimum"
    yield "include as text", _with(path, lambda d: d["housing"]["H16"].update(
        include="yes")), "field 'housing.H16.include': must be true or false"
    yield "version as text", _with(path, lambda d: d.update(version="1")), "field 'version'"
    yield "no name", _with(path, lambda d: d.pop("name")), "field 'name': is missing"
    yield "locks not lists", _with(path, lambda d: d["locks"].update(together="X80001")), \
        "field 'locks.together'"
    yield "apart of three", _with(path, lambda d: d["locks"].update(
        apart=[["X80001", "X80002", "X80003"]])), "field 'locks.apart[0]': an apart lock"
    yield "min above max", _with(path, lambda d: d["grouping"].update(min_size=60_000)), \
        "above max_size"
    yield "class payload", _with(path, lambda d: d.update(
        __class__="subprocess.Popen", __reduce__=["os.system", shell])), "field '__"
    yield "payload as hub", _with(path, lambda d: d["hubs"].insert(0, {
        "__class__": "os.system", "args": [shell]})), "field 'hubs[0].__class__'"
    yield "payload as name", _with(path, lambda d: d.update(
        name={"py/object": "os.system", "py/args": [shell]})), "field 'name': must be text"
    yield "duplicate key", good.replace(b'"notes":', b'"name": "Sneaky", "notes":', 1), \
        "appears twice"


def test_bad_or_hostile_files_are_refused_and_change_nothing(base, saved, tmp_path):
    edited, path, sc = saved
    open_now = load_scenario(path)                        # what the app has open
    shown = apply_scenario(base, open_now)
    before_scenario, before_files = copy.deepcopy(open_now), path.read_bytes()
    marker = tmp_path / "pwned"
    for label, content, words in _hostile_files(path, marker):
        bad = tmp_path / "bad.scenario.json"
        bad.write_bytes(content)
        with pytest.raises(DataError) as err:
            load_scenario(bad)
        message = str(err.value)
        assert message.startswith("bad.scenario.json"), (label, message)
        assert words in message, (label, message)
        assert len(message) < 400, (label, message)     # one line for the user, not a dump
        assert bad.read_bytes() == content, label
    assert not marker.exists()                            # nothing in any file was run
    assert open_now == before_scenario and path.read_bytes() == before_files
    _same_frames(shown, edited)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.scenario.json",
                                                          "option-b.scenario.json"]


def test_a_file_too_large_to_be_a_scenario_is_refused_unread(tmp_path):
    big = tmp_path / "huge.scenario.json"
    with open(big, "wb") as fh:
        fh.truncate(51 * 1024 * 1024)                     # sparse: no time spent writing
    with pytest.raises(DataError, match="at most 50 MB"):
        load_scenario(big)


def test_a_missing_file_is_a_message_not_a_crash(tmp_path):
    with pytest.raises(DataError, match="file not found"):
        load_scenario(tmp_path / "nowhere.scenario.json")


def test_an_invalid_scenario_is_not_saved_and_the_previous_file_survives(saved):
    _, path, sc = saved
    before = path.read_bytes()
    broken = copy.deepcopy(sc)
    broken.assumptions["persons_per_dwelling"] = float("nan")
    with pytest.raises(DataError, match="assumptions.persons_per_dwelling"):
        save_scenario(broken, path)
    broken = copy.deepcopy(sc)
    broken.hubs[0]["latitude"] = 91.0
    with pytest.raises(DataError, match=r"hubs\[0\].latitude"):
        save_scenario(broken, path)
    assert path.read_bytes() == before and temp_files(path) == []


def test_edits_that_do_not_fit_the_data_are_skipped_with_warnings(base):
    sc = Scenario(name="From another area", data={"kind": "sample"},
                  practices={"ZZ9999": {"list_size": 100}, "X80001": {"list_size": 4_000},
                             "X80001-B1": {"list_size": 10}},
                  housing={"NOPE": {"include": False}, "H01": {"include": False}},
                  groups={"X80001": "North", "QQ0001": "South"},
                  locks={"together": [["X80001", "GONE01"]]})
    branch = base.branches()["practice_code"].iloc[0]
    sc.practices[branch] = sc.practices.pop("X80001-B1")
    result = apply_scenario(base, sc)
    text = "\n".join(result.warnings)
    for code in ("ZZ9999", "NOPE", "QQ0001", "GONE01", branch):
        assert code in text, code
    assert all(w.startswith("Scenario 'From another area': ") for w in result.warnings)
    codes = result.practices.set_index("practice_code")
    assert codes.at["X80001", "list_size"] == 4_000   # the edits that fit still apply
    assert codes.at[branch, "list_size"] == 0          # a branch has no list of its own
    assert not result.housing.set_index("site_id").at["H01", "include"]
    assert result.groups.to_dict("records") == [{"practice_code": "X80001", "group": "North"}]


def test_a_scenario_warns_when_its_data_files_have_changed(sample_copy, tmp_path):
    ds = load_folder(sample_copy)
    sc = scenario_from_dataset(ds, "Folder scenario", base=ds)
    assert sc.data["kind"] == "folder" and sc.data["path"] == str(sample_copy.resolve())
    assert apply_scenario(ds, sc).warnings == ds.warnings
    practices = sample_copy / "practices.csv"
    practices.write_text(practices.read_text(encoding="utf-8").replace(",3033,", ",3034,"),
                         encoding="utf-8")
    changed = load_folder(sample_copy)
    assert any("changed since this scenario was saved" in w
               for w in apply_scenario(changed, sc).warnings)
    assert any("not on the illustrative sample" in w
               for w in apply_scenario(load_sample(), sc).warnings)


def test_scenarios_compare_measure_by_measure_against_the_first():
    table = compare_scenarios({
        "Baseline": {"hubs": 6, "mean access km": 0.3, "groups within bounds": "5 of 7",
                     "demand gap Strood (GP WTE)": 2.5},
        "Option A": {"hubs": 7, "mean access km": 0.1 + 0.2, "groups within bounds": "5 of 7",
                     "demand gap Strood (GP WTE)": 2.5},
        "Option B": {"hubs": 6, "mean access km": 0.3, "groups within bounds": "7 of 7",
                     "extra measure": 1.0},
    })
    assert list(table.columns) == ["Baseline", "Option A", "Option B", DIFF_COLUMN]
    assert list(table.index) == ["hubs", "mean access km", "groups within bounds",
                                 "demand gap Strood (GP WTE)", "extra measure"]
    flags = table[DIFF_COLUMN].to_dict()
    assert flags == {"hubs": True,                          # 7 ≠ 6
                     "mean access km": False,               # 0.1 + 0.2 is 0.3, not a change
                     "groups within bounds": True,          # text compared as text
                     "demand gap Strood (GP WTE)": True,    # Option B lacks it
                     "extra measure": True}                 # the baseline lacks it
    assert table.at["hubs", "Option A"] == 7 and table.at["extra measure", "Baseline"] is None
    single = compare_scenarios({"Only": {"hubs": 6}})
    assert not single[DIFF_COLUMN].any()
