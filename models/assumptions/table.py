"""The table of planning assumptions: every number the program plans with, each with its
range, unit and source (docs/design.md §6), in display order."""
from __future__ import annotations

from models.assumptions.entry import SHARE, Assumption, _a
from models.assumptions.capacity import CAPACITY_DEFAULTS

# ---------------------------------------------------------------- the consultation trend
# GP Workload Survey (NHS Information Centre, 2006/07), as quoted in the Operational Plan
# ch. 3 "General Practice Overview": mean GP consultation 8.4 min (1992/93) → 11.7 min
# (2006/07), 14 years apart; the plan says continuing "at the same rate" means "+14% GP
# workload". Worked out here:
#   * compound: (11.7 / 8.4) ** (1/14) − 1 = 2.395 %/yr. Compounded, +14 % takes 5.5 years;
#     five years give +12.6 %, six +15.3 %. So the plan's figure is the five-to-six-year
#     horizon of its housing trajectory (2017/18–2021/22) measured from 2016/17.
#   * simple: the 39.3 % rise spread evenly, 39.3 / 14 = 2.81 %/yr of the base length;
#     five years of that is +14.0 % — the reading that reproduces the plan's figure exactly.
# Both are exposed: the "compound" method (default, docs/design.md §6) and "simple".
TREND_FROM_MIN, TREND_TO_MIN, TREND_SPAN_YEARS = 8.4, 11.7, 14
TREND_COMPOUND_RATE = (TREND_TO_MIN / TREND_FROM_MIN) ** (1 / TREND_SPAN_YEARS) - 1
TREND_SIMPLE_RATE = (TREND_TO_MIN / TREND_FROM_MIN - 1) / TREND_SPAN_YEARS
TREND_METHODS = ("compound", "simple")

# Developer contributions Kent CCGs actually sought (docs/design.md §6): the comparison band
# for £ per new resident is the "contribution_gbp_per_resident" entry below, each end sourced;
# this pair is its default, for code that has no Assumptions at hand.
KENT_CANTERBURY = ("Canterbury & Coastal CCG asked £266,175 for 350 homes / 819 new patients: "
                   "£325 per new resident, £760 per dwelling")
KENT_SOUTH_COAST = ("South Kent Coast CCG used £360 per new resident (FoI, 2018: e.g. £151,200 "
                    "for 150 dwellings at Princes Parade, £1,008 per dwelling)")
CONTRIBUTION_BAND_GBP_PER_RESIDENT = (266_175 / 819, 360.0)

PLAN = "Medway CCG Operational Plan 2017–19, ch. 3 'General Practice Overview'"
STP = "Kent & Medway STP, November 2016, local care model"



# ---------------------------------------------------------------- travel time on the roads
# Used when a road extract is imported (models/travel.py). Speeds are free-flow averages by
# road class where OpenStreetMap has no maxspeed tag; a tagged limit is driven at
# "limit_share" of it. HC124 = The Highway Code, rule 124 (national speed limits: 30 mph in
# built-up areas, 60 mph single and 70 mph dual carriageways and motorways).
HC124 = "Highway Code r.124"
_SPEED = dict(uncertain=True, used_by="travel", positive=True, maximum=130)


def _speed(cls, label, low, central, high, why):
    return _a(f"speed_{cls}_kmh", f"driving speed on {label} (no limit tagged)", "km/h",
              low, central, high, f"{why} ({HC124}) — uncertain", **_SPEED)


