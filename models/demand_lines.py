"""The sentences a demand result is read by — the same in the CLI, the Demand panel and the
PDF: what the new dwellings ask for and what is already in the list or existing pressure,
the £ beside the Kent precedents, and how clinical rooms and floorspace reconcile."""
from __future__ import annotations

import numpy as np

from models.contribution.precedents import PRECEDENTS
from models.display import known, money, number
from models.localities import MEDWAY
from models.targets import cost_band, cost_flag


def _whole(result):
    return result.totals().set_index("area").loc[MEDWAY]


def attribution_lines(result) -> list[str]:
    """What is already in the list, and the existing pressure (never the new dwellings')."""
    h = _whole(result)
    lines = []
    if result.dwellings_already_in_list > 0:
        lines.append(f"Already in the list: {result.dwellings_already_in_list:,.0f} dwellings "
                     f"completed before the list sizes' date ({result.list_date}); their "
                     "residents are registered today, so they are not added again.")
    if result.assumptions.options.get("apply_length_trend"):
        lines.append(
            "Existing pressure (not attributable to new dwellings, not in the figures above "
            f"or the £ per resident): longer consultations on the registered list, "
            f"{number(h['trend_patients'])} patient-equivalents by the last year = "
            f"{number(h['existing_gp_wte'], 1)} GP WTE, {number(h['existing_rooms'], 1)} "
            f"rooms, {number(h['existing_floorspace_m2'])} m², "
            f"{money(h['existing_capital_gbp'])}.")
    return lines


def cost_lines(result) -> list[str]:
    """£ per new resident and per new dwelling beside the sourced Kent precedents."""
    a = result.assumptions
    h = _whole(result)
    per_res = result.cost_per_new_resident
    if not known(per_res):
        return ["Capital per new resident and per dwelling: unknown (no new residents after "
                "the list sizes' date)."]
    lo_r, hi_r = result.cost_per_resident_range
    per_home = (h["capital_cost_gbp"] / h["new_dwellings"] if h["new_dwellings"] > 0
                else np.nan)
    lo, hi = cost_band(a)
    cost = a["cost_per_m2"]
    return [
        f"Capital per new resident {money(per_res)} ({money(lo_r)}–{money(hi_r)}), "
        f"{cost_flag(per_res, a)} of £{lo:,.0f}–£{hi:,.0f}; per new dwelling "
        f"{money(per_home)} — beside Kent precedents: " + "; ".join(
            f"{p.body} ({p.year}) £{p.per_dwelling:,.0f} per dwelling, "
            f"£{p.per_resident:,.0f} per new resident" for p in PRECEDENTS) + ".",
        f"Cost basis: £{cost.used:,.0f} per m² GIA (range £{cost.low:,.0f}–£{cost.high:,.0f}; "
        "2024 prices; building, external works, fees and fit-out; land and VAT excluded)."]


def rooms_line(result) -> str:
    """Clinical rooms and floorspace as one story: the rooms' own m² and the rest of the
    building (the non-clinical share the floorspace benchmark implies)."""
    a = result.assumptions
    h = _whole(result)
    total, rooms_m2 = h["floorspace_m2"], h["clinical_room_m2"]
    if not total > 0:
        return ""
    other = total - rooms_m2
    return (f"Rooms and floorspace: {number(h['rooms_needed'], 1)} clinical rooms × "
            f"{a.value('room_m2'):g} m² × (1 + {a.value('circulation_share'):.0%} circulation) "
            f"= {number(rooms_m2)} m² of clinical space, within {number(total)} m² GIA at "
            f"{a.value('floorspace_m2_per_1000'):g} m² per 1,000 patients; the other "
            f"{number(other)} m² ({other / total:.0%}) is non-clinical space — reception and "
            "waiting, administration, staff and meeting rooms, stores, plant and walls — "
            "which the per-patient benchmark includes and the room count does not.")
