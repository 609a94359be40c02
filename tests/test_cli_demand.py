"""`python main.py demand`: the contract of docs/design.md §5."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from cli import main

ROOT = Path(__file__).resolve().parent.parent
DESIGN_COLUMNS = ["year", "area", "new_dwellings", "new_residents", "new_patients",
                  "cumulative_patients", "gp_wte_needed", "consultations", "gp_hours",
                  "rooms_needed", "floorspace_m2", "capital_cost_gbp"]


def test_sample_end_to_end_prints_the_headline_and_writes_the_table(tmp_path):
    out = tmp_path / "demand.csv"
    proc = subprocess.run([sys.executable, "main.py", "demand", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "8,088 new patients" in proc.stdout
    assert "illustrative sample" in proc.stdout.lower()
    for locality in ("Strood", "Chatham", "Gillingham", "Rochester", "Rainham", "Lordswood"):
        assert locality in proc.stdout
    table = pd.read_csv(out)
    assert list(table.columns[:12]) == DESIGN_COLUMNS
    assert {"new_patients_low", "new_patients_high"} <= set(table.columns)
    medway = table[table["area"] == "Medway"]
    assert medway["new_patients"].sum() == 8088
    assert medway["new_dwellings"].sum() == 3370
    assert (table["data"] == "Illustrative sample (not real data)").all()
    per_year = table[table["area"] != "Medway"].groupby("year")["gp_wte_needed"].sum()
    assert (per_year.round(3) == medway.set_index("year")["gp_wte_needed"].round(3)).all()


def test_including_lodge_hill_and_editing_an_assumption(capsys):
    assert main(["demand", "--include", "H16"]) == 0
    assert "20,088 new patients" in capsys.readouterr().out
    assert main(["demand", "--set", "persons_per_dwelling=2.5", "--assumptions"]) == 0
    text = capsys.readouterr().out
    assert "8,425 new patients" in text                      # 3,370 × 2.5
    assert "persons per new dwelling: 2.5 persons [2.3–2.5] (edited)" in text


def test_bad_assumption_is_one_line_exit_2(capsys):
    assert main(["demand", "--set", "patients_per_gp_wte=0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: assumptions, field 'patients_per_gp_wte'")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["demand", "--set", "people=3"]) == 2
    assert "no such assumption" in capsys.readouterr().err
    assert main(["demand", "--exclude", "NOPE"]) == 2
    assert "'NOPE'" in capsys.readouterr().err


def test_missing_folder_is_exit_2(tmp_path, capsys):
    assert main(["demand", "--data", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_by_group_with_the_folders_groups_csv(sample_copy, capsys):
    practices = pd.read_csv(sample_copy / "practices.csv", dtype=str, keep_default_na=False)
    mains = practices[practices["parent_code"] == ""]
    pd.DataFrame({"practice_code": mains["practice_code"],
                  "group": "Team " + mains["locality"]}).to_csv(sample_copy / "groups.csv",
                                                                 index=False)
    assert main(["demand", "--data", str(sample_copy), "--by", "group"]) == 0
    text = capsys.readouterr().out
    assert "groups from the data folder's groups.csv" in text
    assert "Team Strood" in text and "8,088 new patients" in text


def test_by_group_without_any_grouping_says_so(sample_copy, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "models.grouping", None)  # no grouping tool either
    assert main(["demand", "--data", str(sample_copy), "--by", "group"]) == 2
    err = capsys.readouterr().err
    assert "no grouping exists" in err and "Traceback" not in err


def test_by_hub(capsys):
    assert main(["demand", "--by", "hub"]) == 0
    text = capsys.readouterr().out
    assert "Strood Healthy Living Centre" in text and "8,088 new patients" in text


def test_groups_file_is_checked_and_partial_groupings_are_reported(tmp_path, capsys):
    bad = tmp_path / "groups.csv"
    bad.write_text("practice_code,group\nX80001,A\nZZZ,B\n")
    assert main(["demand", "--by", "group", "--groups", str(bad)]) == 2
    assert "groups.csv, row 3, field 'practice_code'" in capsys.readouterr().err
    partial = tmp_path / "partial.csv"
    partial.write_text("practice_code,group\nX80001,A\n")
    assert main(["demand", "--by", "group", "--groups", str(partial)]) == 0
    text = capsys.readouterr().out
    assert "(no group)" in text and "8,088 new patients" in text


def test_by_group_uses_the_plans_grouping_and_bounds_as_group_makes_them(tmp_path, capsys):
    import pandas as pd

    from cli import main as cli_main
    out = tmp_path / "groups.csv"
    assert cli_main(["group", "--out", str(out)]) == 0
    made = pd.read_csv(out, dtype=str)
    capsys.readouterr()
    assert cli_main(["demand", "--by", "group"]) == 0
    text = capsys.readouterr().out
    assert "groups made now with the plan's settings (30,000–50,000 patients)" in text
    assert "target 30,000–50,000" in text and "target 20,000–60,000" not in text
    from models.plan import Plan
    from geo.canonical import load_folder
    from tests.conftest import SAMPLE
    mapping, _ = Plan(load_folder(SAMPLE)).groups_everywhere()
    assert mapping == dict(zip(made["practice_code"], made["group"]))


def test_a_housing_file_with_a_dwelling_mix_is_read_and_said(sample_copy, capsys):
    import pandas as pd

    from cli import main as cli_main
    path = sample_copy / "housing_sites.csv"
    h = pd.read_csv(path, dtype=str, keep_default_na=False)
    h["beds_1"], h["beds_2"], h["beds_3"], h["beds_4plus"] = "", "", "", ""
    h.loc[0, ["beds_2", "beds_3"]] = ["120", "200"]
    h.to_csv(path, index=False)
    assert cli_main(["demand", "--data", str(sample_copy)]) == 0
    out = capsys.readouterr().out
    assert "on average (1 of 16 sites give their dwelling mix" in out
