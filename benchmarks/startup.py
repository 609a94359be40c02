"""Cold start-up: process start → window on screen → map drawn → map live → tabs built.

Runs `python main.py` as a fresh process (off-screen) and prints each time and the medians.
With MEDWAY_EXIT_WHEN_READY set the app prints "window-shown" (its first paint: the window
with its menus, docks and a loading line), "data-loaded", "map-shown" (Leaflet running and
the data's layers drawn), "map-ready" (that map live: the data loaded behind it, clicks
answered) and "panels-ready" (the Groups/Hubs/Demand tabs, built just after), each with the
CPU seconds the app's process had used, then quits.

Two kinds of start, each in its own user cache folder:
- again (5 runs): the data and program as at the last start, so the map page that start
  drew is shown at once (gui/map_preview.py) — a planner opening the app they used before;
- first (3 runs): an empty cache (first start, or data or program changed since): the map
  is drawn once the data has loaded.
Goals (issue 27, on a quiet 2-core machine): window on screen ≤ 0.6 s, map ready ≤ 1.0 s
(judged on "map drawn" of the "again" starts; the "first" starts' figure is printed beside).
Wall seconds from process start are the figures the goals name; on a shared machine read
the CPU seconds (the app process only: the web engine's renderer runs in its own) and the
load average printed beside them.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
FIRST_RUNS = 3
GOALS = {"window-shown": 0.6, "map-shown": 1.0}
EVENTS = {"window-shown": "window on screen", "data-loaded": "data loaded",
          "map-shown": "map drawn", "map-ready": "map live",
          "panels-ready": "planning tabs built"}


def one_run(root: Path, cache: str, home: str) -> dict[str, tuple[float, float | None]]:
    """{event: (wall seconds since the process started, the app's CPU seconds)}.

    Python's compiled modules are kept (in ``cache``) from run to run, as an installed app
    has them: PYTHONDONTWRITEBYTECODE would otherwise have every run compile the whole
    program from source again. ``home``: the user's cache folder (the kept map page)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MEDWAY_EXIT_WHEN_READY="1",
               PYTHONPYCACHEPREFIX=cache, XDG_CACHE_HOME=home)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(root / "main.py")], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen: dict[str, tuple[float, float | None]] = {}
    for line in proc.stdout:
        event = (line.split() or [""])[0]
        if event in EVENTS:
            cpu = next((float(w[4:]) for w in line.split() if w.startswith("cpu=")), None)
            seen[event] = (time.perf_counter() - start, cpu)
        if event == "panels-ready":
            break
    proc.wait(timeout=60)
    if "map-ready" not in seen or "panels-ready" not in seen:
        raise SystemExit(f"the app exited having reported only {sorted(seen)}")
    return seen


def goal_text(event: str) -> str:
    return f" (goal ≤ {GOALS[event]:.1f} s)" if event in GOALS else ""


def medians(title: str, runs: list, load_before: float, goals: bool) -> None:
    events = [e for e in EVENTS if all(e in r for r in runs)]   # an older app says less
    print(title)
    for i, run in enumerate(runs, 1):
        print(f"  run {i}: " + ", ".join(f"{EVENTS[e]} {run[e][0]:.2f} s" for e in events))
    print(f"  medians over {len(runs)} runs, {os.cpu_count()} cores, load average "
          f"{load_before:.2f} before / {os.getloadavg()[0]:.2f} after:")
    for event in events:
        wall = statistics.median(r[event][0] for r in runs)
        cpus = [r[event][1] for r in runs if r[event][1] is not None]   # an older app: none
        cpu = f"; app CPU {statistics.median(cpus):.2f} s" if cpus else ""
        goal = goal_text(event) if goals else ""
        print(f"    {EVENTS[event]:<20} {wall:5.2f} s wall{goal}{cpu}")


def main() -> None:
    # An optional folder: another copy of the program (e.g. an earlier commit) to compare.
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    with tempfile.TemporaryDirectory(prefix="medway-pycache-") as cache, \
            tempfile.TemporaryDirectory(prefix="medway-home-") as home:
        one_run(root, cache, home)  # compile once and keep a map page, as a laptop that
        load_before = os.getloadavg()[0]      # has run the app before
        again = [one_run(root, cache, home) for _ in range(RUNS)]
        medians("started again (the last start's map kept):", again, load_before, True)
        load_before = os.getloadavg()[0]
        first = []
        for _ in range(FIRST_RUNS):
            with tempfile.TemporaryDirectory(prefix="medway-home-") as empty:
                first.append(one_run(root, cache, empty))
        medians("first start (nothing kept: new data or program):", first, load_before,
                False)
    print("goal (issue 27): on a quiet 2-core machine the window on screen ≤ 0.6 s and the "
          "map ready (drawn) ≤ 1.0 s after the process starts (wall)")


if __name__ == "__main__":
    main()
