"""Planning assumptions: one object holding every number the demand model multiplies by.

Each assumption carries its low / central / high defaults, its unit, where the figure comes
from, whether the user should be told it is uncertain, and the value actually used (the
central default unless the planner edited it). Reports print the whole table; a value the
planner changed is marked as edited.

Sources are cited by title and chapter (docs/design.md §6 lists them); nothing is copied from
them. The two NHS planning documents most cited are the Medway CCG Operational Plan 2017–19
("the Operational Plan") and the Kent & Medway STP, November 2016 ("the K&M STP"). Every
planning number the program uses is an entry here (or derived from one): the locality,
group and hub targets and the road factor too, so the window, the CLI and the report agree.

API
---
DEFAULTS                              tuple of Assumption, in display order
Assumptions()                         the defaults; immutable — edits return a new object
  .value(key) -> float                the value used
  [key] -> Assumption                 one entry (key, label, unit, low, central, high, value,
                                      source, uncertain, user_edited, used_by, ...)
  .with_value(key, v) / .with_range(key, low, high) / .reset(key=None) -> Assumptions
  .with_options(apply_length_trend=, length_trend_base_year=, length_trend_method=)
  .scenario("low" | "central" | "high") -> {key: float}   each entry's own low/central/high
  .to_dict() / Assumptions.from_dict(d)   plain JSON-able dict (scenario files)
  .to_frame() -> DataFrame            assumption, unit, low, central, high, value used,
                                      uncertain, edited, used by, source, key
Bad values raise AssumptionError (a geo.errors.DataError, so a ValueError) naming the
assumption: file "assumptions", field = the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterator, Mapping

if TYPE_CHECKING:       # pandas is imported by to_frame: `python main.py` shows its window
    import pandas as pd  # before pandas loads (the command line reads this module first)

from models.assumptions.entry import Assumption, AssumptionError  # noqa: F401 (the API)
from models.assumptions.table import (  # noqa: F401 (the API)
    CONTRIBUTION_BAND_GBP_PER_RESIDENT, DEFAULTS, DEMAND_DIRECTION, ORDERED, PLAN, STP,
    TRAVEL_DEFAULTS, TREND_COMPOUND_RATE, TREND_FROM_MIN, TREND_METHODS, TREND_SIMPLE_RATE,
    TREND_SPAN_YEARS, TREND_TO_MIN,
)

DEFAULT_OPTIONS = {"apply_length_trend": False, "length_trend_base_year": None,
                   "length_trend_method": "compound",
                   # Housing phasing (models/housing.apply_phasing): which end of a site's
                   # dwelling range, and a start year / build-out years for sites the data
                   # does not phase (None = as in the data; default build-out 5 years).
                   "dwellings_range_end": "high", "phasing_start_year": None,
                   "phasing_build_years": None,
                   # GP gap on the need-weighted (Carr-Hill) lists of the payments file.
                   "need_weighted_lists": False}


@dataclass(frozen=True)
class Assumptions:
    """Every planning assumption plus the consultation-trend options; edits copy."""

    entries: dict[str, Assumption] = field(
        default_factory=lambda: {a.key: a for a in DEFAULTS})
    options: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_OPTIONS))

    # -- reading
    def __getitem__(self, key: str) -> Assumption:
        try:
            return self.entries[key]
        except KeyError:
            raise AssumptionError(key, f"unknown assumption '{key}'") from None

    def __iter__(self) -> Iterator[Assumption]:
        return iter(self.entries.values())

    def keys(self) -> list[str]:
        return list(self.entries)

    def value(self, key: str) -> float:
        return self[key].used

    def scenario(self, which: str = "central") -> dict[str, float]:
        """Every value at its own low, central (= value used) or high end."""
        if which not in ("low", "central", "high"):
            raise ValueError("which must be 'low', 'central' or 'high'")
        pick = {"low": lambda a: a.scenario_low, "central": lambda a: a.used,
                "high": lambda a: a.scenario_high}[which]
        return {a.key: pick(a) for a in self}

    def demand_scenario(self, direction: str) -> dict[str, float]:
        """Values that push demand lowest ("low") or highest ("high"), for the ranges."""
        if direction == "central":
            return self.scenario("central")
        sign = {"low": -1, "high": 1}[direction]
        out = self.scenario("central")
        for key, d in DEMAND_DIRECTION.items():
            a = self[key]
            out[key] = a.scenario_high if d * sign > 0 else a.scenario_low
        return out

    @property
    def edited(self) -> list[str]:
        return [a.key for a in self if a.user_edited]

    # -- editing (each returns a new, validated object)
    def with_value(self, key: str, value: float) -> "Assumptions":
        a = self[key]
        x = a.check(value)
        default = _DEFAULT_BY_KEY[key]
        edited = x != default.central or a.low != default.low or a.high != default.high
        return self._replace(replace(a, value=x, user_edited=edited))

    def with_range(self, key: str, low: float, high: float) -> "Assumptions":
        a = self[key]
        lo, hi = a.check(low, "low value"), a.check(high, "high value")
        if lo > hi:
            raise AssumptionError(key, f"{a.label}: low value {lo:g} is above the high "
                                       f"value {hi:g}")
        default = _DEFAULT_BY_KEY[key]
        edited = (lo != default.low or hi != default.high or a.used != default.central)
        return self._replace(replace(a, low=lo, high=hi, user_edited=edited))

    def reset(self, key: str | None = None) -> "Assumptions":
        if key is None:
            return Assumptions(options=dict(DEFAULT_OPTIONS))
        self[key]
        return self._replace(_DEFAULT_BY_KEY[key])

    def with_options(self, **options: Any) -> "Assumptions":
        merged = dict(self.options)
        for name, value in options.items():
            if name not in DEFAULT_OPTIONS:
                raise AssumptionError(name, f"unknown option '{name}'")
            merged[name] = value
        _check_options(merged)
        return Assumptions(entries=dict(self.entries), options=merged)

    def _replace(self, entry: Assumption) -> "Assumptions":
        entries = dict(self.entries)
        entries[entry.key] = entry
        out = Assumptions(entries=entries, options=dict(self.options))
        out.validate()
        return out

    def validate(self) -> None:
        """Raise AssumptionError on the first unusable value."""
        for a in self:
            a.check(a.used)
            a.check(a.low, "low value")
            a.check(a.high, "high value")
            if a.low > a.high:
                raise AssumptionError(a.key, f"{a.label}: low value {a.low:g} is above the "
                                             f"high value {a.high:g}")
        for small, large in ORDERED:
            if self.value(small) > self.value(large):
                raise AssumptionError(small, f"{self[small].label} ({self.value(small):,.0f})"
                                             f" is above {self[large].label} "
                                             f"({self.value(large):,.0f})")
        _check_options(self.options)

    # -- serialising
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict: every entry's low/value/high and edited flag, plus options."""
        out: dict[str, Any] = {a.key: {"low": a.low, "value": a.used, "high": a.high,
                                       "edited": a.user_edited} for a in self}
        out["options"] = dict(self.options)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> "Assumptions":
        """Defaults overlaid with ``data`` (as written by to_dict; a bare number = value)."""
        out = cls()
        if not data:
            return out
        if not isinstance(data, Mapping):
            raise AssumptionError("assumptions", "must be a mapping of assumption → value")
        entries = dict(out.entries)
        options = dict(DEFAULT_OPTIONS)
        for key, item in data.items():
            if key == "options":
                if not isinstance(item, Mapping):
                    raise AssumptionError("options", "options must be a mapping")
                for name, value in item.items():
                    if name not in DEFAULT_OPTIONS:
                        raise AssumptionError(name, f"unknown option '{name}'")
                    options[name] = value
                continue
            if key not in entries:
                raise AssumptionError(str(key), f"unknown assumption '{key}'")
            a = entries[key]
            if isinstance(item, Mapping):
                unknown = set(item) - {"low", "value", "high", "edited"}
                if unknown:
                    raise AssumptionError(key, f"{a.label}: unknown field "
                                               f"'{sorted(unknown)[0]}'")
                low = a.check(item.get("low", a.low), "low value")
                high = a.check(item.get("high", a.high), "high value")
                value = a.check(item.get("value", a.used))
            else:
                low, high, value = a.low, a.high, a.check(item)
            changed = (value != a.central or low != a.low or high != a.high)
            entries[key] = replace(a, low=low, high=high,
                                   value=None if value == a.central else value,
                                   user_edited=changed)
        result = cls(entries=entries, options=options)
        result.validate()
        return result

    def to_frame(self, used_by: str | None = None) -> pd.DataFrame:
        """The table a report prints: one row per assumption with its source."""
        import pandas as pd
        rows = [{"assumption": a.label, "unit": a.unit, "low": a.low, "central": a.central,
                 "high": a.high, "value used": a.used, "uncertain": a.uncertain,
                 "edited": a.user_edited, "used by": a.used_by, "source": a.source,
                 "key": a.key}
                for a in self if used_by is None or a.used_by == used_by]
        return pd.DataFrame(rows)


