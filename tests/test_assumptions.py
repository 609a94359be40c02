"""Planning assumptions: docs/design.md §6 defaults with sources, validation, (de)serialisation."""
import json
import math

import pytest

from geo.errors import DataError
from models.assumptions import (
    TREND_COMPOUND_RATE, TREND_SIMPLE_RATE, AssumptionError, Assumptions, length_trend_factor,
)


def test_defaults_are_design_section_6_and_each_has_a_source():
    a = Assumptions()
    # docs/design.md §6 / Operational Plan ch. 3: 2.4 persons; HUDU 1,800 patients per GP WTE.
    assert a.value("persons_per_dwelling") == 2.4
    assert (a["persons_per_dwelling"].low, a["persons_per_dwelling"].high) == (2.3, 2.5)
    assert a.value("patients_per_gp_wte") == 1800
    assert a.value("registration_share") == 1.0
    assert a["registration_share"].uncertain
    assert a.value("cost_per_m2") == 3000
    assert (a["buildout_delay_years"].low, a["buildout_delay_years"].high) == (0, 2)
    assert a["buildout_delay_years"].uncertain
    # 120 m² per 1,750 patients (Essex CCGs 2018) = 68.6 m² per 1,000.
    assert a.value("floorspace_m2_per_1000") == pytest.approx(68.6, abs=0.05)
    for entry in a:
        assert entry.low <= entry.central <= entry.high, entry.key
        assert len(entry.source) > 20, entry.key
        assert not entry.user_edited


@pytest.mark.parametrize("key, value, words", [
    ("persons_per_dwelling", -1, "persons per new dwelling"),
    ("patients_per_gp_wte", 0, "patients per GP WTE"),
    ("registration_share", 1.5, "registering"),
    ("gp_share_of_consultations", -0.1, "with a GP"),
    ("cost_per_m2", float("nan"), "capital cost"),
    ("consultation_minutes", "ten", "consultation length"),
    ("buildout_delay_years", 1.5, "whole number"),
])
def test_bad_values_are_refused_naming_the_assumption(key, value, words):
    a = Assumptions()
    with pytest.raises(AssumptionError) as err:
        a.with_value(key, value)
    message = str(err.value)
    assert message.startswith("assumptions, field '" + key + "'")
    assert words in message
    assert isinstance(err.value, DataError) and isinstance(err.value, ValueError)
    assert a.value(key) == a[key].central  # the original is untouched


def test_zero_patients_per_gp_says_why():
    with pytest.raises(AssumptionError, match="must be above 0"):
        Assumptions().with_value("patients_per_gp_wte", 0)


def test_range_must_be_ordered():
    with pytest.raises(AssumptionError, match="above the high value"):
        Assumptions().with_range("persons_per_dwelling", 2.6, 2.2)


def test_linked_targets_must_stay_ordered():
    with pytest.raises(AssumptionError, match="locality population, lower target"):
        Assumptions().with_value("locality_min_population", 60000)


def test_editing_marks_the_value_and_reset_clears_it():
    a = Assumptions().with_value("persons_per_dwelling", 2.6)
    assert a.value("persons_per_dwelling") == 2.6
    assert a["persons_per_dwelling"].user_edited
    assert a.edited == ["persons_per_dwelling"]
    # An edited value outside the range widens the range used for the low/high runs.
    assert a.scenario("high")["persons_per_dwelling"] == 2.6
    assert a.scenario("low")["persons_per_dwelling"] == 2.3
    assert not a.reset("persons_per_dwelling")["persons_per_dwelling"].user_edited
    assert a.reset().edited == []
    # Setting the default back is not an edit.
    assert not a.with_value("persons_per_dwelling", 2.4)["persons_per_dwelling"].user_edited


def test_round_trip_through_json():
    a = (Assumptions().with_value("patients_per_gp_wte", 2000)
         .with_range("cost_per_m2", 2500, 4500)
         .with_options(apply_length_trend=True, length_trend_base_year=2016))
    back = Assumptions.from_dict(json.loads(json.dumps(a.to_dict())))
    assert back.value("patients_per_gp_wte") == 2000
    assert (back["cost_per_m2"].low, back["cost_per_m2"].high) == (2500, 4500)
    assert set(back.edited) == {"patients_per_gp_wte", "cost_per_m2"}
    assert back.options["apply_length_trend"] is True
    assert back.options["length_trend_base_year"] == 2016
    assert back.to_dict() == a.to_dict()


def test_from_dict_accepts_a_bare_number_and_refuses_nonsense():
    assert Assumptions.from_dict({"persons_per_dwelling": 2.5}).value(
        "persons_per_dwelling") == 2.5
    assert Assumptions.from_dict(None).edited == []
    with pytest.raises(AssumptionError, match="unknown assumption 'people'"):
        Assumptions.from_dict({"people": 3})
    with pytest.raises(AssumptionError, match="patients_per_gp_wte"):
        Assumptions.from_dict({"patients_per_gp_wte": {"value": 0}})
    with pytest.raises(AssumptionError, match="length_trend_method"):
        Assumptions.from_dict({"options": {"length_trend_method": "exponential"}})


def test_table_for_reports():
    frame = Assumptions().with_value("room_m2", 17).to_frame()
    for col in ("assumption", "unit", "low", "central", "high", "value used", "source",
                "edited", "uncertain"):
        assert col in frame.columns
    row = frame.set_index("key").loc["room_m2"]
    assert row["edited"] and row["value used"] == 17 and row["central"] == 16
    assert not frame.set_index("key").loc["persons_per_dwelling", "edited"]
    assert set(Assumptions().to_frame(used_by="demand")["used by"]) == {"demand"}


def test_consultation_length_trend_reproduces_the_plans_figures():
    # Operational Plan ch. 3: 8.4 min (1992/93) → 11.7 min (2006/07), "+14% GP workload".
    assert 8.4 * length_trend_factor(14, TREND_COMPOUND_RATE) == pytest.approx(11.7)
    assert TREND_COMPOUND_RATE == pytest.approx(0.024, abs=0.0005)     # ≈2.4 %/yr
    # Compounded, +14 % is reached between five and six years on (5.5 years) …
    years = math.log(1.14) / math.log(1 + TREND_COMPOUND_RATE)
    assert 5 < years < 6
    assert length_trend_factor(5, TREND_COMPOUND_RATE) == pytest.approx(1.126, abs=0.001)
    # … and the plan's exact +14 % over its five-year horizon is the simple-rate reading.
    assert length_trend_factor(5, TREND_SIMPLE_RATE, "simple") == pytest.approx(1.14,
                                                                                 abs=0.001)
    assert Assumptions()["consultation_length_growth"].central == pytest.approx(0.024,
                                                                                 abs=0.0005)
    assert length_trend_factor(-3, 0.05) == 1.0  # no shrinking before the base year
