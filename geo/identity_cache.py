"""A small cache of values worked out from large objects (a roads layer, a timetable),
found by the very object rather than by equality, which would mean hashing the object.

The object is kept with its value, so while it is cached no other object can take its
``id``: keyed on ``id()`` alone, a freed roads layer's id was reused by another layer of
the same length, which was then given the first one's road graph."""
from __future__ import annotations

from typing import Callable, Hashable, TypeVar

V = TypeVar("V")


class IdentityCache:
    """Up to ``size`` values, each for a tuple of objects (by identity) and a hashable
    ``extra`` (settings); when full it starts again empty."""

    def __init__(self, size: int):
        self.size = size
        self._items: dict[tuple, tuple[tuple, object]] = {}

    def get(self, objects: tuple, extra: Hashable, make: Callable[[], V]) -> V:
        """The value for these objects and ``extra``, made by ``make()`` the first time."""
        key = (tuple(id(o) for o in objects), extra)
        hit = self._items.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objects)):
            return hit[1]
        if len(self._items) >= self.size:
            self._items.clear()
        value = make()
        self._items[key] = (tuple(objects), value)
        return value
