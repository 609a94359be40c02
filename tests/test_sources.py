"""The import inputs are declared once (geo/sources.py); every other place is made from that
list or checked against it here, so a source missing from any of them fails a test."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.sources import BY_KEY, SOURCES, load, readme_table

ROOT = Path(__file__).resolve().parent.parent


def test_each_source_is_declared_once_with_what_a_planner_needs():
    assert len(BY_KEY) == len(SOURCES)
    for s in SOURCES:
        assert s.publisher and s.help and s.joins_on and s.date_rule, s.key
        re.compile(s.patterns)
        load(s.reader)
        assert (s.step is None) != (s.part_of is None), s.key
        if s.step:
            assert callable(load(s.step)), s.key
        else:
            assert BY_KEY[s.part_of].step, f"{s.key} is read by {s.part_of}, which has no step"
        if s.folder_reader:
            assert callable(load(s.folder_reader)) and s.folder_file, s.key


def test_the_import_command_has_a_flag_for_every_source():
    from cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["import"]
    flags = {opt for action in sub._actions for opt in action.option_strings}
    assert {s.flag for s in SOURCES} <= flags


def test_the_importer_takes_every_source_and_refuses_an_undeclared_one():
    from geo.importer import ImportInputs
    inputs = ImportInputs(**{s.key: f"{s.key}.csv" for s in SOURCES})
    for s in SOURCES:
        assert inputs.given(s.key), s.key
    with pytest.raises(TypeError, match="geo/sources.py"):
        ImportInputs(estate_register="estate.csv")


def test_file_detection_knows_every_source(tmp_path):
    from geo.import_files import NAME_PATTERNS, detect_inputs
    assert set(NAME_PATTERNS) == set(BY_KEY)
    # one plausible published name per source is recognised as that source
    names = {"epraccur": "epraccur.csv", "sites": "gp-sites.json",
             "postcodes": "onspd_2024.csv", "list_sizes": "gp-reg-pat-prac-all.csv",
             "payments": "payments_2022-23.csv", "workforce": "gp_workforce.csv",
             "deprivation": "imd_practice.csv", "capacity": "capacity.csv",
             "pcns": "epcn_core_partners.csv", "boundaries": "wards_2013.geojson",
             "ward_localities": "ward_localities.csv", "population": "census_lsoa.csv",
             "population_areas": "lsoa_2011.geojson", "brownfield": "brownfield_register.csv",
             "housing": "housing_sites.csv",
             "projection": "snpp2022_migcat_persons_medway.csv"}
    assert set(names) == set(BY_KEY), "give the new source a sample file name here"
    for name in names.values():
        (tmp_path / name).write_text("x")
    found = detect_inputs(tmp_path)
    assert {k: Path(str(v).split(";")[0]).name for k, v in found.items()} == names


def test_the_data_folder_keeps_every_source_that_has_a_table():
    from geo.dataset import FILES, OPTIONAL_FILES, PRACTICE_FIGURES, Dataset
    kept = set(FILES.values()) | set(OPTIONAL_FILES.values())
    for s in SOURCES:
        if s.folder_file:
            assert s.folder_file in kept, s.key
    assert set(PRACTICE_FIGURES) == {s.key for s in SOURCES if s.folder_reader}
    for key in PRACTICE_FIGURES:        # None until a folder holds it
        assert hasattr(Dataset, "__getattr__") and key in OPTIONAL_FILES


def test_the_readme_inputs_table_is_the_declared_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, ("README's inputs table is out of date: paste the "
                                      "output of `python -m geo.sources`")


def test_the_import_dialog_has_a_row_for_every_source(qtbot):
    from gui.import_dialog import ImportDialog
    dlg = ImportDialog()
    qtbot.addWidget(dlg)
    assert list(dlg.edits) == [s.key for s in SOURCES]
    for s in SOURCES:
        assert dlg.edits[s.key].toolTip(), s.key


def test_every_source_is_dated_by_its_rule_once_in_the_pdf_too():
    """The registry's date rule (not a second copy in the PDF) dates each source: from the
    file, else its name (said so); the ODS list never gets an extract date it lacks, and a
    folder saved before the rule (bare ODS date, no census date) reads the same."""
    from types import SimpleNamespace

    from geo.sources import recorded_date
    from rendering.board_sections import source_date
    ods = "extract date not in the file; latest open/close date 2026-03-31"
    assert BY_KEY["epraccur"].date("epraccur_medway.csv", "2026-03-31") == ods
    assert recorded_date("epraccur_medway.csv", ods) == ods          # not worded twice
    assert recorded_date("epraccur_medway.csv", "2026-03-31") == ods  # an older folder
    assert recorded_date("census2021_lsoa21_usual_residents.csv", "") == \
        "Census 2021 (21 March 2021) (from the file name)"
    assert recorded_date("lsoa_medway_2011.geojson", "") == \
        "2011 LSOA boundaries (from the file name)"
    assert recorded_date("gp-reg-pat-prac-all_2026-04.csv", "2026-04-01") == "2026-04-01"
    row = SimpleNamespace(file="epraccur_medway.csv", date=ods,
                          publisher="NHS Digital, Organisation Data Service (ODS) epraccur")
    assert source_date(row) == ods


def test_roads_and_the_timetable_are_folder_layers_declared_once():
    """A road extract and a timetable are kept as their own folder entries: the import
    flags, the entries a copy replaces and the window's dialogs come from FOLDER_LAYERS."""
    from cli import build_parser
    from geo.io_gtfs import TIMETABLE_DIR
    from geo.roads import ROADS_ABOUT, ROADS_FILE
    from geo.sources import FOLDER_LAYERS, LAYER_BY_KEY
    from models.assumptions import default_assumptions
    assert len(LAYER_BY_KEY) == len(FOLDER_LAYERS) and not set(LAYER_BY_KEY) & set(BY_KEY)
    values = default_assumptions()
    for s in FOLDER_LAYERS:
        assert callable(load(s.reader)) and callable(load(s.writer)), s.key
        assert values.value(s.margin) > 0 and s.publisher and s.entries, s.key
    assert LAYER_BY_KEY["roads"].entries == (ROADS_FILE, ROADS_ABOUT)
    assert LAYER_BY_KEY["timetable"].entries == (TIMETABLE_DIR,)
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["import"]
    helps = {opt: a.help for a in sub._actions for opt in a.option_strings}
    for s in FOLDER_LAYERS:
        assert helps.get(s.flag) == s.help, s.flag


def test_each_folder_layer_has_its_import_dialog_in_the_window():
    from geo.sources import LAYER_BY_KEY
    from gui.roads_import import RoadsImportDialog
    from gui.timetable_import import TimetableImportDialog
    dialogs = {cls.SOURCE.key: cls for cls in (RoadsImportDialog, TimetableImportDialog)}
    assert set(dialogs) == set(LAYER_BY_KEY)
    for key, cls in dialogs.items():
        s = LAYER_BY_KEY[key]
        assert (cls.TITLE, cls.FILTER, cls.MARGIN) == (s.label, s.file_filter, s.margin)
