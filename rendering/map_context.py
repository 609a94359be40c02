"""Wards for orientation: faint boundaries and names from what the data folder holds.
(Roads, rivers and places are the separate "context" layer, rendering/roads_map.py.)"""
from __future__ import annotations

from pathlib import Path

from geo.dataset import WARD_FILE
from rendering.map_layers.spec import collection


def ward_features(ds) -> dict:
    """Faint ward boundaries and names from the data folder's wards.geojson, where present
    (the same ward file the localities are dissolved from); otherwise nothing."""
    folder = getattr(ds, "folder", None)
    path = Path(folder) / WARD_FILE if folder else None
    if path is None or not path.is_file():
        return collection([])
    from geo.errors import DataError
    from geo.io_boundaries import read_boundaries
    try:
        wards = read_boundaries(path).to_crs(4326)
    except (DataError, OSError, ValueError):
        return collection([])
    code_col = next((c for c in wards.columns if c.upper().endswith("CD")), None)
    name_col = next((c for c in wards.columns if c.upper().endswith("NM")
                     or c.lower() in ("name", "ward_name")), None)
    feats = []
    for i, row in enumerate(wards.itertuples()):
        code = str(getattr(row, code_col)) if code_col else f"ward-{i + 1}"
        name = str(getattr(row, name_col)) if name_col else code
        pt = row.geometry.representative_point()
        feats.append({"type": "Feature", "geometry": row.geometry.__geo_interface__,
                      "properties": {"id": code, "name": name, "label": [pt.y, pt.x],
                                     "style": {"color": "#90a4ae", "weight": 1,
                                               "opacity": 0.8, "fill": False}}})
    return collection(feats)
