"""Scenarios: a named set of edits over a dataset, saved as one readable, versioned file.

format.py (the file format and the Scenario record), checks.py (parse and validate text),
build.py (capture from / apply onto a dataset, compare), files.py (save, open, autosave).
"""
from __future__ import annotations

from geo.scenario_file import SUFFIX, clear_recovery, data_fingerprint, temp_files  # noqa: F401
from models.scenario.build import (  # noqa: F401
    DIFF_COLUMN, apply_scenario, compare_scenarios, data_reference, open_scenario_data,
    scenario_from_dataset, scenario_warnings,
)
from models.scenario.checks import parse_scenario, scenario_text  # noqa: F401
from models.scenario.files import (  # noqa: F401
    find_recovery, load_scenario, recovery_path, save_scenario,
    write_recovery,
)
from models.scenario.format import FORMAT, VERSION, Scenario  # noqa: F401
from models.scenario.plan_io import (  # noqa: F401
    load_into_plan, plan_from_scenario, scenario_from_plan,
)
