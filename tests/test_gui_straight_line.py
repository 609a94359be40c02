"""Straight lines that mislead, on the real Medway import (issue #24 item 5): without a road
file, a catchment whose straight line crosses the estuary or leaves the localities is marked
on the map, in the Hubs panel and in the PDF; a hub placed outside every locality is asked
about first."""
from __future__ import annotations

import pytest

from tests.gui_helpers import (click_map, close_window, js, menu_action, open_window,
                               tick_layer, wait_until)

pytestmark = [pytest.mark.gui, pytest.mark.slow]



def river_point(ds):
    """A (lat, lon) in the Medway estuary: inside the localities' outer hull, in no
    locality, and far from any bank (so a click there is plainly in the water)."""
    import numpy as np
    import shapely

    from geo.crs import to_wgs84
    from models.hubs.straight_line import locality_union
    area = locality_union(ds.localities)
    hull = area.convex_hull
    minx, miny, maxx, maxy = area.bounds
    xs, ys = np.meshgrid(np.linspace(minx, maxx, 60), np.linspace(miny, maxy, 60))
    pts = shapely.points(xs.ravel(), ys.ravel())
    ok = shapely.contains(hull, pts) & ~shapely.intersects(area, pts)
    far = shapely.distance(area, pts[ok])
    best = pts[ok][int(np.argmax(far))]
    lon, lat = to_wgs84([best.x], [best.y])
    return float(lat[0]), float(lon[0])


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    from geo.canonical import load_folder
    from tests.conftest import fresh_settings
    from tests.test_supply_real import imported_folder
    fresh_settings()
    w = open_window(load_folder(imported_folder(tmp_path_factory)))
    w.show_panel("hubs")
    yield w
    w.workspace.undo_stack.setClean()
    close_window(w)


def test_lines_across_the_estuary_are_marked_on_the_map_and_in_the_panel(window):
    panel = window.hubs_panel
    assert "crosses the estuary" in panel.access.text()
    assert "import roads for travel by road" in panel.access.text()
    wait_until(lambda: (js(window, "medway.counts().straight_lines") or 0) > 0,
               what="the misleading lines drawn")
    n = js(window, "medway.counts().straight_lines")
    assert n == len(panel.leaving)
    # Hoo peninsula (The Elms, Hoo St Werburgh) to Gillingham HLC is among them
    assert "G82077" in set(panel.leaving["point_id"])
    # they are a layer: unticking hides them
    tick_layer(window, "Straight lines across water (no roads)", False)
    assert js(window, "medway.isVisible('straight_lines')") is False
    tick_layer(window, "Straight lines across water (no roads)", True)


def test_the_pdf_says_where_the_straight_line_misleads(window, dialogs, tmp_path):
    import re

    from tests.test_report import pdf_pages_text
    pdf = tmp_path / "board.pdf"
    dialogs.save_path = str(pdf)
    menu_action(window, "File", "Export report (PDF)…").trigger()
    wait_until(lambda: pdf.exists() and str(pdf) in window.statusBar().currentMessage(), 120,
               "the PDF")
    text = re.sub(r"\s+", " ", "\n".join(pdf_pages_text(pdf)))
    assert "crosses the estuary" in text and "import roads for travel by road" in text


def test_a_hub_dropped_in_the_river_is_asked_about(window, dialogs):
    from PySide6.QtWidgets import QMessageBox
    panel = window.hubs_panel
    before = panel.model.rowCount()
    if not panel.edit_box.isChecked():
        panel.edit_box.click()
    try:
        river = river_point(window.dataset)
        click_map(window, *river)
        assert ("question", "Hub outside every locality") in dialogs.asked
        assert panel.model.rowCount() == before              # answered No: not placed
        dialogs.answers["Hub outside every locality"] = QMessageBox.StandardButton.Yes
        click_map(window, *river)
        wait_until(lambda: panel.model.rowCount() == before + 1, what="the hub placed")
    finally:
        panel.edit_box.click()
        while window.workspace.undo_stack.canUndo():
            window.workspace.undo_stack.undo()
