"""Localities as a planner reads them: registered patients and census residents side by
side, the 30–50k target judged on the measure chosen in the View menu (kept between runs),
the same in the table, on the map and in Details, and practices outside every locality never
flagged as a locality below target."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QSettings, Qt

from gui.locality_target import SETTING
from tests.gui_helpers import js, menu_action, status_text, wait_until

pytestmark = pytest.mark.gui


@pytest.fixture
def folder_opened(window, dialogs, sample_copy):
    """The sample with census residents and one practice outside every locality, opened
    from File → Open data folder…"""
    practices = pd.read_csv(sample_copy / "practices.csv", dtype=str, keep_default_na=False)
    practices.loc[0, ["latitude", "longitude", "locality"]] = ["51.20", "0.30", ""]
    practices.to_csv(sample_copy / "practices.csv", index=False)
    (sample_copy / "population.csv").write_text(
        "area_code,area_name,residents,latitude,longitude\n"
        "A1,Strood area,25000,51.40,0.49\nA2,Gillingham area,40000,51.385,0.55\n",
        encoding="utf-8")
    dialogs.folder = str(sample_copy)
    menu_action(window, "File", "Open data folder").trigger()
    assert str(window.dataset.folder) == str(sample_copy)
    wait_until(lambda: window.map.is_ready, 30, "the map")
    yield window
    QSettings().remove(SETTING)
    menu_action(window, "View", "Registered patients").trigger()


def table_rows(window) -> dict[str, dict[str, str]]:
    model = window.localities_table.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(model.columnCount())]
    return {model.index(r, 0).data(): {h: model.index(r, c).data()
                                       for c, h in enumerate(headers)}
            for r in range(model.rowCount())}, headers


def test_both_measures_side_by_side_judged_on_the_registered_list(folder_opened):
    window = folder_opened
    rows, headers = table_rows(window)
    flag = next(h for h in headers if h.startswith("Against"))
    assert "registered patients" in flag and "30–50k" in flag
    assert rows["Strood"]["Census residents"] == "25,000"
    assert rows["Lordswood"]["Census residents"] == "unknown"       # never a blank or 0
    assert rows["Lordswood"][flag].startswith("below 30,000")       # 28,000 registered
    outside = rows["(outside every locality)"]
    assert outside[flag] == ""                                      # not a locality
    model = window.localities_table.model
    r = model.row_of("locality", "(outside every locality)")
    assert r not in model.flag_rows


def test_choosing_census_residents_changes_every_view_and_is_kept(folder_opened):
    window = folder_opened
    menu_action(window, "View", "Census residents").trigger()
    assert QSettings().value(SETTING) == "residents"
    rows, headers = table_rows(window)
    flag = next(h for h in headers if h.startswith("Against"))
    assert "census residents" in flag
    assert rows["Strood"][flag].startswith("below 30,000")          # 25,000 residents
    assert rows["Lordswood"][flag].startswith("unknown")
    assert outline(window, "Strood") == RED                         # the map agrees
    assert outline(window, "Lordswood") != RED                      # unknown: not flagged
    window.localities_table.select_key("Strood")
    window._select("localities", "Strood", from_table=True)
    text = window.details.toPlainText()
    assert "on census residents" in text and "below 30,000" in text


RED = "#c62828"


def outline(window, name: str) -> str:
    return js(window, f"medway.styleOf('localities', {name!r}).color")


def test_the_map_outlines_follow_the_registered_list_by_default(folder_opened):
    window = folder_opened
    wait_until(lambda: outline(window, "Lordswood") == RED, 5, "Lordswood outlined")
    assert outline(window, "Chatham") != RED


def test_a_practice_outside_every_locality_is_named_in_the_status_bar(folder_opened):
    window = folder_opened
    first = pd.read_csv(window.dataset.folder / "practices.csv", dtype=str).iloc[0]
    assert f"{first['name']} ({first['practice_code']})" in status_text(window)
