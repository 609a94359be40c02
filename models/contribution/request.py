"""A developer-contribution (S106) request for one development, step by step.

dwellings × persons per dwelling (by bedroom mix when given) × registration share = new
patients → GP FTE, rooms and m² needed → less the spare capacity of the catchment's
practices → the m² the development alone makes necessary × £/m² = the request. When the
spare capacity absorbs the new patients the answer is "no contribution justified" — the
necessity test of CIL Regulation 122(2)(a) — not an error.

Every step names the assumption (models/assumptions, with its source) or input it comes
from and carries an Excel formula over the other steps, so the workbook recomputes it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.bounds import DWELLINGS_MAX, YEAR_MAX, YEAR_MIN
from geo.crs import to_bng
from geo.errors import DataError
from models.contribution.catchment import PROXY_BASIS, catchment
from models.contribution.precedents import PRECEDENTS

BEDROOMS = (1, 2, 3, 4)           # 4 = four or more
NO_CONTRIBUTION = "no contribution justified"
# What the cost per m² covers: printed beside it in every pack (the assumption's source
# gives the figure and its date).
COST_BASIS = {
    "base date": "as the cost_per_m2 assumption's source (BCIS-based new build, 2024 prices; "
                 "Essex CCGs 2018 for the low end)",
    "index": "BCIS All-in Tender Price Index, from the base date to the date of payment",
    "inclusions": "building works, professional fees and fit-out of primary care space; "
                  "excludes land, VAT and medical equipment",
}


class ContributionError(DataError):
    """A request that cannot be made: the message names the input that was wrong."""

    def __init__(self, what: str, reason: str):
        super().__init__(what, reason)


@dataclass(frozen=True)
class Application:
    """A development to assess: a housing site of the plan or a new planning application."""

    name: str
    latitude: float
    longitude: float
    dwellings: int
    mix: tuple[tuple[int, float], ...] = ()      # (bedrooms, share of dwellings), Σ = 1
    start_year: int | None = None
    build_years: int | None = None
    site_id: str = ""
    note: str = ""          # what of the site was set aside (already on the lists)

    @property
    def key(self) -> str:
        """Where the planner's catchment ticks are saved in the plan."""
        return self.site_id or f"new:{self.name}"


# ---------------------------------------------------------------- the development

def parse_mix(text: str) -> tuple[tuple[int, float], ...]:
    """'1:20,2:40,3:30,4:10' → ((1, .2), (2, .4), (3, .3), (4, .1)); shares or counts, any
    total (they are divided by their sum); bedrooms 1–4 (4 = four or more)."""
    parts = {}
    for item in str(text).split(","):
        beds, sep, weight = item.strip().partition(":")
        try:
            b, w = int(beds), float(weight)
        except ValueError:
            raise ContributionError("--mix", f"'{item.strip()}' must look like "
                                             "BEDROOMS:SHARE, e.g. 2:40") from None
        if not sep or b not in BEDROOMS or not math.isfinite(w) or w < 0:
            raise ContributionError("--mix", f"'{item.strip()}': bedrooms must be 1–4 "
                                             "(4 = four or more) and the share 0 or more")
        parts[b] = parts.get(b, 0.0) + w
    total = sum(parts.values())
    if total <= 0:
        raise ContributionError("--mix", "the shares add up to 0")
    return tuple((b, parts[b] / total) for b in sorted(parts))


def _dwellings(value, what: str) -> int:
    try:
        n = float(value)
    except (TypeError, ValueError):
        raise ContributionError(what, f"dwellings '{value}' is not a number") from None
    if not math.isfinite(n) or n != round(n) or n < 1 or n > DWELLINGS_MAX:
        raise ContributionError(what, f"dwellings must be a whole number from 1 to "
                                      f"{DWELLINGS_MAX:,} (got {value})")
    return int(n)


