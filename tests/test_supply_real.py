"""GP supply, need, deprivation and estate on the real Medway files (../shared/data/medway):
the published figures a planner can check, and no unknown reading as zero."""
from __future__ import annotations

import re

import numpy as np
import pytest

from cli import main as cli_main
from tests.conftest import SHARED_MEDWAY, imported

PAY = "nhs_payments_to_gp_medway_{}.csv"


def _args(shared, lists="gp-reg-pat-prac-all_medway_2021-01.csv"):
    """`import` of the real files plus payments, workforce and IMD (no --out)."""
    s = lambda name: str(shared / name)  # noqa: E731
    return ["import", "--epraccur", s("epraccur_medway.csv"), "--commissioner", "09W",
            "--sites", s("nhs_choices_gp_sites_medway_2017-02.json"),
            "--list-sizes", s(lists), "--pcns", s("ePCN_medway_2019-12_core_partners.csv"),
            "--boundaries", s("wards_medway_2013.geojson"),
            "--ward-localities", s("ward_localities.csv"),
            "--brownfield", s("brownfield_register_medway_2019-01-24.csv"),
            "--payments", s(PAY.format("2017-18")), "--payments", s(PAY.format("2019-20")),
            "--payments", s(PAY.format("2022-23")),
            "--workforce", s("gp_workforce_headcount_medway_fy2016-2024.csv"),
            "--deprivation", s("imd_practice_medway.csv")]


def imported_folder(tmp_path_factory):
    """A data folder imported from the real files plus payments, workforce and IMD."""
    return imported(_args(SHARED_MEDWAY), tmp_path_factory.mktemp("real") / "medway")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return imported_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def ds(folder):
    from geo.canonical import load_folder
    return load_folder(folder)


def test_folder_holds_the_joined_figures(ds):
    pay = ds.payments
    assert (pay["financial_year"] == "2017-18").sum() == 51   # the plan's 51 practices
    w = ds.workforce
    assert w.loc[w["financial_year"] == "2016-17", "gp_headcount"].sum() == 137
    assert (ds.deprivation["year"] == "2019").sum() == 48


def test_practice_supply_keeps_unknown_as_unknown(ds):
    from models.supply import practice_supply
    prac, years = practice_supply(ds)
    assert years["lists"] == "2021-01-01" and years["workforce"] == "2020-21"
    missing = prac.set_index("practice_code").loc[["G82109", "G82133", "G82622", "G82820"]]
    assert missing["list_size"].isna().all()            # not 0
    assert np.isnan(prac["patients_per_gp"]).sum() > 0
    assert (prac["patients_per_gp"].dropna() > 0).all()


@pytest.mark.parametrize("by", ["locality", "hub"])
def test_demand_by_area_prints_gps_and_the_gap_without_nan_or_zero(folder, capsys, by):
    assert cli_main(["demand", "--data", str(folder), "--by", by]) == 0
    out = capsys.readouterr().out
    assert "GP supply by " + by in out
    # a headcount-only workforce file: FTE is estimated with a sourced factor and says so
    assert "headcount × 0.70 FTE per head" in out and "FTE est." in out
    assert "patients per GP" in out and "GP gap" in out and "IMD score" in out
    assert not re.search(r"\bnan\b", out, re.I)
    assert "0.0 GP WTE" not in out and "nan at Medway" not in out
    assert "unknown" in out                          # missing lists and GPs say so
    assert re.search(r"Capital per new resident £\d+ \(£\d+–£\d+\), BELOW the comparison "
                     r"band of £325–£360; per new dwelling £\d+ — beside Kent precedents", out)
    assert "Housing phasing: dwellings at the high end of each site's range (register total "\
        "663–783)" in out


