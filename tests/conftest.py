"""Shared test set-up: headless Qt, the sample data, and the real Medway files in ../shared."""
from __future__ import annotations

import os
import logging
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# A large virtual screen (2400×1300): the planning panels are wide (see gui_helpers.open_window)
# and tests can click what a person would see.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen:configfile="
                      + str(Path(__file__).resolve().parent / "offscreen_screen.json"))
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Keep tests' settings, autosaves and recent files away from the user's own — and from
# other test runs on the same machine (Qt's test mode alone shares ~/.qttest between them,
# so one run's clean exit could delete another's autosave).
SESSION_DIR = Path(tempfile.mkdtemp(prefix="medway-tests-"))
try:  # pragma: no cover
    from PySide6.QtCore import QSettings, QStandardPaths
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(SESSION_DIR / "settings"))
except ImportError:
    pass


@pytest.fixture(autouse=True, scope="session")
def _own_settings_dir():
    """The autosave/recovery folder and the kept map pages of this run only
    (gui.scenarios.settings_dir, gui.map_preview.cache_folder)."""
    try:
        import gui.map_preview as map_preview
        import gui.scenarios as scenarios
    except ImportError:          # pragma: no cover - a machine without Qt
        yield
        return
    folder = SESSION_DIR / "app-data"
    folder.mkdir(parents=True, exist_ok=True)
    original = scenarios.settings_dir, map_preview.cache_folder
    scenarios.settings_dir = lambda: folder
    map_preview.cache_folder = lambda: SESSION_DIR / "map-pages"
    yield
    scenarios.settings_dir, map_preview.cache_folder = original
    shutil.rmtree(SESSION_DIR, ignore_errors=True)

# The web engine must be imported before the QApplication exists (docs/design.md §7).
try:  # pragma: no cover - only absent on a machine without Qt
    import PySide6.QtWebEngineWidgets  # noqa: F401

    from gui import qt_fixes  # noqa: F401  (PySide6 6.12 emit refcount bug, for every test)
except ImportError:
    pass

UNANSWERED: list[tuple[str, str, str]] = []   # message boxes raised outside any test


def _message_boxes_never_wait() -> None:
    """Between tests (e.g. events Qt delivers after a test's own answers are gone) a message
    box must not wait for a click that never comes: it is printed, recorded and answered."""
    try:
        from PySide6.QtWidgets import QMessageBox
    except ImportError:          # pragma: no cover - a machine without Qt
        return

    def answer(kind):
        def show(parent, title, text="", *a, **k):
            UNANSWERED.append((kind, str(title), str(text)))
            sys.stderr.write(f"\n[message box outside a test] {kind}: {title}: {text}\n")
            return (QMessageBox.StandardButton.No if kind == "question"
                    else QMessageBox.StandardButton.Ok)
        return show
    for kind in ("question", "warning", "information", "critical"):
        setattr(QMessageBox, kind, staticmethod(answer(kind)))


_message_boxes_never_wait()

SAMPLE = ROOT / "data" / "sample"
SHARED_MEDWAY = ROOT.parent / "shared" / "data" / "medway"


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture
def data(tmp_path) -> Path:
    """A writable copy of the sample at ``tmp_path/D``, for the hostile tests that aim
    outputs at their own inputs."""
    folder = tmp_path / "D"
    shutil.copytree(SAMPLE, folder)
    return folder


@pytest.fixture(autouse=True)
def _logging_back_on():
    """A test that silences logging (to provoke a fault quietly) never silences the next."""
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample folder, for tests that break it on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(SAMPLE, dest)
    return dest


_IMPORTED: dict[tuple[str, ...], Path] = {}


@pytest.fixture(autouse=True, scope="session")
def _imports_cleared():
    yield
    for folder in _IMPORTED.values():
        shutil.rmtree(folder.parent, ignore_errors=True)


def imported(argv: list[str], out: Path) -> Path:
    """``main.py import <argv> --out out``; the same import asked again in this session is
    a copy of the first one's pristine output (the import is deterministic; several test
    modules each need their own writable real-Medway folder). Skipped, with the reason,
    where ../shared is absent."""
    from cli import main as cli_main
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway (it sits beside the "
                    "repository in CI; a user's clone has none)")
    key = tuple(argv)
    if key not in _IMPORTED:
        first = Path(tempfile.mkdtemp(prefix="medway-import-")) / "data"
        assert cli_main([*argv, "--out", str(first)]) == 0
        _IMPORTED[key] = first
    shutil.copytree(_IMPORTED[key], out)
    return out


@pytest.fixture
def medway() -> Path:
    """The real published Medway files; skipped (with the reason) where ../shared is absent."""
    if not SHARED_MEDWAY.is_dir():
        pytest.skip("real Medway data not found at ../shared/data/medway (it sits beside the "
                    "repository in CI; a user's clone has none)")
    return SHARED_MEDWAY


