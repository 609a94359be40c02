"""Workshop leftovers (issue #24), each reached as a person does on the sample: the folder
dialog where there is no Documents folder, the Move to group menu's group sizes, the road
approximation boxes as "Access by" changes, and the map a new user first sees."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui_helpers import click_map, menu_action, wait_until

pytestmark = pytest.mark.gui


def test_open_folder_starts_at_home_when_there_is_no_documents_folder(window, dialogs,
                                                                      tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    window.settings.remove("data/last_folder")
    assert window.dataset.is_sample and window.scenarios.path is None
    menu_action(window, "File", "Open data folder").trigger()
    assert dialogs.asked[-1][0] == "folder"
    assert dialogs.start_dirs[-1] == str(home)              # not a missing ~/Documents
    (home / "Documents").mkdir()
    menu_action(window, "File", "Open data folder").trigger()
    assert dialogs.start_dirs[-1] == str(home / "Documents")


def _lone_practice(window) -> str:
    """A main practice with no other symbol near it (so a click lands on it alone)."""
    ds = window.dataset
    mains = ds.main_practices()
    others = np.vstack([ds.hubs[["latitude", "longitude"]].to_numpy(float),
                        ds.housing[["latitude", "longitude"]].to_numpy(float),
                        ds.practices[["latitude", "longitude"]].to_numpy(float)])
    best, gap = None, -1.0
    for code, lat, lon in mains[["practice_code", "latitude", "longitude"]].itertuples(
            index=False):
        d = np.hypot((others[:, 0] - lat) * 111, (others[:, 1] - lon) * 70)
        d = np.sort(d)[1]                    # the nearest other symbol (0 is itself)
        if d > gap:
            best, gap = code, d
    return best


def test_move_to_group_shows_each_groups_patients_and_practices(window, undo_all):
    window.show_panel("groups")
    ds = window.dataset
    mains = ds.main_practices()["practice_code"].tolist()
    window.workspace.set_state("groups", {c: ("G1" if i % 3 == 0 else "G2")
                                          for i, c in enumerate(mains)}, "two groups")
    code = _lone_practice(window)
    row = ds.practices.set_index("practice_code").loc[code]
    panel = window.groups_panel
    panel.practice_menu = None
    click_map(window, row["latitude"], row["longitude"], Qt.MouseButton.RightButton)
    wait_until(lambda: getattr(panel, "practice_menu", None) is not None, what="its menu")
    menu = panel.practice_menu
    sub = next(a for a in menu.actions() if a.text() == "Move to group").menu()
    texts = {a.text().split(" · ")[0]: a for a in sub.actions()}
    frame = panel.model.frame.set_index("group")
    here = window.workspace.groups[code]
    for group in ("G1", "G2"):
        text = texts[group].text()
        assert f"{frame.at[group, 'list_size']:,.0f} patients" in text, text
        assert f"{frame.at[group, 'practices']:.0f} practices" in text, text
    assert "its group now" in texts[here].text() and not texts[here].isEnabled()
    other = "G1" if here == "G2" else "G2"
    texts[other].trigger()                    # the move lands where the menu said
    menu.close()
    assert window.workspace.groups[code] == other


def _choose(combo, text: str) -> None:
    """Open a combo's list with a click, step down to the entry with the arrow keys and
    press Enter, as a person does (a click in a list that has just opened is ignored)."""
    from PySide6.QtTest import QTest
    QTest.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    wait_until(view.isVisible, what=f"the list open for {text!r}")
    row = combo.findText(text)
    assert row >= 0, [combo.itemText(i) for i in range(combo.count())]
    QTest.keyClick(view, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if view.currentIndex().row() == row:
            break
        QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Return)
    wait_until(lambda: not view.isVisible(), what="the list closed")
    assert combo.currentText() == text


@pytest.fixture
def sample_with_timetable(sample_copy):
    """The sample plus a small bus timetable between its hubs (imported as File → Import
    timetable… stores it)."""
    from geo.canonical import load_folder
    from geo.io_gtfs import import_timetable
    from tests.transit_fixture import write_feed
    hubs = load_folder(sample_copy).hubs
    stops = [(h, f"Stop {h}", lat, lon) for h, lat, lon in
             hubs[["hub_id", "latitude", "longitude"]].itertuples(index=False)]
    calls = [(s[0], f"09:{10 + 5 * i:02d}:00") for i, s in enumerate(stops)]
    feed = write_feed(sample_copy.parent / "buses.zip", [("T1", "S", calls)], stops=stops)
    import_timetable(feed, load_folder(sample_copy).localities, sample_copy, margin_m=5000)
    return sample_copy


def test_road_circuity_and_speed_only_where_access_uses_them(window, sample_with_timetable):
    assert window.open_folder(sample_with_timetable)
    wait_until(lambda: window.map.is_ready, 60, "the map")
    window.show_panel("hubs")
    panel = window.hubs_panel
    boxes = (panel.circuity, panel.speed)
    try:
        for label, used, why in (("Drive time by road", False, "road network"),
                                 ("Public transport", False, "timetable"),
                                 ("Walk time by road", False, "walking speed"),
                                 ("Straight line", True, None)):
            _choose(panel.travel, label)
            for box in boxes:
                assert box.isEnabled() == used, (label, box.toolTip())
                assert (f"Not used with '{label}'" in box.toolTip()) != used
                if why:
                    assert why in box.toolTip()
        assert "×" in panel.access.text() and "circuity" in panel.access.text()
    finally:
        panel.travel.setCurrentIndex(0)
        menu_action(window, "File", "Open the illustrative sample").trigger()
        wait_until(lambda: window.map.is_ready, 60, "the map")


OPENING_MAP = {"localities": True, "practices": True, "hubs": True, "groups": True,
               "housing": True, "catchments": False, "existing_groups": False,
               "demand": False}


def opening_map_reads_clearly(window) -> None:
    """The layers a new user first sees: places and groups, no overlapping areas."""
    from tests.gui_helpers import js
    panel = window.layers_panel
    shown = {name: panel.is_checked(name) for name in OPENING_MAP}
    assert shown == OPENING_MAP
    for name in ("catchments", "existing_groups"):
        assert js(window, f"medway.isVisible({name!r})") is False, name
    assert not window.hubs_panel.catchments_box.isChecked()


def test_the_opening_map_shows_places_and_groups_and_catchments_when_asked(window):
    from tests.gui_helpers import click_widget, js
    opening_map_reads_clearly(window)
    window.show_panel("hubs")
    box = window.hubs_panel.catchments_box
    click_widget(box)                                     # "Show catchments"
    try:
        assert window.layers_panel.is_checked("catchments")
        wait_until(lambda: js(window, "medway.isVisible('catchments')") is True,
                   what="the catchments drawn")
    finally:
        click_widget(box)
    assert not window.layers_panel.is_checked("catchments")


def test_drive_time_catchments_on_the_map_have_smooth_borders(window):
    """Issue #24: the drawn drive-time catchments are areas with line borders, not the
    stair-stepped blocks of the sample's street grid."""
    import shapely
    from shapely.geometry import shape
    from tests.gui_helpers import click_widget, js
    from tests.test_travel_access import axis_parallel_share
    window.show_panel("hubs")
    panel = window.hubs_panel
    _choose(panel.travel, "Drive time by road")
    click_widget(panel.catchments_box)
    try:
        wait_until(lambda: js(window, "medway.isVisible('catchments')") is True,
                   what="the catchments drawn")
        drawn = window.map._overlays["catchments"][0]       # what the page was given
        areas = [shape(f["geometry"]) for f in drawn["features"]
                 if f["geometry"]["type"].endswith("Polygon")]
        assert len(areas) == len(window.dataset.hubs)
        borders = [a.boundary.intersection(b.boundary) for i, a in enumerate(areas)
                   for b in areas[i + 1:] if a.boundary.intersects(b.boundary)]
        assert borders and sum(shapely.length(borders)) > 0
        assert axis_parallel_share(borders) < 0.5
    finally:
        click_widget(panel.catchments_box)
        _choose(panel.travel, "Straight line")
