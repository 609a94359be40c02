"""GP demand from new dwellings, checked against the Operational Plan's own figures."""
import numpy as np
import pandas as pd
import pytest

from models.assumptions import TREND_COMPOUND_RATE, Assumptions
from geo.canonical import load_sample
from models.demand import (
    DESIGN_MEASURES, FLOW_MEASURES, MEASURES, MEDWAY, OUTSIDE_LOCALITIES, STOCK_MEASURES,
    DemandError, project_demand,
)
from models.housing import phase_completions

LODGE_HILL = "H16"


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def medway_total(result, measure="new_patients"):
    return result.totals().set_index("area").loc[MEDWAY, measure]


def test_plan_headline_3370_dwellings_give_8088_patients(sample):
    # Operational Plan 2017–19 ch. 3: 3,370 dwellings × 2.4 = 8,088 patients.
    result = project_demand(sample)
    assert medway_total(result, "new_dwellings") == 3370
    assert medway_total(result) == pytest.approx(8088)
    assert result.medway()["cumulative_patients"].iloc[-1] == pytest.approx(8088)
    assert list(result.table.columns[:12]) == ["year", "area"] + DESIGN_MEASURES


def test_lodge_hill_included_adds_its_5000_dwellings(sample):
    result = project_demand(sample, include={LODGE_HILL: True})
    assert medway_total(result) == pytest.approx(20088)  # (3,370 + 5,000) × 2.4
    assert LODGE_HILL in result.included_sites


def test_areas_add_up_to_medway_for_every_measure(sample):
    for by in ("locality", "hub"):
        result = project_demand(sample, by=by)
        t = result.table
        areas = t[t["area"] != MEDWAY].groupby("year")
        medway = t[t["area"] == MEDWAY].set_index("year")
        for m in MEASURES + [f"{m}_{e}" for m in STOCK_MEASURES for e in ("low", "high")]:
            assert np.allclose(areas[m].sum(), medway[m]), (by, m)
        totals = result.totals().set_index("area")
        summed = totals.drop(index=MEDWAY).sum()
        assert np.allclose(summed, totals.loc[MEDWAY]), by


def test_toggling_a_site_changes_only_its_own_area(sample):
    on = project_demand(sample).table.set_index(["area", "year"])
    off = project_demand(sample, include={"H07": False}).table.set_index(["area", "year"])
    changed = (on != off).any(axis=1)
    assert set(changed[changed].index.get_level_values("area")) == {"Chatham", MEDWAY}
    # Lodge Hill (Strood) lengthens the horizon; the years both share differ only in Strood.
    with_lh = project_demand(sample, include={LODGE_HILL: True}).table
    with_lh = with_lh.set_index(["area", "year"]).loc[on.index]
    changed = (on != with_lh).any(axis=1)
    assert set(changed[changed].index.get_level_values("area")) == {"Strood", MEDWAY}


def test_low_central_high_are_ordered_everywhere(sample):
    for a in (Assumptions(), Assumptions().with_options(apply_length_trend=True),
              Assumptions().with_value("buildout_delay_years", 1)):
        result = project_demand(sample, a, include={LODGE_HILL: True})
        for frame in (result.table, result.totals()):
            for m in MEASURES:
                assert (frame[f"{m}_low"] <= frame[m] + 1e-9).all(), m
                assert (frame[m] <= frame[f"{m}_high"] + 1e-9).all(), m
        totals = result.totals().set_index("area").loc[MEDWAY]
        # The ranges are real: persons per dwelling alone moves them.
        assert totals["new_patients_low"] < totals["new_patients"] < \
            totals["new_patients_high"]


def test_range_ends_follow_the_assumptions(sample):
    totals = project_demand(sample).totals().set_index("area").loc[MEDWAY]
    # Low: 2.3 persons × 50 % registering; high: 2.5 persons × 100 % (docs/design.md §6).
    assert totals["new_patients_low"] == pytest.approx(3370 * 2.3 * 0.5)
    assert totals["new_patients_high"] == pytest.approx(3370 * 2.5)
    # More patients per GP means fewer GPs: the low end uses 2,100, the high end 1,700.
    assert totals["gp_wte_needed_low"] == pytest.approx(3370 * 2.3 * 0.5 / 2100)
    assert totals["gp_wte_needed_high"] == pytest.approx(3370 * 2.5 / 1700)


def test_the_chain_of_measures(sample):
    a = Assumptions()
    m = project_demand(sample, a, ranges=False).totals().set_index("area").loc[MEDWAY]
    assert "new_patients_low" not in m.index
    assert m["gp_wte_needed"] == pytest.approx(8088 / 1800)
    assert m["rooms_needed"] == pytest.approx(8088 / 1000 * 1.2)
    assert m["floorspace_m2"] == pytest.approx(8088 / 1000 * a.value("floorspace_m2_per_1000"))
    assert m["capital_cost_gbp"] == pytest.approx(m["floorspace_m2"] * 3000)
    last = project_demand(sample, a).medway().iloc[-1]
    assert last["consultations"] == pytest.approx(8088 * 5.2 * 0.5)
    assert last["gp_hours"] == pytest.approx(8088 * 5.2 * 0.5 * 10 / 60)
    assert last["gp_wte_by_hours"] == pytest.approx(last["gp_hours"] / (37.5 * 42 * 0.6))
    half = project_demand(sample, a.with_value("registration_share", 0.5), ranges=False)
    assert medway_total(half) == pytest.approx(4044)