class Dialogs:
    """Answers the app's modal dialogs as a user would, and records what was asked.

    Every test gets one (autouse): a modal dialog never blocks a headless run, and a test
    scripts the answers it needs, e.g. ``dialogs.save_path = str(tmp / "x.pdf")``,
    ``dialogs.text = "Option C"``, ``dialogs.answers["Unsaved changes"] = Cancel``.
    Unscripted: file dialogs are cancelled, text prompts cancelled, questions answered
    Discard/No (nothing saved, nothing recovered), warnings acknowledged."""

    def __init__(self):
        self.asked: list[tuple[str, str]] = []      # (kind, title)
        self.messages: list[str] = []
        self.open_path = ""
        self.open_paths: list[str] = []
        self.save_path = ""
        self.folder = ""
        self.text: str | None = None
        self.answers: dict = {}
        self.start_dirs: list[str] = []

    def _ask(self, kind, title, message="", start=""):
        self.asked.append((kind, title))
        self.messages.append(str(message))
        self.start_dirs.append(str(start))

    def install(self, monkeypatch) -> None:
        from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
        button = QMessageBox.StandardButton

        def question(parent, title, text, buttons=None, *a, **k):
            self._ask("question", title, text)
            if title in self.answers:
                return self.answers[title]
            if buttons is not None and buttons & button.Discard:
                return button.Discard
            return button.No

        def note(kind):
            def show(parent, title, text, *a, **k):
                self._ask(kind, title, text)
                return button.Ok
            return show

        def get_open(parent, title, start="", *a, **k):
            self._ask("open", title, start=start)
            return self.open_path, ""

        def get_opens(parent, title, start="", *a, **k):
            self._ask("open many", title, start=start)
            return list(self.open_paths), ""

        def get_save(parent, title, start="", *a, **k):
            self._ask("save", title, start=start)
            return self.save_path, ""

        def get_dir(parent, title, start="", *a, **k):
            self._ask("folder", title, start=start)
            return self.folder

        def get_text(parent, title, label, *a, **k):
            self._ask("text", title, label)
            return (self.text or "", self.text is not None)

        for name, fn in (("question", question), ("warning", note("warning")),
                         ("information", note("information")),
                         ("critical", note("critical")), ("about", note("about"))):
            monkeypatch.setattr(QMessageBox, name, staticmethod(fn))
        for name, fn in (("getOpenFileName", get_open), ("getOpenFileNames", get_opens),
                         ("getSaveFileName", get_save), ("getExistingDirectory", get_dir)):
            monkeypatch.setattr(QFileDialog, name, staticmethod(fn))
        monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    """See Dialogs: each test's own answers, gone when the test ends."""
    try:
        import PySide6.QtWidgets  # noqa: F401
    except ImportError:          # pragma: no cover - a machine without Qt
        yield None
        return
    d = Dialogs()
    d.install(monkeypatch)
    yield d


@pytest.fixture(autouse=True)
def slot_errors(monkeypatch):
    """Fail a test on any exception raised inside a Qt slot: PySide reports those through
    sys.excepthook and carries on, so without this they would pass unseen."""
    seen: list[str] = []

    def record(kind, value, tb):
        import traceback
        seen.append("".join(traceback.format_exception(kind, value, tb)))
    monkeypatch.setattr(sys, "excepthook", record)
    yield seen
    if seen:
        pytest.fail("exception(s) in Qt slots:\n" + "\n".join(seen), pytrace=False)


def fresh_settings() -> None:
    """No test sees settings, recent files or autosaves left by another (or by the user)."""
    from PySide6.QtCore import QSettings
    from gui.app import make_application
    from gui.scenarios import settings_dir
    from models.scenario import clear_recovery
    make_application()
    QSettings().clear()
    QSettings().sync()
    clear_recovery(settings_dir())


@pytest.fixture(scope="module")
def window(request):
    """The real main window on the sample, one per test module (the map takes a second to
    load), started from empty settings. A module may set PANEL = "groups" / "hubs" /
    "demand" to bring that tab up."""
    from geo.canonical import load_sample
    from tests.gui_helpers import close_window, open_window
    fresh_settings()
    win = open_window(load_sample())
    panel = getattr(request.module, "PANEL", None)
    if panel:
        win.show_panel(panel)
    yield win
    win.workspace.undo_stack.setClean()      # closing asks nothing
    close_window(win)


@pytest.fixture
def undo_all(window):
    """Put the window back as it was: undo every edit the test made."""
    yield
    while window.workspace.undo_stack.canUndo():
        window.workspace.undo_stack.undo()


def pytest_terminal_summary(terminalreporter):
    """Name any message box that came up outside a test (it was answered, not waited on)."""
    if UNANSWERED:
        terminalreporter.section("message boxes outside any test")
        for kind, title, text in UNANSWERED:
            terminalreporter.write_line(f"{kind}: {title}: {text}")