def site_application(plan, site_id: str) -> Application:
    """A housing site of the plan, as an application (its dwellings and phasing)."""
    housing = plan.dataset.housing
    rows = housing[housing["site_id"].astype(str) == str(site_id)]
    if rows.empty:
        codes = housing["site_id"].astype(str).tolist()
        raise ContributionError("--site", f"no housing site '{site_id}' in the data (sites: "
                                          f"{', '.join(codes[:12])}{' …' if len(codes) > 12 else ''})")
    row = rows.iloc[0]
    dwellings = _dwellings(row["dwellings"], f"housing site {site_id}")
    start = row.get("start_year")
    build = row.get("build_years")
    note = ""
    # Homes the plan's phasing completes before the list sizes' date are already on the
    # lists: no developer can be asked to fund them (the rule demand and the hubs use).
    from models.demand import attributable_dwellings
    from models.supply import list_date
    counted, total = attributable_dwellings(plan.dataset, plan.assumptions, str(site_id))
    if math.isfinite(counted) and counted < total - 1e-9:
        when = list_date(plan.dataset) or "the list sizes' date"
        if counted < 0.5:
            raise ContributionError(
                f"housing site {site_id}",
                f"all its {total:,.0f} dwellings are completed (start {start}) before the "
                f"list sizes' date ({when}): their residents are already registered, so no "
                "contribution can be attributed; assess it as a new application "
                "(--at/--postcode with --start-year) if it is not yet built")
        note = (f"{total - counted:,.0f} of the site's {total:,.0f} dwellings are completed "
                f"before the list sizes' date ({when}) and already on the lists; the request "
                f"covers the other {counted:,.0f}.")
        dwellings = int(round(counted))
    return Application(name=str(row["name"]), latitude=float(row["latitude"]),
                       longitude=float(row["longitude"]), dwellings=dwellings,
                       start_year=None if pd.isna(start) else int(start),
                       build_years=None if pd.isna(build) else int(build),
                       site_id=str(site_id), note=note)


def new_application(plan, latitude: float, longitude: float, dwellings, *, mix=(),
                    name: str = "", start_year=None) -> Application:
    """A planning application at a point of the plan's area (refused outside it)."""
    n = _dwellings(dwellings, "--dwellings")
    lat, lon = float(latitude), float(longitude)
    if not inside_area(plan.dataset, lat, lon):
        raise ContributionError("--at", f"{lat:.5f}, {lon:.5f} is outside the localities of "
                                        f"this data ({plan.dataset.label})")
    if start_year is not None and not YEAR_MIN <= int(start_year) <= YEAR_MAX:
        raise ContributionError("--start-year", f"{start_year} is not a year "
                                                f"{YEAR_MIN}–{YEAR_MAX}")
    name = str(name).strip() or f"New application at {lat:.4f}, {lon:.4f}"
    return Application(name=name, latitude=lat, longitude=lon, dwellings=n,
                       mix=tuple(mix), start_year=None if start_year is None
                       else int(start_year))


def inside_area(ds, lat: float, lon: float) -> bool:
    """True when the point lies in one of the data's localities (BNG, 50 m tolerance)."""
    import shapely
    area = ds.localities.to_crs(27700).union_all()
    x, y = to_bng([lon], [lat])
    return bool(shapely.dwithin(area, shapely.Point(x[0], y[0]), 50.0))


# ---------------------------------------------------------------- the request

@dataclass
class Contribution:
    """The request for one development and everything a pack prints about it."""

    application: Application
    catchment: pd.DataFrame            # candidates; "included" = counted
    steps: pd.DataFrame                # step, key, quantity, value, unit, how, source, excel
    assumptions: list[str]             # keys of the assumptions used
    request_gbp: float
    justified: bool
    project: str
    reg122: dict[str, str]
    caveats: list[str]
    mode: str = "straight"
    figures: dict = field(default_factory=dict)

    def value(self, key: str) -> float:
        return float(self.steps.set_index("key").at[key, "value"])

    @property
    def verdict(self) -> str:
        if not self.justified:
            return NO_CONTRIBUTION
        return f"contribution of £{self.request_gbp:,.0f} requested"


def _occupancy(app: Application, a) -> tuple[float, str, str, list[str]]:
    """Persons per dwelling, how it was made, its Excel formula and the assumptions used."""
    if not app.mix:
        return (a.value("persons_per_dwelling"), "average for a new dwelling",
                "=[persons_per_dwelling]", ["persons_per_dwelling"])
    keys = [f"persons_{b}bed" for b, _ in app.mix]
    value = sum(s * a.value(k) for (_, s), k in zip(app.mix, keys))
    how = " + ".join(f"{s:.0%} × {a.value(k):g} ({b}{'+' if b == 4 else ''}-bed)"
                     for (b, s), k in zip(app.mix, keys))
    excel = "=" + "+".join(f"{s:.6g}*[{k}]" for (_, s), k in zip(app.mix, keys))
    return value, how, excel, keys


