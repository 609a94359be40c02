"""Every map layer, declared once: id, title, builder, legend rows, tooltip fields, style
and whether it is ticked at first.

The map page (rendering/webmap.py) draws the ``base`` layers from these declarations, the
legend and the Layers panel take their titles and rows from here, and a panel draws an
``overlay`` by asking its layer for features and handing them to ``MapView.set_overlay``
(which takes the legend and interactivity from here too). The order is the legend's: top
of the map first. A new layer is one entry here and its builder (spec.py says how).
"""
from __future__ import annotations

from rendering.map_layers import demand, estate, groups, hubs
from rendering.map_layers.spec import BASE, OVERLAY, PAGE, Layer, area, circle, stroke
from rendering.map_context import ward_features
from rendering.roads_map import CONTEXT_TITLE
from rendering.webmap import (
    EXCLUDED_COLOUR, GROUP_PALETTE, HOUSING_COLOUR, HOUSING_REF_DWELLINGS,
    HOUSING_REF_RADIUS, HUB_COLOUR, LOCALITY_COLOURS, PRACTICE_COLOUR, PRACTICE_REF_PATIENTS,
    PRACTICE_REF_RADIUS, branch_link_features, housing_features, housing_style, hub_features,
    hub_style, locality_features, locality_style, practice_features, practice_style,
)

__all__ = ["Layer", "MAP_LAYERS", "BASE_LAYERS", "layer", "legend_sections", "LEGEND_ORDER"]


def _locality_rows(band=None) -> list:
    return [[area(LOCALITY_COLOURS[0], "#424242", width=1), "Locality (name in bold)"],
            [area("transparent", "#c62828", dash=True),
             f"Locality outside {band[0]:,.0f}–{band[1]:,.0f} patients" if band else
             "Locality outside its population target"]]


def _band_rows(mode: str = "drive") -> list:
    colours = hubs.TRANSIT_COLOURS if mode == "transit" else hubs.BAND_COLOURS
    how = "by public transport (median)" if mode == "transit" else f"{mode} time by road"
    return [[area(c, c, width=1), f"Within {m} minutes, {how}"] for m, c in colours.items()]