def test_consultation_length_trend_simple_gives_the_plans_14_percent():
    from models.demand import trend_factor
    # 8.4 → 11.7 min over 1993–2007; five years on at the same rate:
    assert trend_factor(5, TREND_COMPOUND_RATE, "simple") == pytest.approx(1.14, abs=0.001)
    assert trend_factor(5, TREND_COMPOUND_RATE, "compound") == pytest.approx(
        (11.7 / 8.4) ** (5 / 14), rel=1e-5)
    assert TREND_COMPOUND_RATE == pytest.approx(0.024, abs=0.0001)
    # over the whole 14-year period both reach 11.7 / 8.4
    for method in ("simple", "compound"):
        assert trend_factor(14, TREND_COMPOUND_RATE, method) == pytest.approx(11.7 / 8.4)
    assert trend_factor(-2, TREND_COMPOUND_RATE, "simple") == 1.0


def test_consultation_length_trend_is_existing_pressure_on_its_own_line(sample):
    from models.demand import attribution_lines, trend_factor
    plain = project_demand(sample, ranges=False)
    on = Assumptions().with_options(apply_length_trend=True, length_trend_method="simple")
    trend = project_demand(sample, on, ranges=False)
    p, t = plain.medway().set_index("year"), trend.medway().set_index("year")
    # Base = the year before the first completions (2016/17): 2021 is five years on.
    factor = trend_factor(5, on.value("consultation_length_growth"), "simple")
    listed = 281_000 + p.loc[2021, "cumulative_patients"]
    assert t.loc[2021, "trend_patients"] == pytest.approx(listed * (factor - 1))
    extra = t.loc[2021, "trend_patients"]
    assert t.loc[2021, "existing_gp_wte"] == pytest.approx(extra / 1800)
    assert t.loc[2021, "existing_floorspace_m2"] == pytest.approx(extra / 1000 * 120 / 1.75,
                                                                  rel=1e-3)
    # the new dwellings' own demand and £ per resident are untouched by the trend
    for m in ("gp_wte_needed", "floorspace_m2", "capital_cost_gbp", "gp_hours"):
        assert t.loc[2021, m] == pytest.approx(p.loc[2021, m])
    assert trend.cost_per_new_resident == pytest.approx(plain.cost_per_new_resident)
    assert (p["trend_patients"] == 0).all()
    line = attribution_lines(trend)[-1]
    assert line.startswith("Existing pressure (not attributable to new dwellings")
    assert attribution_lines(plain) == []


def test_completions_before_the_list_date_are_already_in_the_list(sample):
    import pandas as pd
    ds = sample.copy()
    ds.sources = pd.DataFrame([{"file": "lists.csv", "date": "2020-04-01",
                                "publisher": "NHS Digital, Patients Registered at a GP "
                                             "Practice"}])
    before = project_demand(sample, ranges=False).totals().set_index("area")
    r = project_demand(ds, ranges=False)
    after = r.totals().set_index("area")
    homes = sample.housing[sample.housing["include"]]
    early = sum(homes[f"y{y}"].fillna(0).sum() for y in (2017, 2018, 2019))
    assert r.dwellings_already_in_list == pytest.approx(early)
    assert after.at[MEDWAY, "new_dwellings"] == pytest.approx(
        before.at[MEDWAY, "new_dwellings"] - early)
    assert r.years[0] == 2020
    assert any("already in the list" in w and "2020-04-01" in w for w in r.warnings)
    # the per-resident £ is the same arithmetic on fewer residents
    assert r.cost_per_new_resident == pytest.approx(project_demand(
        sample, ranges=False).cost_per_new_resident)


def test_build_out_delay_shifts_the_years(sample):
    now = project_demand(sample, ranges=False).medway().set_index("year")["new_dwellings"]
    late = project_demand(sample, Assumptions().with_value("buildout_delay_years", 2),
                          ranges=False).medway().set_index("year")["new_dwellings"]
    assert late.index.min() == now.index.min() + 2
    for year in (2017, 2018, 2019, 2020, 2021):
        assert late.loc[year + 2] == now.loc[year]
    assert late.sum() == now.sum() == 3370


def test_phasing_from_start_year_spreads_evenly():
    housing = pd.DataFrame({
        "site_id": ["A", "B", "C"], "name": ["a", "b", "c"], "dwellings": [101, 30, 40],
        "start_year": pd.array([2020, 2022, pd.NA], dtype="Int64"),
        "build_years": pd.array([5, pd.NA, pd.NA], dtype="Int64"),
        "y2020": pd.array([pd.NA, pd.NA, 10], dtype="Int64"),
        "y2021": pd.array([pd.NA, pd.NA, 20], dtype="Int64")})
    phasing = phase_completions(housing)
    frame = phasing.to_frame()
    assert frame.loc["A", 2020:2024].tolist() == [21, 20, 20, 20, 20]
    assert frame.loc["A"].sum() == 101
    assert frame.loc["B", 2022:2026].tolist() == [6] * 5  # default build_years = 5
    assert frame.loc["C", 2020:2021].tolist() == [10, 20]
    assert frame.loc["C"].sum() == 30
    assert any("C" in w and "30 of its 40" in w for w in phasing.warnings)


