"""The road and place layer of a data folder: roads, water, railways and place names.

One file, ``roads.gpkg`` beside practices.csv, in British National Grid (EPSG:27700), with
four layers, and ``roads.json`` saying where it came from (file, licence, area, counts):

- ``roads``  road_class, name, maxspeed_kmh (tagged limit, NaN = not tagged), oneway
             (1 along the line, -1 against it, 0 both ways), drive, walk (booleans)
- ``water``  kind (river, canal, coastline), name — lines
- ``rail``   kind (rail, light_rail), name — lines
- ``places`` kind (city, town, village, suburb, hamlet, station), name — points

Readers (geo/roads_osm.py for OpenStreetMap, geo/roads_os.py for OS Open Roads) return a
``RoadLayers`` already in BNG; ``clip`` keeps the study area plus a margin (the locality
polygons' bounding box grown by ``margin_m``), so a county extract shrinks to the roads
that matter. Everything else (graph, map context) reads the folder through ``load_roads``.

API
---
RoadLayers(roads, water, rail, places, source)   GeoDataFrames in EPSG:27700 + a dict
read_road_file(path, *, progress=None, cancel=None) -> RoadLayers   .osm/.osm.pbf/.gpkg
study_box(localities, margin_m) -> (minx, miny, maxx, maxy) in BNG metres
clip(layers, box) -> RoadLayers
save_roads(layers, folder) / load_roads(folder) -> RoadLayers | None / has_roads(folder)
import_roads(path, localities, folder, *, margin_m, progress, cancel) -> RoadLayers
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo.atomic import atomic_folder
from geo.inputs import gdal_path
from geo.crs import BNG
from geo.errors import DataError
from geo.progress import Cancelled

ROADS_FILE = "roads.gpkg"
ROADS_ABOUT = "roads.json"
LAYER_COLUMNS = {
    "roads": ["road_class", "name", "maxspeed_kmh", "oneway", "drive", "walk"],
    "water": ["kind", "name"],
    "rail": ["kind", "name"],
    "places": ["kind", "name"],
}
# Road classes (OpenStreetMap's highway values; OS Open Roads is mapped onto them), from
# the biggest down. The map draws MAJOR_CLASSES; the graph uses every class.
ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                "residential", "living_street", "service", "road", "track", "pedestrian",
                "footway", "path", "cycleway", "bridleway", "steps")
MAJOR_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary")
DRIVE_CLASSES = ROAD_CLASSES[:10]
WALK_CLASSES = ROAD_CLASSES[1:]           # everything but motorways
PLACE_KINDS = ("city", "town", "village", "suburb", "hamlet", "station")
RAIL_KINDS = ("rail", "light_rail")


RoadsCancelled = Cancelled   # the user cancelled a road import; nothing was written


def _empty(layer: str, geom: str = "LineString") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in LAYER_COLUMNS[layer]},
                            geometry=gpd.GeoSeries([], crs=BNG), crs=BNG)


@dataclass
class RoadLayers:
    """The four layers (EPSG:27700) and a record of their source."""

    roads: gpd.GeoDataFrame
    water: gpd.GeoDataFrame = field(default_factory=lambda: _empty("water"))
    rail: gpd.GeoDataFrame = field(default_factory=lambda: _empty("rail"))
    places: gpd.GeoDataFrame = field(default_factory=lambda: _empty("places", "Point"))
    source: dict = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        return bool(self.source.get("illustrative"))

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in LAYER_COLUMNS}

    def label(self) -> str:
        """One line for status bars and reports: what, from where, under which licence."""
        what = self.source.get("file", "unknown file")
        extra = " — illustrative, not real roads" if self.illustrative else ""
        lic = "" if self.illustrative else self.source.get("licence", "")
        return f"Roads and places from {what}{extra}" + (f" ({lic})" if lic else "")


def frame(layer: str, rows: dict, geoms) -> gpd.GeoDataFrame:
    """A layer frame in the fixed column order (readers build theirs with this)."""
    data = {c: rows.get(c, []) for c in LAYER_COLUMNS[layer]}
    out = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=BNG), crs=BNG)
    if layer == "roads":
        out["maxspeed_kmh"] = pd.to_numeric(out["maxspeed_kmh"], errors="coerce").astype(float)
        out["oneway"] = out["oneway"].astype(int)
        out["drive"] = out["drive"].astype(bool)
        out["walk"] = out["walk"].astype(bool)
    return out


# ---------------------------------------------------------------- reading any supported file

def road_file_kind(path: str | os.PathLike) -> str:
    """"osm" (.osm, .osm.pbf, .pbf, .osm.bz2/.gz) or "os_open_roads" (.gpkg)."""
    name = Path(path).name.lower()
    if name.endswith((".osm", ".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz")):
        return "osm"
    if name.endswith(".gpkg"):
        return "os_open_roads"
    raise DataError(str(path), "not a road file this app reads: give an OpenStreetMap "
                    "extract (.osm.pbf or .osm) or OS Open Roads (.gpkg)")


def read_road_file(path: str | os.PathLike, *, box=None, progress=None,
                   cancel=None) -> RoadLayers:
    """Read a road extract; ``box`` (BNG minx, miny, maxx, maxy) skips what lies outside."""
    path = Path(path)
    kind = road_file_kind(path)
    if not path.is_file():
        raise DataError(str(path), "file not found")
    if kind == "osm":
        from geo.roads_osm import read_osm
        layers = read_osm(path, box=box, progress=progress, cancel=cancel)
    elif is_app_roads(path):         # a roads.gpkg this app wrote (e.g. another folder's)
        layers = _read_layers(path, _about(path.with_name(ROADS_ABOUT)))
        layers.source = {**layers.source, "file": path.name}
    else:
        from geo.roads_os import read_os_open_roads
        layers = read_os_open_roads(path, box=box, progress=progress, cancel=cancel)
    if box is not None:
        layers = clip(layers, box)
    if layers.roads.empty:
        raise DataError(str(path), "no roads found in the study area (is this the right "
                        "extract for these localities?)")
    return layers


# ---------------------------------------------------------------- clipping

def study_box(localities: gpd.GeoDataFrame, margin_m: float) -> tuple[float, ...]:
    """The localities' bounding box in BNG metres, grown by ``margin_m`` on every side."""
    minx, miny, maxx, maxy = localities.to_crs(BNG).total_bounds
    return (minx - margin_m, miny - margin_m, maxx + margin_m, maxy + margin_m)


