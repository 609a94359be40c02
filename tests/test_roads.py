"""Reading road and place extracts: OpenStreetMap (.osm XML, .osm.pbf) and OS Open Roads."""
from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import roads as R
from geo.errors import DataError
from geo.roads_osm import parse_maxspeed
from tests.roads_fixture import write_river_osm

try:
    import pyogrio
    REAL_PBF = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "sample.osm.pbf"
except ImportError:  # pragma: no cover
    REAL_PBF = None
needs_real = pytest.mark.skipif(REAL_PBF is None or not REAL_PBF.is_file(),
                                reason="pyogrio's bundled OpenStreetMap sample (Hatfield, "
                                       "sample.osm.pbf) is not installed")


@pytest.fixture
def river_osm(tmp_path) -> Path:
    return write_river_osm(tmp_path / "river.osm")


def test_hand_made_osm_gives_roads_water_rail_and_places(river_osm):
    layers = R.read_road_file(river_osm)
    assert layers.counts() == {"roads": 5, "water": 1, "rail": 1, "places": 3}
    assert layers.roads.crs.to_epsg() == 27700
    roads = layers.roads.set_index("name")
    assert math.isclose(roads.at["North Bank Road", "maxspeed_kmh"], 48.28, abs_tol=0.01)
    assert math.isnan(roads.at["South Bank Road", "maxspeed_kmh"])
    private = layers.roads[layers.roads["road_class"] == "service"].iloc[0]
    assert not private["drive"] and not private["walk"]
    footway = layers.roads[layers.roads["road_class"] == "footway"].iloc[0]
    assert footway["walk"] and not footway["drive"]
    assert set(layers.places["kind"]) == {"town", "village", "station"}
    assert layers.water.iloc[0]["kind"] == "river"
    assert "OpenStreetMap" in layers.label()


@pytest.mark.parametrize("text, kmh", [("30 mph", 48.28), ("50", 50.0), ("20mph", 32.19),
                                       ("GB:nsl_single", 96.56), ("GB:zone20", 32.19),
                                       ("none", math.nan), ("", math.nan), (None, math.nan)])
def test_speed_limits_are_read_as_tagged_in_the_uk(text, kmh):
    got = parse_maxspeed(text)
    assert (math.isnan(got) and math.isnan(kmh)) or math.isclose(got, kmh, abs_tol=0.01)


@needs_real
def test_real_openstreetmap_pbf_that_a_package_ships():
    layers = R.read_road_file(REAL_PBF)
    roads = layers.roads
    assert len(roads) > 20
    assert {"residential", "footway", "motorway"} <= set(roads["road_class"])
    assert not roads[roads["road_class"] == "motorway"]["walk"].any()
    # Hatfield, Hertfordshire: British National Grid around E 522,000 N 209,000.
    minx, miny, maxx, maxy = roads.total_bounds
    assert 520_000 < minx < maxx < 524_000 and 207_000 < miny < maxy < 211_000


def test_clip_keeps_the_study_area_and_cuts_lines_at_its_edge(river_osm):
    layers = R.read_road_file(river_osm)
    minx, miny, maxx, maxy = layers.roads.total_bounds
    mid = (minx + maxx) / 2
    box = (minx - 10, miny - 10, mid, maxy + 10)
    cut = R.clip(layers, box)
    assert cut.roads.total_bounds[2] <= mid + 1e-6
    assert "The Bridge" not in set(cut.roads["name"])      # the bridge is at the east end
    assert cut.source["box_bng"] == [round(v) for v in box]


def test_import_clips_to_localities_plus_margin_and_round_trips(river_osm, tmp_path):
    layers = R.read_road_file(river_osm)
    west = shapely.box(*layers.roads.total_bounds).centroid.buffer(300)
    localities = gpd.GeoDataFrame({"name": ["A"]}, geometry=[west], crs=27700).to_crs(4326)
    folder = tmp_path / "data"
    got = R.import_roads(river_osm, localities, folder, margin_m=200)
    assert R.has_roads(folder) and (folder / R.ROADS_ABOUT).is_file()
    back = R.load_roads(folder)
    assert back.counts() == got.counts()
    assert len(back.roads) < len(layers.roads) + 2
    assert back.roads["drive"].dtype == bool
    assert back.source["file"] == "river.osm" and back.source["margin_m"] == 200


def test_os_open_roads_geopackage(tmp_path):
    line = [shapely.LineString([(575000, 168000), (576000, 168000)]),
            shapely.LineString([(576000, 168000), (576000, 169000)]),
            shapely.LineString([(576000, 169000), (577000, 169500)])]
    g = gpd.GeoDataFrame({"road_classification": ["A Road", "Unclassified", "Motorway"],
                          "name_1": ["High Street", None, None],
                          "road_classification_number": ["A2", None, "M2"],
                          "trunk_road": [False, False, True]}, geometry=line, crs=27700)
    path = tmp_path / "oproad_gb.gpkg"
    g.to_file(path, layer="road_link", driver="GPKG")
    layers = R.read_road_file(path)
    assert list(layers.roads["road_class"]) == ["primary", "unclassified", "motorway"]
    assert list(layers.roads["name"]) == ["High Street", "", "M2"]
    assert list(layers.roads["walk"]) == [True, True, False]
    assert "OS data" in layers.label()


def test_a_file_that_is_not_roads_is_refused_in_one_line(tmp_path):
    bad = tmp_path / "roads.osm"
    bad.write_text("this is not xml", encoding="utf-8")
    with pytest.raises(DataError) as err:
        R.read_road_file(bad)
    assert "roads.osm" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(DataError, match="not a road file"):
        R.read_road_file(tmp_path / "x.csv")
    gpkg = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs=27700).to_file(
        gpkg, layer="stuff")
    with pytest.raises(DataError, match="no road_link layer"):
        R.read_road_file(gpkg)


def test_cancel_writes_nothing(river_osm, tmp_path):
    localities = gpd.GeoDataFrame(
        {"name": ["A"]}, geometry=[shapely.box(0.49, 51.38, 0.57, 51.40)], crs=4326)
    with pytest.raises(R.RoadsCancelled):
        R.import_roads(river_osm, localities, tmp_path, margin_m=100, cancel=lambda: True)
    assert not R.has_roads(tmp_path)


def test_no_roads_in_the_study_area_is_a_clear_error(river_osm):
    far = (100_000, 100_000, 101_000, 101_000)
    with pytest.raises(DataError, match="no roads found in the study area"):
        R.read_road_file(river_osm, box=far)
    assert np.isfinite(R.study_box(gpd.GeoDataFrame(
        geometry=[shapely.box(0.5, 51.3, 0.6, 51.4)], crs=4326), 1000)).all()
