"""The Capacity tab's estate layer: each site of the register ringed by its utilisation
now or its condition, a ring just outside the site's own symbol so it never hides under
it. Unknown (no register row) is grey and says so."""
from __future__ import annotations

import numpy as np

from models.display import number
from rendering.map_layers.spec import circle, collection, feature, point
from rendering.webmap import practice_radius

UTILISATION_BANDS = [(0.5, "#2e7d32", "under 50% of open room hours"),
                     (0.75, "#9ccc65", "50–75% (within the target)"),
                     (1.0, "#fb8c00", "75–100% (over the target)"),
                     (float("inf"), "#c62828", "over 100%: more bookings than room hours")]
CONDITION_COLOURS = {"A": ("#2e7d32", "A: as new"), "B": ("#9ccc65", "B: sound"),
                     "C": ("#fb8c00", "C: needs work"), "D": ("#c62828", "D: unacceptable")}
UNKNOWN_COLOUR = "#9e9e9e"
MODES = ("utilisation", "condition")


def utilisation_band(util: float) -> tuple[str, str]:
    """(colour, what it means) for a utilisation share."""
    if not np.isfinite(util):
        return UNKNOWN_COLOUR, "utilisation unknown"
    for top, colour, text in UTILISATION_BANDS:
        if util < top:
            return colour, f"utilisation {util:.0%}: {text}"
    return UTILISATION_BANDS[-1][1], f"utilisation {util:.0%}"


def site_colours(result, mode: str, plan) -> dict[str, tuple[str, str]]:
    """Site code → (colour, what it means) for ``mode`` (utilisation or condition), from a
    capacity result (models/capacity) of ``plan``."""
    sites = result.sites
    if mode == "condition":
        return {code: CONDITION_COLOURS.get(cond, (UNKNOWN_COLOUR, "unknown"))
                for code, cond in zip(sites["site_code"], sites["condition"])}
    from models.capacity.sessions import appointments_per_patient
    per = appointments_per_patient(plan.assumptions.value)
    mains = plan.dataset.main_practices()
    lists = dict(zip(mains["practice_code"], mains["list_size"].astype(float)))
    full = sites.groupby("unit")["full_time_appointments"].agg(
        lambda s: s.sum() if s.notna().all() else np.nan)
    out = {}
    for code, unit in zip(sites["site_code"], sites["unit"]):
        need = lists.get(unit, np.nan) * per
        cap = full.get(unit, np.nan)
        util = need / cap if np.isfinite(need) and np.isfinite(cap) and cap > 0 else np.nan
        out[code] = utilisation_band(util)
    return out


def ring_style(radius: float, colour: str) -> dict:
    return {"radius": radius, "color": colour, "weight": 3, "fill": False, "opacity": 0.95}


def estate_features(sites, colours: dict[str, tuple[str, str]], practices) -> dict:
    """A ring per register site (``colours`` from ``site_colours``), sized just outside
    the practice's own circle (``practices``: the practice layer's list sizes)."""
    lists = dict(zip(practices["practice_code"], practices["list_size"].astype(float)))
    feats = []
    for r in sites.itertuples():
        radius = (practice_radius(lists.get(r.site_code, 0.0)) + 4 if r.kind == "practice"
                  else 14 if r.kind == "hub" else 8)
        colour, meaning = colours.get(r.site_code, (UNKNOWN_COLOUR, "unknown"))
        feats.append(feature(point(r.longitude, r.latitude), r.site_code,
                             ring_style(radius, colour),
                             [["Site", f"{r.site_code} {r.name}"], ["Estate", meaning],
                              ["Rooms", number(r.clinical_rooms)],
                              ["Condition", r.condition or "unknown"]]))
    return collection(feats)


def estate_legend(mode: str = "utilisation") -> list:
    """The legend's rows for the mode shown."""
    def ring(colour):
        return circle("#ffffff", colour)
    if mode == "condition":
        rows = [[ring(c), f"condition {text}"] for c, text in CONDITION_COLOURS.values()]
    else:
        rows = [[ring(c), f"utilisation now {text}"] for _, c, text in UTILISATION_BANDS]
    return rows + [[ring(UNKNOWN_COLOUR), "unknown (no register row)"]]
