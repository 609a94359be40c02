"""One protocol for long work (imports, grouping, the site optimiser).

Whoever runs the work passes two keyword arguments: ``progress(fraction, message)`` to report
how far it is (0..1), and ``cancel() -> bool`` to ask whether the user pressed Cancel. The
work checks often and raises ``Cancelled`` (this one class, everywhere) when asked to stop,
having changed nothing. The window
supplies both from its background worker (gui/worker.py); the command line passes neither.
"""
from __future__ import annotations

from typing import Callable

Progress = Callable[[float, str], None]
CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """The user pressed Cancel; nothing was changed."""


def check(cancel: CancelCheck | None) -> None:
    """Raise Cancelled if the user has asked to stop."""
    if cancel is not None and cancel():
        raise Cancelled()
