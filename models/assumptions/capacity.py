"""Assumptions of the room-session capacity model (models/capacity/), each with its range
and source. Appointment figures are all of one period, NHS England's Appointments in
General Practice for 2023/24, so the rate, the face-to-face share and the did-not-attend
share describe the same appointments."""
from __future__ import annotations

from models.assumptions.entry import SHARE, Assumption, _a

APPOINTMENTS = "NHS England, Appointments in General Practice"
_CAP = dict(used_by="capacity")

CAPACITY_DEFAULTS: tuple[Assumption, ...] = (
    _a("appointments_per_patient_year", "appointments per registered patient a year, all "
       "practice clinicians", "appointments per patient-year", 5.0, 5.8, 6.2,
       f"{APPOINTMENTS}, April 2023–March 2024: 363.6 million appointments excluding COVID-19 "
       "vaccinations for about 62.9 million registered patients = 5.8; 5.0 in 2019 (the same "
       "series, Institute for Government analysis); high allows for activity the collection "
       "does not capture — uncertain", uncertain=True, positive=True, maximum=50, **_CAP),
    _a("face_to_face_share", "share of appointments face to face", "share", 0.60, 0.654,
       0.70, f"{APPOINTMENTS}, March 2024: 65.4% face to face (the rest by telephone, video "
             "or online); low/high the spread of recent months and practices — uncertain",
       uncertain=True, **SHARE, **_CAP),
    _a("dna_share", "share of booked appointments not attended (DNA)", "share", 0.035,
       0.042, 0.054,
       f"{APPOINTMENTS}, June 2024: about 1.2 million of 28.7 million appointments not "
       "attended (4.2%); Welsh general practice 2023-24 5.4% (Welsh Government) — a DNA still "
       "holds the room", **SHARE, **_CAP),
    _a("appointment_room_minutes", "room time per face-to-face appointment", "minutes",
       10.0, 15.0, 20.0,
       "Planning judgement: 10-minute GP slots (Hobbs et al., Lancet 2016: 9.2 min), 15–20 "
       "minutes for nurse and other clinician appointments, plus turnaround — uncertain",
       uncertain=True, positive=True, maximum=120, **_CAP),
    _a("room_utilisation_target", "clinical room utilisation target (share of open hours "
       "in use)", "share", 0.65, 0.75, 0.85,
       "NHS Property Services utilisation studies find many rooms in use 40% of open hours "
       "or less; a target of about 75% leaves room for cleaning, handover and unplanned "
       "work — a planning judgement, uncertain", uncertain=True, positive=True, maximum=1.0,
       **_CAP),
    _a("weeks_open_per_year", "weeks a site is open a year", "weeks per year", 50.0, 50.4,
       51.0, "52 weeks less the 8 bank holidays of England (gov.uk) as weekdays: "
             "52 − 8 ÷ 5 = 50.4", positive=True, maximum=52, **_CAP),
    _a("core_hours_per_week", "opening hours per week where the register gives none",
       "hours per week", 45.0, 52.5, 60.0,
       "GP contract core hours 08:00–18:30 on weekdays (NHS (General Medical Services "
       "Contracts) Regulations 2015) = 52.5; enhanced access adds evenings and Saturdays",
       positive=True, maximum=168, **_CAP),
    _a("projection_overlap_share", "share of the ONS trend's growth that lives in the new "
       "dwellings", "share", 0.5, 1.0, 1.0,
       "Kent & Medway STP, November 2016 (housing-led growth incremental to the trend); the "
       "ONS 2022-based projection carries past migration, much of it into new homes, so by "
       "default the dwellings first house the trend's growth and only growth beyond it is "
       "added — uncertain", uncertain=True, **SHARE, **_CAP),
)
