"""The PDF report a board paper is built from."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pdf_pages_text(path: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed; tools/setup.sh installs it")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [p for p in out.split("\f") if p.strip()]


def test_report_command_writes_a_multipage_pdf_marked_illustrative(tmp_path):
    out = tmp_path / "report.pdf"
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "report", "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:5] == b"%PDF-"
    pages = pdf_pages_text(out)
    assert len(pages) >= 4
    assert all("ILLUSTRATIVE SAMPLE DATA" in p for p in pages)      # on every page
    text = "\n".join(pages)
    for heading in ("Localities against the 30,000–50,000 target", "Hubs: catchments",
                    "GP demand from new housing", "Demand totals by locality",
                    "Planning assumptions and their sources", "Data sources"):
        assert heading in text
    assert "8,088 new patients" in text               # 3,370 × 2.4, with its formula
    assert "Hobbs" in text                            # assumptions cite their sources
    assert re.search(r"Strood\s+56,000", text)      # the locality table carries the figures
    assert "Operational Plan 2017–19" in text         # and cites its target's source


def test_report_refuses_a_bad_data_folder_without_a_traceback(tmp_path):
    bad = tmp_path / "empty"
    bad.mkdir()
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "report", "--data", str(bad),
                          "--out", str(tmp_path / "r.pdf")], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert "practices.csv" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_report_of_a_scenario_carries_its_groups_and_edited_assumptions(tmp_path):
    from models import grouping, scenario as sc
    from models.assumptions import default_assumptions
    from geo.canonical import load_sample
    ds = load_sample()
    mapping = grouping.group_practices(ds.practices, 30_000, 50_000, seed=1).mapping
    ds.groups = __import__("pandas").DataFrame(list(mapping.items()),
                                               columns=["practice_code", "group"])
    edited = default_assumptions().with_value("persons_per_dwelling", 2.5)
    scen = sc.scenario_from_dataset(ds, "Option B", assumptions=edited.to_dict())
    path = tmp_path / "b.scenario.json"
    sc.save_scenario(scen, path)
    out = tmp_path / "b.pdf"
    run = subprocess.run([sys.executable, str(ROOT / "main.py"), "report", "--scenario",
                          str(path), "--out", str(out)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    text = "\n".join(pdf_pages_text(out))
    assert "Scenario: Option B" in text
    assert "Extended practice groups (30,000–50,000 patients)" in text
    assert "8,425 new patients" in text               # 3,370 × 2.5
    assert "EDITED" in text


def test_a_long_text_section_runs_on_to_further_pages_not_off_the_foot(tmp_path):
    """e.g. the assumptions' sources in full, as assumptions are added: every line printed."""
    from rendering.report import Section, write_pdf
    lines = [f"assumption {i:03d}: a source cited in full, long enough to wrap once "
             + "and twice " * 12 for i in range(120)]
    path = tmp_path / "long.pdf"
    pages = write_pdf([Section("Sources in full", text="\n".join(lines), small_text=True)],
                      path, "test", sample=False)
    assert pages > 2
    text = "\n".join(pdf_pages_text(path))
    assert all(f"assumption {i:03d}:" in text for i in range(120))
    assert f"Sources in full ({pages} of {pages})" in text