def test_site_outside_every_locality_is_reported_not_dropped(sample):
    ds = sample.copy()
    ds.housing.loc[ds.housing["site_id"] == "H13", "locality"] = ""
    result = project_demand(ds)
    totals = result.totals().set_index("area")
    assert totals.loc[OUTSIDE_LOCALITIES, "new_dwellings"] == 100
    assert totals.loc[MEDWAY, "new_patients"] == pytest.approx(8088)
    assert any("H13" in w and OUTSIDE_LOCALITIES in w for w in result.warnings)


def test_by_hub_uses_the_nearest_hub(sample):
    ds = sample.copy()
    hub = ds.hubs.iloc[3]
    mask = ds.housing["site_id"] == "H01"
    ds.housing.loc[mask, ["latitude", "longitude"]] = [hub["latitude"] + 0.001,
                                                       hub["longitude"]]
    only = {sid: sid == "H01" for sid in ds.housing["site_id"]}
    totals = project_demand(ds, by="hub", include=only).totals().set_index("area")
    assert totals.loc[hub["name"], "new_dwellings"] == 320
    assert totals["new_dwellings"].drop(index=[hub["name"], MEDWAY]).sum() == 0


def test_by_group_goes_to_the_nearest_group(sample):
    mains = sample.main_practices()
    west = mains["longitude"] < 0.52
    groups = pd.DataFrame({"practice_code": mains["practice_code"],
                           "group": np.where(west, "West", "East")})
    result = project_demand(sample, by="group", groups=groups)
    totals = result.totals().set_index("area")
    # Strood Waterfront (0.49 E) and Temple Marsh (0.47 E) are in the west; Rainham Mark
    # (0.62 E) and Otterham Quay (0.645 E) in the east.
    only_west = {sid: sid in ("H01", "H04") for sid in sample.housing["site_id"]}
    west_totals = project_demand(sample, by="group", groups=groups,
                                 include=only_west).totals().set_index("area")
    assert west_totals.loc["West", "new_dwellings"] == 460
    assert west_totals.loc["East", "new_dwellings"] == 0
    assert totals.loc[MEDWAY, "new_patients"] == pytest.approx(8088)
    base = result.baseline.set_index("area")
    assert base.loc["West", "list_size"] + base.loc["East", "list_size"] == 281000
    with pytest.raises(DemandError, match="no extended practice grouping"):
        project_demand(sample, by="group")


def test_baseline_and_gap(sample):
    result = project_demand(sample)
    base = result.baseline.set_index("area")
    # The sample's README: 281,000 patients, 136 GP WTE.
    assert base.loc[MEDWAY, "list_size"] == 281000
    assert base.loc[MEDWAY, "gp_wte"] == pytest.approx(136)
    assert result.medway_ratio == pytest.approx(281000 / 136)
    assert base.loc[MEDWAY, "extra_wte_today_ratio"] == pytest.approx(8088 / (281000 / 136))
    assert base.loc[MEDWAY, "extra_wte_benchmark"] == pytest.approx(8088 / 1800)
    assert base.loc[MEDWAY, "gp_wte_gap_benchmark"] == pytest.approx(
        (281000 + 8088) / 1800 - 136)
    assert base.drop(index=MEDWAY)["list_size"].sum() == 281000


def test_flow_and_stock_lists_cover_every_measure():
    assert sorted(FLOW_MEASURES + STOCK_MEASURES) == sorted(MEASURES)


def test_bad_assumptions_stop_the_projection(sample):
    with pytest.raises(ValueError, match="patients_per_gp_wte"):
        project_demand(sample, Assumptions.from_dict({"patients_per_gp_wte": 0}))
    with pytest.raises(DemandError, match="by must be"):
        project_demand(sample, by="ward")


def test_a_sites_dwelling_mix_sets_its_persons_per_dwelling(sample):
    from models.housing import persons_by_site
    ds = sample.copy()
    h = ds.housing.copy()
    h["beds_1"], h["beds_2"], h["beds_3"], h["beds_4plus"] = 0, 0, 0, 0
    first = h.index[0]
    h.loc[first, ["beds_1", "beds_3"]] = [100, 220]         # a 320-home site: 1- and 3-bed
    ds.housing = h
    a = Assumptions()
    persons = persons_by_site(h, a.scenario("central"))
    assert persons[0] == pytest.approx((100 * 1.3 + 220 * 2.6) / 320)
    assert (persons[1:] == 2.4).all()                         # no mix given: flat 2.4
    mixed = project_demand(ds, ranges=False).totals().set_index("area").at[MEDWAY,
                                                                          "new_residents"]
    homes = h.loc[first, "dwellings"]
    assert mixed == pytest.approx(8088 - homes * 2.4 + homes * persons[0])
