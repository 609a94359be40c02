"""Build geo/gb_land.json: a coarse outline of United Kingdom land, grown by a margin, used to
tell a point on land from one in the sea (geo/land.py). Run once; the output is committed.

Source: Natural Earth 1:110m Admin 0 – Countries (public domain, naturalearthdata.com),
the copy shipped as pyogrio's test fixture ``naturalearth_lowres`` (via GeoPandas); the
United Kingdom feature (Great Britain and Northern Ireland). At that scale the coast is
within about 15 km of the real one and the outlying island groups are missing, so the
outline is grown by MARGIN_M and the island groups are added as circles round their
approximate centres (rounded degrees; each circle generously covers its group).
"""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import Point

MARGIN_M = 20_000
ISLANDS = {   # name: (latitude, longitude, radius km)
    "Isles of Scilly": (49.93, -6.30, 20),
    "Orkney": (59.00, -2.95, 50),
    "Shetland": (60.25, -1.25, 90),
    "Outer Hebrides (south)": (57.30, -7.35, 60),
    "Outer Hebrides (north)": (58.10, -6.70, 60),
    "Inner Hebrides": (56.90, -6.40, 70),
    "Islay and Jura": (55.85, -6.10, 35),
}
OUT = Path(__file__).resolve().parent.parent / "geo" / "gb_land.json"


def build() -> shapely.Geometry:
    fixture = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres"
    world = gpd.read_file(fixture / "naturalearth_lowres.shp")
    uk = world[world["iso_a3"] == "GBR"].to_crs(27700).geometry.iloc[0]
    parts = [uk.buffer(MARGIN_M)]
    for lat, lon, km in ISLANDS.values():
        centre = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(27700).iloc[0]
        parts.append(centre.buffer(km * 1000))
    land = shapely.union_all(parts).simplify(1000)
    return shapely.set_precision(land, 100)


def main() -> None:
    land = build()
    doc = {"about": "United Kingdom land grown by %d km, British National Grid metres "
                    "(EPSG:27700); built by tools/make_gb_land.py from Natural Earth "
                    "1:110m Admin 0 (public domain) plus island-group circles"
                    % (MARGIN_M // 1000),
           "geometry": shapely.geometry.mapping(land)}
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
