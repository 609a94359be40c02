"""Every map layer declared once (rendering/map_layers/): each builder, fed a small frame,
gives the features the map draws — ids, styles, tooltips within the declared fields — and
the legend, the Layers panel and the page read the same declaration. Pure Python, no Qt."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.crs import to_wgs84
from rendering.map_layers import registry
from rendering.map_layers.registry import BASE_LAYERS, LEGEND_ORDER, MAP_LAYERS, layer


@pytest.fixture(scope="module")
def plan():
    from geo.canonical import load_sample
    from models.plan import Plan
    return Plan(load_sample())


def _check(name: str, collection: dict) -> list[dict]:
    """The features of a built layer: GeoJSON the page takes, tips within the declaration."""
    assert collection["type"] == "FeatureCollection"
    json.dumps(collection)                               # plain JSON values only
    spec = layer(name)
    for f in collection["features"]:
        assert f["type"] == "Feature" and f["geometry"]["type"]
        assert "id" in f["properties"] and isinstance(f["properties"]["style"], dict)
        for label, _value in f["properties"].get("tip", []):
            assert label in spec.tip, f"{name}: tip row {label!r} not declared"
    return collection["features"]


def _box(x, y, size=1000.0):
    """A square in WGS84 around a British National Grid point."""
    ring = np.array([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])
    lon, lat = to_wgs84(ring[:, 0], ring[:, 1])
    return shapely.Polygon(zip(lon, lat))


def test_every_layer_is_declared_once_with_a_title():
    ids = [s.id for s in registry._DECLARED]
    assert len(ids) == len(set(ids)) and LEGEND_ORDER == ids
    assert set(BASE_LAYERS) == {s.id for s in MAP_LAYERS.values() if s.kind == "base"}
    titles = [s.title for s in MAP_LAYERS.values()]
    assert len(titles) == len(set(titles)) and all(titles)
    for spec in MAP_LAYERS.values():
        assert spec.kind in ("base", "page", "overlay")
        assert spec.build is not None or spec.kind == "page"
        section = spec.legend_section()
        assert section["layer"] == spec.id and section["title"]
    assert not layer("demand").visible and not layer("estate").visible
    with pytest.raises(KeyError):
        layer("no such layer")


def test_the_first_legend_has_every_static_layer_and_judges_localities_on_the_band():
    sections = {s["layer"]: s for s in registry.legend_sections((40_000, 60_000))}
    assert {"hubs", "practices", "suggested", "catchments", "demand", "wards"} <= set(sections)
    assert "estate" not in sections and "time_bands" not in sections   # rows need a mode
    assert any("40,000–60,000" in row[1] for row in sections["localities"]["rows"])
    assert sections["wards"]["title"] == "Wards"                       # the legend's word


def test_base_layers_build_from_the_dataset_with_declared_tips(plan):
    ds = plan.dataset
    for name in BASE_LAYERS:
        feats = _check(name, layer(name).features(ds))
        assert feats or name == "branch_links"
    hubs = _check("hubs", layer("hubs").features(ds))
    assert {f["properties"]["id"] for f in hubs} == set(ds.hubs["hub_id"])


def test_catchments_are_labelled_and_warn_where_straight_lines_mislead():
    cells = pd.DataFrame({"hub_id": ["H1", "H2"], "name": ["Rochester HLC (Delce)", "Hoo"],
                          "area_km2": [12.345, 3.0],
                          "geometry": [_box(572_000, 168_000), _box(574_000, 172_000)]})
    feats = _check("catchments", layer("catchments").features(cells, {"H2": "2 sites"}))
    assert [f["properties"]["id"] for f in feats] == ["H1", "H2"]
    assert feats[0]["properties"]["label"][2] == "Rochester HLC"
    assert ["Area", "12.3 km²"] in feats[0]["properties"]["tip"]
    assert feats[0]["properties"]["style"]["color"] != feats[1]["properties"]["style"]["color"]
    assert feats[1]["properties"]["tip"][-1][0] == "Straight line"
    assert not layer("catchments").interactive


def test_straight_lines_and_suggested_sites():
    leaving = pd.DataFrame({"point_id": ["P1"], "name": ["Hoo practice"],
                            "hub_name": ["Gillingham HLC"], "outside_m": [1234.0],
                            "lat": [51.42], "lon": [0.56], "hub_lat": [51.38],
                            "hub_lon": [0.55]})
    (line,) = _check("straight_lines", layer("straight_lines").features(leaving))
    assert line["properties"]["id"] == "line-P1"
    assert line["geometry"]["coordinates"] == [[0.56, 51.42], [0.55, 51.38]]
    assert ["Outside the localities", "1,234 m"] in line["properties"]["tip"]
    added = pd.DataFrame({"name": ["Grid 3", "Practice X"], "latitude": [51.4, 51.39],
                          "longitude": [0.5, 0.52]})
    feats = _check("suggested", layer("suggested").features(added))
    assert [f["properties"]["id"] for f in feats] == ["suggested-0", "suggested-1"]
    assert feats[0]["properties"]["style"]["dashArray"]           # a would-be hub, dashed


def test_time_bands_by_road_and_by_public_transport():
    bands = pd.DataFrame({"minutes": [10, 15, 20],
                          "geometry": [_box(572_000, 168_000), shapely.Polygon(),
                                       _box(572_000, 168_000, 3000)]})
    spec = layer("time_bands")
    feats = _check("time_bands", spec.features(bands, "H1", "Chatham HLC", "drive"))
    assert [f["properties"]["id"] for f in feats] == ["H1-10", "H1-20"]    # empty skipped
    assert ["Within", "10 minutes (drive)"] in feats[0]["properties"]["tip"]
    transit = spec.features(bands.assign(minutes=[15, 30, 45]), "H1", "Chatham HLC",
                            "transit", "BODS export, 2025")
    assert ["Timetable", "BODS export, 2025"] in transit["features"][0]["properties"]["tip"]
    assert transit["features"][0]["properties"]["style"]["color"] != \
        feats[0]["properties"]["style"]["color"]
    assert "public transport" in spec.legend_section("transit")["rows"][0][1]


def test_demand_shading_greys_an_unknown_locality(plan):
    result = plan.project_demand("locality")
    localities = plan.dataset.localities
    feats = _check("demand", layer("demand").features(result, localities))
    assert [f["properties"]["id"] for f in feats] == list(localities["name"])
    assert all(f["properties"]["tip"][1][0] == "GP WTE needed by the end" for f in feats)
    one = localities.iloc[:1].assign(name="Nowhere")      # an area without a figure
    (unknown,) = layer("demand").features(result, one, "imd_score")["features"]
    assert unknown["properties"]["style"]["fillColor"] == "#bdbdbd"
    assert unknown["properties"]["tip"][1] == ["Deprivation (list-weighted IMD score)",
                                              "unknown"]


def test_estate_rings_sites_by_utilisation_or_condition(plan):
    from rendering.map_layers.estate import UNKNOWN_COLOUR, utilisation_band
    sites = pd.DataFrame({"site_code": ["A1", "H1"], "name": ["Surgery", "HLC"],
                          "kind": ["practice", "hub"], "latitude": [51.4, 51.38],
                          "longitude": [0.5, 0.55], "clinical_rooms": [6, np.nan],
                          "condition": ["B", ""]})
    practices = pd.DataFrame({"practice_code": ["A1"], "list_size": [40_000]})
    colours = {"A1": utilisation_band(0.8)}
    feats = _check("estate", layer("estate").features(sites, colours, practices))
    ring, hub = (f["properties"] for f in feats)
    assert ring["style"]["color"] == "#fb8c00" and ring["style"]["fill"] is False
    assert ring["style"]["radius"] > hub["style"]["radius"]   # outside a big practice circle
    assert hub["style"]["color"] == UNKNOWN_COLOUR and ["Rooms", "unknown"] in hub["tip"]
    assert utilisation_band(float("nan"))[1] == "utilisation unknown"
    rows = layer("estate").legend_section("condition")["rows"]
    assert any("condition A" in r[1] for r in rows) and "unknown" in rows[-1][1]


def test_group_territories_and_an_existing_grouping_are_named():
    areas = {"G1": shapely.box(572_000, 168_000, 574_000, 170_000),
             "G2": shapely.box(575_000, 168_000, 577_000, 170_000), "G3": shapely.Polygon()}
    feats = _check("groups", layer("groups").features(
        areas, {"G1": "#e6194b"}, flagged={"G2"}, labels={"G1": "G1 · 40.0k"}))
    ids = [f["properties"]["id"] for f in feats]
    assert ids == ["G1", "G1 (label)", "G2"]                 # an empty territory is skipped
    assert feats[2]["properties"]["style"]["color"] == "#c62828"
    existing = _check("existing_groups", layer("existing_groups").features(areas))
    assert [f["properties"]["label"][2] for f in existing] == ["G1", "G2"]
    assert all(f["properties"]["style"]["fill"] is False for f in existing)
