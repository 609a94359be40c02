"""Cold start-up: process start → window on screen → map ready → planning tabs built.

Runs `python main.py` five times as a fresh process (off-screen) and prints each time and
the medians. With MEDWAY_EXIT_WHEN_READY set the app prints "window-shown" (its first paint:
the window with its menus, docks and a loading line), "data-loaded", "map-ready" (Leaflet
running and the data's layers drawn) and "panels-ready" (the Groups/Hubs/Demand tabs, built
just after), each with the CPU seconds the app's process had used, then quits.
Goals (issue 27, on a quiet 2-core machine): window on screen ≤ 0.6 s, map ready ≤ 1.0 s.
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
GOALS = {"window-shown": 0.6, "map-ready": 1.0}
EVENTS = {"window-shown": "window on screen", "data-loaded": "data loaded",
          "map-ready": "map ready", "panels-ready": "planning tabs built"}


def one_run(root: Path, cache: str) -> dict[str, tuple[float, float | None]]:
    """{event: (wall seconds since the process started, the app's CPU seconds)}.

    Python's compiled modules are kept (in ``cache``) from run to run, as an installed app
    has them: PYTHONDONTWRITEBYTECODE would otherwise have every run compile the whole
    program from source again."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MEDWAY_EXIT_WHEN_READY="1",
               PYTHONPYCACHEPREFIX=cache)
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


def main() -> None:
    # An optional folder: another copy of the program (e.g. an earlier commit) to compare.
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    with tempfile.TemporaryDirectory(prefix="medway-pycache-") as cache:
        one_run(root, cache)  # warm the file cache and compile once, as a laptop that has
        load_before = os.getloadavg()[0]      # run the app before
        runs = [one_run(root, cache) for _ in range(RUNS)]
    events = [e for e in EVENTS if all(e in r for r in runs)]   # an older app says less
    for i, run in enumerate(runs, 1):
        print(f"run {i}: " + ", ".join(f"{EVENTS[e]} {run[e][0]:.2f} s" for e in events))
    print(f"medians over {RUNS} runs, {os.cpu_count()} cores, load average "
          f"{load_before:.2f} before / {os.getloadavg()[0]:.2f} after:")
    for event in events:
        wall = statistics.median(r[event][0] for r in runs)
        cpus = [r[event][1] for r in runs if r[event][1] is not None]   # an older app: none
        cpu = f"; app CPU {statistics.median(cpus):.2f} s" if cpus else ""
        print(f"  {EVENTS[event]:<20} {wall:5.2f} s wall{goal_text(event)}{cpu}")
    print("goal (issue 27): on a quiet 2-core machine the window on screen ≤ 0.6 s and the "
          "map ready ≤ 1.0 s after the process starts (wall)")


if __name__ == "__main__":
    main()
