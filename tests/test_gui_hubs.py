"""The Hubs tool as a planner uses it: add, drag, delete, suggest sites, undo."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

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
    click(panel.suggest_button)
    wait_until(lambda: panel.accept_button.isEnabled(), timeout=60, what="optimiser")
    plan = panel.plan
    assert len(plan.added) == 2
    assert plan.objective_after_km < plan.objective_before_km
    wait_until(lambda: js(window, "medway.counts().suggested") == 2, what="suggested drawn")
    click(panel.accept_button)
    assert len(window.dataset.hubs) == 8          # 6 kept (existing + planned) + 2 new
    statuses = window.dataset.hubs["status"].value_counts()
    assert statuses.get("existing", 0) == 4
    wait_until(lambda: js(window, "medway.counts().hubs") == len(window.dataset.hubs),
               what="accepted hubs drawn")


def click(button) -> None:
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def test_accepting_a_suggestion_keeps_the_users_hubs_and_never_reuses_an_id(window):
    panel = window.hubs_panel
    before = set(window.dataset.hubs["hub_id"])
    panel.edit_box.setChecked(True)
    window.map.mapClicked.emit(51.43, 0.53)            # the user places a hub …
    mine = (set(window.dataset.hubs["hub_id"]) - before).pop()
    window.map.mapClicked.emit(51.36, 0.55)            # … and another, then deletes it
    gone = (set(window.dataset.hubs["hub_id"]) - before - {mine}).pop()
    panel.edit_box.setChecked(False)
    panel.delete_hub(gone)
    panel.k.setValue(2)
    click(panel.suggest_button)
    wait_until(lambda: panel.accept_button.isEnabled(), timeout=60, what="optimiser")
    click(panel.accept_button)
    ids = window.dataset.hubs["hub_id"].tolist()
    assert mine in ids                                  # the user's hub is still there
    assert len(ids) == 6 + 1 + 2 and len(set(ids)) == len(ids)
    assert gone not in ids                              # a deleted hub's id is not reused
    col = [c.key for c in panel.model.columns].index("hub_id")
    shown = {panel.model.index(r, col).data() for r in range(panel.model.rowCount())}
    assert shown == set(ids)
    wait_until(lambda: "9 hubs" in window.map_label.text(), 5, "status bar hub count")


def test_status_bar_counts_follow_added_hubs(window):
    panel = window.hubs_panel
    assert "6 hubs" in window.map_label.text()
    panel.edit_box.setChecked(True)
    window.map.mapClicked.emit(51.43, 0.53)
    panel.edit_box.setChecked(False)
    assert "7 hubs" in window.map_label.text()
    window.undo_action.trigger()
    assert "6 hubs" in window.map_label.text()


def test_baseline_comparison_reads_in_words_and_percentages(window):
    panel = window.hubs_panel
    panel.delete_hub("HLC-ROC")
    model = panel.compare_model
    rows = {model.index(r, 2).data(): r for r in range(model.rowCount())}
    assert not any("_" in label for label in rows)              # no raw column names
    share = rows["Patients within 2 km (%), now"]
    assert model.index(share, 3).data().endswith("%")           # 69%, not 0.69
    assert float(model.index(share, 3).data().rstrip("%")) > 1
    assert model.index(share, 5).data().endswith(" pts")
    # Fewer hubs: a longer mean distance is worse (amber), never the red of a fault.
    worse = rows["Mean distance to nearest hub (km), now"]
    brush = model.data(model.index(worse, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == "#ffe0b2"
    window.undo_action.trigger()
    for r in range(model.rowCount()):                   # back to baseline: nothing coloured
        assert model.data(model.index(r, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_an_improvement_is_green(window):
    panel = window.hubs_panel
    panel.edit_box.setChecked(True)
    window.map.mapClicked.emit(51.43, 0.53)            # one more hub: closer for some
    panel.edit_box.setChecked(False)
    model = panel.compare_model
    rows = {model.index(r, 2).data(): r for r in range(model.rowCount())}
    better = rows["Mean distance to nearest hub (km), now"]
    assert model.index(better, 5).data().startswith("-")
    brush = model.data(model.index(better, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == "#dcedc8"


def test_access_now_shows_the_plan_not_the_unaccepted_suggestion(window):
    """Issue #24 item 8: a suggestion's figures are shown as what accepting would give;
    'Access now', the table and the catchments stay on the hubs in the plan until Accept."""
    import re
    panel = window.hubs_panel
    now = panel.access.text()
    table = panel.model.frame["served_patients"].tolist()
    panel.k.setValue(2)
    click(panel.suggest_button)
    wait_until(lambda: panel.accept_button.isEnabled(), timeout=60, what="optimiser")
    assert panel.access.text() == now                       # unchanged until accepted
    assert panel.model.frame["served_patients"].tolist() == table
    assert js(window, "medway.counts().catchments") == 6
    preview = panel.plan_label.text()
    assert "not applied yet" in preview and "if accepted" in preview
    after = re.search(r"mean ([\d.]+) km", preview).group(1)
    click(panel.accept_button)
    assert f"<b>{after} km</b>" in panel.access.text()     # now it is the plan's
    assert "Accepted" in panel.plan_label.text()


def test_suggested_sites_do_not_look_like_housing(window):
    """Issue #24: suggested sites are drawn as would-be hubs (purple ring), never in the
    housing sites' orange."""
    from rendering.webmap import HOUSING_COLOUR, HUB_COLOUR
    panel = window.hubs_panel
    panel.k.setValue(1)
    click(panel.suggest_button)
    wait_until(lambda: panel.accept_button.isEnabled(), timeout=60, what="optimiser")
    wait_until(lambda: js(window, "medway.counts().suggested") == 1, what="suggested drawn")
    style = js(window, "(function(){ var s = null; medway.map.eachLayer(function (l) {"
                       " if (l.feature && String(l.feature.properties.id) === 'suggested-0')"
                       " { s = l.options; } }); return s; })()")
    assert style["color"] == HUB_COLOUR and HOUSING_COLOUR not in (style["color"],
                                                                   style["fillColor"])
    housing = js(window, "medway.styleOf('housing', "
                         f"'{window.dataset.housing['site_id'].iloc[0]}')")
    assert style["radius"] > housing.get("radius", 0) or style["color"] != housing["color"]
    assert "Suggested new hub site" in js(window, "medway.legendText()")


