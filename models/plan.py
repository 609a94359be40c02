"""The Plan: the one owner of what a planner is working on.

A plan is the base dataset (as loaded) plus everything a scenario holds: the edited data
(hubs, housing switches and edits, list-size edits), the extended groups and their locks,
the grouping settings, the planning assumptions and the hub layout baseline. The window, the
command line and the report all build a Plan and read every figure from it, so the same
scenario gives the same numbers everywhere.

Every change is a command (``SetValue``, ``SetState``) applied with ``execute`` and taken
back with ``revert``; the GUI's undo stack only wraps these commands. Each change bumps
``revision`` and tells every listener what changed (a ``Change``); views re-read the plan
and keep no copy of it. Work that runs in the background carries ``stamp()`` — the data it
started on and the revision — and a result whose stamp is no longer current is dropped.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from geo.dataset import Dataset
from models.assumptions import Assumptions, default_assumptions
from models.edits import KEYS, apply_edit

STATE_KEYS = ("groups", "hubs", "housing", "assumptions", "locks", "grouping", "baseline",
              "estate", "contribution")
GROUPING_DEFAULTS = {"min_size": None, "max_size": None, "n_groups": None,
                     "within_localities": False, "seed": 0}
# Grouping bounds left as None follow these assumptions: the Medway Model's extended groups
# are the size of its localities, 30,000–50,000 (Operational Plan 2017–19, ch. 3).
BOUND_ASSUMPTIONS = {"min_size": "locality_min_population",
                     "max_size": "locality_max_population"}

_data_ids = itertools.count(1)


@dataclass(frozen=True)
class Change:
    """What changed: ``kind`` is "replaced" (other data), "edited" (one cell: ``key`` is the
    layer) or "state" (``key`` is one of STATE_KEYS)."""

    kind: str
    key: str = ""
    item_id: str = ""
    column: str = ""


class Command:
    """One undoable change to a plan."""

    text = ""

    def do(self, plan: "Plan") -> Change:
        raise NotImplementedError

    def undo(self, plan: "Plan") -> Change:
        raise NotImplementedError


class SetValue(Command):
    """Set one cell of a layer (practices, housing, hubs), validated by models/edits.py."""

    def __init__(self, layer: str, item_id: str, column: str, value):
        self.layer, self.item_id, self.column, self.value = layer, item_id, column, value
        self.old = None
        self.text = f"Set {column.replace('_', ' ')} of {item_id} to {value}"

    def do(self, plan: "Plan") -> Change:
        self.old = apply_edit(plan.dataset, self.layer, self.item_id, self.column, self.value)
        frame = getattr(plan.dataset, self.layer)
        self.value = frame.loc[frame[KEYS[self.layer]] == self.item_id, self.column].iloc[0]
        return Change("edited", self.layer, self.item_id, self.column)

    def undo(self, plan: "Plan") -> Change:
        apply_edit(plan.dataset, self.layer, self.item_id, self.column, self.old)
        return Change("edited", self.layer, self.item_id, self.column)


class SetState(Command):
    """Replace a whole piece of state (the grouping, the hub layer, the assumptions…)."""

    def __init__(self, key: str, value, text: str = ""):
        if key not in STATE_KEYS:
            raise KeyError(key)
        self.key, self.value, self.old = key, value, None
        self.text = text or f"Change {key}"

    def do(self, plan: "Plan") -> Change:
        self.old = plan.state(self.key)
        plan._put(self.key, self.value)
        return Change("state", self.key)

    def undo(self, plan: "Plan") -> Change:
        plan._put(self.key, self.old)
        return Change("state", self.key)


class Batch(Command):
    """Several edits to one layer as one step (e.g. switch every excluded site in)."""

    def __init__(self, commands: list[SetValue], text: str):
        self.commands, self.text = list(commands), text
        self.layer = self.commands[0].layer if self.commands else ""

    def do(self, plan: "Plan") -> Change:
        done = []
        try:
            for command in self.commands:
                command.do(plan)
                done.append(command)
        except ValueError:
            for command in reversed(done):
                command.undo(plan)
            raise
        return Change("edited", self.layer)

    def undo(self, plan: "Plan") -> Change:
        for command in reversed(self.commands):
            command.undo(plan)
        return Change("edited", self.layer)


class Plan:
    """The base data plus every edit, setting and assumption a scenario holds."""

    def __init__(self, dataset: Dataset, *, assumptions: Assumptions | None = None):
        self._listeners: list[Callable[[Change], None]] = []
        self._load(dataset)
        if assumptions is not None:
            self.assumptions = assumptions

    def _load(self, dataset: Dataset) -> None:
        self.base = dataset
        self.dataset = dataset.copy()
        self.data_id = next(_data_ids)
        self.revision = 0
        self.groups: dict[str, str] = {}
        self.locks: dict[str, Any] = empty_locks()
        self.grouping: dict[str, Any] = dict(GROUPING_DEFAULTS)
        self.assumptions: Assumptions = default_assumptions()
        self.baseline: pd.DataFrame | None = None
        # S106 catchments the planner ticked: {site key: {"in": [codes], "out": [codes]}}
        self.contribution: dict[str, dict] = {}

    # ---------------------------------------------------------------- listening
    def subscribe(self, listener: Callable[[Change], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, change: Change) -> None:
        self.revision += 1
        for listener in list(self._listeners):
            listener(change)

    def stamp(self) -> tuple[int, int]:
        """Which data and which revision: background work compares it before applying."""
        return self.data_id, self.revision

    def is_current(self, stamp: tuple[int, int]) -> bool:
        return tuple(stamp) == self.stamp()

    # ---------------------------------------------------------------- changing
    def replace(self, dataset: Dataset) -> None:
        """Other data: everything the previous plan held is dropped."""
        self._load(dataset)
        self._notify(Change("replaced"))

    def execute(self, command: Command) -> Command:
        """Apply a command (raises ValueError with a user message, changing nothing)."""
        self._notify(command.do(self))
        return command

    def revert(self, command: Command) -> None:
        self._notify(command.undo(self))

    def set_value(self, layer: str, item_id: str, column: str, value) -> Command:
        return self.execute(SetValue(layer, item_id, column, value))

    def set_state(self, key: str, value, text: str = "") -> Command:
        return self.execute(SetState(key, value, text))

    def load(self, base: Dataset, dataset: Dataset | None = None, **state) -> None:
        """Other data with a scenario's edits and state on it, as one replacement."""
        self._load(base)
        if dataset is not None:
            self.dataset = dataset
        for key, value in state.items():
            if value is not None:
                self._put(key, value)
        self._notify(Change("replaced"))

    def state(self, key: str):
        """A copy of one piece of state (safe to keep; the plan never shares its own)."""
        if key in ("hubs", "housing"):
            return getattr(self.dataset, key).copy()
        if key == "assumptions":
            return self.assumptions            # immutable: edits make a new object
        if key == "baseline":
            return None if self.baseline is None else self.baseline.copy()
        if key == "estate":            # the estate register (models/capacity/register.py)
            from models.capacity.register import register_of
            return register_of(self.dataset)
        return copy.deepcopy(getattr(self, key))

    def _put(self, key: str, value) -> None:
        if key in ("hubs", "housing"):
            setattr(self.dataset, key, value.copy().reset_index(drop=True))
        elif key == "assumptions":
            self.assumptions = value
        elif key == "baseline":
            self.baseline = None if value is None else value.copy()
        elif key == "estate":
            self.dataset.capacity = value.copy().reset_index(drop=True)
        elif key == "grouping":
            self.grouping = {**GROUPING_DEFAULTS, **copy.deepcopy(value)}
        elif key == "locks":
            self.locks = normalise_locks(value)
        else:
            setattr(self, key, copy.deepcopy(value))

    # ---------------------------------------------------------------- what views read
    def value(self, key: str) -> float:
        """The value used for one planning assumption."""
        return self.assumptions.value(key)

    def grouping_bounds(self) -> tuple[int, int]:
        """Smallest and largest group size: the setting, or its assumption when unset."""
        return tuple(int(self.grouping.get(k) if self.grouping.get(k) is not None
                         else self.value(a)) for k, a in BOUND_ASSUMPTIONS.items())

    def grouping_settings(self) -> dict[str, Any]:
        """The settings a grouping run uses, with the bounds resolved."""
        lo, hi = self.grouping_bounds()
        return {**self.grouping, "min_size": lo, "max_size": hi}

    def locality_bounds(self) -> tuple[float, float]:
        return (self.value("locality_min_population"),
                self.value("locality_max_population"))

    def hub_settings(self) -> dict[str, float]:
        """What turns straight-line distance into approximate road km and minutes."""
        return {"circuity": self.value("road_circuity"),
                "speed_kmh": self.value("drive_speed_kmh")}

    def growth_settings(self) -> dict[str, float]:
        """Dwellings → new registered patients, as the demand model counts them."""
        return {"persons_per_dwelling": self.value("persons_per_dwelling"),
                "registering_share": self.value("registration_share")}

    def demand_points(self, **kw) -> pd.DataFrame:
        """Patients now and with housing growth at each site (models/hubs)."""
        from models.demand import new_patients_by_site
        from models.hubs import demand_points
        if any(k in kw for k in ("new_patients", "persons_per_dwelling",
                                 "registering_share")) or not kw.get("housing", True):
            return demand_points(self.dataset, **{**self.growth_settings(), **kw})
        # new patients counted as demand counts them (completions after the list's date)
        patients, note = new_patients_by_site(self.dataset, self.assumptions)
        frame = demand_points(self.dataset, new_patients=patients, **kw)
        frame.attrs["growth_note"] = note
        return frame

    def evaluate_hubs(self, hubs: pd.DataFrame | None = None, demand=None):
        """Catchments, per-hub figures and access for a hub layout (the plan's by default)."""
        from models.hubs import evaluate_layout
        demand = self.demand_points() if demand is None else demand
        return evaluate_layout(demand, self.dataset.hubs if hubs is None else hubs,
                               **self.hub_settings())

    def siting_problem(self, k: int, **kw):
        """Choosing ``k`` new hub sites for this plan (models/hubs/siting.py); build it here,
        ``.solve()`` it anywhere (the window solves it off the GUI thread)."""
        from models.hubs.siting import SitingProblem
        return SitingProblem.from_plan(self, k, **kw)

    def suggest_hubs(self, k: int, *, progress=None, cancel=None, **kw):
        """``k`` new hub sites for this plan, with the figures before and after and a bound
        (a models.hubs.HubPlan): what the window's Suggest sites and `hubs --add` give."""
        return self.siting_problem(k, **kw).solve(progress=progress, cancel=cancel)

    def project_demand(self, by: str = "locality", groups=None):
        from models.demand import project_demand
        return project_demand(self.dataset, self.assumptions, by=by,
                              groups=groups or self.groups or None,
                              group_bounds=self.grouping_bounds())

    def groups_everywhere(self) -> tuple[dict[str, str] | None, str]:
        """The one grouping every output uses, and where it came from: the plan's groups,
        else the data's groups.csv, else groups made now with the plan's settings, bounds
        and locks — exactly as `group` and the Groups tab make them."""
        if self.groups:
            return dict(self.groups), "groups from the scenario"
        ds = self.dataset
        if ds.groups is not None and len(ds.groups):
            return (dict(zip(ds.groups["practice_code"].astype(str),
                             ds.groups["group"].astype(str))),
                    "groups from the data folder's groups.csv")
        from models.grouping import group_practices
        s = self.grouping_settings()
        result = group_practices(ds.practices, s["min_size"], s["max_size"], s["n_groups"],
                                 within_localities=s["within_localities"],
                                 seed=s.get("seed") or 0, locks=self.grouping_locks(),
                                 strict=False)
        return (dict(result.mapping),
                f"groups made now with the plan's settings ({s['min_size']:,}–"
                f"{s['max_size']:,} patients), as `group` makes them")

    def layout_baseline(self) -> pd.DataFrame:
        """The hub layout to compare with: the one the planner set, else the data's own."""
        return (self.base.hubs if self.baseline is None else self.baseline).copy()

    def excluded_by_default(self) -> list[str]:
        """Housing sites the data leaves out of projections (Lodge Hill in the sample)."""
        h = self.base.housing
        return h.loc[~h["include"].astype(bool), "site_id"].tolist()

    def grouping_locks(self):
        """The locks as the grouping solver takes them."""
        from models.grouping import Locks
        return Locks(together=[list(t) for t in self.locks["together"]],
                     apart=[tuple(a) for a in self.locks["apart"]],
                     fixed=dict(self.locks["fixed"]))


# ---------------------------------------------------------------- locks, in one form

def empty_locks() -> dict[str, Any]:
    return {"together": [], "apart": [], "fixed": {}}


def normalise_locks(locks) -> dict[str, Any]:
    """Locks as the plan and the scenario file hold them, from a dict or a grouping Locks."""
    if locks is None:
        return empty_locks()
    get = locks.get if isinstance(locks, dict) else (lambda k, d=None: getattr(locks, k, d))
    return {"together": [list(t) for t in get("together", []) or []],
            "apart": [list(a) for a in get("apart", []) or []],
            "fixed": dict(get("fixed", {}) or {})}
