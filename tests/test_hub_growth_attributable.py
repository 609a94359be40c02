"""Hub growth counts new patients as demand does: only completions after the list's date
(issue #20). On the real 2026-04 lists every brownfield completion (2020–2024) is already
in the list, so the hubs' "with growth" adds nobody and says why; on the sample (no list
date) every included dwelling still counts."""
from __future__ import annotations

import pytest

from cli import main as cli_main
from tests.conftest import SHARED_MEDWAY, imported
from tests.test_supply_real import _args


@pytest.fixture(scope="module")
def real_2026(tmp_path_factory):
    return imported(_args(SHARED_MEDWAY, lists="gp-reg-pat-prac-all_medway_2026-04.csv"),
                    tmp_path_factory.mktemp("real") / "medway")


def test_sample_growth_is_unchanged(sample_dir):
    from geo.canonical import load_folder
    from models.plan import Plan
    plan = Plan(load_folder(sample_dir))
    old = plan.demand_points(persons_per_dwelling=plan.value("persons_per_dwelling"),
                             registering_share=plan.value("registration_share"))
    new = plan.demand_points()
    assert new["new_patients"].sum() == pytest.approx(old["new_patients"].sum())
    assert new["new_patients"].sum() > 0
    assert "not recorded" in new.attrs["growth_note"]


@pytest.mark.slow
def test_real_2026_lists_hub_growth_adds_nobody_and_says_why(real_2026, capsys):
    from geo.canonical import load_folder
    from models.plan import Plan
    plan = Plan(load_folder(real_2026))
    demand = plan.demand_points()
    assert demand["new_patients"].sum() == 0
    assert "already in the list" in demand.attrs["growth_note"]
    per_hub = plan.evaluate_hubs(demand=demand).per_hub
    assert (per_hub["served_patients_with_growth"] == per_hub["served_patients"]).all()
    assert plan.project_demand().dwellings_already_in_list > 0
    # the workbook's hubs sheet (and the PDF's hubs page) evaluate the same demand
    from rendering.plan_tables import plan_tables
    hubs = plan_tables(plan)[0]["hubs"]
    grow = [c for c in hubs.columns if "with_growth" in c and "served" in c]
    assert grow and (hubs[grow[0]] == hubs[grow[0].replace("_with_growth", "")]).all()
    capsys.readouterr()
    assert cli_main(["hubs", "--data", str(real_2026)]) == 0
    out = capsys.readouterr().out
    assert "New patients from housing growth (in served_patients_with_growth): 0" in out
    assert "already in the list" in out


@pytest.mark.slow
def test_s106_refuses_a_site_built_before_the_lists_and_writes_nothing(real_2026, tmp_path,
                                                                        capsys):
    """The S106 pack follows the same rule: a register site phased 2020–2024 is on the
    2026-04 lists already, so no contribution can be attributed to it — one line, exit 2."""
    out = tmp_path / "pack.pdf"
    assert cli_main(["s106", "--data", str(real_2026), "--site", "BF-1188",
                     "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "already registered" in err and "BF-1188" in err and "Traceback" not in err
    assert not out.exists()
