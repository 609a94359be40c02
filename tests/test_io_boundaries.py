"""ONS ward boundaries in any format/CRS + the ward → locality table → locality polygons."""
from __future__ import annotations

import pytest

from geo.crs import BNG
from geo.errors import DataError
from geo.io_boundaries import dissolve_localities, read_boundaries, read_ward_table

LOCALITIES = ["Chatham", "Gillingham", "Lordswood", "Rainham", "Rochester", "Strood"]


@pytest.fixture
def wards(medway):
    return read_boundaries(medway / "wards_medway_2013.geojson")


@pytest.fixture
def table(medway):
    return read_ward_table(medway / "ward_localities.csv")


def test_22_wards_dissolve_into_six_localities_covering_the_same_ground(wards, table):
    localities, info = dissolve_localities(wards, table)
    assert len(wards) == 22 and info["wards_used"] == 22
    assert sorted(localities["name"]) == LOCALITIES
    assert localities.crs.to_epsg() == 4326
    assert localities.geometry.is_valid.all()
    ward_area = wards.to_crs(BNG).area.sum()
    loc_area = localities.to_crs(BNG).area.sum()
    assert loc_area == pytest.approx(ward_area, rel=1e-6)     # nothing lost, nothing doubled
    # each ward's interior point lies in the locality the table gives it
    pts = wards.to_crs(BNG).representative_point().to_crs(4326)
    owner = dict(zip(table["ward_code"], table["locality"]))
    for code, pt in zip(wards["WD13CD"], pts):
        hit = localities[localities.contains(pt)]["name"].tolist()
        assert hit == [owner[code]]


@pytest.mark.parametrize("ext,driver", [(".shp", "ESRI Shapefile"), (".gpkg", "GPKG")])
def test_a_shapefile_or_geopackage_in_british_national_grid_gives_the_same_localities(
        wards, table, tmp_path, ext, driver):
    path = tmp_path / f"wards{ext}"
    wards.to_crs(27700).to_file(path, driver=driver)
    again = read_boundaries(path)
    assert again.crs.to_epsg() == 27700
    a, _ = dissolve_localities(wards, table)
    b, _ = dissolve_localities(again, table)
    for name in LOCALITIES:
        ga = a.loc[a["name"] == name].to_crs(BNG).geometry.iloc[0]
        gb = b.loc[b["name"] == name].to_crs(BNG).geometry.iloc[0]
        assert ga.symmetric_difference(gb).area < 1.0        # m², rounding only


def test_wards_outside_the_table_are_left_out_and_counted(wards, table):
    extra = wards.copy()
    extra.loc[len(extra)] = {"WD13CD": "E05009999", "WD13NM": "Elsewhere",
                             "geometry": wards.geometry.iloc[0]}
    localities, info = dissolve_localities(extra, table)
    assert info["wards_left_out"] == 1 and len(localities) == 6


def test_an_edited_table_moves_a_ward(wards, table):
    before, _ = dissolve_localities(wards, table)
    edited = table.copy()
    edited.loc[edited["ward_code"] == "E05002269", "locality"] = "Chatham"   # Walderslade
    after, info = dissolve_localities(wards, edited)
    area = lambda g, n: g.loc[g["name"] == n].to_crs(BNG).area.iloc[0]  # noqa: E731
    assert area(after, "Chatham") > area(before, "Chatham")
    assert info["wards_per_locality"]["Lordswood"] == 2


def test_a_ward_table_from_another_year_is_refused(wards, table):
    wrong = table.copy()
    wrong.loc[0, "ward_code"] = "E05013333"            # a 2023 code, not in the 2013 file
    with pytest.raises(DataError) as err:
        dissolve_localities(wards, wrong, boundary_label="wards.geojson",
                            table_label="ward_localities.csv")
    assert str(err.value).startswith("ward_localities.csv, row 2, field 'ward_code'")
    assert "wards.geojson" in str(err.value)
