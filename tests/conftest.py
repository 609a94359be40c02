"""Shared test set-up: headless Qt, the sample data, and the real Medway files in ../shared."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Keep tests' settings, autosaves and recent files away from the user's own.
try:  # pragma: no cover
    from PySide6.QtCore import QStandardPaths
    QStandardPaths.setTestModeEnabled(True)
except ImportError:
    pass

# The web engine must be imported before the QApplication exists (docs/design.md §7).
try:  # pragma: no cover - only absent on a machine without Qt
    import PySide6.QtWebEngineWidgets  # noqa: F401
except ImportError:
    pass

SAMPLE = ROOT / "data" / "sample"
SHARED_MEDWAY = ROOT.parent / "shared" / "data" / "medway"


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample folder, for tests that break it on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture
def medway() -> Path:
    """The real published Medway files; skipped (with the reason) where ../shared is absent."""
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway (it sits beside the "
                    "repository in CI; a user's clone has none)")
    return SHARED_MEDWAY


@pytest.fixture(scope="module")
def window(request):
    """The real main window on the sample, one per test module (the map takes a second to
    load). A module may set PANEL = "groups" / "hubs" / "demand" to bring that tab up."""
    from geo.canonical import load_sample
    from tests.gui_helpers import close_window, open_window
    win = open_window(load_sample())
    panel = getattr(request.module, "PANEL", None)
    if panel:
        win.show_panel(panel)
    yield win
    close_window(win)


@pytest.fixture
def undo_all(window):
    """Put the window back as it was: undo every edit the test made."""
    yield
    while window.workspace.undo_stack.canUndo():
        window.workspace.undo_stack.undo()
