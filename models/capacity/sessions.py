"""Room sessions: how many face-to-face appointments a year each site can host, and how many
its patients need.

    capacity  = rooms × opening hours a week × weeks open a year × utilisation target
                ÷ (room minutes per appointment ÷ 60)
    demand    = registered patients × appointments per patient a year
                × face-to-face share × (1 + did-not-attend share)

Every factor is an assumption (models/assumptions/capacity.py) except rooms and hours, which
come from the estate register; a site whose register gives rooms but no hours is taken at
the contract's core hours (``core_hours_per_week``) and marked so. A site with no rooms
figure has unknown capacity (NaN), never 0. Capacity is linear in rooms: doubling a site's
rooms doubles what it can host.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.capacity.register import sites as register_sites


def appointments_per_patient(value) -> float:
    """Face-to-face room bookings a registered patient makes a year (DNAs hold the room)."""
    return (value("appointments_per_patient_year") * value("face_to_face_share")
            * (1.0 + value("dna_share")))


def room_hours_per_appointment(value) -> float:
    return value("appointment_room_minutes") / 60.0


def m2_per_room(value) -> float:
    """Floor area (GIA) that goes with one clinical room: the two flat ratios' quotient
    (68.6 m² ÷ 1.2 rooms per 1,000 patients ≈ 57 m²), so "m² needed" follows the rooms."""
    return value("floorspace_m2_per_1000") / value("rooms_per_1000_patients")


def site_capacity(ds, value) -> pd.DataFrame:
    """Per site (practices, branches, hubs): the register figures plus ``hours_used``,
    ``hours_assumed``, ``appointments_per_room`` (a year, at the utilisation target),
    ``capacity_appointments`` (rooms × that; NaN when rooms are unknown) and
    ``full_time_appointments`` (the same at 100% of open hours). ``unit`` is the practice a
    site serves (a branch's parent) or the hub itself."""
    out = register_sites(ds)
    hours = out["hours_per_week"].astype(float)
    out["hours_assumed"] = hours.isna()
    out["hours_used"] = hours.fillna(value("core_hours_per_week"))
    per_hour = 1.0 / room_hours_per_appointment(value)
    full = out["hours_used"] * value("weeks_open_per_year") * per_hour
    out["appointments_per_room"] = full * value("room_utilisation_target")
    rooms = pd.to_numeric(out["clinical_rooms"]).astype(float)
    out["capacity_appointments"] = rooms * out["appointments_per_room"]
    out["full_time_appointments"] = rooms * full
    out["unit"] = np.where(out["kind"] == "branch", out["parent_code"], out["site_code"])
    return out


def core_room_appointments(value) -> float:
    """Appointments a year one room hosts at core hours and the target (rooms needed where
    a site's own hours are unknown)."""
    return (value("core_hours_per_week") * value("weeks_open_per_year")
            * value("room_utilisation_target") / room_hours_per_appointment(value))
