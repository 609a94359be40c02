"""The S106 evidence pack from the command line: published Kent requests reproduced, the
necessity test, bad input refused with one line and nothing written, the workbook's
formulas recomputing the pack's figures, and the batch folder."""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from cli import main as cli_main
from geo.canonical import load_sample
from models.contribution import (
    NO_CONTRIBUTION, PRECEDENTS, assess, new_application, parse_mix, site_application,
)
from models.plan import Plan

CANTERBURY, SOUTH_KENT = PRECEDENTS
# A point in Gillingham on the sample whose five catchment practices have no spare rooms.
CHATHAM = "51.39,0.60"


def _settings(precedent) -> list[str]:
    return [x for k, v in precedent.settings for x in ("--set", f"{k}={v:g}")]


def _pdf_text(path) -> str:
    from tests.test_report import pdf_pages_text
    return " ".join(" ".join(pdf_pages_text(path)).split())


@pytest.mark.slow
@pytest.mark.parametrize("precedent", [CANTERBURY, SOUTH_KENT], ids=["canterbury", "skc"])
def test_published_kent_requests_are_reproduced_within_1_percent(precedent, tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    argv = ["s106", "--at", CHATHAM, "--dwellings", str(precedent.dwellings),
            *_settings(precedent), "--out", str(out), "--xlsx", str(tmp_path / "w.xlsx")]
    assert cli_main(argv) == 0
    printed = capsys.readouterr().out
    money = float(re.search(r"contribution of £([\d,]+) requested", printed)[1]
                  .replace(",", ""))
    assert money == pytest.approx(precedent.request_gbp, rel=0.01)
    patients = float(re.search(r"([\d,]+) new patients", printed)[1].replace(",", ""))
    assert patients == pytest.approx(precedent.patients, rel=0.01)
    text = _pdf_text(out)
    assert "ILLUSTRATIVE SAMPLE" in text and "Regulation 122" in text
    assert "Canterbury & Coastal CCG" in text and "South Kent Coast CCG" in text
    assert recomputed(tmp_path / "w.xlsx")["request"] == pytest.approx(money, rel=1e-6)


def test_canterbury_figures_step_by_step():
    plan = Plan(load_sample())
    for key, value in CANTERBURY.settings:
        plan.set_state("assumptions", plan.assumptions.with_value(key, value))
    lat, lon = map(float, CHATHAM.split(","))
    c = assess(plan, new_application(plan, lat, lon, 350))
    assert c.value("patients") == pytest.approx(819)
    assert c.value("spare") == 0 and c.justified
    assert c.request_gbp == pytest.approx(266_175, rel=0.01)
    assert c.value("per_dwelling") == pytest.approx(760.5, rel=0.01)


@pytest.mark.slow
def test_ample_spare_capacity_gives_no_contribution_justified(tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    # Rochester Riverside's nine practices have rooms for ~7,000 more patients (the sample's
    # estate register, models/capacity room sessions).
    assert cli_main(["s106", "--site", "H05", "--out", str(out)]) == 0
    assert NO_CONTRIBUTION in capsys.readouterr().out
    text = _pdf_text(out)
    assert "NO CONTRIBUTION JUSTIFIED" in text
    assert "not necessary to make it acceptable" in text


def test_spare_capacity_is_netted_off_and_over_capacity_never_charged():
    plan = Plan(load_sample())
    lat, lon = map(float, CHATHAM.split(","))
    app = new_application(plan, lat, lon, 350)
    full = assess(plan, app)
    assert full.value("spare") == 0 and full.figures["over"] > 0     # all over capacity
    first = full.catchment.iloc[0]
    room = 300.0                     # that practice's list shrinks until it has room for 300
    plan.set_value("practices", first["practice_code"], "list_size",
                   round(first["capacity_patients"] - room))
    part = assess(plan, app)
    assert part.value("spare") == pytest.approx(room, abs=1)
    assert part.value("net") == pytest.approx(full.value("patients") - room, abs=1)
    assert part.request_gbp < full.request_gbp


def test_a_bedroom_mix_uses_occupancy_by_size(capsys, tmp_path):
    assert parse_mix("1:20,2:40,3:30,4:10") == ((1, .2), (2, .4), (3, .3), (4, .1))
    plan = Plan(load_sample())
    c = assess(plan, new_application(plan, 51.38, 0.52, 100, mix=parse_mix("1:1,3:1")))
    a = plan.assumptions
    assert c.value("ppd") == pytest.approx((a.value("persons_1bed")
                                            + a.value("persons_3bed")) / 2)


@pytest.mark.slow
def test_ticked_practices_are_saved_in_the_scenario_and_used_by_the_command(tmp_path, capsys):
    from models import scenario as sc
    from models.contribution import catchment, with_choice
    plan = Plan(load_sample())
    site = site_application(plan, "H05")
    frame = catchment(plan, site.latitude, site.longitude, site.key)
    keep = set(frame.loc[frame["within"], "practice_code"][:2])
    plan.set_state("contribution", with_choice(plan, site.key, frame, keep))
    path = tmp_path / "s.scenario.json"
    sc.save_scenario(sc.scenario_from_plan(plan, "Ticks"), path)
    again, _ = sc.plan_from_scenario(sc.load_scenario(path))
    c = assess(again, site_application(again, "H05"))
    assert set(c.catchment.loc[c.catchment["included"], "practice_code"]) == keep
    assert cli_main(["s106", "--site", "H05", "--scenario", str(path), "--out",
                     str(tmp_path / "p.pdf")]) == 0
    assert "Scenario: Ticks" in _pdf_text(tmp_path / "p.pdf")


@pytest.mark.parametrize("argv,says", [
    (["--site", "H99"], "no housing site 'H99'"),
    (["--at", "51.9,0.9", "--dwellings", "100"], "outside the localities"),
    (["--at", CHATHAM, "--dwellings", "0"], "dwellings must be a whole number from 1"),
    (["--site", "H05", "--set", "catchment_radius_km=0.05"], "no GP practice within 0.05 km"),
    (["--at", CHATHAM, "--dwellings", "10", "--mix", "7:10"], "bedrooms must be 1–4"),
    (["--at", CHATHAM], "--dwellings N is needed"),
], ids=["unknown-site", "outside", "zero-dwellings", "no-practice", "bad-mix", "no-dwellings"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(argv, says, tmp_path, capsys):
    out = tmp_path / "pack.pdf"
    assert cli_main(["s106", *argv, "--out", str(out), "--xlsx",
                     str(tmp_path / "w.xlsx")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_postcode_is_placed_with_code_point_open(medway, tmp_path, capsys):
    codepoint = medway / "codepoint_open_2018-07_me.csv"
    out = tmp_path / "pack.pdf"
    assert cli_main(["s106", "--postcode", "ME7 4PN", "--postcodes", str(codepoint),
                     "--dwellings", "120", "--out", str(out)]) == 0
    assert "Application at ME7 4PN" in capsys.readouterr().out and out.exists()
    assert cli_main(["s106", "--postcode", "ZZ9 9ZZ", "--postcodes", str(codepoint),
                     "--dwellings", "120", "--out", str(tmp_path / "b.pdf")]) == 2
    assert "postcode 'ZZ9 9ZZ' is not in this file" in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()


@pytest.mark.slow
def test_all_writes_one_pack_per_included_site_and_a_summary(sample_copy, tmp_path, capsys):
    """Three of the sample's sites included (a pack takes seconds: three show the rule)."""
    import pandas as pd

    from geo.canonical import load_folder
    sites = pd.read_csv(sample_copy / "housing_sites.csv", dtype=str, keep_default_na=False)
    sites["include"] = ["true" if i in (0, 4, 9) else "false" for i in range(len(sites))]
    sites.to_csv(sample_copy / "housing_sites.csv", index=False)
    out = tmp_path / "packs"
    assert cli_main(["s106", "--data", str(sample_copy), "--all", "--out", str(out)]) == 0
    summary = pd.read_csv(out / "summary.csv")
    included = load_folder(sample_copy).housing.query("include")
    assert len(included) == 3
    assert list(summary["site_id"]) == list(included["site_id"])
    assert len(list(out.glob("*.pdf"))) == len(included)
    assert all((out / name).exists() for name in summary["pack"])
    # the sample's estate register has room near every included site
    assert set(summary["verdict"]) == {NO_CONTRIBUTION}
    assert (summary["request_gbp"] == 0).all() and (summary["new_patients"] > 0).all()


# ---------------------------------------------------------------- the workbook recomputed

def recomputed(path) -> dict[str, float]:
    """Every Workings value evaluated from its formula (a small evaluator for the formulas
    the workbook uses: arithmetic, MAX and SUMIFS), by step key."""
    wb = load_workbook(path)
    cache: dict[tuple[str, str], float] = {}

    def cell(sheet: str, ref: str):
        ref = ref.replace("$", "")
        if (sheet, ref) not in cache:
            value = wb[sheet][ref].value
            cache[(sheet, ref)] = evaluate(sheet, value) if isinstance(value, str) and \
                value.startswith("=") else value
        return cache[(sheet, ref)]

    def evaluate(sheet: str, formula: str):
        sumifs = re.fullmatch(r"=SUMIFS\(Catchment!(\w+):\w+,Catchment!(\w+):\w+,TRUE,"
                              r"Catchment!\w+:\w+,\">0\"\)", formula)
        if sumifs:
            ws = wb["Catchment"]
            total = 0.0
            for row in range(2, ws.max_row + 1):
                spare = cell("Catchment", f"{sumifs[1]}{row}")
                if ws[f"{sumifs[2]}{row}"].value is True and spare is not None and spare > 0:
                    total += spare
            return total
        expr = re.sub(r"(?:(\w+)!)?(\$?[A-Z]{1,2}\$?\d+)",
                      lambda m: repr(cell(m[1] or sheet, m[2])), formula[1:])
        return eval(expr.replace("MAX(", "max("), {"__builtins__": {}}, {"max": max})

    ws = wb["Workings"]
    keys = [ws[f"G{row}"].value for row in range(2, ws.max_row + 1)]
    return {k: cell("Workings", f"C{row}") for k, row in zip(keys, range(2, ws.max_row + 1))}


def test_every_workings_cell_is_a_formula_that_recomputes_the_pack(tmp_path):
    plan = Plan(load_sample())
    plan.set_value("practices", "X80021", "list_size", 1000)
    c = assess(plan, site_application(plan, "H05"))
    from rendering.s106_sheet import write_workings
    path = tmp_path / "w.xlsx"
    write_workings(plan, c, path, "Option B")
    wb = load_workbook(path)
    values = [r[0].value for r in wb["Workings"].iter_rows(min_row=2, min_col=3, max_col=3)]
    assert all(isinstance(v, str) and v.startswith("=") for v in values)
    got = recomputed(path)
    for key in c.steps["key"]:
        assert got[key] == pytest.approx(c.value(key), rel=1e-9, abs=1e-9), key
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows()}
    assert about["Scenario"] == "Option B" and "Illustrative" in about["Data"]


@pytest.mark.slow
def test_a_real_medway_site_pack_is_labelled_real_and_shows_no_nan(tmp_path_factory, tmp_path,
                                                                    capsys):
    from tests.test_supply_real import imported_folder
    folder = imported_folder(tmp_path_factory)
    out = tmp_path / "real.pdf"
    assert cli_main(["s106", "--data", str(folder), "--site", "BF-1180", "--out", str(out),
                     "--xlsx", str(tmp_path / "real.xlsx")]) == 0
    assert "Medway Maritime Hospital" in capsys.readouterr().out
    text = _pdf_text(out)
    assert "Real published data" in text and "ILLUSTRATIVE" not in text
    assert not re.search(r"\bnan\b", text, re.I)
    assert "est." in text            # GP FTE estimated from a headcount says so
    assert "Regulation 122" in text and "List sizes 2021-01-01" in text
