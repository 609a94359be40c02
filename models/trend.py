"""The consultation-length trend the Operational Plan applies to GP workload.

Mean GP consultation 8.4 min (1993) → 11.7 min (2007): held as a compound rate per year
(≈2.4 %); "simple" spreads the period's rise evenly, the reading that gives the plan's
"+14 % GP workload" over five years.
"""
from __future__ import annotations

import numpy as np

from models.assumptions import TREND_FROM_MIN, TREND_SPAN_YEARS, TREND_TO_MIN, Assumptions

TREND_PERIOD = (f"mean GP consultation {TREND_FROM_MIN:g} min (1993) → {TREND_TO_MIN:g} min "
                f"(2007), {TREND_SPAN_YEARS} years (GP Workload Survey, quoted in the Medway "
                "CCG Operational Plan 2017–19)")


def trend_factor(years_after_base, compound_rate: float, method: str = "compound"):
    """Workload multiplier ``years_after_base`` years on (1 before the base year).

    The rate is held as a compound rate per year. "simple" spreads the same rise over the
    period it was measured on evenly: over 1993–2007, 2.395 %/yr compound is a 39.3 % rise,
    2.81 % of the base a year, so five years give +14.0 % — the plan's "+14 % GP workload";
    compounded, five years give +12.6 %.
    """
    n = np.maximum(np.asarray(years_after_base, dtype=float), 0.0)
    if method == "compound":
        return (1.0 + compound_rate) ** n
    if method == "simple":
        per_year = ((1.0 + compound_rate) ** TREND_SPAN_YEARS - 1.0) / TREND_SPAN_YEARS
        return 1.0 + per_year * n
    raise ValueError("method must be 'compound' or 'simple'")


def trend_note(a: Assumptions, trend: tuple[bool, int, str], years) -> str:
    """One line saying how the consultation-length trend was applied (or that it was not)."""
    apply, base, method = trend
    if not apply:
        return ("Consultation-length trend not applied (GP workload per patient held at "
                "today's).")
    rate = a.value("consultation_length_growth")
    last = int(years[-1]) if len(years) else base
    factor = float(trend_factor(last - base, rate, method))
    how = (f"{rate:.2%}/yr compounded" if method == "compound" else
           f"simple: the period's rise spread evenly, "
           f"{(float(trend_factor(1, rate, 'simple')) - 1):.2%} of the base length a year")
    return (f"Consultation-length trend applied ({how}; from {TREND_PERIOD}): "
            f"base year {base}/{str(base + 1)[-2:]}, ×{factor:.3f} by {last}/"
            f"{str(last + 1)[-2:]}, on the whole registered list (today's and new patients) — "
            "existing pressure, shown on its own line, never in the new dwellings' figures")
