"""Hostile command lines: bad output paths refused before any work by every command, one
line on stderr per refusal, inputs that are pipes or /dev/zero, a million-row input.

In-process through ``cli.main`` (fast); the cases that could hang or need a memory figure
run the real command in a subprocess with a timeout.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from tests.hostile_kit import tried

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
PRACTICES = str(SAMPLE / "practices.csv")

COMMANDS = {   # command → arguments before --out, and whether --out is a file or folder
    "export": (["export"], "folder"),
    "export-gpkg": (["export", "--format", "gpkg"], "file"),
    "report": (["report"], "file"),
    "demand": (["demand"], "file"),
    "hubs": (["hubs"], "file"),
    "group": (["group", "--practices", PRACTICES], "file"),
    "screenshot": (["screenshot"], "file"),
    "import": (["import", "--epraccur", "x.csv", "--boundaries", "b.geojson",
                "--ward-localities", "w.csv"], "folder"),
}


def run(capsys, argv) -> tuple[int, str]:
    tried()
    code = main(argv)
    err = capsys.readouterr().err
    return code, err


def one_refusal(code: int, err: str) -> str:
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("bad", ["wrong kind", "parent is a file", "pipe"])
def test_bad_output_paths_are_refused_before_any_work(tmp_path, capsys, command, bad):
    args, kind = COMMANDS[command]
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    adir = tmp_path / "adir"
    adir.mkdir()
    if bad == "wrong kind":
        out = adir if kind == "file" else afile
    elif bad == "parent is a file":
        out = afile / "out.gpkg"
    else:
        out = tmp_path / "pipe"
        os.mkfifo(out)
    line = one_refusal(*run(capsys, args + ["--out", str(out)]))
    assert "--out" in line
    assert afile.read_text() == "keep me" and list(adir.iterdir()) == []


@pytest.mark.parametrize("cell,field", [("inf", "list_size"), ("1e308", "list_size"),
                                        ("9" * 400, "list_size"), ("NaN", "gp_wte"),
                                        ("1e12", "list_size"), ("inf", "gp_wte")])
def test_absurd_values_give_one_line(tmp_path, capsys, cell, field):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    p = data / "practices.csv"
    lines = p.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index(field)] = cell
    lines[1] = ",".join(row)
    p.write_text("\n".join(lines) + "\n")
    line = one_refusal(*run(capsys, ["demand", "--data", str(data)]))
    assert f"practices.csv, row 2, field '{field}'" in line


def test_garbage_xlsx_gives_one_line_without_library_warnings(tmp_path, capsys):
    pcn = tmp_path / "ePCN.xlsx"
    pcn.write_bytes(b"PK\x03\x04" + os.urandom(200))
    medway = ROOT.parent / "shared" / "data" / "medway"
    if not medway.is_dir():
        pytest.skip("../shared/data/medway (real Medway files) is not present")
    epr = next(medway.glob("epraccur*.csv"), None)
    if epr is None:
        pytest.skip("no epraccur file in ../shared/data/medway")
    line = one_refusal(*run(capsys, [
        "import", "--epraccur", str(epr), "--commissioner", "09W", "--pcns", str(pcn),
        "--sites", str(medway / "nhs_choices_gp_sites_medway_2017-02.json"),
        "--boundaries", str(medway / "wards_medway_2013.geojson"),
        "--ward-localities", str(medway / "ward_localities.csv"),
        "--out", str(tmp_path / "out")]))
    assert "ePCN.xlsx" in line and not (tmp_path / "out").exists()


def test_dollar_names_and_bang_folder_make_a_report(tmp_path, capsys):
    data = tmp_path / "Plans!2024"
    shutil.copytree(SAMPLE, data)
    hubs = data / "hubs.csv"
    hubs.write_text(hubs.read_text().replace("Rochester Healthy Living Centre",
                                             r"Hub A ($2m) and B ($3m) \frac{$", 1))
    code, err = run(capsys, ["report", "--data", str(data), "--out",
                             str(tmp_path / "r!.pdf")])
    assert code == 0 and err == "", err
    assert (tmp_path / "r!.pdf").stat().st_size > 10_000


PEAK = """
import resource, runpy, sys
sys.argv = ["main.py", *sys.argv[2:]]
try:
    runpy.run_path("main.py", run_name="__main__")
