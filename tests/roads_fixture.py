"""A small hand-made OpenStreetMap file: a river with one bridge, roads on both banks.

North bank road (lat 51.390) and south bank road (lat 51.384) run from lon 0.50 to 0.56;
the river (lat 51.387) runs between them; the only crossing is a bridge at lon 0.56.
A point on each bank at lon 0.50 is about 0.7 km apart in a straight line but about
8.5 km apart by road. A footbridge over the river is added with ``footbridge=True``.
"""
from __future__ import annotations

from pathlib import Path

NORTH, RIVER, SOUTH = 51.390, 51.387, 51.384
WEST, EAST = 0.50, 0.56
POINT_NORTH = (0.50, 51.3905)   # lon, lat
POINT_SOUTH = (0.50, 51.3835)


def _way(wid, refs, tags):
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
    return f'<way id="{wid}" version="1">{nds}{tg}</way>'


def write_river_osm(path: Path, footbridge: bool = False) -> Path:
    nodes, ways = {}, []
    nid = [0]

    def node(lon, lat, tags=None):
        nid[0] += 1
        nodes[nid[0]] = (lon, lat, tags or {})
        return nid[0]

    steps = [WEST + i * (EAST - WEST) / 12 for i in range(13)]
    north = [node(x, NORTH) for x in steps]
    south = [node(x, SOUTH) for x in steps]
    river = [node(x, RIVER) for x in [WEST - 0.01] + steps + [EAST + 0.01]]
    ways.append(_way(1, north, {"highway": "residential", "name": "North Bank Road",
                                "maxspeed": "30 mph"}))
    ways.append(_way(2, south, {"highway": "residential", "name": "South Bank Road"}))
    # The bridge shares the banks' end nodes, not the river's.
    ways.append(_way(3, [north[-1], south[-1]], {"highway": "tertiary", "bridge": "yes",
                                                 "name": "The Bridge"}))
    ways.append(_way(4, river, {"waterway": "river", "name": "River Test"}))
    rail = [node(x, NORTH + 0.004) for x in steps]
    ways.append(_way(5, rail, {"railway": "rail", "name": "Test Line"}))
    ways.append(_way(6, [north[3], node(steps[3], NORTH + 0.002)],
                     {"highway": "service", "access": "private"}))
    ways.append(_way(7, [south[0], south[1]], {"highway": "footway"}))
    if footbridge:
        ways.append(_way(8, [north[0], south[0]], {"highway": "footway", "bridge": "yes"}))
    node(0.53, NORTH + 0.002, {"place": "town", "name": "Northtown"})
    node(0.52, SOUTH - 0.002, {"place": "village", "name": "Southvillage"})
    node(steps[6], NORTH + 0.004, {"railway": "station", "name": "Northtown Station"})
    node(0.53, 51.3, {"place": "hamlet"})             # no name: not kept
    body = "".join(
        f'<node id="{i}" version="1" lat="{lat}" lon="{lon}">'
        + "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()) + "</node>"
        for i, (lon, lat, tags) in nodes.items())
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" '
                    f'generator="hand">{body}{"".join(ways)}</osm>\n', encoding="utf-8")
    return path
