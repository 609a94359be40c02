"""Read an OpenStreetMap extract (.osm.pbf as published per county, or .osm XML) with osmium.

Why osmium (pyosmium, the Python binding of libosmium, maintained by the OSM developers):
- one reader for both formats the planner may have: .osm.pbf (Geofabrik's county extracts)
  and .osm XML (what the OSM website's Export button gives), also .osm.bz2/.gz;
- it streams the file in C++ with a node-location cache and tag filters applied before
  Python sees an object, so a county extract is read in seconds with little memory;
- wheels on PyPI for Linux, Windows and macOS, no GDAL configuration.
pyrosm reads only .osm.pbf (not the XML export); GDAL's OSM driver (already here through
pyogrio) needs driver configuration for node indexing (it refused pyogrio's own sample
.pbf with "Non increasing node id") and hides maxspeed/oneway inside an hstore string.
OS Open Roads (a GeoPackage) is read with pyogrio in geo/roads_os.py.

Only what the app uses is kept: roads and paths (class, name, tagged maxspeed, one-way,
whether cars and walkers may use them), rivers/canals/coastline, railway lines, stations
and named places. Data © OpenStreetMap contributors, available under the ODbL.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import shapely

from geo.crs import to_bng, to_wgs84
from geo.bounds import GB_LAT, GB_LON
from geo.errors import DataError
from geo.roads import (
    DRIVE_CLASSES, PLACE_KINDS, RAIL_KINDS, ROAD_CLASSES, WALK_CLASSES, RoadLayers,
    RoadsCancelled, frame,
)

OSM_LICENCE = "© OpenStreetMap contributors, ODbL"
MPH = 1.609344
# UK signed limits written as words in OSM (GB national speed limits: Highway Code rule 124).
NAMED_LIMITS_MPH = {"gb:nsl_single": 60, "gb:nsl_dual": 70, "gb:motorway": 70,
                    "uk:nsl_single": 60, "uk:nsl_dual": 70, "uk:motorway": 70,
                    "gb:nsl_restricted": 30, "gb:urban": 30}
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.I)
_ZONE = re.compile(r"^(?:gb|uk):zone(\d+)$", re.I)
_NO = ("no", "private")
_WATERWAYS = ("river", "canal")
_REPORT_EVERY = 20_000


def parse_maxspeed(text: str | None) -> float:
    """A tagged limit in km/h ("30 mph", "50", "GB:nsl_single", "GB:zone20"); NaN if none."""
    if not text:
        return math.nan
    t = str(text).split(";")[0].strip()
    m = _SPEED.match(t)
    if m:
        value = float(m.group(1))
        return value * MPH if (m.group(2) or "").lower() == "mph" else value
    z = _ZONE.match(t)
    if z:
        return float(z.group(1)) * MPH
    named = NAMED_LIMITS_MPH.get(t.lower())
    return named * MPH if named else math.nan


def road_class(tags) -> str | None:
    hw = tags.get("highway")
    if not hw:
        return None
    hw = hw[:-5] if hw.endswith("_link") else hw
    return hw if hw in ROAD_CLASSES else None


def _oneway(tags) -> int:
    v = (tags.get("oneway") or "").lower()
    if v in ("yes", "1", "true"):
        return 1
    if v in ("-1", "reverse"):
        return -1
    if tags.get("junction") in ("roundabout", "circular") and v != "no":
        return 1
    return 0


def _allowed(tags, cls: str) -> tuple[bool, bool]:
    access = tags.get("access")
    drive = (cls in DRIVE_CLASSES and access not in _NO
             and tags.get("motor_vehicle") not in _NO and tags.get("motorcar") not in _NO)
    foot = tags.get("foot")
    walk = (cls in WALK_CLASSES and foot not in _NO
            and (access not in _NO or foot in ("yes", "designated", "permissive")))
    return drive, walk


def _lonlat_box(box):
    """The BNG box as a generous longitude/latitude box, for a cheap first test."""
    if box is None:
        return None
    minx, miny, maxx, maxy = box
    xs = np.array([minx, maxx, minx, maxx])
    ys = np.array([miny, miny, maxy, maxy])
    lon, lat = to_wgs84(xs, ys)
    pad = 0.01
    return lon.min() - pad, lat.min() - pad, lon.max() + pad, lat.max() + pad


def read_osm(path: Path, *, box=None, progress=None, cancel=None) -> RoadLayers:
    """Roads, water, rail and places of an OSM file, in BNG (clipping is the caller's)."""
    import osmium

    report = progress or (lambda f, m: None)
    stop = cancel or (lambda: False)
    llbox = _lonlat_box(box)
    lines = {"roads": [], "water": [], "rail": []}   # (attrs, lon/lat array)
    points = []                                     # (kind, name, lon, lat)
    wanted = osmium.filter.KeyFilter("highway", "waterway", "railway", "place", "natural")
    try:
        fp = osmium.FileProcessor(str(path)).with_locations().with_filter(wanted)
        for n, obj in enumerate(fp):
            if n % _REPORT_EVERY == 0:
                if stop():
                    raise RoadsCancelled()
                report(0.85 * (1 - math.exp(-n / 400_000)), f"Reading {path.name}: "
                       f"{n:,} map objects so far")
            tags = obj.tags
            if obj.is_node():
                kind = tags.get("place")
                if tags.get("railway") == "station":
                    kind = "station"
                name = tags.get("name")
                if kind in PLACE_KINDS and name:
                    loc = obj.location
                    if not loc.valid() or not (GB_LON[0] <= loc.lon <= GB_LON[1]
                                               and GB_LAT[0] <= loc.lat <= GB_LAT[1]):
                        continue    # no usable coordinates (out of range): not on the map
                    if _inside(llbox, loc.lon, loc.lat):
                        points.append((kind, name, loc.lon, loc.lat))
                continue
            if not obj.is_way():
                continue
            target, attrs = _way_attrs(tags)
            if target is None:
                continue
            coords = _coords(obj)
            if coords is None or len(coords) < 2:
                continue
            if llbox is not None and not _touches(llbox, coords):
                continue
            lines[target].append((attrs, coords))
    except RoadsCancelled:
        raise
    except RuntimeError as exc:
        raise DataError(str(path), f"not a readable OpenStreetMap file ({exc})") from None
    except osmium.InvalidLocationError as exc:   # NaN or a malformed coordinate
        raise DataError(path.name, f"a node's coordinates cannot be read ({exc}); the "
                                   "file is damaged: export it again") from None
    report(0.88, "Projecting to British National Grid")
    layers = RoadLayers(_roads_frame(lines["roads"]),
                        _kind_frame("water", lines["water"]),
                        _kind_frame("rail", lines["rail"]),
                        _places_frame(points),
                        {"file": path.name, "format": "OpenStreetMap",
                         "licence": OSM_LICENCE})
    return layers


def _way_attrs(tags):
    cls = road_class(tags)
    if cls is not None and tags.get("area") != "yes":
        drive, walk = _allowed(tags, cls)
        return "roads", (cls, tags.get("name") or tags.get("ref") or "",
                         parse_maxspeed(tags.get("maxspeed")), _oneway(tags), drive, walk)
    ww = tags.get("waterway")
    if ww in _WATERWAYS:
        return "water", (ww, tags.get("name") or "")
    if tags.get("natural") == "coastline":
        return "water", ("coastline", "")
    rw = tags.get("railway")
    if rw in RAIL_KINDS and not tags.get("service"):
        return "rail", (rw, tags.get("name") or "")
    return None, None


def _coords(way):
    out = []
    for nd in way.nodes:
        loc = nd.location
        if not loc.valid():
            continue   # a node outside the extract
        lon, lat = loc.lon, loc.lat
        if not (GB_LON[0] <= lon <= GB_LON[1] and GB_LAT[0] <= lat <= GB_LAT[1]):
            continue   # a damaged coordinate ('1e999' reads as 0): never a British road
        out.append((lon, lat))
    return np.asarray(out, float) if out else None


def _inside(llbox, lon, lat) -> bool:
    return llbox is None or (llbox[0] <= lon <= llbox[2] and llbox[1] <= lat <= llbox[3])


def _touches(llbox, coords) -> bool:
    lon, lat = coords[:, 0], coords[:, 1]
    return not (lon.max() < llbox[0] or lon.min() > llbox[2]
                or lat.max() < llbox[1] or lat.min() > llbox[3])


def _to_lines(items):
    """All lines' lon/lat → BNG in one transform, then shapely LineStrings."""
    if not items:
        return []
    coords = np.concatenate([c for _, c in items])
    sizes = np.array([len(c) for _, c in items])
    x, y = to_bng(coords[:, 0], coords[:, 1])
    which = np.repeat(np.arange(len(items)), sizes)
    return list(shapely.linestrings(np.column_stack([x, y]), indices=which))


def _roads_frame(items):
    geoms = _to_lines(items)
    cols = list(zip(*[a for a, _ in items])) if items else [[]] * 6
    return frame("roads", dict(zip(["road_class", "name", "maxspeed_kmh", "oneway",
                                    "drive", "walk"], cols)), geoms)


def _kind_frame(layer, items):
    geoms = _to_lines(items)
    cols = list(zip(*[a for a, _ in items])) if items else [[], []]
    return frame(layer, {"kind": list(cols[0]), "name": list(cols[1])}, geoms)


def _places_frame(points):
    if not points:
        return frame("places", {}, [])
    kind, name, lon, lat = zip(*points)
    x, y = to_bng(np.array(lon), np.array(lat))
    return frame("places", {"kind": list(kind), "name": list(name)},
                 list(shapely.points(np.column_stack([x, y]))))
