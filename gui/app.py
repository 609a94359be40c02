"""Start the Qt application: environment for the web engine, the dataset, the window."""
from __future__ import annotations

import os
import sys


# How long start-up waits for the window's first paint before loading the data anyway (a
# window opened on another desktop may not paint until it is looked at).
FIRST_PAINT_WAIT_MS = 500


def prepare_environment() -> None:
    """Web-engine settings that must exist before Qt starts."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to run its sandbox as root (CI and workshop VMs often are).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    extra = "--disable-background-networking --disable-component-update"
    if extra not in flags:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " " + extra).strip()
    import PySide6.QtWebEngineWidgets  # noqa: F401  (must precede the QApplication)


def make_application(argv=None):
    prepare_environment()
    from gui import qt_fixes  # noqa: F401  (PySide6 6.12 emit refcount bug)
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv or sys.argv[:1])
    app.setOrganizationName("Medway Estates Planner")
    app.setApplicationName("Medway Estates Planner")
    return app


def load_dataset(data_dir: str | None):
    """The embedded sample, or the given folder (DataError propagates to the caller)."""
    from geo.canonical import load_folder, load_sample
    return load_sample() if not data_dir else load_folder(data_dir)


def loading_text(data_dir: str | None) -> str:
    """What the window says while the data loads."""
    if not data_dir:
        return "Loading the sample (illustrative)…"
    return f"Loading {os.path.basename(os.path.normpath(data_dir)) or data_dir}…"


def _load_in_background(data_dir: str | None, progress, cancelled):
    """The worker's half of start-up: the dataset, and the libraries the window then needs
    (pandas, folium…) imported here rather than on the GUI thread. Returns (dataset, None)
    or (None, the exception), so the caller can raise it as the command line would."""
    try:
        dataset = load_dataset(data_dir)
    except Exception as exc:       # raised again on the GUI thread, after the loop ends
        return None, exc
    if not cancelled():
        import models.plan  # noqa: F401
        import rendering.webmap  # noqa: F401
        import rendering.map_layers.registry  # noqa: F401
    return dataset, None


def _report(event: str, *details) -> None:
    """One start-up line for benchmarks/startup.py: the event, the CPU seconds this
    process has used, what was shown."""
    import time
    print(event, f"cpu={time.process_time():.2f}", *details, flush=True)


def _report_and_exit_when_ready(app, window) -> None:
    """Under MEDWAY_EXIT_WHEN_READY (benchmarks/startup.py, tests/test_startup.py): a line
    as the window shows, the data's map is first drawn (the last start's page when kept:
    gui/map_preview.py), the map is ready (with what the status bar then says) and the
    planning panels are built; then quit."""
    window.shown.connect(lambda: _report("window-shown"))
    window.mapShown.connect(lambda: _report("map-shown"))
    window.mapReady.connect(lambda counts: _report("map-ready", counts, "|",
                                                   window.map_label.text()))

    def _panels():
        _report("panels-ready")
        window.close()
        app.quit()
    window.panelsReady.connect(_panels)


def run_app(data_dir: str | None = None) -> int:
    """Window first, data after: the window (and its map page, warming) shows at once; the
    dataset loads off the GUI thread and the window then fills in. A bad --data folder
    closes it and raises its DataError (the command line prints one line, exit 2)."""
    app = make_application()
    from PySide6.QtCore import QTimer
    from gui.error_log import install_excepthook
    install_excepthook()                  # one line on screen, the traceback in a log
    from gui.main_window import MainWindow
    from gui.worker import Task
    exit_when_ready = bool(os.environ.get("MEDWAY_EXIT_WHEN_READY"))
    from gui.map_preview import lookup
    window = MainWindow(loading=loading_text(data_dir), preview=lookup(data_dir))
    failure: list[BaseException] = []
    if exit_when_ready:
        _report_and_exit_when_ready(app, window)

    def _loaded(outcome) -> None:
        dataset, error = outcome
        if error is not None:
            failure.append(error)
            window.close()
            app.quit()
            return
        if exit_when_ready:
            _report("data-loaded", dataset.label)
        window.show_first_dataset(dataset)
        if not exit_when_ready:           # recovery is offered once the data is in
            QTimer.singleShot(0, window.scenarios.offer_recovery)

    task = Task(lambda progress, cancelled: _load_in_background(data_dir, progress, cancelled),
                window)
    task.done.connect(_loaded)
    task.failed.connect(lambda message: _loaded((None, RuntimeError(message))))
    started = []

    def _start_loading() -> None:         # after the first paint: the window comes first
        if not started:
            started.append(True)
            task.start()
    window.shown.connect(_start_loading)
    QTimer.singleShot(FIRST_PAINT_WAIT_MS, _start_loading)    # a window never painted
    window.show()
    code = app.exec()
    if failure:
        raise failure[0]
    return code
