"""Public transport in the window: File → Import timetable… on a data folder over the real
Southampton feed, then the Hubs tab's "Public transport": access naming the feed, its dates
and the window, catchments, 15/30/45-minute bands around a hub, a refused day, and Suggest
sites on public-transport minutes."""
from __future__ import annotations

import zipfile

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

from geo import io_gtfs
from tests.gui_helpers import js, menu_action, wait_until
from tests.southampton_fixture import FEED, write_southampton_folder

pytestmark = [pytest.mark.gui, pytest.mark.slow,
              pytest.mark.skipif(not FEED.is_file(), reason="the GTFS feed in ../shared "
                                                            "is not on this machine")]
PANEL = "hubs"


@pytest.fixture(scope="module")
def soton(tmp_path_factory):
    return write_southampton_folder(tmp_path_factory.mktemp("soton") / "data")


def _import(window, path):
    menu_action(window, "File", "Import timetable…").trigger()
    dialog = window.timetable_dialog
    dialog.path_edit.setText(str(path))
    QTest.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: dialog.message.text().startswith(("Imported", "Not imported")), 120,
               "import finished")
    return dialog


def test_import_timetable_from_the_file_menu_then_access_by_public_transport(
        window, soton, tmp_path):
    assert window.open_folder(soton)
    wait_until(lambda: window.map.is_ready, 60, "map reloaded")
    panel = window.hubs_panel
    item = panel.travel.model().item(3)
    assert item.text() == "Public transport" and not item.isEnabled()
    assert "File → Import timetable…" in item.toolTip()

    # A damaged feed is refused with one line; nothing is written.
    broken = tmp_path / "broken.zip"
    broken.write_bytes(FEED.read_bytes()[:100_000])
    dialog = _import(window, broken)
    assert "Not imported" in dialog.message.text() and "broken.zip" in dialog.message.text()
    assert not io_gtfs.has_timetable(soton)
    dialog.close()

    dialog = _import(window, FEED)
    assert "Imported" in dialog.message.text() and "valid 2025-06-15 to 2025-08-30" in \
        dialog.message.text()
    assert io_gtfs.has_timetable(soton)
    dialog.close()
    assert item.isEnabled()

    panel.travel.setCurrentIndex(3)
    text = panel.access.text()
    assert "public transport" in text and "bluestar_southampton_2025-07.gtfs.zip" in text
    assert "2025-06-15 to 2025-08-30" in text and "09:00–10:00" in text
    assert "within 15 min" in text and "45 min" in text
    assert "Tue 08 Jul 2025" in text                       # the day chosen is shown
    assert panel.model.frame["mean_minutes"].notna().all()
    wait_until(lambda: js(window, "medway.counts().catchments") == 3, 30, "catchments")

    panel.table.selectRow(1)
    wait_until(lambda: js(window, "medway.counts().time_bands") == 3, 30, "15/30/45 bands")

    # A day outside the feed's validity is refused with a line; the day stays.
    panel.travel.window.day.setDate(QDate(2026, 1, 6))
    assert "Refused" in panel.travel.window.note.text()
    assert "2025-06-15 to 2025-08-30" in panel.travel.window.note.text()
    assert panel.travel.window.day.date() == QDate(2025, 7, 8)
    # A day inside it is taken and named in the figures.
    panel.travel.window.day.setDate(QDate(2025, 7, 9))
    assert "Wed 09 Jul 2025" in panel.access.text()

    # The window's start is an assumption: undoable; a window with no bus says so.
    panel.travel.window.start.setTime(panel.travel.window.start.time().fromString("03:00",
                                                                                  "HH:mm"))
    assert window.workspace.plan.value("transit_window_start_h") == 3
    assert "03:00–04:00" in panel.access.text()
    assert "No bus or train" in panel.access.text()
    window.workspace.undo_stack.undo()
    assert "09:00–10:00" in panel.access.text()

    panel.k.setValue(1)
    QTest.mouseClick(panel.suggest_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: panel.accept_button.isEnabled(), 120, "suggestion")
    assert "public-transport time" in panel.plan_label.text()
    panel.travel.setCurrentIndex(0)
    window.open_sample()
    wait_until(lambda: window.map.is_ready, 60, "map reloaded")


def test_import_timetable_explains_why_not_on_the_sample(window):
    window.open_sample()
    menu_action(window, "File", "Import timetable…").trigger()
    dialog = window.timetable_dialog
    assert not dialog.import_button.isEnabled()
    assert "data folder" in dialog.message.text()
    dialog.close()
    assert zipfile.is_zipfile(FEED)
