"""`python main.py hubs`: the contract of docs/design.md §5."""
from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from cli import main
from geo.crs import points_bng

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
LAST = re.compile(r"^objective_km before=(\S+) after=(\S+)$")
COLUMNS = ["hub_id", "name", "latitude", "longitude", "status", "served_patients",
           "mean_distance_km", "served_patients_with_growth"]


def _objective(practices: pd.DataFrame, hubs: pd.DataFrame) -> float:
    """Patient-weighted mean straight-line km to the nearest hub, by brute force."""
    p = points_bng(practices)
    h = points_bng(hubs)
    d = np.sqrt(((p[:, None, :] - h[None]) ** 2).sum(-1)).min(axis=1) / 1000
    w = practices["list_size"].to_numpy(float)
    return float((w * d).sum() / w.sum())


def test_practices_file_end_to_end(sample_dir, tmp_path):
    out = tmp_path / "hubs.csv"
    proc = subprocess.run([sys.executable, "main.py", "hubs", "--practices",
                           str(sample_dir / "practices.csv"), "--add", "3", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    last = LAST.match(proc.stdout.strip().splitlines()[-1])
    assert last, proc.stdout
    assert last.group(1) == "nan"
    after = float(last.group(2))
    hubs = pd.read_csv(out, dtype={"hub_id": str})
    assert list(hubs.columns) == COLUMNS
    assert len(hubs) == 3 and (hubs["status"] == "proposed").all()
    practices = pd.read_csv(sample_dir / "practices.csv", keep_default_na=False)
    site = dict(zip(zip(practices["latitude"].round(5), practices["longitude"].round(5)),
                    practices["practice_code"]))
    assert all(site.get((round(a, 5), round(b, 5))) for a, b in
               zip(hubs["latitude"], hubs["longitude"]))   # picked among the practice sites
    assert after == pytest.approx(_objective(practices, hubs), rel=1e-5)
    assert hubs["served_patients"].sum() == practices["list_size"].sum()


def test_sample_keeps_existing_hubs_and_improves(capsys, sample_dir, tmp_path):
    out = tmp_path / "h.csv"
    assert main(["hubs", "--add", "2", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    before, after = map(float, LAST.match(text.strip().splitlines()[-1]).groups())
    existing = pd.read_csv(sample_dir / "hubs.csv")
    existing = existing[existing["status"] == "existing"]
    practices = pd.read_csv(sample_dir / "practices.csv", keep_default_na=False)
    assert before == pytest.approx(_objective(practices, existing), rel=1e-5)
    result = pd.read_csv(out)
    assert set(existing["hub_id"]) <= set(result["hub_id"])
    assert (result["status"] == "proposed").sum() == 2
    assert after < before
    assert after == pytest.approx(_objective(practices, result), rel=1e-5)


def test_add_zero_reports_the_current_layout(capsys):
    assert main(["hubs", "--add", "0", "--keep", "planned"]) == 0
    before, after = LAST.match(capsys.readouterr().out.strip().splitlines()[-1]).groups()
    assert before == after


@pytest.mark.parametrize("edit,expect", [
    (lambda t: t.replace("51.40572", "north"), r"practices\.csv, row 2, field 'latitude'"),
    (lambda t: t.replace("list_size", "patients"), r"practices\.csv.*'list_size'"),
])
def test_bad_practices_file_exits_2_with_a_reason(tmp_path, sample_dir, capsys, edit, expect):
    bad = tmp_path / "practices.csv"
    bad.write_text(edit((sample_dir / "practices.csv").read_text()))
    assert main(["hubs", "--practices", str(bad), "--add", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and re.search(expect, err) and "Traceback" not in err


def test_impossible_requests_exit_2(tmp_path, sample_dir, capsys):
    practices = str(sample_dir / "practices.csv")
    assert main(["hubs", "--practices", practices, "--add", "500"]) == 2
    assert "candidate sites" in capsys.readouterr().err
    assert main(["hubs", "--practices", practices, "--with-housing"]) == 2
    assert "--data" in capsys.readouterr().err
    assert main(["hubs", "--practices", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv: file not found" in capsys.readouterr().err
    empty = tmp_path / "zero.csv"
    empty.write_text("practice_code,name,latitude,longitude,list_size\n"
                     "A1,Only,51.38,0.52,0\n")
    assert main(["hubs", "--practices", str(empty)]) == 2
    assert "no patients" in capsys.readouterr().err
    hubs = tmp_path / "hubs.csv"
    hubs.write_text("hub_id,name,latitude,longitude,status\nA,Hub A,51.4,0.5,built\n")
    assert main(["hubs", "--practices", practices, "--hubs", str(hubs)]) == 2
    assert "hubs.csv, row 2, field 'status'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["hubs", "--add", "-1"])
    assert exc.value.code == 2


def test_too_many_sites_is_refused_in_one_line_naming_the_sizes(sample_dir, capsys,
                                                                 monkeypatch):
    """The cap is the float32 matrix's memory: England (33,000 LSOAs x 6,500 practices) is
    accepted; past the cap (lowered here to stand for it) one line names both sizes."""
    import geo.bounds as bounds
    assert bounds.MAX_HUB_PAIRS >= 33_000 * 6_500
    monkeypatch.setattr(bounds, "MAX_HUB_PAIRS", 100)
    practices = str(sample_dir / "practices.csv")
    assert main(["hubs", "--practices", practices, "--add", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "too many sites for the hub optimiser" in err
    assert re.search(r"\d+ practice sites × \d+ candidate sites \(at most 100 pairs\)", err)