def assess(plan, app: Application, *, graph=None, included=None) -> Contribution:
    """The request for ``app`` on ``plan``: ``included`` (practice codes) overrides the
    saved ticks; ``graph`` (a drive RoadGraph) makes the catchment drive time."""
    a = plan.assumptions
    cat = catchment(plan, app.latitude, app.longitude, app.key, graph)
    if included is not None:
        cat["included"] = cat["practice_code"].isin(set(included))
    radius = (f"{a.value('catchment_drive_minutes'):g} minutes' drive" if graph is not None
              else f"{a.value('catchment_radius_km'):g} km")
    if not cat["within"].any() and not cat["included"].any():
        raise ContributionError("catchment", f"no GP practice within {radius} of "
                                             f"{app.name} ({app.latitude:.5f}, "
                                             f"{app.longitude:.5f}); widen "
                                             f"{'catchment_drive_minutes' if graph is not None else 'catchment_radius_km'} "
                                             "or tick a practice in")
    if not cat["included"].any():
        raise ContributionError("catchment", f"every practice of {app.name}'s catchment is "
                                             "ticked out; tick at least one in")
    ppd, ppd_how, ppd_excel, used = _occupancy(app, a)
    counted = cat[cat["included"]]
    known = counted["spare_patients"].notna()
    spare = float(np.clip(counted.loc[known, "spare_patients"], 0, None).sum())
    over = float(-np.clip(counted.loc[known, "spare_patients"], None, 0).sum())
    d = app.dwellings
    residents = d * ppd
    patients = residents * a.value("registration_share")
    net = max(patients - spare, 0.0)
    per_1000 = a.value("floorspace_m2_per_1000")
    net_m2 = net / 1000 * per_1000
    request = net_m2 * a.value("cost_per_m2")
    origin = f"housing site {app.site_id}" if app.site_id else "the application"
    s = []

    def step(key, quantity, value, unit, how, source, excel):
        s.append({"step": len(s) + 1, "key": key, "quantity": quantity, "value": value,
                  "unit": unit, "how": how, "source": source, "excel": excel})
    step("dwellings", "Dwellings", d, "dwellings", "as proposed", origin, f"={d}")
    step("ppd", "Persons per dwelling", ppd, "persons", ppd_how,
         "assumption " + ", ".join(used) + (" and the application's mix" if app.mix else ""),
         ppd_excel)
    step("residents", "New residents", residents, "persons", "dwellings × persons per dwelling",
         "steps 1, 2", "={dwellings}*{ppd}")
    step("share", "Share registering with a local practice", a.value("registration_share"),
         "share", "assumption", "assumption registration_share", "=[registration_share]")
    step("patients", "New patients", patients, "patients", "residents × share",
         "steps 3, 4", "={residents}*{share}")
    step("gp_fte", "GP FTE needed (gross)", patients / a.value("patients_per_gp_wte"),
         "GP FTE", "patients ÷ patients per GP FTE", "assumption patients_per_gp_wte",
         "={patients}/[patients_per_gp_wte]")
    step("rooms", "Clinical rooms needed (gross)",
         patients / 1000 * a.value("rooms_per_1000_patients"), "rooms",
         "patients ÷ 1,000 × rooms per 1,000", "assumption rooms_per_1000_patients",
         "={patients}/1000*[rooms_per_1000_patients]")
    step("gross_m2", "Floorspace needed (gross)", patients / 1000 * per_1000, "m² GIA",
         "patients ÷ 1,000 × m² per 1,000", "assumption floorspace_m2_per_1000",
         "={patients}/1000*[floorspace_m2_per_1000]")
    step("spare", "Spare capacity in the catchment", spare, "patients",
         f"spare places of the {int(known.sum())} ticked practices with a known figure; "
         f"over-capacity ({over:,.0f}) not charged", "Catchment: capacity − list", "SPARE")
    step("net", "New patients not absorbed", net, "patients",
         "new patients − spare capacity (not below 0)", "steps 5, 9",
         "=MAX({patients}-{spare},0)")
    step("net_gp_fte", "GP FTE needed (net)", net / a.value("patients_per_gp_wte"), "GP FTE",
         "net patients ÷ patients per GP FTE", "assumption patients_per_gp_wte",
         "={net}/[patients_per_gp_wte]")
    step("net_rooms", "Clinical rooms needed (net)",
         net / 1000 * a.value("rooms_per_1000_patients"), "rooms",
         "net patients ÷ 1,000 × rooms per 1,000", "assumption rooms_per_1000_patients",
         "={net}/1000*[rooms_per_1000_patients]")
    step("net_m2", "Floorspace the development makes necessary", net_m2, "m² GIA",
         "net patients ÷ 1,000 × m² per 1,000", "assumption floorspace_m2_per_1000",
         "={net}/1000*[floorspace_m2_per_1000]")
    step("cost", "Cost per m²", a.value("cost_per_m2"), "£ per m²",
         f"index: {COST_BASIS['index']}", "assumption cost_per_m2", "=[cost_per_m2]")
    step("request", "Contribution requested", request, "£", "m² × £ per m²",
         "steps 13, 14", "={net_m2}*{cost}")
    step("per_dwelling", "£ per dwelling", request / d, "£", "request ÷ dwellings",
         "steps 15, 1", "={request}/{dwellings}")
    step("per_resident", "£ per new resident", request / residents, "£",
         "request ÷ new residents", "steps 15, 3", "={request}/{residents}")
    steps = pd.DataFrame(s)
    used += ["registration_share", "patients_per_gp_wte", "rooms_per_1000_patients",
             "floorspace_m2_per_1000", "cost_per_m2",
             "catchment_drive_minutes" if graph is not None else "catchment_radius_km"]
    if (counted["gp_basis"] == "est.").any():      # GP FTE estimated from a headcount
        used.append("gp_fte_per_head")
    justified = net > 0
    project = _project(plan, app, counted, steps, justified)
    out = Contribution(application=app, catchment=cat, steps=steps, assumptions=used,
                       request_gbp=request, justified=justified, project=project,
                       reg122={}, caveats=[], mode="drive" if graph is not None else
                       "straight",
                       figures={"radius": radius, "spare": spare, "over": over,
                                "unknown_spare": int((~known).sum()),
                                "proxy": int((counted["premises_basis"] == PROXY_BASIS).sum())})
    out.reg122 = _reg122(plan, out)
    out.caveats = _caveats(plan, out)
    return out


