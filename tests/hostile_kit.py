"""Shared pieces of the hostile-input suite: hostile values, the refusal contract, a tally.

The contract for every reader and command: either a good result, or one DataError whose
message is one line naming the file (and row/field where there is one). Any other
exception, a multi-line message, a hang or a non-finite number in a result is a failure.
``tried()`` counts the hostile cases the suite throws (HOSTILE_TALLY=file appends one line
per case, so a run can report the total).
"""
from __future__ import annotations

import math
import os

import pandas as pd

from geo.errors import DataError

# Cell values that broke readers or exports before (issue 15) and their relatives.
HOSTILE_CELLS = [
    "inf", "-inf", "Infinity", "NaN", "nan", "1e308", "-1e308", "1e999", "9" * 400,
    "0x1F", "1_000", "١٢٣", "1e-400", "", " ", "-1", "1.5e3", "12,3,4", "--5", "+",
    "=HYPERLINK(\"http://x\")", "+1+1", "-cmd", "@SUM(A1)", "$2m", "A ($2m) and B ($3m)",
    "a\x00b", "a\rb", "a\nb", "\ufeff", "é", "\udcff"[:0] + "ÿþ", "x" * 5000, "true",
    "\t", ";", "\"", "'", "99999999999999999999", "1e15", "-0", "1.0000000000000002",
]


def tried(n: int = 1) -> None:
    path = os.environ.get("HOSTILE_TALLY")
    if path:
        with open(path, "a") as fh:
            fh.write(f"{n}\n")


def refuses_cleanly(fn, *args, **kwargs):
    """Run a reader: return its result, or None after a clean one-line DataError."""
    tried()
    try:
        return fn(*args, **kwargs)
    except DataError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message, message
        assert message.strip(), "empty refusal"
        return None


def assert_sane_frame(frame: pd.DataFrame) -> None:
    """Numbers finite and bounded; text without control characters (exports read back)."""
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            for v in values.dropna():
                assert math.isfinite(float(v)) and abs(float(v)) <= 1e12, (col, v)
        elif values.dtype == object:
            for v in values:
                if isinstance(v, str):
                    assert not any(c in v for c in "\x00\r\n"), (col, repr(v))
