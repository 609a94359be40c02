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
    p.add_argument("--travel", choices=["straight", "drive", "walk", "transit"],
                   help="Hubs tab 'Access by' (drive/walk need imported roads, transit an "
                        "imported timetable)")
    p.add_argument("--hub", metavar="ID",
                   help="select this hub, drawing its time bands (10/15/20 minutes by road, "
                        "15/30/45 by public transport)")
    p.add_argument("--no-catchments", action="store_true",
                   help="untick the 'Hub catchments' layer (to see time bands clearly)")
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
    _choose(window, args)
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


def _choose(window, args) -> None:
    """--travel and --hub: what a person would pick in the Hubs tab before the picture."""
    panel = window.hubs_panel
    if args.travel:
        i = panel.travel.findData(args.travel)
        if not panel.travel.model().item(i).isEnabled():
            raise UserError(f"--travel {args.travel}: {panel.travel.model().item(i).toolTip()}")
        panel.travel.setCurrentIndex(i)
    if args.no_catchments:
        window.layers_panel.set_checked("catchments", False)
    if args.hub:
        ids = list(panel.model.frame["hub_id"])
        if args.hub not in ids:
            raise UserError(f"--hub {args.hub}: no such hub (hubs: {', '.join(ids)})")
        panel.table.selectRow(ids.index(args.hub))
    _wait_for_page(window, "(medway.counts().time_bands || 0) > 0" if args.hub else "true")


def _wait_for_page(window, condition: str, seconds: float = 30.0) -> None:
    """Let the page draw what was asked (the overlays are drawn by its script)."""
    import time

    from PySide6.QtWidgets import QApplication
    end, seen = time.monotonic() + seconds, []
    while time.monotonic() < end and not seen:
        box = []
        window.map.run_js(f"!!({condition})", box.append)
        while not box and time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.02)
        seen = [True] if box and box[0] else []
    QApplication.processEvents()
