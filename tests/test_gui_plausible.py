"""Plausibility of typed figures (issue #24 item 4): a list size far above anything in the
data is asked about, an impossible one refused — in the window, and the same rule in
scenario files read by the window and the command line."""
from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from models.edits import PLAUSIBLE, implausible
from tests.gui_helpers import type_in_cell

pytestmark = pytest.mark.gui


def _list(window, code):
    return window.dataset.practices.set_index("practice_code").at[code, "list_size"]


def _code(window):
    return window.dataset.main_practices().sort_values("list_size")["practice_code"].iloc[0]


def test_an_impossible_list_size_is_refused(window, dialogs, undo_all):
    code = _code(window)
    before = _list(window, code)
    shown = type_in_cell(window.practices_table, code, "list_size", "99999999")
    assert shown == f"{before:.0f}"                # the editor shows "5000", not "5000.00"
    assert _list(window, code) == before
    assert ("warning", "Edit refused") in dialogs.asked
    assert "not plausible" in window.last_error and "1,000,000" in window.last_error
    assert not window.workspace.undo_stack.canUndo()


def test_a_list_far_above_the_largest_is_asked_about(window, dialogs, undo_all):
    code = _code(window)
    before = _list(window, code)
    type_in_cell(window.practices_table, code, "list_size", "150000")
    assert ("question", "Check this figure") in dialogs.asked
    assert "150,000 patients" in dialogs.messages[-1]
    assert _list(window, code) == before             # answered No: nothing changed
    dialogs.answers["Check this figure"] = QMessageBox.StandardButton.Yes
    type_in_cell(window.practices_table, code, "list_size", "150000")
    assert _list(window, code) == 150_000
    # an ordinary figure is not asked about
    dialogs.asked.clear()
    type_in_cell(window.practices_table, code, "list_size", "6000")
    assert _list(window, code) == 6000 and not dialogs.asked


def test_scenario_files_follow_the_same_rule(window, tmp_path):
    """A scenario file's 150,000 is applied with a warning; 99,999,999 is not applied —
    the same definition (models/edits.PLAUSIBLE) as the window's."""
    from models import scenario as sc
    code = _code(window)
    assert implausible(window.dataset, "practices", code, "list_size", 150_000)
    assert PLAUSIBLE[("practices", "list_size")][1] == 1_000_000
    path = tmp_path / "typo.scenario.json"
    doc = json.loads(sc.scenario_text(window.scenarios.current("Typo")))
    doc["practices"] = {code: {"list_size": 150_000}, _code_2(window): {"list_size": 5_000_000}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    plan, warnings = sc.plan_from_scenario(sc.load_scenario(path), window.dataset.copy())
    text = " ".join(warnings)
    assert "check it" in text and "not plausible" in text
    assert plan.dataset.practices.set_index("practice_code").at[code, "list_size"] == 150_000


def _code_2(window):
    return window.dataset.main_practices().sort_values("list_size")["practice_code"].iloc[1]


def test_the_command_line_refuses_an_impossible_figure_in_a_scenario(window, tmp_path, capsys):
    from models import scenario as sc
    from cli import main
    path = tmp_path / "typo.scenario.json"
    doc = json.loads(sc.scenario_text(window.scenarios.current("Typo")))
    doc["practices"] = {_code(window): {"list_size": 5_000_000}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "demand.csv"
    main(["demand", "--scenario", str(path), "--out", str(out)])
    assert "not plausible" in capsys.readouterr().err
    doc["practices"] = {_code(window): {"list_size": 99_999_999}}    # past the file's cap
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["demand", "--scenario", str(path), "--out", str(out)]) == 2