_DEFAULT_BY_KEY = {a.key: a for a in DEFAULTS}


def _check_options(options: Mapping[str, Any]) -> None:
    if not isinstance(options.get("need_weighted_lists", False), bool):
        raise AssumptionError("need_weighted_lists", "need-weighted lists must be true or "
                                                     "false")
    if options.get("dwellings_range_end", "high") not in ("low", "high"):
        raise AssumptionError("dwellings_range_end", "which end of a site's dwelling range "
                                                     "must be 'low' or 'high'")
    for key, lo, hi in (("phasing_start_year", 1990, 2100), ("phasing_build_years", 1, 50)):
        value = options.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not lo <= value <= hi):
            raise AssumptionError(key, f"{key.replace('_', ' ')} must be a whole number "
                                       f"{lo}–{hi} or blank")
    if not isinstance(options.get("apply_length_trend"), bool):
        raise AssumptionError("apply_length_trend", "apply_length_trend must be true or false")
    base = options.get("length_trend_base_year")
    if base is not None and (isinstance(base, bool) or not isinstance(base, int)
                             or not 1990 <= base <= 2100):
        raise AssumptionError("length_trend_base_year", "the consultation-length trend's base "
                                                        "year must be a year 1990–2100 or blank")
    if options.get("length_trend_method") not in TREND_METHODS:
        raise AssumptionError("length_trend_method", "the consultation-length trend method "
                                                     "must be 'compound' or 'simple'")


def length_trend_factor(years_after_base, rate: float, method: str = "compound"):
    """Multiplier on consultation length ``years_after_base`` years on (none before base)."""
    import numpy as np
    n = np.maximum(np.asarray(years_after_base, dtype=float), 0.0)
    if method == "compound":
        return (1.0 + rate) ** n
    if method == "simple":
        return 1.0 + rate * n
    raise ValueError("method must be 'compound' or 'simple'")


def default_assumptions() -> Assumptions:
    return Assumptions()
