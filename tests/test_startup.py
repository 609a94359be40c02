"""Starting the app as a person does (`python main.py`): the window is on screen before the
data has loaded, then fills in with the sample's practices on the map and in the status bar;
a bad --data folder still ends with its one clear line and exit code 2."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.canonical import load_sample


ROOT = Path(__file__).resolve().parent.parent


def _start(tmp_path, *args, exit_when_ready=True):
    """`python main.py ARGS` off-screen, its settings and autosaves under ``tmp_path``."""
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    if exit_when_ready:
        env["MEDWAY_EXIT_WHEN_READY"] = "1"
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.gui
@pytest.mark.slow
def test_the_window_shows_before_the_data_then_the_samples_practices(tmp_path):
    proc = _start(tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    events = [line.split()[0] for line in lines]
    assert events == ["window-shown", "data-loaded", "map-shown", "map-ready",
                      "panels-ready"], proc.stdout
    assert "Illustrative sample" in lines[1]
    ds = load_sample()
    map_ready = lines[3]
    assert f"'practices': {len(ds.practices)}" in map_ready      # every site drawn
    assert f"'hubs': {len(ds.hubs)}" in map_ready
    status = map_ready.split("|", 1)[1].strip()                   # the status bar then
    assert status == (f"Map ready: {len(ds.localities)} localities, {len(ds.hubs)} hubs, "
                      f"{len(ds.practices)} practice sites, {len(ds.housing)} housing sites")


def _events(proc) -> list[str]:
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]


def _map_ready_line(proc) -> str:
    return next(line for line in proc.stdout.splitlines() if line.startswith("map-ready"))


@pytest.mark.gui
@pytest.mark.slow
def test_a_second_start_shows_the_last_starts_map_before_the_data_loads(tmp_path):
    """The sample's map drawn at the first start is shown at once at the next (the same
    data, the same program), then kept as the live map: the same features, counts and
    status line as a start that drew it afresh."""
    first = _start(tmp_path)
    second = _start(tmp_path)
    assert _events(first).index("map-shown") > _events(first).index("data-loaded")
    events = _events(second)
    assert events.index("map-shown") < events.index("data-loaded"), second.stdout
    assert events[-2:] == ["map-ready", "panels-ready"], second.stdout
    assert _map_ready_line(second).split(" ", 2)[2] == _map_ready_line(first).split(" ", 2)[2]


@pytest.mark.gui
@pytest.mark.slow
def test_a_changed_data_file_is_never_shown_from_the_last_start(tmp_path):
    """A data folder whose file changed since the last start is drawn afresh: the kept
    page (of the old data) is not shown, even briefly."""
    import shutil
    from geo.sample_folder import SAMPLE_DIR
    folder = tmp_path / "medway"
    shutil.copytree(SAMPLE_DIR, folder)
    assert "map-shown" in _events(_start(tmp_path, "--data", str(folder)))
    practices = folder / "practices.csv"
    practices.write_text(practices.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    events = _events(_start(tmp_path, "--data", str(folder)))
    assert events.index("map-shown") > events.index("data-loaded"), events


@pytest.mark.gui
@pytest.mark.slow
def test_a_bad_data_folder_still_gives_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "no such folder"
    proc = _start(tmp_path, "--data", str(missing), exit_when_ready=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {missing}: is not a folder"], proc.stderr[-2000:]
    assert proc.stdout == ""


HEAVY = ("pandas", "geopandas", "shapely", "pyproj", "folium", "scipy", "sklearn",
         "matplotlib")


@pytest.mark.parametrize("first", ["cli", "gui"])
def test_the_window_needs_qt_only_before_it_shows(first):
    """What `python main.py` imports before the window is on screen (the command line's
    parser, then the window's frame) loads none of the data libraries: those load while
    the window shows (a module importing one at its top puts it back on the critical path;
    scikit-learn and SciPy once cost 1.8 s there)."""
    steps = {"cli": "import cli; cli.build_parser()",
             "gui": "import gui.app; gui.app.make_application(); "
                    "from gui.main_window import MainWindow; w = MainWindow(loading='…'); "
                    "w.show(); w.close()"}
    code = (f"import sys; {steps[first]}; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "", f"imported before the window shows: {proc.stdout}"


def test_the_planning_tabs_load_scikit_learn_only_when_a_grouping_runs():
    """The Groups, Hubs, Demand and Capacity tabs are built just after the map shows;
    scikit-learn (~1.5 s to import) loads when a grouping first runs, on its worker, not
    while the tabs are built."""
    code = ("import sys, gui.app; gui.app.make_application(); "
            "import gui.groups_panel, gui.hubs_panel, gui.demand_panel, gui.capacity_panel; "
            "print('sklearn' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"
