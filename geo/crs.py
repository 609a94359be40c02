"""WGS84 (EPSG:4326) ⇄ British National Grid (EPSG:27700).

Coordinates are stored as longitude/latitude; every distance, area, buffer and cluster is
computed in BNG metres. pyproj works offline; without the OSTN15 grid file it falls back to
a Helmert transform (about 2 m error), which is ample for planning distances.
"""
from __future__ import annotations

import threading
import warnings

import numpy as np
from pyproj import Transformer

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"

# pyproj objects are not thread-safe (and a transform in a reused QThreadPool thread
# crashed here; gui/worker.py now uses a fresh Python thread per task). Both transformers
# are made once, on import, and every use is serialised by one lock.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")   # the missing-grid (OSTN15) notice, documented above
    _TRANSFORMERS = {(WGS84, BNG): Transformer.from_crs(WGS84, BNG, always_xy=True),
                     (BNG, WGS84): Transformer.from_crs(BNG, WGS84, always_xy=True)}
_LOCK = threading.Lock()


def _transform(src: str, dst: str, a, b) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    with _LOCK:
        u, v = _TRANSFORMERS[(src, dst)].transform(a, b)
    return np.asarray(u, float), np.asarray(v, float)


def to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (degrees) → easting/northing (metres)."""
    return _transform(WGS84, BNG, lon, lat)


def to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Easting/northing (metres) → longitude/latitude (degrees)."""
    return _transform(BNG, WGS84, x, y)


def points_bng(frame) -> np.ndarray:
    """An (n, 2) array of BNG metres from a frame's ``longitude``/``latitude`` columns."""
    x, y = to_bng(frame["longitude"].to_numpy(float), frame["latitude"].to_numpy(float))
    return np.column_stack([x, y])
