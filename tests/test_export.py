"""Exports: GeoPackage, GeoJSON per layer, canonical CSV folder, XLSX; round trips; labels."""
from __future__ import annotations

import pandas as pd
import pyogrio
import pytest

from cli import main as cli_main
from geo import export as export_mod
from geo.canonical import load_folder, load_sample
from geo.export import export_dataset, load_export


def assert_same_dataset(a, b):
    for layer in ("practices", "hubs", "housing"):
        pd.testing.assert_frame_equal(getattr(a, layer), getattr(b, layer))
    la, lb = a.localities, b.localities
    assert la["name"].tolist() == lb["name"].tolist()
    assert la["hub_id"].tolist() == lb["hub_id"].tolist()
    assert la.geom_equals(lb.geometry).all()
    for layer in ("population", "pcns"):
        if getattr(a, layer) is not None:
            pd.testing.assert_frame_equal(getattr(a, layer), getattr(b, layer),
                                          check_dtype=False)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from tests.conftest import SHARED_MEDWAY
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway")
    from tests.test_import_real import FILES
    from geo.importer import ImportInputs, run_import, save_import
    result = run_import(ImportInputs(commissioner="09W",
                                     **{k: SHARED_MEDWAY / v for k, v in FILES.items()}))
    return save_import(result, tmp_path_factory.mktemp("real") / "medway")


@pytest.mark.parametrize("which", ["sample", "real"])
@pytest.mark.parametrize("target,fmt", [("out", None), ("out.gpkg", None),
                                        ("geo", "geojson")])
def test_an_export_opens_again_as_the_same_dataset(which, target, fmt, tmp_path, request):
    ds = load_sample() if which == "sample" else request.getfixturevalue("real")
    export_dataset(ds, tmp_path / target, fmt)
    again = load_folder(tmp_path / target) if target == "out" else \
        load_export(tmp_path / target)
    assert_same_dataset(ds, again)


def test_gpkg_has_every_layer_and_says_illustrative_sample(tmp_path):
    path = tmp_path / "sample.gpkg"
    export_dataset(load_sample(), path)
    layers = {str(n) for n in pyogrio.list_layers(path)[:, 0]}
    assert {"localities", "practices", "hubs", "housing_sites", "sources", "readme"} <= layers
    readme = pyogrio.read_dataframe(path, layer="readme")
    assert "Illustrative sample" in " ".join(readme["value"])
    meta = pyogrio.read_info(path, layer="practices")["layer_metadata"]
    assert "Illustrative sample" in meta["DESCRIPTION"]


def test_xlsx_has_a_sheet_per_layer_and_sources(tmp_path, real):
    path = tmp_path / "medway.xlsx"
    export_dataset(real, path)
    sheets = pd.read_excel(path, sheet_name=None, dtype=str)
    assert {"Cover", "localities", "practices", "hubs", "housing_sites", "population",
            "pcns", "Sources"} <= set(sheets)
    assert list(sheets)[0] == "Cover"
    practices = sheets["practices"]
    assert practices["practice_code"].tolist() == real.practices["practice_code"].tolist()
    assert pd.to_numeric(practices["list_size"]).sum() == real.practices["list_size"].sum()
    src = sheets["Sources"]
    assert list(src.columns[:5]) == ["file", "publisher", "date", "rows_kept", "rows_skipped"]
    assert "epraccur_medway.csv" in set(src["file"])
    assert "Illustrative" not in " ".join(sheets["Cover"]["value"].fillna(""))


def test_sample_xlsx_and_csv_folder_are_labelled(tmp_path):
    export_dataset(load_sample(), tmp_path / "s.xlsx")
    readme = pd.read_excel(tmp_path / "s.xlsx", sheet_name="Cover", dtype=str)
    assert readme.iloc[0]["value"].startswith("Illustrative sample")
    assert "Illustrative" in pd.read_excel(tmp_path / "s.xlsx", sheet_name="Sources",
                                           dtype=str)["publisher"].iloc[0]
    export_dataset(load_sample(), tmp_path / "folder")
    assert "ILLUSTRATIVE SAMPLE" in (tmp_path / "folder" / "README.txt").read_text()


