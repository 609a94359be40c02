"""How figures read to a planner, the same in the window, the command line and the PDF.

Unknown is never zero: a missing figure prints as "unknown" (never 0, "nan" or blank), and
money is rounded to what its assumptions can support, always with its range.
"""
from __future__ import annotations

import math

UNKNOWN = "unknown"


def known(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def number(value, digits: int = 0, unknown: str = UNKNOWN) -> str:
    """1234.5 → '1,235' (digits=0); None/NaN → 'unknown'."""
    return f"{float(value):,.{digits}f}" if known(value) else unknown


def share(value, digits: int = 0, unknown: str = UNKNOWN) -> str:
    """0.243 → '24%'."""
    return f"{float(value) * 100:.{digits}f}%" if known(value) else unknown


def round_money(value: float) -> float:
    """To 2 significant figures (at least to the £1,000): an estimate, not an invoice."""
    v = float(value)
    if v == 0:
        return 0.0
    step = max(10 ** (math.floor(math.log10(abs(v))) - 1), 1000 if abs(v) >= 10_000 else 10)
    return round(v / step) * step


def money(value, unknown: str = UNKNOWN) -> str:
    """£1,664,510 → '£1.7m'; £266,175 → '£270k'; £206.4 → '£210'."""
    if not known(value):
        return unknown
    v = round_money(value)
    if abs(v) >= 1e6:
        return f"£{v / 1e6:,.1f}m"
    if abs(v) >= 10_000:
        return f"£{v / 1e3:,.0f}k"
    return f"£{v:,.0f}"


def money_range(central, low, high) -> str:
    """'£1.7m (£1.1m–£2.9m)'."""
    return f"{money(central)} ({money(low)}–{money(high)})"


def count_of(n_known: int, n_all: int, what: str = "practices") -> str:
    """'40 of 44 practices' — the count a ratio rests on."""
    return f"{n_known} of {n_all} {what}"


def practice_label(practices, code: str) -> str:
    """'Reach Healthcare (G82161)': the name a planner reads, with the code to be sure
    (the code alone when the practice is not in the data)."""
    hits = practices.loc[practices["practice_code"].astype(str) == str(code), "name"]
    name = str(hits.iloc[0]).strip() if len(hits) else ""
    return f"{name} ({code})" if name and name != str(code) else str(code)
