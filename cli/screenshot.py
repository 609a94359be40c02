"""`screenshot`: render the main window once the map has loaded, save a PNG, exit."""
from __future__ import annotations

import re

from cli import UserError


def register(sub) -> None:
    p = sub.add_parser("screenshot", help="save a PNG of the main window once the map loads",
                       description="Open the app off-screen, wait for the map, save a PNG.")
    p.add_argument("--out", required=True, metavar="F.png", help="where to write the PNG")
    p.add_argument("--data", dest="screenshot_data", metavar="DIR",
                   help="data folder (default: the illustrative sample)")
    p.add_argument("--size", default="1400x900", metavar="WxH",
                   help="window size in pixels (default 1400x900)")
    p.add_argument("--timeout", type=float, default=60, help="seconds to wait for the map")
    p.add_argument("--panel", choices=["details", "hubs", "groups", "demand", "capacity"],
                   default="details", help="which side panel to show (default details)")
    p.set_defaults(func=run)


def run(args) -> int:
    import os
    size = re.fullmatch(r"(\d{3,5})x(\d{3,5})", args.size)
    if not size:
        raise UserError(f"--size '{args.size}' must look like 1400x900")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import load_dataset, make_application
    dataset = load_dataset(args.screenshot_data or args.data)
    app = make_application()
    from gui.main_window import MainWindow
    window = MainWindow(dataset)
    window.resize(int(size.group(1)), int(size.group(2)))
    window.show_panel(args.panel)
    window.show()
    if not window.wait_for_map(int(args.timeout * 1000)):
        raise UserError("the map did not finish loading: " + (window.map_label.text()))
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)   # let the compositor paint the loaded page
    loop.exec()
    ok = window.grab().save(args.out)
    window.close()
    app.processEvents()
    if not ok:
        raise UserError(f"could not write {args.out}")
    print(f"wrote {args.out} ({window.map_label.text()})")
    return 0
