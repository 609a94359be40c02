"""Choosing new hub sites: candidate sites and the p-median optimiser wrapped for hubs.

Existing and planned hubs stay; K new sites are chosen among candidates to minimise the
patient-weighted mean distance to the nearest hub (models/hubs/p_median.py solves it), or,
given a road graph (models/travel.py), the patient-weighted mean travel time in minutes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import BNG, points_bng, to_wgs84
from geo.dataset import HUB_COLUMNS
from geo.errors import UserError
from models.hubs.p_median import BOUND_PENDING, PMedianResult, solve_p_median, \
    solve_p_median_costs

# ---------------------------------------------------------------- optimiser

CANDIDATE_COLUMNS = ["candidate_id", "name", "kind", "longitude", "latitude"]


def candidate_sites(*, practices: pd.DataFrame | None = None, hubs: pd.DataFrame | None = None,
                    localities: gpd.GeoDataFrame | None = None, grid_km: float | None = None,
                    extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Possible new hub sites: practice sites (main and branch), hubs given (e.g. planned
    HLCs not yet kept), a square grid at ``grid_km`` spacing inside the localities, and
    ``extra`` rows (candidate_id, name, longitude, latitude) from the user."""
    parts = []
    if practices is not None and len(practices):
        parts.append(pd.DataFrame({"candidate_id": practices["practice_code"].to_numpy(),
                                   "name": practices["name"].to_numpy(), "kind": "practice",
                                   "longitude": practices["longitude"].to_numpy(float),
                                   "latitude": practices["latitude"].to_numpy(float)}))
    if hubs is not None and len(hubs):
        parts.append(pd.DataFrame({"candidate_id": hubs["hub_id"].to_numpy(),
                                   "name": hubs["name"].to_numpy(), "kind": "hub",
                                   "longitude": hubs["longitude"].to_numpy(float),
                                   "latitude": hubs["latitude"].to_numpy(float)}))
    if grid_km:
        if localities is None:
            raise UserError("a grid of candidates needs the locality polygons")
        parts.append(_grid(localities, grid_km))
    if extra is not None and len(extra):
        e = extra.copy()
        e["kind"] = e["kind"] if "kind" in e else "user"
        parts.append(e[CANDIDATE_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates("candidate_id").reset_index(drop=True)[CANDIDATE_COLUMNS]


def _grid(localities: gpd.GeoDataFrame, spacing_km: float) -> pd.DataFrame:
    if spacing_km <= 0:
        raise UserError("grid spacing must be positive")
    area = localities.to_crs(BNG).union_all()
    step = spacing_km * 1000.0
    minx, miny, maxx, maxy = area.bounds
    gx = np.arange(np.floor(minx / step) * step + step / 2, maxx, step)
    gy = np.arange(np.floor(miny / step) * step + step / 2, maxy, step)
    xx, yy = np.meshgrid(gx, gy)
    x, y = xx.ravel(), yy.ravel()
    inside = shapely.contains_xy(area, x, y)
    x, y = x[inside], y[inside]
    lon, lat = to_wgs84(x, y)
    ids = [f"GRID-E{int(a)}-N{int(b)}" for a, b in zip(x, y)]
    return pd.DataFrame({"candidate_id": ids,
                         "name": [f"Grid point E {int(a)} N {int(b)}" for a, b in zip(x, y)],
                         "kind": "grid", "longitude": lon, "latitude": lat})


@dataclass
class HubPlan:
    """The result of choosing new hub sites."""

    hubs: pd.DataFrame           # kept hubs followed by the new (proposed) ones
    added: pd.DataFrame          # the chosen candidate rows, in the order added
    result: PMedianResult
    weight: str
    travel: str = "straight"     # "straight" (km) or a road graph's mode ("drive", "walk")

    @property
    def by_time(self) -> bool:
        return self.travel != "straight"

    def _in(self, value: float, minutes: bool) -> float:
        if minutes != self.by_time:
            return float("nan")
        return value if minutes else value / 1000.0

    @property
    def objective_before_km(self) -> float:
        return self._in(self.result.objective_before, False)

    @property
    def objective_after_km(self) -> float:
        return self._in(self.result.objective, False)

    @property
    def lower_bound_km(self) -> float:
        return self._in(self.result.lower_bound, False)

    @property
    def objective_before_minutes(self) -> float:
        return self._in(self.result.objective_before, True)

    @property
    def objective_after_minutes(self) -> float:
        return self._in(self.result.objective, True)

    @property
    def gap(self) -> float:
        return self.result.gap

    @property
    def proven_optimal(self) -> bool:
        return self.result.proven_optimal

    @property
    def bound_method(self) -> str:
        return self.result.bound_method

    @property
    def seconds(self) -> float:
        return self.result.seconds

    def summary(self) -> str:
        """Plain-English lines for a status bar or the CLI."""
        r = self.result
        unit, scale = ("min", 1.0) if self.by_time else ("km", 1000.0)
        before = (f"{r.objective_before / scale:.3f} {unit}" if np.isfinite(r.objective_before)
                  else "none (no hubs kept)")
        what = (f"{self.travel} time by road to the nearest hub" if self.by_time else
                "straight-line distance to the nearest hub (EPSG:27700)")
        if self.travel == "transit":
            what = "public-transport time to the quickest hub (median over the window)"
        lines = [f"Patient-weighted mean {what}: before {before}, after "
                 f"{r.objective / scale:.3f} {unit} "
                 f"({len(self.added)} new site{'s' if len(self.added) != 1 else ''})."]
        if len(self.added):
            if r.proven_optimal:
                lines.append(f"Proven optimal for these candidates ({r.bound_method}).")
            elif r.lower_bound > 0:
                lines.append(f"No choice of these candidates can go below "
                             f"{r.lower_bound / scale:.3f} {unit}, so this is within "
                             f"{100 * r.gap:.2f}% of the best possible ({r.bound_method}).")
            elif r.bound_method == BOUND_PENDING:
                lines.append("Checking how close this is to the best possible…")
            else:
                lines.append("No optimality bound was computed.")
        return "\n".join(lines)


def next_hub_ids(taken, count: int) -> list[str]:
    """``count`` new hub ids NEW-n, each above every NEW-n in ``taken`` (ids in use now or
    ever used in the scenario), so an id never comes back for a different hub."""
    used = [int(m.group(1)) for m in (re.fullmatch(r"NEW-(\d+)", str(t)) for t in taken) if m]
    start = max(used, default=0) + 1
    return [f"NEW-{n}" for n in range(start, start + count)]


def optimise_hubs(demand: pd.DataFrame, hubs: pd.DataFrame, candidates: pd.DataFrame, k: int,
                  *, keep=("existing", "planned"), weight: str = "patients_now",
                  used_ids=(), progress=None, cancel=None, travel=None, on_answer=None,
                  **solver_kw) -> HubPlan:
    """Keep hubs whose status is in ``keep``; add ``k`` candidates minimising the
    ``weight``-weighted mean straight-line distance to the nearest hub, or with ``travel``
    (a models.travel.RoadGraph) the mean travel time by road. New hubs get ids unused by
    any hub given and by ``used_ids`` (ids used earlier in the scenario).
    ``on_answer(plan)``, if given, receives the answer before its bound is worked out."""
    if weight not in ("patients_now", "patients_with_growth"):
        raise UserError("weight must be 'patients_now' or 'patients_with_growth'")
    kept = hubs[hubs["status"].isin(keep)].reset_index(drop=True)
    for col in HUB_COLUMNS:
        if col not in kept.columns:
            kept[col] = np.nan if col == "capacity_patients" else ""
    if k > len(candidates):
        raise UserError(f"cannot add {k} hubs: there are only {len(candidates)} "
                         "candidate sites")
    kept_xy = points_bng(kept) if len(kept) else np.empty((0, 2))
    cand_xy = points_bng(candidates) if len(candidates) else np.empty((0, 2))
    mode = "straight" if travel is None else travel.mode

    def plan_of(result: PMedianResult) -> HubPlan:
        return _hub_plan(result, kept, hubs, candidates, used_ids, weight, mode)
    if on_answer is not None:       # the answer first, its bound after (the window)
        solver_kw["on_answer"] = lambda result: on_answer(plan_of(result))
    if travel is None:
        result = solve_p_median(demand[["x", "y"]].to_numpy(float),
                                demand[weight].to_numpy(float), kept_xy, cand_xy,
                                k, progress=progress, cancel=cancel, **solver_kw)
    else:
        result = _solve_by_time(travel, demand, weight, kept_xy, cand_xy, k, progress,
                                cancel, solver_kw)
    return plan_of(result)


def _hub_plan(result, kept, hubs, candidates, used_ids, weight, mode) -> HubPlan:
    """The kept hubs plus the chosen candidates as proposed hubs, under new ids."""
    added = candidates.iloc[result.chosen].reset_index(drop=True)
    taken = set(kept["hub_id"])
    used = taken | set(hubs["hub_id"]) | {str(t) for t in used_ids}
    kinds = added["kind"] if "kind" in added else pd.Series("", index=added.index)
    new_ids, names = [], []
    for cid, nm, kind in zip(added["candidate_id"], added["name"], kinds):
        if kind == "hub" and cid not in taken:     # a planned hub chosen: keep its identity
            new_ids.append(cid)
            names.append(nm)
        else:
            new_ids.append(next_hub_ids(used, 1)[0])
            names.append(f"Proposed hub at {nm} ({cid})")
        taken.add(new_ids[-1])
        used.add(new_ids[-1])
    new = pd.DataFrame({
        "hub_id": new_ids,
        "name": names,
        "latitude": added["latitude"].to_numpy(float),
        "longitude": added["longitude"].to_numpy(float),
        "status": "proposed", "locality": "", "capacity_patients": np.nan})
    parts = [f for f in (kept[HUB_COLUMNS], new) if len(f)]
    all_hubs = (pd.concat(parts, ignore_index=True) if parts
                else pd.DataFrame(columns=HUB_COLUMNS))
    return HubPlan(all_hubs, added, result, weight, mode)


def _solve_by_time(graph, demand, weight, kept_xy, cand_xy, k, progress, cancel, solver_kw):
    """Travel minutes from every demand point to every candidate and kept hub, then the
    p-median on those minutes (matrix: 85% of the progress bar when it dominates)."""
    report = progress or (lambda f, m: None)
    xy = demand[["x", "y"]].to_numpy(float)
    both = np.vstack([cand_xy, kept_xy])
    minutes = graph.times(xy, both, progress=lambda f, m: report(0.5 * f, m), cancel=cancel)
    costs, fixed = minutes[:, :len(cand_xy)], minutes[:, len(cand_xy):]
    reach = np.isfinite(costs)
    if not reach.all():   # a few points off the main network: a long but finite journey
        costs = np.where(reach, costs, np.nanmax(np.where(reach, costs, np.nan)) * 2)
    base = fixed.min(axis=1) if fixed.shape[1] else None
    return solve_p_median_costs(costs, demand[weight].to_numpy(float), base, k,
                                progress=lambda f, m: report(0.5 + 0.5 * f, m),
                                cancel=cancel, **solver_kw)
