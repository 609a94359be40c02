"""Choosing new hub sites, one interface for the window and the command line.

In the spirit of spopt's location models: an ``Objective`` says what "best" means (the
patient-weighted mean straight-line distance, or travel time by a graph: drive, walk or
public transport); a ``SitingProblem`` is built from arrays (``SitingProblem(...)``) or from
the plan (``SitingProblem.from_plan``), and ``.solve()`` returns a ``HubPlan``: the hubs
with the new sites, the objective before and after, and a bound on how far from the best
possible it can be. ``Plan.suggest_hubs`` is the plan's door to it.

A new objective (coverage within a time, an equity-weighted mean) is a new ``Objective``
whose ``solve`` turns the problem into the p-median's inputs (models/hubs/p_median.py) or
calls its own solver.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from models.hubs.sites import HubPlan, candidate_sites, optimise_hubs

WEIGHTS = {"now": "patients_now", "with_growth": "patients_with_growth"}
CANDIDATE_KINDS = ("practices", "grid", "both")


@dataclass(frozen=True)
class Objective:
    """Patient-weighted mean of a travel cost to the nearest hub, to be made as small as
    possible. ``travel`` None is the straight line (metres, EPSG:27700); otherwise an object
    with ``mode`` and ``times(from_xy, to_xy, progress=, cancel=) -> minutes`` (a road graph,
    models/travel.py, or a timetable network, models/transit)."""

    travel: object | None = None
    weight: str = "patients_now"      # or "patients_with_growth"

    @classmethod
    def straight_line(cls, weight: str = "patients_now") -> "Objective":
        return cls(None, weight)

    @classmethod
    def travel_time(cls, graph, weight: str = "patients_now") -> "Objective":
        return cls(graph, weight)

    @property
    def mode(self) -> str:
        return "straight" if self.travel is None else str(self.travel.mode)

    @property
    def unit(self) -> str:
        return "km" if self.travel is None else "min"


@dataclass
class SitingProblem:
    """Add ``k`` of ``candidates`` to the ``hubs`` whose status is in ``keep``."""

    demand: pd.DataFrame            # models.hubs.demand_points: x, y and the weights
    hubs: pd.DataFrame
    candidates: pd.DataFrame        # models.hubs.candidate_sites
    k: int
    objective: Objective = field(default_factory=Objective)
    keep: tuple = ("existing", "planned")
    used_ids: tuple = ()            # hub ids used before in the scenario (never reused)

    @classmethod
    def from_plan(cls, plan, k: int, *, candidates: str = "practices",
                  grid_km: float | None = None, keep=("existing", "planned"),
                  with_growth: bool = False, travel=None, used_ids=()) -> "SitingProblem":
        """The plan's demand (its growth settings), hubs and candidate sites: practice sites
        and/or a grid over the localities ``grid_km`` apart (the plan's
        ``candidate_grid_km`` unless given); hubs not kept are candidates too."""
        if candidates not in CANDIDATE_KINDS:
            raise ValueError(f"candidates must be one of {', '.join(CANDIDATE_KINDS)}")
        ds = plan.dataset
        kw: dict = {"hubs": ds.hubs[~ds.hubs["status"].isin(keep)]}
        if candidates in ("practices", "both"):
            kw["practices"] = ds.practices
        if candidates in ("grid", "both") or grid_km:
            kw["localities"] = ds.localities
            kw["grid_km"] = grid_km or plan.value("candidate_grid_km")
        weight = WEIGHTS["with_growth" if with_growth else "now"]
        return cls(plan.demand_points(), ds.hubs.copy(), candidate_sites(**kw), int(k),
                   Objective(travel, weight), tuple(keep), tuple(used_ids))

    def solve(self, *, progress=None, cancel=None, on_answer=None, **solver_kw) -> HubPlan:
        """The best ``k`` sites found, with the objective before and after and its bound;
        ``on_answer(plan)`` hears the answer first, before its bound is worked out."""
        return optimise_hubs(self.demand, self.hubs, self.candidates, self.k,
                             keep=self.keep, weight=self.objective.weight,
                             used_ids=self.used_ids, progress=progress, cancel=cancel,
                             travel=self.objective.travel, on_answer=on_answer,
                             **solver_kw)


def suggest_hubs(plan, k: int, *, progress=None, cancel=None, **problem_kw) -> HubPlan:
    """Suggest ``k`` new hub sites for the plan (see ``SitingProblem.from_plan``)."""
    return SitingProblem.from_plan(plan, k, **problem_kw).solve(progress=progress,
                                                                cancel=cancel)
