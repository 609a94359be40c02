"""Inside the United Kingdom by land, not a box: a point in the North Sea or off Ireland lies
inside any box round Great Britain, so places are checked against a coarse land outline.

The outline (geo/gb_land.json, 5 KB) is Natural Earth's 1:110m United Kingdom (public
domain) grown by 20 km, with the outlying island groups added; tools/make_gb_land.py builds
it and says how. It refuses points well out at sea and abroad, never a real coastal site.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.bounds import GB_LAT, GB_LON
from geo.crs import to_bng

LAND_FILE = Path(__file__).with_name("gb_land.json")


@functools.lru_cache(maxsize=1)
def _land() -> shapely.Geometry:
    land = shape(json.loads(LAND_FILE.read_text())["geometry"])
    shapely.prepare(land)
    return land


def on_land_bng(easting, northing) -> np.ndarray:
    """True where the British National Grid point lies on UK land (or just off the coast)."""
    x = np.asarray(easting, float)
    y = np.asarray(northing, float)
    ok = np.isfinite(x) & np.isfinite(y)
    out = np.zeros(x.shape, bool)
    out[ok] = shapely.contains_xy(_land(), x[ok], y[ok])
    return out


def on_land(lon, lat) -> np.ndarray:
    """True where the WGS84 point lies on UK land (or just off the coast)."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    boxed = (lon >= GB_LON[0]) & (lon <= GB_LON[1]) & (lat >= GB_LAT[0]) & (lat <= GB_LAT[1])
    out = np.zeros(lon.shape, bool)
    if boxed.any():
        x, y = to_bng(lon[boxed], lat[boxed])
        out[boxed] = on_land_bng(x, y)
    return out


def land_refusal(lon: float, lat: float) -> str | None:
    """Why (``lat``, ``lon``) cannot be a place in the plan, or None when it is on land."""
    if bool(on_land(lon, lat)):
        return None
    if bool(on_land(lat, lon)):
        return (f"latitude {lat:g} and longitude {lon:g} look swapped (latitude is about 51 "
                "in Kent, longitude about 0.5)")
    boxed = GB_LON[0] <= lon <= GB_LON[1] and GB_LAT[0] <= lat <= GB_LAT[1]
    where = "in the sea, not on UK land" if boxed else "outside the UK"
    return (f"({lat:g}, {lon:g}) is {where}; coordinates must be WGS84 degrees (latitude "
            "about 51.4, longitude about 0.5 in Medway)")
