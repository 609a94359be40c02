"""Census residents by LSOA + LSOA polygons → population points; unmatched codes reported."""
from __future__ import annotations

import pytest

from geo.io_population import place_population, read_area_polygons, read_census_residents

CENSUS = "census2021_lsoa21_usual_residents_age6_medway.csv"
SPLIT_PARENTS = {"E01016036", "E01016076", "E01016110", "E01016112", "E01016146", "E01032798"}


@pytest.fixture
def residents(medway):
    return read_census_residents(medway / CENSUS)


@pytest.fixture
def areas(medway):
    return read_area_polygons(medway / "lsoa_medway_2011.geojson")


def test_census_totals_and_age_groups(residents):
    assert len(residents) == 169                              # SOURCES.md: 169 LSOAs
    assert residents["residents"].sum() == 279_771
    ages = [c for c in residents.columns if c.startswith("age_")]
    assert len(ages) == 6 and "age_65_plus" in ages and "age_0_15" in ages
    assert (residents[ages].sum(axis=1) == residents["residents"]).all()


def test_every_resident_is_placed_split_areas_in_their_2011_parent(residents, areas):
    points, unplaced = place_population(residents, areas)
    assert points["residents"].sum() == 279_771 and unplaced.empty
    own = points[points["placed_by"] == "own polygon"]
    split = points[points["placed_by"] != "own polygon"]
    assert len(own) == 157 and len(split) == 12              # SOURCES.md: 157 + 12
    assert set(split["area_code"]) == {f"E0103{n}" for n in range(5286, 5298)}
    assert all(any(p in how for p in SPLIT_PARENTS) for how in split["placed_by"])
    # Medway 003F sits inside its parent Medway 003C's polygon
    parent = areas.set_index("area_code").to_crs(4326).geometry["E01016076"]
    import shapely
    row = points.set_index("area_code").loc["E01035286"]
    assert parent.contains(shapely.Point(row["longitude"], row["latitude"]))


def test_a_code_with_no_polygon_is_reported_not_dropped(residents, areas, tmp_path):
    extra = residents.copy()
    extra.loc[len(extra)] = {**extra.iloc[0].to_dict(), "area_code": "W01000001",
                             "area_name": "Cardiff 001A", "residents": 1500, "row": 999}
    points, unplaced = place_population(extra, areas, "census.csv")
    assert unplaced["area_code"].tolist() == ["W01000001"]
    assert unplaced["residents"].tolist() == [1500]
    assert "census.csv, row 999, field 'area_code'" in unplaced["reason"].iloc[0]
    assert points["residents"].sum() + unplaced["residents"].sum() == 279_771 + 1500


def test_a_wide_file_one_row_per_area_also_reads(tmp_path):
    f = tmp_path / "population.csv"
    f.write_text("LSOA11CD,LSOA11NM,All persons\nE01016016,Medway 015A,1500\n")
    frame = read_census_residents(f)
    assert frame[["area_code", "residents"]].values.tolist() == [["E01016016", 1500]]
