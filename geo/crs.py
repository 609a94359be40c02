"""WGS84 (EPSG:4326) ⇄ British National Grid (EPSG:27700).

Coordinates are stored as longitude/latitude; every distance, area, buffer and cluster is
computed in BNG metres. pyproj works offline; without the OSTN15 grid file it falls back to
a Helmert transform (about 2 m error), which is ample for planning distances.
"""
from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
from pyproj import Transformer

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"


@lru_cache(maxsize=None)
def _transformer(src: str, dst: str) -> Transformer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing-grid notice is documented above, once
        return Transformer.from_crs(src, dst, always_xy=True)


def to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (degrees) → easting/northing (metres)."""
    x, y = _transformer(WGS84, BNG).transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Easting/northing (metres) → longitude/latitude (degrees)."""
    lon, lat = _transformer(BNG, WGS84).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def points_bng(frame) -> np.ndarray:
    """An (n, 2) array of BNG metres from a frame's ``longitude``/``latitude`` columns."""
    x, y = to_bng(frame["longitude"].to_numpy(float), frame["latitude"].to_numpy(float))
    return np.column_stack([x, y])
