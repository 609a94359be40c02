"""The Hubs tool as a planner uses it: add, drag, delete, suggest sites, undo."""
from __future__ import annotations

import pytest

from tests.gui_helpers import js, wait_until

pytestmark = pytest.mark.gui


PANEL = "hubs"


@pytest.fixture(autouse=True)
def _clean(undo_all):
    """Every test starts from the sample as loaded."""


def hub_rows(window) -> int:
    return window.hubs_panel.model.rowCount()


def test_catchments_and_access_are_shown_for_the_sample(window):
    panel = window.hubs_panel
    assert hub_rows(window) == 6
    served = panel.model.frame["served_patients"].sum()
    assert served == window.dataset.main_practices()["list_size"].sum()   # nobody lost
    assert "Access now" in panel.access.text() and "km" in panel.access.text()
    wait_until(lambda: js(window, "medway.counts().catchments") == 6, what="catchments")


def test_clicking_the_map_in_edit_mode_adds_a_hub_and_undo_removes_it(window):
    panel = window.hubs_panel
    panel.edit_box.setChecked(True)
    window.map.mapClicked.emit(51.43, 0.53)          # as the page reports a click
    assert hub_rows(window) == 7
    new = window.dataset.hubs.iloc[-1]
    assert new["status"] == "proposed" and new["locality"] == "Strood"
    wait_until(lambda: js(window, "medway.counts().hubs") == 7, what="hub drawn")
    window.workspace.undo_stack.undo()
    assert hub_rows(window) == 6
    wait_until(lambda: js(window, "medway.counts().hubs") == 6, what="hub removed")
    panel.edit_box.setChecked(False)
    window.map.mapClicked.emit(51.43, 0.53)          # not editing: a click adds nothing
    assert hub_rows(window) == 6


def test_dragging_a_hub_updates_measures_live_and_records_one_move(window):
    panel = window.hubs_panel
    before = panel.model.frame.set_index("hub_id").at["HLC-LOR", "mean_distance_km"]
    depth = window.workspace.undo_stack.index()
    # Drag Lordswood's HLC far north: its catchment's mean distance grows while dragging.
    window.map.featureDragged.emit("hubs", "HLC-LOR", 51.45, 0.60, False)
    during = panel.model.frame.set_index("hub_id").at["HLC-LOR", "mean_distance_km"]
    assert during != before
    assert window.workspace.undo_stack.index() == depth          # nothing recorded yet
    window.map.featureDragged.emit("hubs", "HLC-LOR", 51.45, 0.60, True)
    assert window.workspace.undo_stack.index() == depth + 1
    hub = window.dataset.hubs.set_index("hub_id").loc["HLC-LOR"]
    assert (hub["latitude"], hub["longitude"]) == (51.45, 0.60)
    assert hub["locality"] == "Strood"            # re-assigned to where it now stands
    window.workspace.undo_stack.undo()
    hub = window.dataset.hubs.set_index("hub_id").loc["HLC-LOR"]
    assert hub["locality"] == "Lordswood"


def test_deleting_a_hub_reassigns_its_patients(window):
    panel = window.hubs_panel
    total = panel.model.frame["served_patients"].sum()
    panel.delete_hub("HLC-GIL")
    assert "HLC-GIL" not in set(window.dataset.hubs["hub_id"])
    assert panel.model.frame["served_patients"].sum() == total
    assert panel.compare_model.rowCount() > 0          # baseline vs current comparison


def test_suggesting_two_sites_improves_access_and_can_be_accepted(window):
    panel = window.hubs_panel
    panel.k.setValue(2)
    panel.suggest()
    wait_until(lambda: panel.plan is not None, timeout=60, what="optimiser")
    plan = panel.plan
    assert len(plan.added) == 2
    assert plan.objective_after_km < plan.objective_before_km
    wait_until(lambda: js(window, "medway.counts().suggested") == 2, what="suggested drawn")
    panel.accept_plan()
    assert len(window.dataset.hubs) == 8          # 6 kept (existing + planned) + 2 new
    statuses = window.dataset.hubs["status"].value_counts()
    assert statuses.get("existing", 0) == 4
    wait_until(lambda: js(window, "medway.counts().hubs") == len(window.dataset.hubs),
               what="accepted hubs drawn")
