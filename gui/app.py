"""Start the Qt application: environment for the web engine, the dataset, the window."""
from __future__ import annotations

import os
import sys


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


def run_app(data_dir: str | None = None) -> int:
    dataset = load_dataset(data_dir)      # a bad --data folder: message and exit 2
    app = make_application()
    from gui.error_log import install_excepthook
    install_excepthook()                  # one line on screen, the traceback in a log
    from gui.main_window import MainWindow
    window = MainWindow(dataset)
    if os.environ.get("MEDWAY_EXIT_WHEN_READY"):   # benchmarks/startup.py measures this
        window.mapReady.connect(lambda counts: print("map-ready", counts, flush=True))

        def _panels():
            print("panels-ready", flush=True)
            window.close()
            app.quit()
        window.panelsReady.connect(_panels)
    window.show()
    if not os.environ.get("MEDWAY_EXIT_WHEN_READY"):
        window.scenarios.offer_recovery()
    return app.exec()
