"""Saving and opening scenario files: the format's text through geo/scenario_file.py."""
from __future__ import annotations

from pathlib import Path

from geo import scenario_file as files
from geo.errors import DataError
from geo.scenario_file import recovery_path
from models.scenario.checks import parse_scenario, scenario_text
from models.scenario.format import Scenario


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Check the scenario's text (nothing touches the disk if it is invalid), then write it
    atomically."""
    return files.write_scenario_text(scenario_text(scenario), path)


def load_scenario(path: str | Path) -> Scenario:
    """Read and fully check a scenario file; raise DataError (file + field) on any problem."""
    return parse_scenario(files.read_scenario_bytes(path), Path(path).name)


def write_recovery(scenario: Scenario, settings_dir: str | Path) -> Path:
    """Autosave: atomic, like a real save."""
    return save_scenario(scenario, recovery_path(settings_dir))


def find_recovery(settings_dir: str | Path) -> tuple[Path, Scenario] | None:
    """The autosave to offer at start-up, if the last session ended without clearing it.

    None when there is none, when it is older than the last clear_recovery, or when it
    cannot be read (an unreadable autosave must not stop the app from starting).
    """
    path = files.recovery_to_offer(settings_dir)
    if path is None:
        return None
    try:
        return path, load_scenario(path)
    except DataError:
        return None