def _project(plan, app, counted, steps, justified: bool) -> str:
    """The kind of project the request would fund."""
    if not justified:
        return "none: the catchment's spare capacity absorbs the new patients"
    a = plan.assumptions
    hubs = plan.dataset.hubs
    planned = hubs[hubs["status"].isin(["planned", "proposed"])]
    if len(planned):
        hx, hy = to_bng(planned["longitude"].to_numpy(float),
                        planned["latitude"].to_numpy(float))
        sx, sy = to_bng([app.longitude], [app.latitude])
        km = np.hypot(hx - sx[0], hy - sy[0]) / 1000
        i = int(np.argmin(km))
        if km[i] <= a.value("catchment_radius_km"):
            hub = planned.iloc[i]
            return (f"new hub: a contribution towards {hub['name']} ({hub['status']}, "
                    f"{km[i]:.1f} km from the site), which will serve the catchment's "
                    "patients")
    nearest = counted.iloc[0]
    rooms = float(steps.set_index("key").at["net_rooms", "value"])
    where = f"{nearest['name']} ({nearest['practice_code']}, {nearest['distance_km']:.1f} km)"
    if rooms < 1:
        return (f"reconfiguration: {rooms:.1f} of a clinical room, by reconfiguring existing "
                f"space at {where} or another catchment practice")
    return (f"extension: {rooms:.1f} clinical rooms added to {where} or another catchment "
            "practice")


def precedent_lines(c: Contribution) -> list[str]:
    """The request's £ per dwelling and per new resident beside the published ones."""
    lines = [f"This request: £{c.value('per_dwelling'):,.0f} per dwelling, "
             f"£{c.value('per_resident'):,.0f} per new resident"]
    for p in PRECEDENTS:
        lines.append(f"{p.body} ({p.year}, {p.scheme}): £{p.request_gbp:,.0f} for "
                     f"{p.dwellings:,} dwellings = £{p.per_dwelling:,.0f} per dwelling, "
                     f"£{p.per_resident:,.0f} per new resident — {p.source}")
    return lines


