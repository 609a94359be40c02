"""Caches of values worked out from large objects (road graphs, study areas) are found by
the object itself: a new object that happens to get a freed one's id is never handed the
old one's value."""
from __future__ import annotations

import gc

from geo.identity_cache import IdentityCache


class Layer:
    """Stands for a roads or localities layer: equal in length, different in content."""

    def __init__(self, name: str):
        self.name = name


def test_a_new_object_never_gets_a_freed_ones_value():
    cache = IdentityCache(8)
    made = []

    def graph_of(layer):
        return cache.get((layer,), "drive", lambda: made.append(layer.name) or layer.name)

    for n in range(200):          # ids of freed objects come back quickly in CPython
        layer = Layer(f"roads {n}")
        assert graph_of(layer) == f"roads {n}"
        del layer
        gc.collect()
    assert len(made) == 200


def test_the_same_object_and_settings_are_made_once():
    cache = IdentityCache(2)
    layer, calls = Layer("roads"), []
    for _ in range(3):
        cache.get((layer,), ("drive", 30.0), lambda: calls.append(1))
    cache.get((layer,), ("walk", 4.8), lambda: calls.append(1))
    assert len(calls) == 2


def test_a_new_roads_layer_of_the_same_length_gets_its_own_road_graph():
    """The bug this guards against: graph_for once keyed its cache on id(roads) and the
    length, so a roads layer made after another was freed could be given its graph."""
    import shapely
    from geo.roads import RoadLayers, frame
    from models.travel_access import graph_for

    def roads(length_m: float) -> RoadLayers:    # one straight street, 1 or 2 km
        line = shapely.LineString([(570_000, 160_000), (570_000 + length_m, 160_000)])
        rows = {"road_class": ["residential"], "name": [""], "maxspeed_kmh": [30.0],
                "oneway": [0], "drive": [True], "walk": [True]}
        return RoadLayers(frame("roads", rows, [line]), source={"file": "test"})

    ends = [[570_000, 160_000]], [[572_000, 160_000]]
    seen: dict[float, set] = {1000.0: set(), 2000.0: set()}
    for n in range(20):
        length = 1000.0 if n % 2 else 2000.0
        layers = roads(length)
        seen[length].add(round(float(graph_for(layers, "drive").times(*ends)[0, 0]), 3))
        del layers
        gc.collect()
    # Each street always gives its own time (the 1 km one ends short of the far point, so
    # its time includes the leg beyond): never the other street's.
    assert len(seen[1000.0]) == len(seen[2000.0]) == 1
    assert seen[1000.0] != seen[2000.0]