def test_a_failed_export_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "s.xlsx"
    export_dataset(load_sample(), path)
    before = path.read_bytes()

    def broken(ds):
        raise OSError("disk full")
    monkeypatch.setattr(export_mod, "sources_frame", broken)
    with pytest.raises(OSError):
        export_dataset(load_sample(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.xlsx"]       # no temp file left


def test_cli_export(tmp_path, capsys):
    assert cli_main(["export", "--out", str(tmp_path / "s.gpkg")]) == 0
    assert "Illustrative sample" in capsys.readouterr().out
    assert cli_main(["export", "--out", str(tmp_path / "s.pdf")]) == 2
    assert "cannot tell the export format" in capsys.readouterr().err


# ------------------------------------------------------------------ File → Export data

def _grouped_window(window):
    from tests.gui_helpers import wait_until
    window.show_panel("groups")
    mains = window.dataset.main_practices()["practice_code"].tolist()
    window.workspace.set_state("groups", {c: ("G1" if i % 2 else "G2")
                                          for i, c in enumerate(mains)}, "two groups")
    wait_until(lambda: window.groups_panel.model.rowCount() == 2, 10, "groups shown")
    return mains


@pytest.mark.gui
@pytest.mark.parametrize("suffix", [".gpkg", ".xlsx", ""])
def test_export_data_from_the_menu_writes_everything_the_scenario_holds(
        window, dialogs, tmp_path, suffix):
    from tests.gui_helpers import menu_action
    mains = _grouped_window(window)
    try:
        target = tmp_path / f"medway-data{suffix}"
        dialogs.save_path = str(target)
        menu_action(window, "File", "Export data").trigger()
        assert "Exported" in window.statusBar().currentMessage()
        if suffix == ".gpkg":
            names = {str(n) for n in pyogrio.list_layers(target)[:, 0]}
            read = lambda n: pyogrio.read_dataframe(target, layer=n)   # noqa: E731
        elif suffix == ".xlsx":
            names = set(pd.ExcelFile(target).sheet_names)
            read = lambda n: pd.read_excel(target, sheet_name=n)       # noqa: E731
        else:
            names = {p.stem for p in target.iterdir()}
            read = lambda n: pd.read_csv(target / f"{n}.csv")          # noqa: E731
        practices = "practices_in_scenario" if not suffix else "practices"
        hubs = "hubs_in_scenario" if not suffix else "hubs"
        assert {practices, hubs, "extended_groups", "hub_access", "demand_by_locality",
                "demand_by_locality_total", "demand_by_group", "demand_by_group_total",
                "demand_by_hub", "demand_by_hub_total", "supply", "supply_by_locality",
                "assumptions"} <= names
        p = read(practices).set_index("practice_code")
        assert set(p.loc[mains, "group"]) == {"G1", "G2"}
        assert set(p["catchment_hub"]) <= set(window.dataset.hubs["hub_id"])
        assert p.loc[mains, "catchment_hub"].ne("").all()
        h = read(hubs)
        assert h["served_patients"].sum() == window.dataset.main_practices()[
            "list_size"].sum()
        g = read("extended_groups")
        assert set(g["group"]) == {"G1", "G2"}
        d = read("demand_by_locality")
        assert {"year", "area", "new_patients_in_year", "new_patients_to_date",
                "gp_wte_needed_in_year", "gp_wte_needed_to_date"} <= set(d.columns)
        assert d["year"].nunique() > 1 and d["area"].nunique() > 1
        total = read("demand_by_locality_total")
        assert d["capital_cost_gbp_in_year"].sum() == pytest.approx(
            total["capital_cost_gbp_in_year"].iloc[-1])
    finally:
        window.workspace.undo_stack.undo()
        window.workspace.undo_stack.setClean()


@pytest.mark.gui
def test_the_pdf_is_written_in_the_background_with_progress(window, dialogs, tmp_path):
    from tests.gui_helpers import menu_action, wait_until
    out = tmp_path / "board.pdf"
    dialogs.save_path = str(out)
    menu_action(window, "File", "Export report").trigger()
    assert window.task_bar.isVisible() and not out.exists()     # the window is not frozen
    seen = []
    window.task_bar.bar.valueChanged.connect(seen.append)
    wait_until(lambda: not window.report_task.running and out.exists(), 60, "the report")
    wait_until(lambda: "page report" in window.statusBar().currentMessage(), 5, "message")
    assert out.read_bytes()[:5] == b"%PDF-"
    assert seen and max(seen) > 0                                # progress was shown
    assert not window.task_bar.isVisible()