def _reg122(plan, c: Contribution) -> dict[str, str]:
    a = plan.assumptions
    app, f = c.application, c.figures
    counted = c.catchment[c.catchment["included"]]
    names = ", ".join(f"{r.name} ({r.distance_km:.1f} km)" for r in counted.itertuples())
    patients, net = c.value("patients"), c.value("net")
    if c.justified:
        necessary = (f"The development adds {patients:,.0f} patients ({app.dwellings:,} "
                     f"dwellings × {c.value('ppd'):.2f} persons × "
                     f"{c.value('share'):.0%} registering). The {len(counted)} catchment "
                     f"practices have spare capacity for {f['spare']:,.0f} patients between "
                     f"them, so {net:,.0f} patients ({c.value('net_m2'):,.1f} m², "
                     f"{c.value('net_rooms'):.1f} clinical rooms, {c.value('net_gp_fte'):.2f} "
                     "GP FTE) would have no space without the contribution. Practices "
                     f"already over capacity ({f['over']:,.0f} patients) are existing "
                     "pressure and are not charged to the development.")
    else:
        necessary = (f"{NO_CONTRIBUTION.capitalize()}: the {len(counted)} catchment "
                     f"practices have spare capacity for {f['spare']:,.0f} patients, more "
                     f"than the {patients:,.0f} new patients the development adds, so a "
                     "contribution is not necessary to make it acceptable in planning "
                     "terms.")
    related = (f"The catchment is the practices within {f['radius']} of the site "
               f"({'by road' if c.mode == 'drive' else 'straight line'}; assumption "
               f"{'catchment_drive_minutes' if c.mode == 'drive' else 'catchment_radius_km'}"
               f", the NHS England convention), where its residents will register: "
               f"{names}. Project: {c.project}.")
    scale = (f"Only the patients this development adds, net of spare capacity, are "
             f"counted: {net:,.0f} ÷ 1,000 × {a.value('floorspace_m2_per_1000'):g} m² = "
             f"{c.value('net_m2'):,.1f} m² × £{a.value('cost_per_m2'):,.0f} per m² = "
             f"£{c.request_gbp:,.0f} (£{c.value('per_dwelling'):,.0f} per dwelling, "
             f"£{c.value('per_resident'):,.0f} per new resident). Published Kent requests: "
             + "; ".join(f"{p.body} £{p.per_resident:,.0f} per new resident "
                         f"(£{p.per_dwelling:,.0f} per dwelling, {p.year})"
                         for p in PRECEDENTS) + ".")
    return {"Necessary to make the development acceptable in planning terms": necessary,
            "Directly related to the development": related,
            "Fairly and reasonably related in scale and kind": scale}


def _caveats(plan, c: Contribution) -> list[str]:
    ds, f = plan.dataset, c.figures
    out = [c.application.note] if c.application.note else []
    if ds.is_sample:
        out.append("Illustrative sample data (invented): not a request to send.")
    if f["proxy"]:
        out.append(f"{f['proxy']} catchment practice(s) have no rooms in the estate register: "
                   "their premises and spare capacity are a proxy (GP FTE × patients per GP "
                   "FTE), labelled in the catchment table. The estates team's return "
                   "(capacity.csv, or the Capacity tab) replaces it.")
    if f["unknown_spare"]:
        out.append(f"{f['unknown_spare']} ticked practice(s) have no list size, rooms or "
                   "usable GP figure (none, or one flagged implausible): their spare "
                   "capacity is unknown and is not counted.")
    est = int((c.catchment.loc[c.catchment["included"], "gp_basis"] == "est.").sum())
    if est:
        out.append(f"{est} ticked practice(s) publish a GP headcount but no FTE: their FTE is "
                   "estimated as headcount × gp_fte_per_head (marked est.).")
    years = c.catchment[["list_date", "gp_date"]].iloc[0]
    out.append(f"List sizes dated {years['list_date']}; GPs from {years['gp_date']}: "
               "patients per GP compares figures of these periods.")
    if c.mode == "straight":
        out.append("Catchment by straight-line distance (import roads for drive time).")
    if not c.application.mix:
        out.append("No dwelling mix given: the average persons per new dwelling is used.")
    out.append("The cost is at the base date of the £/m² assumption and is to be indexed "
               f"({COST_BASIS['index']}).")
    return out