@pytest.fixture
def slow_check(monkeypatch):
    """The bound (how close the answer is to the best possible) waits for the test's word,
    as it waits for seconds on a county-size problem."""
    import threading
    from models.hubs import p_median
    go = threading.Event()
    real = p_median.lagrangian_bound

    def waiting(*args, **kw):
        stop = args[7]
        while not go.wait(0.02):
            if stop():
                raise p_median.Cancelled()
        return real(*args, **kw)
    monkeypatch.setattr(p_median, "lagrangian_bound", waiting)
    yield go
    go.set()


def suggest_until_checking(panel, k: int) -> None:
    """Suggest ``k`` sites and wait for them to show, before their check ends."""
    panel.k.setValue(k)
    click(panel.suggest_button)
    wait_until(lambda: "Checking how close" in panel.plan_label.text(), timeout=60,
               what="the answer, before its check")


def test_suggested_sites_show_before_their_check_and_accept_waits_for_it(window, slow_check):
    """Issue #27: the answer is shown at once; its bound is worked out after it."""
    panel = window.hubs_panel
    suggest_until_checking(panel, 2)
    wait_until(lambda: js(window, "medway.counts().suggested") == 2, what="suggested drawn")
    assert not panel.accept_button.isEnabled()
    assert panel.taskbar.isVisible()                    # still working: the check
    slow_check.set()
    wait_until(lambda: panel.accept_button.isEnabled(), timeout=60, what="the check")
    text = panel.plan_label.text()
    assert "Checking" not in text and ("Proven optimal" in text or "within" in text)
    assert "Accept suggestion" in text


def test_cancelling_the_check_keeps_the_suggested_sites_unchecked(window, slow_check):
    panel = window.hubs_panel
    suggest_until_checking(panel, 1)
    click(panel.taskbar.cancel_button)
    wait_until(lambda: panel.accept_button.isEnabled(), timeout=10, what="cancelled check")
    text = panel.plan_label.text()
    assert "check was cancelled" in text and "No optimality bound was computed" in text
    assert len(panel.plan.added) == 1
    click(panel.accept_button)
    assert len(window.dataset.hubs) == 7
