"""A Plan to a scenario and back: the one place the two meet, so the window, the command
line and the report turn the same scenario file into the same plan."""
from __future__ import annotations

from geo.dataset import Dataset
from models.assumptions import Assumptions
from models.plan import Plan
from models.scenario.build import apply_scenario, open_scenario_data, scenario_from_dataset
from models.scenario.format import Scenario

S106_EXTRA = "s106_catchments"    # {site key: {"in": [codes], "out": [codes]}}


def s106_choices(saved) -> dict:
    """The well-formed S106 catchment ticks of a scenario (anything else is ignored)."""
    if not isinstance(saved, dict):
        return {}
    out = {}
    for key, entry in saved.items():
        if isinstance(entry, dict):
            picks = {side: [c for c in entry.get(side, []) if isinstance(c, str)]
                     for side in ("in", "out") if isinstance(entry.get(side, []), list)}
            if any(picks.values()):
                out[str(key)] = picks
    return out


def scenario_from_plan(plan: Plan, name: str, *, notes: str = "", created: str | None = None,
                       extra: dict | None = None) -> Scenario:
    """Everything the plan holds beyond its base data, as a scenario."""
    extra = dict(extra or {})
    if plan.contribution:     # the S106 catchment ticks, kept under the format's "extra"
        extra[S106_EXTRA] = plan.contribution
    return scenario_from_dataset(plan.dataset, name, base=plan.base, notes=notes,
                                 locks=plan.locks, grouping=plan.grouping,
                                 assumptions=plan.assumptions.to_dict(), created=created,
                                 extra=extra, groups=plan.groups)


def load_into_plan(plan: Plan, scenario: Scenario, base: Dataset | None = None) -> list[str]:
    """Replace what the plan holds with the scenario on ``base`` (default: the data the
    scenario names). Returns the warnings about edits that did not apply."""
    base = open_scenario_data(scenario) if base is None else base
    edited = apply_scenario(base, scenario)
    groups = {}
    if scenario.groups and edited.groups is not None:
        groups = dict(zip(edited.groups["practice_code"], edited.groups["group"]))
    edited.groups = base.groups          # the data's own grouping stays the data's
    warnings = [w for w in edited.warnings if w not in base.warnings]
    assumptions = Assumptions.from_dict(scenario.assumptions) if scenario.assumptions \
        else None
    locks = known_locks(scenario.locks, set(edited.practices["practice_code"]))
    plan.load(base, edited, groups=groups, locks=locks or None,
              grouping=scenario.grouping or None, assumptions=assumptions,
              contribution=s106_choices(scenario.extra.get(S106_EXTRA)) or None)
    return warnings


def known_locks(locks: dict | None, codes: set[str]) -> dict:
    """The locks on practices this data has: those naming others were reported "ignored"
    (scenario_warnings), so they are left out rather than refused later."""
    if not locks:
        return {}
    out = dict(locks)
    together = [[c for c in grp if c in codes] for grp in locks.get("together", [])]
    out["together"] = [grp for grp in together if len(grp) >= 2]
    out["apart"] = [pair for pair in locks.get("apart", []) if set(pair) <= codes]
    fixed = locks.get("fixed", {})
    out["fixed"] = {c: g for c, g in fixed.items() if c in codes} if isinstance(fixed, dict) \
        else [c for c in fixed if c in codes]
    return {k: v for k, v in out.items() if v or k in locks}


def plan_from_scenario(scenario: Scenario, base: Dataset | None = None) -> tuple[Plan, list[str]]:
    """A new plan holding the scenario (for the command line and the report)."""
    base = open_scenario_data(scenario) if base is None else base
    plan = Plan(base)
    return plan, load_into_plan(plan, scenario, base)