TRAVEL_DEFAULTS: tuple[Assumption, ...] = (
    _speed("motorway", "motorways", 80, 96, 112, "60 mph average under the 70 mph limit"),
    _speed("trunk", "trunk roads", 64, 80, 96, "50 mph average under the 60/70 mph limits"),
    _speed("primary", "A roads", 40, 48, 64, "30 mph average, 30–40 mph limits in towns"),
    _speed("secondary", "B roads", 32, 40, 56, "25 mph average under a 30 mph limit"),
    _speed("tertiary", "minor classified roads", 32, 40, 48, "25 mph average under a "
           "30 mph limit"),
    _speed("minor", "residential and unclassified streets", 24, 32, 40,
           "20 mph average in built-up streets"),
    _speed("service", "service roads and car parks", 10, 16, 24, "10 mph"),
    _a("limit_share", "share of the tagged speed limit actually driven", "share",
       0.7, 0.85, 1.0, "Assumption: town speeds sit below the tagged OpenStreetMap maxspeed "
       "(bends, parked cars) — uncertain",
       uncertain=True, used_by="travel", positive=True, maximum=1.5),
    _a("junction_delay_s", "delay at each road junction passed", "seconds", 5, 10, 20,
       "Assumption for give-way and signal delays at junctions of three or more roads — "
       "uncertain", uncertain=True,
       used_by="travel", maximum=300),
    _a("parking_minutes", "finding a space and walking in from the car", "minutes", 1, 3, 5,
       "Assumption added once to every drive (health centre car parks) — uncertain",
       uncertain=True, used_by="travel", maximum=60),
    _a("walk_speed_kmh", "walking speed", "km/h", 3.6, 4.8, 5.0,
       "DfT Manual for Streets (2007) §4.4.1: 800 m in 10 minutes; low 1 m/s for slower "
       "walkers — uncertain",
       uncertain=True, used_by="travel", positive=True, maximum=10),
    _a("road_margin_km", "road import margin around the localities", "km", 2, 5, 10,
       "Modelling choice: roads beyond the localities' box that journeys may use",
       used_by="travel",
       maximum=100),
)


# ---------------------------------------------------------------- access by public transport
# Used when a timetable (GTFS) is imported (models/transit/). Walking speed is the travel
# table's walk_speed_kmh. Sources say where a figure is a modelling choice.
_TRANSIT = dict(uncertain=True, used_by="transit")
TRANSIT_DEFAULTS: tuple[Assumption, ...] = (
    _a("transit_max_walk_m", "longest walk to or from a bus stop or station", "metres",
       400, 800, 1200,
       "CIHT 'Buses in Urban Developments' (2018): 400 m to a stop in towns, up to 800 m "
       "for frequent routes; 800 m is also the usual ten-minute walk (DfT Manual for Streets "
       "2007 §4.4.1) — uncertain", positive=True, maximum=5000, **_TRANSIT),
    _a("transit_change_min", "least time to change between services (transfer penalty)",
       "minutes", 1, 2, 5,
       "Modelling choice (2026): time to get off, cross and be ready for the next bus; "
       "transfers.txt overrides it where the feed sets a minimum — uncertain",
       positive=True, maximum=60, **_TRANSIT),
    _a("transit_change_walk_m", "longest walk between two stops to change", "metres",
       0, 300, 600,
       "Modelling choice (2026): stops on either side of a road or round a corner — "
       "uncertain", maximum=2000, **_TRANSIT),
    _a("transit_detour_index", "walking distance per straight-line metre (detour index)",
       "m per m", 1.2, 1.3, 1.6,
       "A commonly used detour index for built-up Britain (1.2–1.4; more across rivers and "
       "railways), used where no road file is imported — uncertain",
       minimum=1.0, maximum=5.0, **_TRANSIT),
    _a("transit_window_start_h", "start of the departure window (hour of the day)", "hour",
       7, 9, 18,
       "Modelling choice (2026): a weekday morning surgery session, 09:00 — choose the "
       "window in the Hubs tab or with --window-start", minimum=0, maximum=23.5,
       **_TRANSIT),
    _a("transit_window_hours", "length of the departure window", "hours", 0.5, 1, 3,
       "Modelling choice (2026): one hour, so a figure is a typical journey, not the "
       "luckiest one", positive=True, maximum=12, **_TRANSIT),
    _a("transit_departure_step_min", "minutes between the departures tried in the window",
       "minutes", 1, 5, 15,
       "Modelling choice (2026): the median is taken over departures this far apart "
       "(12 in an hour at 5 minutes)", positive=True, maximum=60, **_TRANSIT),
    _a("transit_max_journey_min", "longest public-transport journey searched", "minutes",
       60, 120, 240,
       "Modelling choice (2026): beyond two hours a patient would not travel to a GP hub "
       "by bus; walking stands instead", positive=True, maximum=600, **_TRANSIT),
    _a("transit_margin_km", "timetable import margin around the localities", "km", 5, 10, 30,
       "Modelling choice (2026): stops beyond the localities' box that journeys may use",
       used_by="transit", maximum=200),
)


