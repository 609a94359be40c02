"""Compare scenarios with demand and money: `python main.py compare A B --out F` and the
window's File → Compare scenarios…, on two scenarios that differ only by Lodge Hill."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cli import main as cli_main
from geo.canonical import load_sample
from models import scenario as sc
from models.measures import key_measures
from models.plan import Plan

NEW_PATIENTS = "new patients from the housing (by the last year)"
CAPITAL = "capital cost (£)"
MONEY_ROWS = [NEW_PATIENTS, "GP WTE needed for them", "clinical rooms needed",
              "floorspace needed (m² GIA)", CAPITAL, "capital per dwelling (£)",
              "GP gap at the benchmark after growth (WTE; + = short)"]


@pytest.fixture(scope="module")
def two_scenarios(tmp_path_factory):
    """'Base' (the sample as loaded) and 'Lodge Hill' (the same with Lodge Hill switched on)."""
    folder = tmp_path_factory.mktemp("compare")
    plan = Plan(load_sample())
    base = folder / "Base.scenario.json"
    sc.save_scenario(sc.scenario_from_plan(plan, "Base"), base)
    for site in plan.excluded_by_default():
        plan.set_value("housing", site, "include", True)
    lodge = folder / "Lodge Hill.scenario.json"
    sc.save_scenario(sc.scenario_from_plan(plan, "Lodge Hill"), lodge)
    return base, lodge


def test_measures_hold_demand_money_and_deprived_access():
    m = key_measures(Plan(load_sample()))
    assert m[NEW_PATIENTS] == pytest.approx(8088)
    assert m[CAPITAL] > 0 and m["capital per dwelling (£)"] == round(m[CAPITAL] / 3370)
    deprived = [k for k in m if k.startswith("most deprived fifth")]
    assert deprived and m[deprived[0]] is None       # the sample has no IMD: unknown, not 0


def test_cli_compare_shows_the_money_of_lodge_hill(two_scenarios, tmp_path, capsys):
    base, lodge = two_scenarios
    out = tmp_path / "compare.csv"
    assert cli_main(["compare", str(base), str(lodge), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "£" in printed and "unknown" in printed
    table = pd.read_csv(out).set_index("measure")
    assert list(table.columns) == ["Base", "Lodge Hill", sc.DIFF_COLUMN]
    assert set(MONEY_ROWS) <= set(table.index)
    figure = lambda m, s: float(table.at[m, s])  # noqa: E731  (text and numbers share columns)
    assert figure(NEW_PATIENTS, "Base") == pytest.approx(8088)
    assert figure(NEW_PATIENTS, "Lodge Hill") == pytest.approx(20088)
    assert figure(CAPITAL, "Lodge Hill") > figure(CAPITAL, "Base")
    assert table.loc[[NEW_PATIENTS, CAPITAL], sc.DIFF_COLUMN].astype(str).eq("True").all()
    xlsx = tmp_path / "compare.xlsx"
    assert cli_main(["compare", str(base), str(lodge), "--out", str(xlsx)]) == 0
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Cover", "compare"]
    rows = {r[0].value: r for r in book["compare"].iter_rows(min_row=2)}
    assert "£" in rows[CAPITAL][1].number_format
    assert book["compare"].freeze_panes == "B2"


@pytest.mark.parametrize("case", ["missing", "damaged", "out is an input", "one only",
                                  "not csv or xlsx"])
def test_cli_compare_refuses_bad_input_and_writes_nothing(two_scenarios, tmp_path, capsys,
                                                          case):
    base, lodge = two_scenarios
    damaged = tmp_path / "damaged.scenario.json"
    damaged.write_text('{"format": "medway-scenario", "version": 1, "hubs": [',
                       encoding="utf-8")
    out = tmp_path / "out.csv"
    args = {"missing": [str(base), str(tmp_path / "nope.scenario.json"), "--out", str(out)],
            "damaged": [str(base), str(damaged), "--out", str(out)],
            "out is an input": [str(base), str(lodge), "--out", str(lodge)],
            "one only": [str(base), "--out", str(out)],
            "not csv or xlsx": [str(base), str(lodge), "--out", str(tmp_path / "o.pdf")]}
    before = lodge.read_bytes()
    assert cli_main(["compare", *args[case]]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and len(err.splitlines()) == 1
    assert not out.exists() and not (tmp_path / "o.pdf").exists()
    assert lodge.read_bytes() == before


@pytest.mark.gui
def test_compare_through_the_menu_shows_demand_and_money(window, dialogs, two_scenarios):
    from PySide6.QtWidgets import QApplication

    from tests.gui_helpers import menu_action, wait_until
    base, lodge = two_scenarios
    dialogs.open_path = str(base)
    menu_action(window, "File", "Open scenario").trigger()
    wait_until(lambda: window.scenarios.name == "Base", what="Base opened")
    dialogs.open_paths = [str(lodge)]
    menu_action(window, "File", "Compare scenarios").trigger()
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if w.isVisible() and w.windowTitle() == "Compare scenarios")
    try:
        cells = {dialog.table.item(r, 0).text(): [dialog.table.item(r, c).text()
                                                  for c in (1, 2)]
                 for r in range(dialog.table.rowCount())}
        header = [dialog.table.horizontalHeaderItem(c).text() for c in (1, 2)]
        assert header == ["Base (open)", "Lodge Hill"]
        assert set(MONEY_ROWS) <= set(cells)
        assert cells[NEW_PATIENTS] == ["8,088", "20,088"]
        assert cells[CAPITAL][0].startswith("£") and cells[CAPITAL][0] != cells[CAPITAL][1]
        deprived = [k for k in cells if k.startswith("most deprived fifth")]
        assert deprived and cells[deprived[0]] == ["unknown", "unknown"]
    finally:
        dialog.close()
