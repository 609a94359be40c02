"""The embedded sample and the canonical folder: what a planner sees first must add up."""
from __future__ import annotations

import pandas as pd

from geo.canonical import load_folder, load_sample, save_folder
from models.localities import locality_summary


def test_sample_matches_the_operational_plan_headlines():
    ds = load_sample()
    mains, branches = ds.main_practices(), ds.branches()
    assert len(mains) == 51 and len(branches) == 22            # Op. Plan ch. 3
    assert 280_000 <= mains["list_size"].sum() <= 295_000
    assert round(mains["gp_wte"].sum(), 1) == 136.0
    assert (mains["gp_wte"] == 1.0).sum() >= 20                 # single-handed practices
    assert (branches["list_size"] == 0).all()
    included = ds.housing[ds.housing["include"]]
    assert included["dwellings"].sum() == 3370
    lodge = ds.housing[~ds.housing["include"]]
    assert lodge["name"].str.contains("Lodge Hill").all() and lodge["dwellings"].sum() == 5000
    assert sorted(ds.localities["name"]) == sorted(
        ["Strood", "Rochester", "Chatham", "Lordswood", "Gillingham", "Rainham"])
    status = ds.hubs.set_index("hub_id")["status"]
    assert (status == "existing").sum() == 4 and (status == "planned").sum() == 2


def test_sample_is_labelled_illustrative():
    ds = load_sample()
    assert ds.is_sample and "Illustrative" in ds.label
    readme = (ds.folder.parent / "README.md").read_text(encoding="utf-8")
    assert "illustrative" in readme.lower() and "not real" in readme.lower()


def test_every_site_lies_inside_a_locality_within_medway():
    ds = load_sample()
    for frame in (ds.practices, ds.hubs, ds.housing):
        assert (frame["locality"] != "").all()
        assert frame["latitude"].between(51.30, 51.49).all()
        assert frame["longitude"].between(0.40, 0.72).all()
    assert ds.warnings == []


def test_locality_summary_sums_list_sizes_and_flags_the_band():
    ds = load_sample()
    s = locality_summary(ds).set_index("locality")
    assert s["registered_patients"].sum() == ds.main_practices()["list_size"].sum()
    for _name, row in s.iterrows():
        assert row["within_target"] == (30_000 <= row["registered_patients"] <= 50_000)
    assert s.at["Lordswood", "flag"].startswith("below 30,000")


def test_saved_folder_opens_to_the_same_dataset(tmp_path):
    ds = load_sample()
    save_folder(ds, tmp_path)
    again = load_folder(tmp_path)
    pd.testing.assert_frame_equal(ds.practices, again.practices)
    pd.testing.assert_frame_equal(ds.hubs, again.hubs)
    pd.testing.assert_frame_equal(ds.housing, again.housing)
    assert list(again.localities["name"]) == list(ds.localities["name"])
    for a, b in zip(ds.localities.geometry, again.localities.geometry):
        assert a.symmetric_difference(b).area < 1e-9
    assert not list(tmp_path.glob(".*.part*"))      # no temporary files left behind
