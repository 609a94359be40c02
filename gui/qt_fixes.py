"""Work around a PySide6 6.12 reference-count bug that aborts the app.

Every ``Signal.emit()`` called from Python returns ``True`` without taking a reference, so
each emit removes one reference from ``True``. On Python 3.11 ``True`` is an ordinary
object (about 300 references at start): after a few hundred emits more than were taken
the interpreter aborts with "Fatal Python error: bool_dealloc" (seen after 25 groupings and
25 suggestions, at exit, or mid-run). ``True`` is never freed legitimately, so giving it a
reserve of references that no leak can exhaust is harmless; on Python 3.12+ ``True`` is
immortal (its count is pinned) and nothing is done.
"""
from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40     # references added to True and False: ~10^12 emits
FOR_PYSIDE = "6.12"   # the release this is for; pyproject.toml pins PySide6 to it


def guard_bool_refcounts() -> None:
    """Give True, False and None a reserve of references (once; no-op where they are
    immortal). None too: each call of a Python slot drops one reference to the None it
    returns, so ~5,000 slot calls (a few minutes of dragging) aborted with none_dealloc."""
    for value in (True, False, None):
        if sys.getrefcount(value) >= RESERVE or sys.version_info >= (3, 12):
            continue
        ctypes.c_ssize_t.from_address(id(value)).value += RESERVE


guard_bool_refcounts()