_DECLARED = [
    Layer("hubs", "Healthy Living Centres / hubs", hub_features, kind=BASE, style=hub_style,
          tip=("Hub", "Status", "Locality", "Capacity (patients)"), legend=(
              (circle(HUB_COLOUR, "#9e9e9e"), "Healthy Living Centre, existing"),
              (circle("#fff", HUB_COLOUR, dash=True), "HLC / hub, planned"),
              (circle("#e1bee7", HUB_COLOUR, dash=True), "Hub, proposed"))),
    Layer("suggested", "Suggested hub sites", hubs.suggested_features,
          style=hubs.SUGGESTED_STYLE, tip=("Suggested hub site",), legend=(
              (circle("#fff", HUB_COLOUR, 16, True),
               "Suggested new hub site (not yet accepted)"),)),
    Layer("practices", "Practices and branches", practice_features, kind=BASE,
          style=practice_style, tip=("Practice", "Branch surgery", "Code", "Branch of",
                                     "Registered patients", "GP WTE", "Locality"), legend=(
              (circle(PRACTICE_COLOUR, "#fff", round(2 * PRACTICE_REF_RADIUS)),
               f"Practice: this circle = {PRACTICE_REF_PATIENTS:,} patients"),
              (circle("#fff", PRACTICE_COLOUR, 8, True), "Branch surgery"))),
    Layer("branch_links", "Branch links", branch_link_features, kind=BASE,
          tip=("Branch link",), legend=(
              (stroke(PRACTICE_COLOUR, dash=True), "Branch to its main practice"),)),
    Layer("housing", "Housing growth sites", housing_features, kind=BASE, style=housing_style,
          tip=("Housing site", "Dwellings", "Status", "In projections", "Locality"), legend=(
              (circle(HOUSING_COLOUR, "#7f2704", round(2 * HOUSING_REF_RADIUS)),
               f"Site: this circle = {HOUSING_REF_DWELLINGS:,} dwellings"),
              (circle(EXCLUDED_COLOUR, "#616161", dash=True),
               "Site excluded from projections"))),
    Layer("groups", "Extended group outlines", groups.group_territories, interactive=False,
          style=groups.territory_style,
          tip=("Group", "Patients", "Practices", "Against bounds", "Mean distance"), legend=(
              (area("rgba(0,0,0,0.06)", GROUP_PALETTE[0]), "Outline of a group's practices"),
              (area("transparent", "#c62828", dash=True), "Group outside the size bounds"))),
    # Off until asked (a grouping chosen to compare, the box ticked): the opening map reads
    # as localities, practices, hubs and groups, not a tangle of overlapping areas.
    Layer("existing_groups", "Existing grouping (compared)", groups.existing_group_features,
          visible=False, interactive=False, tip=("Existing group",), legend=(
              (area("transparent", "#424242", dash=True),
               "An existing group, e.g. a Primary Care Network"),)),
    Layer("catchments", "Hub catchments", hubs.catchment_features, visible=False,
          interactive=False,
          style=hubs.catchment_style, tip=("Catchment of", "Area", "Straight line"), legend=(
              (area("rgba(0,0,0,0.06)", "#616161", dash=True),
               "Nearest to the hub named in it"),)),
    Layer("demand", "GP WTE needed (shading)", demand.demand_features, visible=False,
          interactive=False, style=demand.demand_style,
          tip=("Locality", *demand.SHADES.values()), legend=(
              (area("#fc9272", "#9e9e9e", width=1), "Darker = more GP WTE needed"),)),
    Layer("localities", "Localities", locality_features, kind=BASE, style=locality_style,
          tip=("Locality", "Registered patients"), legend=_locality_rows),
    Layer("wards", "Wards (boundaries and names)", ward_features, kind=PAGE,
          legend_title="Wards", legend=(
              (stroke("#90a4ae", width=1), "Ward boundary (name in grey italics)"),)),
    Layer("context", CONTEXT_TITLE, kind=PAGE),   # its legend names the road file
    Layer("straight_lines", "Straight lines across water (no roads)",
          hubs.straight_line_features, style=hubs.STRAIGHT_LINE_STYLE,
          tip=("Straight line", "Outside the localities", "Note"), legend=(
              (stroke("#b71c1c", dash=True),
               "Straight line crosses the estuary or leaves the localities: import roads"),)),
    Layer("time_bands", "Time bands around the selected hub", hubs.band_features,
          interactive=False, style=hubs.band_style, legend=_band_rows,
          tip=("Within", "Of hub", "Timetable")),
    Layer("estate", "Estate: sites by utilisation or condition", estate.estate_features,
          visible=False, interactive=False, style=estate.ring_style,
          tip=("Site", "Estate", "Rooms", "Condition"), legend=estate.estate_legend),
]
MAP_LAYERS: dict[str, Layer] = {spec.id: spec for spec in _DECLARED}
LEGEND_ORDER = list(MAP_LAYERS)
# The page's own layers in drawing order (bottom first): points above areas and lines.
BASE_LAYERS = ("localities", "branch_links", "housing", "practices", "hubs")
OVERLAYS = tuple(s.id for s in _DECLARED if s.kind == OVERLAY)


def layer(layer_id: str) -> Layer:
    """The declaration of ``layer_id`` (KeyError for a layer nobody declared)."""
    return MAP_LAYERS[layer_id]


def legend_sections(band=None) -> list[dict]:
    """The page's first legend: every layer whose rows need no data (the localities'
    judged on ``band``); a panel's overlay brings its own rows when drawn."""
    return [spec.legend_section(band) if spec.id == "localities" else spec.legend_section()
            for spec in _DECLARED
            if spec.legend and (not callable(spec.legend) or spec.id == "localities")]