# ---------------------------------------------------------------- developer contributions
# The S106 catchment (models/contribution); occupancy by bedrooms is persons_1bed … 4bed.
CONTRIBUTION_DEFAULTS: tuple[Assumption, ...] = (
    _a("catchment_radius_km", "S106 catchment: practices within this straight-line "
       "distance of the site", "km", 1.0, 2.0, 3.0,
       "NHS England convention for developer-contribution requests: the practices within "
       "about 2 km of the development (Canterbury & Coastal CCG, 2020; docs/design.md §6)",
       used_by="contribution", positive=True, maximum=50),
    _a("catchment_drive_minutes", "S106 catchment by road: practices within this drive "
       "time of the site", "minutes", 5, 10, 15,
       "SHAPE Place Atlas 10-minute drive time (with imported roads only) — uncertain",
       uncertain=True, used_by="contribution", positive=True, maximum=120),
)

DEFAULTS: tuple[Assumption, ...] = (
    # -- dwellings → residents → patients
    _a("persons_per_dwelling", "persons per new dwelling", "persons", 2.3, 2.4, 2.5,
       f"{PLAN} (3,370 dwellings × 2.4 = 8,088 patients); ONS Census 2021 average household "
       "size, England & Wales, 2.4", positive=True, maximum=10),
    *(_a(f"persons_{key}", f"persons per new {label} dwelling (where a site gives its "
         "mix)", "persons", low, central, high,
         "ONS Census 2021 (Census day 21 March 2021), England and Wales: usual residents per "
         "household by number of bedrooms (multivariate table 'number of bedrooms by household "
         "size'); approximate means, rounded to 0.1 — check against a Medway cut of the same "
         "table — uncertain", uncertain=True, positive=True, maximum=10)
      for key, label, low, central, high in (("1bed", "1-bedroom", 1.2, 1.3, 1.4),
                                             ("2bed", "2-bedroom", 1.8, 1.9, 2.1),
                                             ("3bed", "3-bedroom", 2.4, 2.6, 2.8),
                                             ("4bed", "4+-bedroom", 2.9, 3.1, 3.3))),
    _a("registration_share", "share of new residents new to the area and registering "
       "locally", "share", 0.5, 1.0, 1.0,
       f"{PLAN} counts every new resident; HUDU Planning Contributions Model guidance (2009) "
       "applies a population-gain factor — uncertain", uncertain=True, **SHARE),
    _a("buildout_delay_years", "build-out delay behind the housing trajectory", "years",
       0, 0, 2,
       f"No published figure: a planning judgement that completions may slip up to two years "
       f"behind the trajectory ({PLAN} uses the SHAPE trajectory as given) — uncertain",
       uncertain=True, integer=True, maximum=20),
    # -- patients → GPs
    _a("patients_per_gp_wte", "registered patients per GP WTE", "patients per WTE",
       1700, 1800, 2100,
       "1,800: HUDU Planning Contributions Model default (widely quoted); ONS 2022 about "
       "1,700 per GP incl. trainees; NHS Digital 2019 about 2,090 per fully qualified FTE GP",
       positive=True, maximum=20000),
    _a("consultations_per_patient_year", "consultations per patient-year, all practice "
       "clinicians", "consultations per patient-year", 4.6, 5.2, 5.8,
       "Hobbs et al., Lancet 2016 (5.16 in 2013/14); Hippisley-Cox & Vinogradova, NHS "
       "Information Centre 2009 (5.5 in 2008); NHS England appointments data 2023/24 (~5.8)",
       maximum=50),
    _a("gp_share_of_consultations", "share of consultations that are with a GP", "share",
       0.45, 0.50, 0.62,
       "QResearch for the NHS Information Centre 2009 (62% in 2008); Health Foundation GP "
       "tracker 2024 ('around half')", **SHARE),
    _a("consultation_minutes", "GP face-to-face consultation length", "minutes",
       9.2, 10.0, 11.7,
       "Hobbs et al., Lancet 2016 (9.22 min, 2013/14); 10-minute booked slots; GP Workload "
       "Survey 2006/07 (11.7 min)", positive=True, maximum=120),
    _a("consultation_length_growth", "growth of consultation length (when the trend is "
       "applied)", "share per year", 0.0107, round(TREND_COMPOUND_RATE, 5),
       round(TREND_SIMPLE_RATE, 5),
       "Central: 8.4 min (1992/93) → 11.7 min (2006/07), NHS Information Centre GP Workload "
       f"Survey 2006/07 quoted in {PLAN}, compounded over 14 years = 2.4%/yr (a later "
       "IQVIA study, BJGP 2024, found +36.9% over 2005–2019, 2.3%/yr). Low: Hobbs et al., "
       "Lancet 2016, 8.65 → 9.22 min over 2007/08–2013/14 = 1.07%/yr. High: the same 8.4 → "
       "11.7 min as a simple rate, 2.81%/yr, the reading that gives the plan's '+14% GP "
       "workload' over five years", uncertain=True, minimum=-0.2, maximum=0.5),
    _a("gp_hours_per_week", "GP hours per WTE week", "hours per week", 37.5, 37.5, 37.5,
       "37.5 hours = 1 FTE: NHS Digital General Practice Workforce methodology",
       positive=True, maximum=100),
    _a("gp_weeks_per_year", "GP working weeks per WTE year", "weeks per year", 42, 42, 42,
       "About 42 weeks: 52 less annual leave, bank holidays and study leave (docs/design.md §6 "
       "planning convention) — uncertain", uncertain=True, positive=True, maximum=52),
    _a("patient_facing_share", "share of GP hours spent with patients", "share",
       0.6, 0.6, 0.6,
       "About 60%: Lancet 2016 commentary on Hobbs et al. — uncertain", uncertain=True,
       positive=True, maximum=1.0),
    # -- patients → rooms → floorspace → £
    _a("rooms_per_1000_patients", "clinical rooms per 1,000 patients", "rooms per 1,000 "
       "patients", 1.0, 1.2, 1.4,
       "Derived from a recent health centre (27 clinical rooms for 22,500 patients) — "
       "uncertain", uncertain=True, maximum=20),
    _a("room_m2", "consulting/treatment room size", "m² per room", 13.5, 16.0, 18.0,
       "Department of Health HBN 11-01 (2013): generic consulting/examination room 16 m²",
       positive=True, maximum=100),
    _a("circulation_share", "circulation added to room areas", "share", 0.28, 0.29, 0.30,
       "Department of Health HBN 11-01 (2013): about 28–30% for circulation", maximum=2.0),
    _a("floorspace_m2_per_1000", "primary care floorspace per 1,000 patients",
       "m² GIA per 1,000 patients", 60.0, round(120 / 1.75, 1), 110.0,
       "NHS England (East) / Essex CCGs 2018 assumption: 120 m² GIA per 1,750 patients = "
       "68.6; London HUDU figures are higher — uncertain", uncertain=True, maximum=1000),
    _a("cost_per_m2", "capital cost of primary care space", "£ per m² GIA", 2300, 3000, 4000,
       "Essex CCGs 2018 (about £2,300/m² to build or reconfigure); current new build "
       "including fees £3,000–4,000/m² (BCIS-based) — uncertain. Base date: 2024 prices "
       "(re-base later years with the BCIS All-in Tender Price Index). Includes: building, "
       "external works, professional fees and fit-out. Excludes: land, VAT, inflation after "
       "the base date and optimism bias (this is the figure's definition here; check it "
       "against a quantity surveyor's estimate)", uncertain=True, maximum=50000),
    _a("contribution_gbp_per_resident", "developer contribution Kent CCGs sought (comparison "
       "band, not used in the arithmetic)", "£ per new resident",
       CONTRIBUTION_BAND_GBP_PER_RESIDENT[0], 342.5, CONTRIBUTION_BAND_GBP_PER_RESIDENT[1],
       f"Low: {KENT_CANTERBURY}. High: {KENT_SOUTH_COAST}. Central: the midpoint "
       "(docs/design.md §6)", used_by="comparison", maximum=100_000),
    # -- GP supply: headcount → FTE where no FTE is published, and a data check
    _a("gp_fte_per_head", "FTE per fully qualified GP (used only where the workforce file "
       "gives a headcount and no FTE; results marked 'est.')", "FTE per GP", 0.66, 0.70, 0.74,
       "Low: Medway's own practice-level NHS Digital General Practice Workforce, FY2022/23 "
       "(means of the monthly files): 86.6 FTE for 130.3 fully qualified GPs = 0.66. High: "
       "England, NHS Digital General Practice Workforce bulletins 2023–24, about 27,500 FTE "
       "for about 37,000 fully qualified GPs = 0.74. Central: the midpoint — uncertain",
       uncertain=True, used_by="supply", positive=True, maximum=1.5),
    _a("implausible_patients_per_gp", "patients per GP FTE above which a practice's GP figure "
       "is flagged as implausible", "patients per GP FTE", 10000, 10000, 10000,
       "Data check, not a planning norm: over 4× England's mean of about 2,300 registered "
       "patients per fully qualified GP FTE (NHS Digital, 2024); such a figure usually means "
       "GPs reported under another code or missing. Flagged practices are listed and left out "
       "of ratios and gaps", used_by="supply", positive=True, maximum=1_000_000),
    # -- population targets used by grouping and hubs (single values, editable)
    _a("locality_min_population", "locality population, lower target", "patients",
       30000, 30000, 30000, f"{PLAN}: six local geographies of 30,000–50,000",
       used_by="grouping", integer=True, maximum=10_000_000),
    _a("locality_max_population", "locality population, upper target", "patients",
       50000, 50000, 50000, f"{PLAN}: six local geographies of 30,000–50,000",
       used_by="grouping", integer=True, maximum=10_000_000),
    _a("group_min_size", "extended practice group, smallest", "patients",
       20000, 20000, 20000, f"{STP} (Tier 1 extended practices 20,000–60,000)",
       used_by="grouping", integer=True, maximum=10_000_000),
    _a("group_typical_size", "extended practice group, typical", "patients",
       30000, 30000, 30000, f"{STP} (Tier 1, typically about 30,000)",
       used_by="grouping", integer=True, maximum=10_000_000),
    _a("group_max_size", "extended practice group, largest", "patients",
       60000, 60000, 60000, f"{STP} (Tier 1 extended practices 20,000–60,000)",
       used_by="grouping", integer=True, maximum=10_000_000),
    _a("hub_min_population", "hub (Tier 2) population, smallest", "patients",
       50000, 50000, 50000, f"{STP} (Tier 2 hubs 50,000–200,000)",
       used_by="hubs", integer=True, maximum=10_000_000),
    _a("hub_max_population", "hub (Tier 2) population, largest", "patients",
       200000, 200000, 200000, f"{STP} (Tier 2 hubs 50,000–200,000)",
       used_by="hubs", integer=True, maximum=10_000_000),
    # -- straight line → rough road distance and drive time (shown as approximations only)
    _a("road_circuity", "road distance per straight-line km (detour index)", "km per km",
       1.2, 1.3, 1.4, "A commonly used detour index for built-up Britain (published values "
       "typically 1.2–1.4) — uncertain; an approximation until a road network is imported",
       uncertain=True, used_by="hubs", minimum=1.0, maximum=5.0),
    _a("drive_speed_kmh", "average door-to-door driving speed in town", "km/h",
       20, 30, 40, "Placeholder for urban driving including junctions — uncertain; edit it "
       "with local knowledge", uncertain=True, used_by="hubs", positive=True, maximum=120),
    _a("candidate_grid_km", "spacing of the grid of candidate hub sites", "km",
       0.5, 1.0, 2.0, "Modelling choice (this tool, 2026): about a ten-minute walk apart, fine "
       "enough for a 30–50k locality; a finer grid is slower, not more real",
       used_by="hubs", positive=True, maximum=20),
) + TRAVEL_DEFAULTS + TRANSIT_DEFAULTS + CAPACITY_DEFAULTS + CONTRIBUTION_DEFAULTS

# Pairs that must stay ordered: (smaller, larger).
ORDERED = (("locality_min_population", "locality_max_population"),
           ("group_min_size", "group_typical_size"),
           ("group_typical_size", "group_max_size"),
           ("hub_min_population", "hub_max_population"))

# How demand moves with each assumption: +1 more demand when it rises, −1 less.
DEMAND_DIRECTION = {
    "persons_per_dwelling": 1, "persons_1bed": 1, "persons_2bed": 1, "persons_3bed": 1,
    "persons_4bed": 1, "registration_share": 1, "buildout_delay_years": -1,
    "patients_per_gp_wte": -1, "consultations_per_patient_year": 1,
    "gp_share_of_consultations": 1, "consultation_minutes": 1,
    "consultation_length_growth": 1, "gp_hours_per_week": -1, "gp_weeks_per_year": -1,
    "patient_facing_share": -1, "rooms_per_1000_patients": 1, "room_m2": 1,
    "circulation_share": 1, "floorspace_m2_per_1000": 1, "cost_per_m2": 1,
}