def test_phasing_options_change_the_dwellings(folder, capsys):
    assert cli_main(["demand", "--data", str(folder), "--dwellings-end", "low",
                     "--start-year", "2022", "--build-years", "3"]) == 0
    out = capsys.readouterr().out
    assert "663 new dwellings" in out
    assert "start year 2022 (set by the user)" in out and "over 3 years (set" in out


def test_newest_list_sizes_warn_and_successor_attaches(tmp_path, capsys):
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway")
    args = _args(SHARED_MEDWAY, "gp-reg-pat-prac-all_medway_2026-04.csv")
    assert cli_main(args + ["--out", str(tmp_path / "new"), "--successor", "G82109=G82014"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"WARNING: List sizes .* 6\.\d years from the practice list", out)
    assert "11 practices of the practice list have no list size there" in out
    assert "G82109: site attached to G82014" in out
    from geo.canonical import load_folder
    p = load_folder(tmp_path / "new").practices.set_index("practice_code")
    assert p.at["G82109", "parent_code"] == "G82014"
    assert not p.at["G82133", "list_size_known"]


def test_board_paper_on_real_data(folder, tmp_path):
    from tests.test_report import pdf_pages_text
    out = tmp_path / "real.pdf"
    assert cli_main(["report", "--data", str(folder), "--out", str(out)]) == 0
    pages = pdf_pages_text(out)
    text = "\n".join(pages)
    for heading in ("GP supply against demand by locality", "GP supply against demand by hub",
                    "Deprivation by locality", "Published reference figures beside the "
                    "tool's", "Caveats"):
        assert heading in text
    assert re.search(r"136 WTE.*137 \(headcount\)", text)
    assert re.search(r"GP practices\s+51\s.*\s51\s", text)
    assert not re.search(r"\bnan\b", text, re.I)
    assert "0.0 GP WTE" not in text
    assert "share_within" not in text and "mean_distance_km" not in text
    assert re.search(r"Patients within 1 km of a hub\s+\d+%", text)
    assert "BELOW the comparison band of £325–£360" in text
    assert "£760 per dwelling" in text and "South Kent Coast CCG" in text
    assert "premises" in text.lower() and "FTE per head" in text and "FTE est." in text
    assert [p[:300] for p in pages if not re.search(r"Real\s+published\s+data", p)] == []
    assert "/tmp" not in "".join(p[-900:] for p in pages)          # a name, never a path
    assert all("list sizes 2021-01-01" in p for p in pages)        # data dates on each page
    assert sum("km" in p and "north is up" in p for p in pages) >= 2   # map pages


def test_known_capacity_overrides_the_proxy(ds):
    import pandas as pd

    from models.assumptions import Assumptions
    from models.demand import project_demand
    cap = pd.DataFrame({"site_code": ["G82014", "G82014-B1"], "gia_m2": [1800.0, 250.0],
                        "clinical_rooms": pd.array([14, 3], dtype="Int64"),
                        "tenure": ["leased", "owned"], "condition": ["B", "C"]})
    with_cap = ds.copy()
    with_cap.capacity = cap
    base = project_demand(with_cap, ranges=False).baseline.set_index("area")
    g = base.loc["Gillingham"]
    need_now = 19_866 / 1000 * Assumptions().value("floorspace_m2_per_1000")
    assert g["capacity_practices"] == 1
    assert g["spare_m2"] == pytest.approx(2050 - need_now)
    assert g["net_new_m2"] == pytest.approx(g["new_m2"] - g["spare_m2"])
    assert np.isnan(base.loc["Chatham", "net_new_m2"])       # unknown there, not 0


def test_every_page_footer_dates_each_source_once_and_in_full(ds):
    """The board paper's footer: 'IMD 2010, 2015, 2019' (not 'IMD IMD …') and the
    brownfield register at its latest entry's date, not just its year."""
    from rendering.board_sections import data_dates
    footer = data_dates(ds)
    assert "IMD IMD" not in footer and "IMD 2010, 2015, 2019" in footer
    assert "brownfield register 2019-01-24" in footer
