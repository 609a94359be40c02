"""The ILLUSTRATIVE road and place layer of the sample (data/sample/roads.gpkg).

Invented, not surveyed: a river standing in for the Medway that only two roads cross (a
town bridge and a motorway bridge), a handful of "A roads", a motorway and a railway with
stations drawn by hand through the sample's towns, and a 400 m grid of streets over the
land. Names echo Medway's places so the map reads naturally; every file and the map say
illustrative. Run by data/make_sample.py; deterministic.
"""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from geo.crs import to_bng
from geo.roads import RoadLayers, frame, save_roads

RIVER = [(0.430, 51.325), (0.455, 51.350), (0.470, 51.368), (0.488, 51.384),
         (0.500, 51.392), (0.520, 51.398), (0.545, 51.402), (0.575, 51.410),
         (0.610, 51.418), (0.650, 51.424), (0.705, 51.432)]
# (class, name, maxspeed_kmh or nan, lon/lat points)
MAJOR = [
    ("trunk", "A2 (illustrative)", np.nan,
     [(0.420, 51.398), (0.470, 51.396), (0.490, 51.393), (0.510, 51.386), (0.530, 51.379),
      (0.565, 51.374), (0.610, 51.364), (0.670, 51.358)]),
    ("motorway", "M2 (illustrative)", np.nan,
     [(0.410, 51.362), (0.445, 51.360), (0.480, 51.352), (0.530, 51.326), (0.600, 51.322),
      (0.670, 51.330)]),
    ("primary", "A228 Hoo road (illustrative)", np.nan,
     [(0.482, 51.396), (0.500, 51.415), (0.530, 51.432), (0.580, 51.440), (0.640, 51.447),
      (0.690, 51.452)]),
    ("primary", "A229 (illustrative)", np.nan,
     [(0.530, 51.379), (0.528, 51.360), (0.526, 51.340), (0.530, 51.326)]),
    ("secondary", "B2004 (illustrative)", 48.28,
     [(0.540, 51.395), (0.560, 51.392), (0.590, 51.385), (0.620, 51.375)]),
    ("primary", "A278 (illustrative)", np.nan,
     [(0.565, 51.374), (0.580, 51.355), (0.586, 51.340)]),
]
RAIL = [(0.420, 51.405), (0.470, 51.401), (0.492, 51.394), (0.505, 51.387), (0.525, 51.383),
        (0.560, 51.383), (0.600, 51.370), (0.670, 51.364)]
STATIONS = {"Strood": (0.481, 51.398), "Rochester": (0.509, 51.385),
            "Chatham": (0.522, 51.384), "Gillingham": (0.557, 51.383),
            "Rainham": (0.610, 51.367)}
PLACES = [("town", "Strood", 0.480, 51.405), ("town", "Rochester", 0.505, 51.376),
          ("town", "Chatham", 0.533, 51.372), ("town", "Gillingham", 0.560, 51.392),
          ("town", "Rainham", 0.615, 51.356), ("suburb", "Walderslade", 0.525, 51.345),
          ("village", "Hoo", 0.560, 51.424), ("village", "Cliffe", 0.470, 51.458),
          ("village", "Grain", 0.690, 51.455), ("village", "High Halstow", 0.610, 51.450),
          ("village", "Halling", 0.432, 51.355), ("village", "Cuxton", 0.445, 51.375),
          ("suburb", "Hempstead", 0.585, 51.345), ("suburb", "Lordswood", 0.540, 51.332)]
GRID_M = 400.0
SOURCE = {"file": "illustrative sample roads (data/sample_roads.py)", "illustrative": True,
          "format": "generated", "licence": "invented for the sample, not real roads"}


def _bng_line(points) -> LineString:
    x, y = to_bng([p[0] for p in points], [p[1] for p in points])
    return LineString(zip(x, y))


def sample_road_layers(land_bng) -> RoadLayers:
    """Roads, water, rail and places over ``land_bng`` (the sample's outline, BNG)."""
    river = _bng_line(RIVER)
    majors = [_bng_line(pts) for *_, pts in MAJOR]
    minx, miny, maxx, maxy = land_bng.bounds
    xs = np.arange(minx, maxx + GRID_M, GRID_M)
    ys = np.arange(miny, maxy + GRID_M, GRID_M)
    streets = [LineString([(x, y), (x + GRID_M, y)]) for x in xs for y in ys]
    streets += [LineString([(x, y), (x, y + GRID_M)]) for x in xs for y in ys]
    streets = [s for s in streets if land_bng.contains(s) and not s.intersects(river)]
    # Node everything where it crosses (junctions), then label each piece by its source.
    pieces = list(shapely.get_parts(shapely.union_all(majors + streets)))
    tree = shapely.STRtree(majors)
    rows = {k: [] for k in ("road_class", "name", "maxspeed_kmh", "oneway", "drive",
                            "walk")}
    for piece in pieces:
        mid = piece.interpolate(0.5, normalized=True)
        hits = tree.query(mid.buffer(0.5), predicate="intersects")
        if len(hits):
            cls, name, limit, _ = MAJOR[int(min(hits))]
        else:
            cls, name, limit = "residential", "", np.nan
        rows["road_class"].append(cls)
        rows["name"].append(name)
        rows["maxspeed_kmh"].append(limit)
        rows["oneway"].append(0)
        rows["drive"].append(True)
        rows["walk"].append(cls != "motorway")
    roads = frame("roads", rows, pieces)
    water = frame("water", {"kind": ["river"], "name": ["River (illustrative)"]}, [river])
    rail = frame("rail", {"kind": ["rail"], "name": ["Railway (illustrative)"]},
                 [_bng_line(RAIL)])
    names = [("station", f"{n} station") for n in STATIONS] + [(k, n) for k, n, *_ in PLACES]
    lonlat = list(STATIONS.values()) + [(lon, lat) for *_, lon, lat in PLACES]
    x, y = to_bng([p[0] for p in lonlat], [p[1] for p in lonlat])
    places = frame("places", {"kind": [k for k, _ in names], "name": [n for _, n in names]},
                   [Point(a, b) for a, b in zip(x, y)])
    return RoadLayers(roads, water, rail, places, dict(SOURCE))


def write_sample_roads(land_bng, folder) -> RoadLayers:
    layers = sample_road_layers(land_bng)
    save_roads(layers, folder)
    return layers
