"""Roads in the window: map context with its tick box and legend, drive/walk access in the
Hubs tab with time bands around a hub, and File → Import roads…."""
from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from geo import roads as R
from tests.gui_helpers import js, wait_until
from tests.roads_fixture import write_river_osm

pytestmark = pytest.mark.gui
PANEL = "hubs"


def _menu_action(window, menu_title: str, text: str):
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == menu_title:
            for action in menu_action.menu().actions():
                if action.text().replace("&", "") == text:
                    return action
    raise AssertionError(f"no {menu_title} → {text} in the menu bar")


@pytest.fixture(autouse=True)
def _straight_again(window):
    yield
    window.hubs_panel.travel.setCurrentIndex(0)
    window.layers_panel.set_checked("context", True)


def test_sample_map_shows_roads_water_rail_and_places_beneath(window):
    wait_until(lambda: (js(window, "medway.contextCounts && medway.contextCounts()") or {})
               .get("shown"), what="context drawn")
    counts = js(window, "medway.contextCounts()")
    assert counts["lines"] >= 4 and counts["places"] >= 5
    kinds = js(window, "Object.keys(medwayConfig.context.styles)")
    assert {"motorway", "river", "rail"} <= set(kinds)
    # Beneath the planning layers: its pane sits below Leaflet's overlay pane.
    assert js(window, "+medway.map.getPane('medwayContext').style.zIndex") < 400
    legend = js(window, "document.querySelector('.medway-legend').textContent")
    assert "Major road" in legend and "Railway" in legend and "illustrative" in legend
    assert "Springfield" not in js(window, "document.body.textContent")
    # a place named like a locality is not written twice: the locality's label says it
    shown = ("Array.from(document.querySelectorAll('.medway-label, .medway-place span'))"
             ".filter(function (e) { return e.style.visibility !== 'hidden' && "
             "e.getBoundingClientRect().width > 0; })"
             ".map(function (e) { return e.textContent.trim(); })")
    wait_until(lambda: js(window, shown).count("Strood") == 1, what="one Strood label")


def test_the_layers_tick_box_hides_and_shows_the_context(window):
    item = window.layers_panel.item_for("context")
    assert item is not None and "Roads" in item.text()
    window.layers_panel.set_checked("context", False)
    wait_until(lambda: js(window, "medway.contextCounts().shown") is False, what="hidden")
    window.layers_panel.set_checked("context", True)
    wait_until(lambda: js(window, "medway.contextCounts().shown") is True, what="shown")


def test_hubs_tab_gives_drive_and_walk_access_and_time_bands(window):
    panel = window.hubs_panel
    assert "straight line" in panel.access.text()
    panel.travel.setCurrentIndex(1)                       # Drive time by road
    assert "drive time by road" in panel.access.text()
    assert "10 min" in panel.access.text() and "20 min" in panel.access.text()
    assert panel.model.frame["mean_minutes"].notna().all()
    wait_until(lambda: js(window, "medway.counts().catchments") == 6, what="catchments")
    panel.table.selectRow(0)
    wait_until(lambda: js(window, "medway.counts().time_bands") == 3, what="time bands")
    tips = js(window, "medway.counts()")
    assert tips["time_bands"] == 3
    panel.travel.setCurrentIndex(2)                       # Walk time by road
    assert "walk time by road" in panel.access.text()
    panel.travel.setCurrentIndex(0)
    assert "straight line" in panel.access.text()
    wait_until(lambda: "time_bands" not in js(window, "medway.counts()"), what="bands gone")


def test_suggest_sites_on_drive_time(window):
    panel = window.hubs_panel
    panel.travel.setCurrentIndex(1)
    panel.k.setValue(1)
    QTest.mouseClick(panel.suggest_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.accept_button.isEnabled(), 60, "suggestion")
    assert "drive time by road" in panel.plan_label.text()
    assert "min" in panel.plan_label.text()


def _open_sample_without_roads(window, sample_dir, tmp_path):
    """A copy of the sample folder with no road file, opened in the window."""
    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    for name in (R.ROADS_FILE, R.ROADS_ABOUT):
        (folder / name).unlink()
    assert window.open_folder(folder)
    wait_until(lambda: window.map.is_ready, 60, "map reloaded")
    return folder


