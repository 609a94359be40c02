"""File → Import…: fill the paths, preview off the GUI thread, edit the ward table, OK."""
from __future__ import annotations

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt, QThreadPool  # noqa: E402

from gui.import_dialog import ImportDialog  # noqa: E402

pytestmark = pytest.mark.gui

FILES = {
    "epraccur": "epraccur_medway.csv",
    "sites": "nhs_choices_gp_sites_medway_2017-02.json",
    "list_sizes": "gp-reg-pat-prac-all_medway_2021-01.csv",
    "pcns": "ePCN_medway_2019-12_core_partners.csv",
    "boundaries": "wards_medway_2013.geojson",
    "ward_localities": "ward_localities.csv",
    "population": "census2021_lsoa21_usual_residents_age6_medway.csv",
    "population_areas": "lsoa_medway_2011.geojson",
    "brownfield": "brownfield_register_medway_2019-01-24.csv",
}


@pytest.fixture
def dialog(qtbot, medway):
    dlg = ImportDialog(start_folder=medway)
    qtbot.addWidget(dlg)
    for key, name in FILES.items():
        dlg.set_path(key, medway / name)
    yield dlg
    QThreadPool.globalInstance().waitForDone(10000)


def run_preview(qtbot, dlg):
    dlg.preview()
    qtbot.waitUntil(lambda: not dlg.is_busy() and dlg.preview_button.isEnabled(),
                    timeout=20000)


def test_preview_shows_counts_and_ok_gives_the_dataset(qtbot, dialog):
    assert dialog.ward_model.rowCount() == 22           # the ward table is loaded to edit
    assert not dialog.ok_button.isEnabled()              # nothing to accept before a preview
    assert dialog.dataset() is None
    run_preview(qtbot, dialog)
    assert dialog.result_ready(), dialog.status.text()
    assert "practices (main sites): 44" in dialog.summary.text()
    text = dialog.report_view.toPlainText()
    assert "G82230" in text                              # a closed practice, listed as skipped
    # Both measures side by side; the target judged on the measure the planner chose
    # (View → Judge locality target on; the registered list unless changed).
    assert "Lordswood: 3 wards, registered patients 31,723, census residents 28,990" in text
    assert "judged on registered patients" in text
    assert "(outside every locality)" not in text
    from PySide6.QtCore import QSettings
    from gui.locality_target import SETTING
    QSettings().setValue(SETTING, "residents")
    try:
        run_preview(qtbot, dialog)
        text = dialog.report_view.toPlainText()
        assert "judged on census residents" in text
        assert "Lordswood: below 30,000" in text
    finally:
        QSettings().remove(SETTING)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ImportDialog.DialogCode.Accepted
    ds = dialog.dataset()
    assert len(ds.main_practices()) == 44
    assert sorted(ds.localities["name"]) == ["Chatham", "Gillingham", "Lordswood", "Rainham",
                                             "Rochester", "Strood"]


def test_editing_a_ward_moves_it_into_another_locality(qtbot, dialog):
    model = dialog.ward_model
    row = int((model.frame["ward_code"] == "E05002269").idxmax())   # Walderslade
    assert model.frame.at[row, "locality"] == "Lordswood"
    run_preview(qtbot, dialog)
    before = dialog.report().localities.set_index("locality")["wards"]
    model.setData(model.index(row, 2), "Chatham")
    assert not dialog.ok_button.isEnabled()              # the old preview no longer applies
    run_preview(qtbot, dialog)
    after = dialog.report().localities.set_index("locality")["wards"]
    assert after["Lordswood"] == before["Lordswood"] - 1
    assert after["Chatham"] == before["Chatham"] + 1


def test_bad_file_shows_the_message_and_keeps_ok_disabled(qtbot, dialog, tmp_path):
    bad = tmp_path / "list.csv"
    bad.write_text("CODE,NUMBER_OF_PATIENTS\nG82014,lots\n")
    dialog.set_path("list_sizes", bad)
    run_preview(qtbot, dialog)
    assert not dialog.result_ready()
    assert "list.csv, row 2, field 'NUMBER_OF_PATIENTS'" in dialog.status.text()
    assert not dialog.ok_button.isEnabled() and dialog.dataset() is None


def test_choose_folder_recognises_the_files_by_name(qtbot, medway):
    dlg = ImportDialog()
    qtbot.addWidget(dlg)
    found = dlg.set_folder(medway)
    assert found["epraccur"].name == "epraccur_medway.csv"
    assert found["brownfield"].name == "brownfield_register_medway_2019-01-24.csv"
    assert dlg.edits["boundaries"].text().endswith("wards_medway_2013.geojson")
    assert dlg.ward_model.rowCount() == 22


def test_cancel_leaves_nothing_to_accept(qtbot, dialog):
    dialog.preview()
    dialog._task.cancel()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=20000)
    qtbot.wait(50)
    assert not dialog.result_ready() and not dialog.ok_button.isEnabled()


def test_folder_import_takes_every_payments_year_workforce_and_deprivation(qtbot, medway):
    dlg = ImportDialog()
    qtbot.addWidget(dlg)
    dlg.set_folder(medway)
    assert dlg.edits["payments"].text().count(";") == 2          # three years
    inputs = dlg.inputs()
    assert [p.name[-11:] for p in inputs.payments] == ["2017-18.csv", "2019-20.csv",
                                                       "2022-23.csv"]
    assert inputs.workforce.name.startswith("gp_workforce")
    assert inputs.deprivation.name == "imd_practice_medway.csv"