def clip(layers: RoadLayers, box) -> RoadLayers:
    """Keep what lies inside ``box``; lines crossing its edge are cut at the edge."""
    def cut(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if g.empty:
            return g
        geoms = shapely.clip_by_rect(g.geometry.values, *box)
        out = g.copy()
        out["geometry"] = geoms
        out = out[~out.geometry.is_empty]
        if (out.geom_type == "MultiLineString").any():
            out = out.explode(index_parts=False)
        return out.reset_index(drop=True)

    return RoadLayers(cut(layers.roads), cut(layers.water), cut(layers.rail),
                      cut(layers.places), {**layers.source, "box_bng": [round(v) for v in box]})


# ---------------------------------------------------------------- the data folder

def has_roads(folder) -> bool:
    return folder is not None and (Path(folder) / ROADS_FILE).is_file()


def write_roads(layers: RoadLayers, folder: str | os.PathLike) -> Path:
    """Write roads.gpkg (all four layers) and roads.json into ``folder``, which is a folder
    being built (``geo.atomic.atomic_folder``): the files appear with the rest or not at all."""
    folder = Path(folder)
    target = folder / ROADS_FILE
    for name in LAYER_COLUMNS:
        g = getattr(layers, name)
        g = g[LAYER_COLUMNS[name] + ["geometry"]].copy()
        for col in ("name", "kind", "road_class"):
            if col in g:
                g[col] = g[col].fillna("").astype(str)
        with gdal_path(target) as writable:
            pyogrio.write_dataframe(g, writable, layer=name, driver="GPKG",
                                    promote_to_multi=False, SPATIAL_INDEX="NO")
    about = {**layers.source, "counts": layers.counts()}
    (folder / ROADS_ABOUT).write_text(json.dumps(about, indent=1, default=str),
                                      encoding="utf-8")
    return target


def save_roads(layers: RoadLayers, folder: str | os.PathLike) -> Path:
    """Add roads.gpkg and roads.json to ``folder``: the folder is swapped in whole, so a
    crash or a full disk leaves it as it was."""
    with atomic_folder(folder) as tmp:
        write_roads(layers, tmp)
    target = Path(folder) / ROADS_FILE
    _CACHE.pop(str(target), None)
    return target


_CACHE: dict[str, tuple[float, RoadLayers]] = {}


def load_roads(folder) -> RoadLayers | None:
    """The folder's road layers, or None when it has none (straight-line mode)."""
    if not has_roads(folder):
        return None
    path = Path(folder) / ROADS_FILE
    stamp = path.stat().st_mtime
    hit = _CACHE.get(str(path))
    if hit and hit[0] == stamp:
        return hit[1]
    layers = _read_layers(path, _about(Path(folder) / ROADS_ABOUT))
    _CACHE[str(path)] = (stamp, layers)
    return layers


def is_app_roads(path) -> bool:
    """True for a GeoPackage holding this app's four road layers (roads.gpkg)."""
    try:
        names = {str(n) for n, _ in pyogrio.list_layers(path)}
    except Exception:  # not a GeoPackage at all: the OS Open Roads reader says why
        return False
    return set(LAYER_COLUMNS) <= names


def _about(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _read_layers(path: Path, source: dict) -> RoadLayers:
    """The four layers of an app-written roads.gpkg (a damaged file is reported)."""
    try:
        parts = {name: pyogrio.read_dataframe(path, layer=name) for name in LAYER_COLUMNS}
    except Exception as exc:  # a damaged file is reported, never half-read
        raise DataError(str(path), f"cannot read the road layers ({exc})") from None
    for g in parts.values():
        if g.crs is None:
            g.set_crs(BNG, inplace=True)
        for col in ("name", "kind", "road_class"):
            if col in g:
                g[col] = g[col].fillna("")
    roads = parts["roads"]
    roads["drive"] = roads["drive"].astype(bool)
    roads["walk"] = roads["walk"].astype(bool)
    return RoadLayers(parts["roads"], parts["water"], parts["rail"], parts["places"],
                      dict(source))


def import_roads(path, localities: gpd.GeoDataFrame, folder, *, margin_m: float,
                 progress=None, cancel=None) -> RoadLayers:
    """Read ``path``, clip it to the localities plus ``margin_m`` and write it into
    ``folder``. Cancelling leaves the folder as it was."""
    layers = read_roads_for(path, localities, margin_m, progress=progress, cancel=cancel)
    if progress:
        progress(0.95, "Writing roads.gpkg")
    save_roads(layers, folder)
    return layers


def forget_roads(folder) -> None:
    """Drop the cached roads of ``folder`` (just rewritten)."""
    _CACHE.pop(str(Path(folder) / ROADS_FILE), None)


def read_roads_for(road_file, localities, margin_m: float, *, progress=None,
                   cancel=None) -> RoadLayers:
    """The extract clipped to the localities plus ``margin_m``, with its source noted:
    read before anything is written, so the folder is written once, whole."""
    layers = read_road_file(road_file, box=study_box(localities, margin_m),
                            progress=progress, cancel=cancel)
    if cancel is not None and cancel():
        raise RoadsCancelled()
    layers.source.setdefault("file", Path(road_file).name)
    layers.source["margin_m"] = margin_m
    return layers