def test_import_roads_from_the_file_menu(window, sample_dir, tmp_path):
    folder = _open_sample_without_roads(window, sample_dir, tmp_path)
    panel = window.hubs_panel
    assert not panel.travel.model().item(1).isEnabled()   # no roads: straight line only
    assert js(window, "!!medwayConfig.context") is False
    _menu_action(window, "File", "Import roads…").trigger()
    dialog = window.roads_dialog
    dialog.path_edit.setText(str(write_river_osm(tmp_path / "river.osm")))
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: "Imported" in dialog.message.text(), 30, "import finished")
    assert "5 roads" in dialog.message.text()
    assert R.has_roads(folder)
    wait_until(lambda: window.map.is_ready, 60, "map reloaded")
    wait_until(lambda: js(window, "!!medwayConfig.context") is True, what="context drawn")
    assert panel.travel.model().item(1).isEnabled()
    dialog.close()
    window.open_sample()
    wait_until(lambda: window.map.is_ready, 60, "map reloaded")


def test_import_roads_explains_why_not_on_the_sample(window):
    window.open_sample()
    _menu_action(window, "File", "Import roads…").trigger()
    dialog = window.roads_dialog
    assert not dialog.import_button.isEnabled()
    assert "sample" in dialog.message.text()
    dialog.close()
    wait_until(lambda: window.map.is_ready, 60, "map ready")


def test_clicking_a_hub_on_the_map_draws_its_drive_time_bands(window):
    panel = window.hubs_panel
    wait_until(lambda: window.map.is_ready, 60, "map ready")
    panel.travel.setCurrentIndex(1)
    window.map.remove_overlay("time_bands")
    hub_id = window.dataset.hubs["hub_id"].iloc[2]
    assert js(window, f"medway.click('hubs', '{hub_id}')") is True
    wait_until(lambda: js(window, "medway.counts().time_bands") == 3, what="bands")
    tip = js(window, "(function(){var t=[];medway.map.eachLayer(function(l){"
                     "if(l.feature&&String(l.feature.properties.id).indexOf('-10')>0)"
                     "{t.push(l.feature.properties.tip)}});return t;})()")
    assert tip and tip[0][0] == ["Within", "10 minutes (drive)"]


def test_dragging_a_hub_in_drive_mode_updates_minutes_live(window, undo_all):
    panel = window.hubs_panel
    panel.travel.setCurrentIndex(1)
    before = panel.access.text()
    hub = window.dataset.hubs.iloc[0]
    window.map.featureDragged.emit("hubs", hub["hub_id"], 51.45, 0.66, False)
    assert panel.access.text() != before and "drive time by road" in panel.access.text()
    window.map.featureDragged.emit("hubs", hub["hub_id"], 51.45, 0.66, True)
    assert window.workspace.undo_stack.canUndo()


def test_import_roads_takes_the_apps_own_roads_file_and_wraps_its_errors(
        window, sample_dir, tmp_path):
    """Issue #24: a roads.gpkg the app wrote (another folder's) is accepted; an error naming
    a long path wraps inside the dialog instead of running off its edge."""
    folder = _open_sample_without_roads(window, sample_dir, tmp_path)
    _menu_action(window, "File", "Import roads…").trigger()
    dialog = window.roads_dialog
    missing = tmp_path / ("a_very_long_folder_name_without_any_spaces_" * 3) / "roads.gpkg"
    dialog.path_edit.setText(str(missing))
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: "Not imported" in dialog.message.text(), 30, "refused")
    assert dialog.message.width() <= dialog.width()
    assert dialog.message.heightForWidth(dialog.message.width()) > \
        dialog.message.fontMetrics().height() * 1.5             # wrapped onto more lines
    dialog.path_edit.setText(str(sample_dir / R.ROADS_FILE))
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: "Imported" in dialog.message.text(), 30, "import finished")
    assert R.has_roads(folder)
    dialog.close()
    window.open_sample()
    wait_until(lambda: window.map.is_ready, 60, "map reloaded")
