"""What a map layer is: one declaration (``Layer``) the map view, the HTML export and the
legend all read, and the GeoJSON helpers every layer builder uses.

A builder is plain Python (no Qt): plan data in, a FeatureCollection out, each feature with
``id``, ``style`` (Leaflet path options) and ``tip`` (label/value rows the page writes as
text, never HTML). Panels ask a layer for its features and hand them to the map; they
never build GeoJSON themselves (tests/test_architecture.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

BASE, PAGE, OVERLAY = "base", "page", "overlay"


@dataclass(frozen=True)
class Layer:
    """One map layer, declared once.

    ``kind``: ``base`` (drawn into the page from the dataset: rendering/webmap.py),
    ``page`` (drawn by the page script from its configuration: wards, roads context) or
    ``overlay`` (drawn later by a panel through ``MapView.set_overlay``). ``legend`` is the
    legend's rows (``[swatch, text]``), or a function of the layer's options giving them.
    ``tip`` names every label a feature's tooltip may carry; ``style`` is the style (or
    the function giving a feature's style) the builder draws with."""

    id: str
    title: str                                  # the tick box's words and the legend's
    build: Callable[..., dict] | None = None    # plan data → FeatureCollection
    legend: tuple | Callable[..., list] = ()
    tip: tuple[str, ...] = ()
    style: dict | Callable | None = None
    visible: bool = True                        # ticked when first listed
    interactive: bool = True                    # clicks and tooltips on its features
    kind: str = OVERLAY
    legend_title: str | None = None             # when the legend says it shorter

    def features(self, *args, **kwargs) -> dict:
        """The layer's FeatureCollection from plan data (the builder's arguments)."""
        if self.build is None:
            raise TypeError(f"the {self.id} layer is drawn by the page, not built")
        return self.build(*args, **kwargs)

    def legend_section(self, *args, **kwargs) -> dict:
        """The legend's section for this layer (options as the builder's, e.g. a mode)."""
        rows = self.legend(*args, **kwargs) if callable(self.legend) else \
            [list(r) for r in self.legend]
        return {"layer": self.id, "title": self.legend_title or self.title, "rows": rows}


def feature(geometry: dict, fid, style: dict, tip: list | None = None, **props) -> dict:
    """One GeoJSON feature as the page draws it (``id``, ``style``, ``tip`` and extras such
    as ``label``)."""
    properties = {"id": fid, **props, "style": style}
    if tip is not None:
        properties["tip"] = tip
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def point(lon, lat) -> dict:
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def line(*coords) -> dict:
    return {"type": "LineString", "coordinates": [[float(x), float(y)] for x, y in coords]}


# ---------------------------------------------------------------- legend swatches
# A swatch is a shape the page draws with the DOM (resources/map_glue.js, ``swatch``).

def circle(fill, stroke, size=12, dash=False) -> dict:
    return {"shape": "circle", "fill": fill, "stroke": stroke, "size": size, "dash": dash}


def area(fill, stroke, dash=False, width=2) -> dict:
    return {"shape": "area", "fill": fill, "stroke": stroke, "dash": dash, "width": width,
            "size": 14}


def stroke(colour, dash=False, width=2) -> dict:
    return {"shape": "line", "stroke": colour, "dash": dash, "width": width}
