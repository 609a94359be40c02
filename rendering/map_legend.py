"""The map's legend: one section per layer, shown while its layer is ticked.

A swatch is a shape spec (circle / area / line) the page draws with the DOM; every text is
set as text, never HTML. Overlays drawn later by the panels (suggested sites, catchments,
groups, demand shading, context) have their sections here too, so everything drawn on the
map has a legend entry.
"""
from __future__ import annotations

from rendering.webmap import (
    EXCLUDED_COLOUR, GROUP_PALETTE, HOUSING_COLOUR, HOUSING_REF_DWELLINGS, HOUSING_REF_RADIUS,
    HUB_COLOUR, LAYER_TITLES, LOCALITY_COLOURS, PRACTICE_COLOUR,
    PRACTICE_REF_PATIENTS, PRACTICE_REF_RADIUS,
)


def _circle(fill, stroke, size=12, dash=False):
    return {"shape": "circle", "fill": fill, "stroke": stroke, "size": size, "dash": dash}


def _area(fill, stroke, dash=False, width=2):
    return {"shape": "area", "fill": fill, "stroke": stroke, "dash": dash, "width": width,
            "size": 14}


def _line(stroke, dash=False, width=2):
    return {"shape": "line", "stroke": stroke, "dash": dash, "width": width}


def legend_sections(band=None) -> list[dict]:
    px = round(2 * PRACTICE_REF_RADIUS)
    hx = round(2 * HOUSING_REF_RADIUS)
    return [
        {"layer": "hubs", "title": LAYER_TITLES["hubs"], "rows": [
            [_circle(HUB_COLOUR, "#9e9e9e"), "Healthy Living Centre, existing"],
            [_circle("#fff", HUB_COLOUR, dash=True), "HLC / hub, planned"],
            [_circle("#e1bee7", HUB_COLOUR, dash=True), "Hub, proposed"]]},
        {"layer": "practices", "title": LAYER_TITLES["practices"], "rows": [
            [_circle(PRACTICE_COLOUR, "#fff", px),
             f"Practice: this circle = {PRACTICE_REF_PATIENTS:,} patients"],
            [_circle("#fff", PRACTICE_COLOUR, 8, True), "Branch surgery"]]},
        {"layer": "branch_links", "title": LAYER_TITLES["branch_links"], "rows": [
            [_line(PRACTICE_COLOUR, dash=True), "Branch to its main practice"]]},
        {"layer": "housing", "title": LAYER_TITLES["housing"], "rows": [
            [_circle(HOUSING_COLOUR, "#7f2704", hx),
             f"Site: this circle = {HOUSING_REF_DWELLINGS:,} dwellings"],
            [_circle(EXCLUDED_COLOUR, "#616161", dash=True),
             "Site excluded from projections"]]},
        {"layer": "localities", "title": LAYER_TITLES["localities"], "rows": [
            [_area(LOCALITY_COLOURS[0], "#424242", width=1), "Locality (name in bold)"],
            [_area("transparent", "#c62828", dash=True),
             f"Locality outside {band[0]:,.0f}–{band[1]:,.0f} patients" if band else
             "Locality outside its population target"]]},
        *OVERLAY_LEGENDS.values(),
    ]


# Legend sections for layers drawn later (the panels add them as overlays). A layer not
# listed here gets a one-line section from its title.
OVERLAY_LEGENDS = {
    "suggested": {"layer": "suggested", "title": "Suggested hub sites", "rows": [
        [_circle("#ffecb3", "#ff6f00", 14, True), "Suggested new hub site"]]},
    "catchments": {"layer": "catchments", "title": "Hub catchments", "rows": [
        [_area("rgba(0,0,0,0.06)", "#616161", dash=True),
         "Nearest to the hub named in it"]]},
    "groups": {"layer": "groups", "title": "Extended group outlines", "rows": [
        [_area("rgba(0,0,0,0.06)", GROUP_PALETTE[0]),
         "Outline of a group's practices"],
        [_area("transparent", "#c62828", dash=True), "Group outside the size bounds"]]},
    "existing_groups": {"layer": "existing_groups", "title": "Existing grouping (compared)",
                        "rows": [[_area("transparent", "#424242", dash=True),
                                  "An existing group, e.g. a Primary Care Network"]]},
    "demand": {"layer": "demand", "title": "GP WTE needed (shading)", "rows": [
        [_area("#fc9272", "#9e9e9e", width=1), "Darker = more GP WTE needed"]]},
    "wards": {"layer": "wards", "title": "Wards", "rows": [
        [_line("#90a4ae", width=1), "Ward boundary (name in grey italics)"]]},
}
LEGEND_ORDER = ["hubs", "suggested", "practices", "branch_links", "housing", "groups",
                "existing_groups", "catchments", "demand", "localities", "wards", "context"]


def overlay_legend(name: str, title: str | None = None) -> dict:
    return OVERLAY_LEGENDS.get(name) or {"layer": name, "title": title or name, "rows": []}




def roads_section(layers) -> dict | None:
    """The roads/rivers/places context's section (None without a road layer)."""
    if layers is None:
        return None
    from rendering.roads_map import CONTEXT_STYLES, CONTEXT_TITLE

    def line(kind):
        st = CONTEXT_STYLES[kind]
        return _line(st["color"], dash=bool(st.get("dashArray")), width=3)
    note = " (illustrative)" if layers.illustrative else ""
    source = layers.source.get("file", "")
    licence = "" if layers.illustrative else layers.source.get("licence", "")
    return {"layer": "context", "title": CONTEXT_TITLE + note, "rows": [
        [line("primary"), "Major road"], [line("river"), "River / coast"],
        [line("rail"), "Railway"],
        [{"shape": "line", "stroke": "transparent", "width": 0},
         f"Source: {source}" + (f" — {licence}" if licence else "")]]}
