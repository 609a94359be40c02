"""Regenerate the README's pictures (docs/*.png) from the illustrative sample.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/docs_screenshots.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def settle(app, ms: int = 600) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> None:
    from gui.app import make_application
    from gui.main_window import MainWindow
    from models import grouping
    from geo.canonical import load_sample
    app = make_application()
    window = MainWindow(load_sample())
    window.resize(1500, 950)
    window.show()
    assert window.wait_for_map(60000)
    settle(app)
    out = ROOT / "docs"
    window.grab().save(str(out / "screenshot.png"))
    result = grouping.group_practices(window.dataset.practices, 30_000, 50_000, seed=1)
    window.workspace.set_state("groups", result.mapping, "Group practices")
    window.show_panel("groups")
    window.tabs.setCurrentIndex(0)
    settle(app)
    window.grab().save(str(out / "groups.png"))
    window.workspace.set_state("groups", {}, "Clear")
    window.show_panel("demand")
    window.layers_panel.set_checked("demand", True)
    settle(app)
    window.grab().save(str(out / "demand.png"))
    window.layers_panel.set_checked("demand", False)
    window.show_panel("hubs")
    window.layers_panel.set_checked("catchments", True)
    settle(app)
    window.grab().save(str(out / "hubs.png"))
    window.workspace.undo_stack.setClean()
    window.close()
    print("wrote", ", ".join(p.name for p in sorted(out.glob("*.png"))))


if __name__ == "__main__":
    main()
