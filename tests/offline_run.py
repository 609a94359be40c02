"""Run the whole app journey with Python's network calls guarded (the offline proof).

Started by tests/test_offline.py as a separate process (optionally under `unshare -n`).
Every attempt to open a network connection is recorded and refused; at the end it prints
one JSON line: the attempts, the web page's blocked requests, and what the journey made.
"""
import json
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ATTEMPTS = []
_connect = socket.socket.connect
_create = socket.create_connection


def _guard(address):
    family_unix = isinstance(address, (str, bytes))
    if not family_unix:
        ATTEMPTS.append(str(address))
        raise OSError("network use is not allowed in the offline proof")


def guarded_connect(self, address):
    _guard(address)
    return _connect(self, address)


def guarded_create(address, *args, **kwargs):
    _guard(address)
    return _create(address, *args, **kwargs)


socket.socket.connect = guarded_connect
socket.create_connection = guarded_create
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(out_dir: Path) -> None:
    from geo.canonical import load_sample
    from models.demand import project_demand
    from models import grouping, hubs
    from rendering.report import board_report, write_pdf
    ds = load_sample()
    groups = grouping.group_practices(ds.practices, seed=1).mapping
    demand = project_demand(ds)
    plan = hubs.optimise_hubs(hubs.demand_points(ds), ds.hubs,
                              hubs.candidate_sites(practices=ds.practices), 2)
    from models.plan import Plan
    report_plan = Plan(ds)
    report_plan.set_state("groups", groups)
    pages = write_pdf(board_report(report_plan), out_dir / "report.pdf", ds.label, True)
    from gui.app import make_application
    from gui.main_window import MainWindow
    app = make_application()
    window = MainWindow(ds)
    window.show()
    ready = window.wait_for_map(60000)
    window.export_html(str(out_dir / "map.html"))
    result = {"attempts": ATTEMPTS, "blocked": window.map.guard.blocked,
              "page_requests": window.map.guard.requests, "map_ready": ready,
              "groups": len(set(groups.values())), "new_patients": float(
                  demand.totals().set_index("area").at["Medway", "new_patients"]),
              "hubs_added": len(plan.added), "report_pages": pages}
    window.workspace.undo_stack.setClean()
    window.close()
    app.processEvents()
    print("OFFLINE-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