finally:
    with open(PEAK_FILE, "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def _subprocess(args, timeout=60, tmp: Path | None = None):
    """Run main.py in a child; return (process, its peak resident memory in KB or 0)."""
    tried()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MPLBACKEND": "Agg"}
    peak = (tmp or Path("/nonexistent")) / "peak.txt"
    code = PEAK.replace("PEAK_FILE", repr(str(peak))) if tmp else None
    cmd = [sys.executable, "-c", code, "-"] if tmp else [sys.executable, "main.py"]
    proc = subprocess.run([*cmd, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    return proc, int(peak.read_text()) if tmp and peak.exists() else 0


def test_pipe_and_dev_zero_inputs_do_not_hang(tmp_path):
    fifo = tmp_path / "practices.csv"
    os.mkfifo(fifo)
    proc, _ = _subprocess(["hubs", "--practices", str(fifo)], timeout=30)
    assert "not a regular file" in one_refusal(proc.returncode, proc.stderr)
    zero = tmp_path / "scenario.json"
    zero.symlink_to("/dev/zero")
    proc, _ = _subprocess(["report", "--scenario", str(zero), "--out",
                           str(tmp_path / "r.pdf")], timeout=30)
    one_refusal(proc.returncode, proc.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("command", [["hubs", "--practices"], ["group", "--practices"]])
def test_million_rows_refused_early_within_memory(tmp_path, command):
    big = tmp_path / "practices.csv"
    with open(big, "w") as fh:
        fh.write("practice_code,name,latitude,longitude,list_size,parent_code,locality,"
                 "gp_wte,postcode\n")
        fh.writelines(f"P{i},Practice {i},51.4,0.5,100,,,,\n" for i in range(1_000_000))
    proc, peak_kb = _subprocess([*command, str(big)], timeout=60, tmp=tmp_path)
    assert "too many practice sites" in one_refusal(proc.returncode, proc.stderr)
    assert 0 < peak_kb < 2 * 1024 * 1024


@pytest.mark.slow
def test_million_row_data_folder_refused_early(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    with open(data / "practices.csv", "w") as fh:
        fh.write("practice_code,name,latitude,longitude,list_size,parent_code,locality,"
                 "gp_wte,postcode\n")
        fh.writelines(f"P{i},Practice {i},51.4,0.5,100,,,,\n" for i in range(1_000_000))
    proc, peak_kb = _subprocess(["demand", "--data", str(data)], timeout=60, tmp=tmp_path)
    assert "too many practice sites" in one_refusal(proc.returncode, proc.stderr)
    assert 0 < peak_kb < 2 * 1024 * 1024


@pytest.mark.slow
def test_export_killed_at_any_moment_leaves_one_whole_folder(tmp_path):
    """kill -9 during `export --out DIR`: the folder is all old or all new, never mixed."""
    import signal
    new = tmp_path / "new"
    shutil.copytree(SAMPLE, new)
    hubs = new / "hubs.csv"
    hubs.write_text(hubs.read_text().replace("Rochester Healthy", "Renamed Healthy"))
    out = tmp_path / "out"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    assert main(["export", "--data", str(SAMPLE), "--out", str(out)]) == 0
    old_files = {p.name: p.read_bytes() for p in out.iterdir()}
    for delay in (0.4, 0.8, 1.2, 1.6, 2.0, 2.4):
        tried()
        proc = subprocess.Popen([sys.executable, "main.py", "export", "--data", str(new),
                                 "--out", str(out)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        files = {p.name: p.read_bytes() for p in out.iterdir()}
        renamed = [b"Renamed Healthy" in files.get("hubs.csv", b"")]
        if files != old_files:   # then it must be the new export, whole
            assert renamed == [True] and set(files) == set(old_files), sorted(files)
        for name in files:      # README and data agree (same export)
            assert name in old_files
    assert main(["export", "--data", str(new), "--out", str(out)]) == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []
