"""Unexpected errors in the window: one line for the planner, the traceback in a log file.

A planner cannot act on a traceback; a developer needs it. So the window shows one line
(what failed, where the details are) and appends the full traceback, with the time, to
``errors.log`` in the app's data folder (gui.scenarios.settings_dir).
"""
from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path

LOG_NAME = "errors.log"
MAX_LOG_BYTES = 1_000_000     # past this the log starts again (kept as errors.log.1)


def log_path() -> Path:
    from gui.scenarios import settings_dir
    return Path(settings_dir()) / LOG_NAME


def log_exception(exc: BaseException) -> Path | None:
    """Append ``exc``'s traceback to the error log; its path, or None if it cannot be
    written (a full disk must not turn one error into two)."""
    try:
        path = log_path()
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_name(LOG_NAME + ".1"))
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        with open(path, "a", encoding="utf-8", errors="replace") as fh:
            fh.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n{text}\n")
        return path
    except Exception:  # noqa: BLE001 - logging is best effort
        return None


def one_line(exc: BaseException) -> str:
    """What went wrong, in one printable line (a path for a disk error)."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        text = f"cannot read or write{where}: {exc.strerror}"
    else:
        first = (str(exc).strip().splitlines() or [""])[0]
        text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= 300 else text[:297] + "…"


def describe(exc: BaseException) -> str:
    """The one line shown for an unexpected error, after logging its traceback."""
    path = log_exception(exc)
    return one_line(exc) + (f" (details in {path})" if path else "")


def install_excepthook() -> None:
    """Uncaught errors in the window (a slot, a timer): one line in a message box and the
    status bar, the traceback in the log, and the window carries on."""
    def hook(kind, value, tb):
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        show_unexpected(value)
    sys.excepthook = hook


def show_unexpected(exc: BaseException) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox
    line = describe(exc)
    window = QApplication.activeWindow()
    if window is not None and hasattr(window, "statusBar"):
        window.statusBar().showMessage(line, 20000)
    QMessageBox.warning(window, "Something went wrong", line)
