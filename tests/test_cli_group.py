"""`python main.py group`: output file, summary, warnings (exit 0) where bounds cannot all be met,
exit 2 with a one-line reason on bad input or with --strict."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from cli import main


def run(args, capsys):
    code = main(["group", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def sample_mains(sample_dir) -> pd.DataFrame:
    raw = pd.read_csv(sample_dir / "practices.csv", keep_default_na=False)
    return raw[raw["parent_code"] == ""]


def test_group_writes_one_row_per_main_practice_and_a_summary(sample_dir, tmp_path, capsys):
    out_file = tmp_path / "groups.csv"
    code, out, err = run(["--practices", sample_dir / "practices.csv", "--out", out_file],
                         capsys)
    assert code == 0, err
    groups = pd.read_csv(out_file, keep_default_na=False)
    assert list(groups.columns) == ["practice_code", "group"]
    mains = sample_mains(sample_dir)
    assert sorted(groups["practice_code"]) == sorted(mains["practice_code"])  # no branches
    totals = mains.merge(groups, on="practice_code").groupby("group")["list_size"].sum()
    assert totals.between(30_000, 50_000).all()
    for group, total in totals.items():  # the printed table shows each group's list size
        line = next(ln for ln in out.splitlines() if ln.split()[0] == group)
        assert f"{total:,}" in line and line.rstrip().endswith("yes")
    assert f"{len(totals)} of {len(totals)}" in out


def test_groups_option_and_seed_are_repeatable(sample_dir, tmp_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        code, _, err = run(["--practices", sample_dir / "practices.csv", "--groups", 7,
                            "--seed", 3, "--out", path], capsys)
        assert code == 0, err
    assert first.read_bytes() == second.read_bytes()
    assert pd.read_csv(first)["group"].nunique() == 7


def test_infeasible_bounds_give_the_best_grouping_with_warnings(sample_dir, tmp_path, capsys):
    out_file = tmp_path / "groups.csv"
    code, out, err = run(["--practices", sample_dir / "practices.csv", "--within-localities",
                          "--out", out_file], capsys)
    lordswood = sample_mains(sample_dir).query("locality == 'Lordswood'")["list_size"].sum()
    assert code == 0, err
    written = pd.read_csv(out_file, keep_default_na=False)
    assert sorted(written["practice_code"]) == sorted(sample_mains(sample_dir)["practice_code"])
    line = next(ln for ln in out.splitlines() if ln.startswith("Lordswood"))
    assert f"no (below by {30_000 - lordswood:,})" in line
    warnings = err.strip().splitlines()
    assert warnings and all(w.startswith("warning: practices.csv:") for w in warnings)
    assert any("Lordswood" in w and f"{30_000 - lordswood:,}" in w for w in warnings)
    assert "Traceback" not in err


def test_a_practice_above_the_maximum_forms_its_own_group(sample_dir, tmp_path, capsys):
    frame = pd.read_csv(sample_dir / "practices.csv", keep_default_na=False)
    big = frame.index[frame["parent_code"] == ""][0]
    frame.loc[big, "list_size"] = 51_077
    path = tmp_path / "practices.csv"
    frame.to_csv(path, index=False)
    out_file = tmp_path / "groups.csv"
    code, out, err = run(["--practices", path, "--out", out_file], capsys)
    assert code == 0, err
    groups = pd.read_csv(out_file, keep_default_na=False).set_index("practice_code")["group"]
    alone = groups[frame.at[big, "practice_code"]]
    assert (groups == alone).sum() == 1
    assert "over the maximum on its own" in next(ln for ln in out.splitlines()
                                                 if ln.split()[0] == alone)
    assert "51,077 patients, over the maximum on its own" in err
    mains = frame[frame["parent_code"] == ""].merge(groups.rename("group").reset_index())
    rest = mains[mains["group"] != alone].groupby("group")["list_size"].sum()
    assert rest.between(30_000, 50_000).all()        # the rest are grouped within bounds
    code, _, err = run(["--practices", path, "--strict"], capsys)
    assert code == 2 and "51,077" in err and "above the maximum" in err


def test_strict_refuses_infeasible_bounds_with_exit_2(sample_dir, capsys):
    code, out, err = run(["--practices", sample_dir / "practices.csv",
                          "--within-localities", "--strict"], capsys)
    lordswood = sample_mains(sample_dir).query("locality == 'Lordswood'")["list_size"].sum()
    assert code == 2
    assert err.startswith("error: practices.csv:") and len(err.strip().splitlines()) == 1
    assert "Lordswood" in err and f"{30_000 - lordswood:,}" in err
    assert "Traceback" not in err


def test_minimum_above_the_total_exits_2_with_strict(sample_dir, capsys):
    code, _, err = run(["--practices", sample_dir / "practices.csv", "--min-size", 300_000,
                        "--max-size", 400_000, "--strict"], capsys)
    assert code == 2 and "below the minimum 300,000 by 19,000" in err  # 281,000 in total


def test_within_localities_with_20_to_60k_works(sample_dir, capsys):
    code, out, err = run(["--practices", sample_dir / "practices.csv", "--within-localities",
                          "--min-size", 20_000, "--max-size", 60_000], capsys)
    assert code == 0, err
    for locality in sample_mains(sample_dir)["locality"].unique():
        assert any(ln.split()[0] == locality for ln in out.splitlines())


def test_contiguous_groups_are_one_patch_each(sample_dir, tmp_path, capsys):
    from geo.canonical import load_sample
    from models.grouping import group_metrics
    from models.grouping.territories import study_area
    out_file = tmp_path / "groups.csv"
    code, out, err = run(["--practices", sample_dir / "practices.csv", "--contiguous",
                          "--out", out_file], capsys)
    assert code == 0, err
    ds = load_sample()
    mapping = pd.read_csv(out_file, keep_default_na=False).set_index("practice_code")["group"]
    table = group_metrics(ds.practices, mapping, 30_000, 50_000,
                          boundary=study_area(ds.localities))
    assert table["contiguous"].all() and table["within_bounds"].all()


def test_missing_file_names_the_file(tmp_path, capsys):
    code, _, err = run(["--practices", tmp_path / "nowhere.csv"], capsys)
    assert code == 2 and "nowhere.csv" in err and "not found" in err


def test_missing_column_names_the_file_and_column(sample_dir, tmp_path, capsys):
    frame = pd.read_csv(sample_dir / "practices.csv", keep_default_na=False)
    bad = tmp_path / "mine.csv"
    frame.drop(columns=["list_size"]).to_csv(bad, index=False)
    code, _, err = run(["--practices", bad], capsys)
    assert code == 2 and "mine.csv" in err and "list_size" in err
    assert len(err.strip().splitlines()) == 1


def test_blank_localities_are_explained_or_filled_from_polygons(sample_dir, tmp_path, capsys):
    frame = pd.read_csv(sample_dir / "practices.csv", keep_default_na=False)
    frame["locality"] = ""
    alone = tmp_path / "alone"
    alone.mkdir()
    frame.to_csv(alone / "practices.csv", index=False)
    args = ["--within-localities", "--min-size", 20_000, "--max-size", 60_000]
    code, _, err = run(["--practices", alone / "practices.csv", *args], capsys)
    assert code == 2 and "blank" in err and "--localities" in err
    # with the locality polygons beside the file, blanks are filled from the map
    shutil.copy(sample_dir / "localities.geojson", alone / "localities.geojson")
    code, out, err = run(["--practices", alone / "practices.csv", *args], capsys)
    assert code == 0, err
    assert "locality filled from localities.geojson for 51 practices" in out
    assert "Lordswood" in out


def test_min_larger_than_max_is_refused(sample_dir, capsys):
    code, _, err = run(["--practices", sample_dir / "practices.csv", "--min-size", 60_000],
                       capsys)
    assert code == 2 and "larger than the maximum" in err


@pytest.mark.parametrize("value", ["lots", "-5"])
def test_bad_numbers_are_refused_by_the_parser(sample_dir, value, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["group", "--practices", str(sample_dir / "practices.csv"), "--min-size", value])
    assert exc.value.code == 2


def test_starts_zero_is_one_descent_and_never_beats_the_default(sample_dir, capsys):
    """--starts 0 groups from one start; the default (further starts recombined) is never
    longer; a bad count is refused by the parser."""
    def distance(out: str) -> float:
        line = next(ln for ln in out.splitlines() if "mean distance" in ln)
        return float(line.split("group centre ")[1].split(" km")[0])

    code, one, err = run(["--practices", sample_dir / "practices.csv", "--groups", 7,
                          "--starts", 0], capsys)
    assert code == 0, err
    code, many, err = run(["--practices", sample_dir / "practices.csv", "--groups", 7],
                          capsys)
    assert code == 0, err
    assert distance(many) <= distance(one)
    with pytest.raises(SystemExit) as exc:
        main(["group", "--practices", str(sample_dir / "practices.csv"), "--starts", "many"])
    assert exc.value.code == 2
