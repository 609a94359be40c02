"""One planning assumption: its low / central / high values, unit, source, bounds and the
value in use; refused values raise AssumptionError naming it."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geo.errors import DataError


class AssumptionError(DataError):
    """An assumption value that cannot be used; the message names the assumption."""

    def __init__(self, key: str, reason: str):
        super().__init__("assumptions", reason, field=key)
        self.key = key


@dataclass(frozen=True)
class Assumption:
    """One planning assumption with its range, unit and source."""

    key: str
    label: str
    unit: str
    low: float
    central: float
    high: float
    source: str
    uncertain: bool = False
    used_by: str = "demand"
    minimum: float = 0.0            # smallest acceptable value (inclusive)
    maximum: float | None = None    # largest acceptable value (inclusive), a typo guard
    positive: bool = False          # must be above zero (it divides something)
    integer: bool = False
    value: float | None = None      # the value used; None = central
    user_edited: bool = False

    @property
    def used(self) -> float:
        return self.central if self.value is None else self.value

    @property
    def scenario_low(self) -> float:
        """The low end, widened to include an edited value outside the range."""
        return min(self.low, self.used)

    @property
    def scenario_high(self) -> float:
        return max(self.high, self.used)

    def check(self, number: Any, what: str = "value") -> float:
        """``number`` as a float if acceptable for this assumption, else AssumptionError."""
        if isinstance(number, bool) or number is None:
            raise AssumptionError(self.key, f"{self.label}: {what} must be a number")
        try:
            x = float(number)
        except (TypeError, ValueError):
            raise AssumptionError(self.key, f"{self.label}: {what} '{number}' is not a "
                                            "number") from None
        if not math.isfinite(x):
            raise AssumptionError(self.key, f"{self.label}: {what} must be a finite number")
        if self.positive and x <= 0:
            raise AssumptionError(self.key, f"{self.label}: {what} must be above 0 "
                                            f"(got {x:g}) — it is divided by")
        if x < self.minimum:
            raise AssumptionError(self.key, f"{self.label}: {what} {x:g} is below the "
                                            f"minimum {self.minimum:g} {self.unit}")
        if self.maximum is not None and x > self.maximum:
            raise AssumptionError(self.key, f"{self.label}: {what} {x:g} is above the "
                                            f"maximum {self.maximum:g} {self.unit}")
        if self.integer and x != round(x):
            raise AssumptionError(self.key, f"{self.label}: {what} {x:g} must be a whole "
                                            "number")
        return x


def _a(key, label, unit, low, central, high, source, **kw) -> Assumption:
    return Assumption(key, label, unit, float(low), float(central), float(high), source, **kw)


SHARE = dict(minimum=0.0, maximum=1.0)
