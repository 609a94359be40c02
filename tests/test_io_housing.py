"""Brownfield land register (as published: quotes, newlines, BNG) and canonical housing CSV."""
from __future__ import annotations

import numpy as np
import pytest

from geo.errors import DataError
from geo.io_housing import read_brownfield, read_canonical_housing

REGISTER = "brownfield_register_medway_2019-01-24.csv"
DIGITAL_LAND = "brownfield_register_medway_2019-01-24_digital-land.csv"


def test_the_register_reads_28_sites_with_their_dwelling_ranges(medway):
    sites, info = read_brownfield(medway / REGISTER)
    assert len(sites) == 28
    assert sites["dwellings"].sum() == 783                    # SOURCES.md: sum of maxima
    assert (sites["dwellings_min"] <= sites["dwellings"]).all()
    row = sites.set_index("site_id").loc["BF-810"]            # Pier Road: 20–51 dwellings
    assert (row["dwellings_min"], row["dwellings"]) == (20, 51)
    assert not sites["name"].str.contains('"').any()          # literal quotes removed
    assert not sites["name"].str.contains("\n").any()
    assert sites.set_index("site_id").at["BF-3", "name"] == "89 Ingram Road, Gillingham"
    assert info["register_year"] == 2019 and set(sites["start_year"]) == {2020}


def test_bng_coordinates_match_digital_lands_conversion(medway):
    ours, _ = read_brownfield(medway / REGISTER)
    oracle, _ = read_brownfield(medway / DIGITAL_LAND)         # their latitude/longitude
    ours, oracle = ours.set_index("site_id"), oracle.set_index("site_id")
    assert set(ours.index) == set(oracle.index)
    oracle = oracle.loc[ours.index]
    assert np.abs(ours["latitude"] - oracle["latitude"]).max() < 1e-5
    assert np.abs(ours["longitude"] - oracle["longitude"]).max() < 1e-5
    assert (ours["dwellings"] == oracle["dwellings"]).all()


HEADER = ("SiteReference,SiteNameAddress,GeoX,GeoY,NetDwellingsRangeFrom,NetDwellingsRangeTo,"
          "PlanningStatus,LastUpdatedDate,EndDate\n")


def test_ended_sites_are_left_out_and_degrees_in_geox_are_recognised(tmp_path):
    f = tmp_path / "register.csv"
    f.write_text(HEADER + "1,A,0.55,51.38,5,10,permissioned,2020-03-01,\n"
                          "2,B,0.56,51.39,5,10,permissioned,2020-03-01,2020-06-01\n")
    sites, info = read_brownfield(f)
    assert sites["site_id"].tolist() == ["BF-1"] and info["ended"] == 1
    assert sites.iloc[0][["latitude", "longitude"]].tolist() == [51.38, 0.55]
    assert sites.iloc[0]["start_year"] == 2021


def test_minimum_above_maximum_is_refused(tmp_path):
    f = tmp_path / "register.csv"
    f.write_text(HEADER + "1,A,577000,168000,12,10,permissioned,2020-03-01,\n")
    with pytest.raises(DataError, match=r"register.csv, row 2, field 'NetDwellingsRangeTo'"):
        read_brownfield(f)


def test_canonical_housing_passes_through(sample_dir):
    frame = read_canonical_housing(sample_dir / "housing_sites.csv")
    assert "y2017" in frame.columns and len(frame) == 16
