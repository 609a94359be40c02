"""The plan a command works on, built as the window builds it: the data (a folder or the
sample), optionally a saved scenario on it (`--scenario F`), then assumption changes
(`--set NAME=VALUE`, repeatable). `demand`, `hubs`, `group`, `report` and `export` all take
these, so a scenario gives the same figures on the command line as in the window."""
from __future__ import annotations

import argparse
import sys

from cli import UserError


def assignment(text: str) -> tuple[str, float]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"'{text}' must look like NAME=VALUE, e.g. "
                                         "persons_per_dwelling=2.5")
    try:
        return key.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None


def add_plan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="F",
                   help="a saved scenario (.scenario.json): its hubs, housing switches, "
                        "edits, groups, locks, grouping settings and assumptions")
    p.add_argument("--set", dest="settings", action="append", default=[], type=assignment,
                   metavar="NAME=VALUE",
                   help="change one planning assumption, e.g. persons_per_dwelling=2.5 "
                        "(repeatable; `demand --assumptions` lists them)")


def build_plan(args, folder: str | None):
    """The Plan for this command: data, then the scenario, then each --set."""
    from geo.canonical import load_folder, load_sample
    from models.plan import Plan
    scenario_file = getattr(args, "scenario", None)
    base = None if folder is None else load_folder(folder)
    if scenario_file:
        from pathlib import Path

        from geo.errors import DataError
        from models import scenario as sc
        scenario = sc.load_scenario(scenario_file)
        try:     # a refusal of its data folder or assumptions names the scenario file
            plan, warnings = sc.plan_from_scenario(scenario, base)
        except DataError as exc:
            raise DataError(Path(scenario_file).name, f"{_of_scenario(exc, scenario)}") \
                from None
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
    else:
        plan = Plan(base if base is not None else load_sample())
    apply_settings(plan, getattr(args, "settings", []))
    return plan


def _of_scenario(exc, scenario) -> str:
    """The refusal, said as what of the scenario it is about: its data folder or values."""
    if base_folder := (scenario.data.get("path") if scenario.data.get("kind") == "folder"
                       else None):
        if str(exc.file).rstrip("/") == str(base_folder).rstrip("/"):
            return f"the data folder it was made on, {exc.file}: {exc.reason}"
    return str(exc)


def apply_settings(plan, settings) -> None:
    """Each --set NAME=VALUE as a change of the plan's assumptions (refused: one line)."""
    for key, value in settings:
        if key not in plan.assumptions.keys():
            raise UserError(f"--set {key}: no such assumption (one of: "
                            f"{', '.join(plan.assumptions.keys())})")
        plan.set_state("assumptions", plan.assumptions.with_value(key, value),
                       f"--set {key}={value:g}")
