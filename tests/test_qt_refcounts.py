"""PySide6 6.12 drops a reference to a Python slot's None return value on every call; on
Python 3.11 the app aborted (none_dealloc) after a few thousand slot calls. The guard in
gui/qt_fixes.py must hold in a fresh process, the way the app starts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
from gui.app import make_application
from PySide6.QtGui import QAction
app = make_application()
calls = []
action = QAction("x")
action.triggered.connect(lambda: calls.append(1))
for _ in range(20000):
    action.trigger()
print(len(calls))
"""


@pytest.mark.slow
def test_twenty_thousand_slot_calls_do_not_abort_the_app():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "20000"
