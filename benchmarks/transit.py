"""Time public-transport access on a real county-sized feed: importing the timetable, a
35,000-place × 50-hub matrix for a one-hour window, and the 15/30/45-minute bands of one hub.

Run: .venv/bin/python benchmarks/transit.py      (prints figures; not part of the tests)

The feed is the real Southampton-area export in ../shared/data/gtfs (Go South Coast buses:
92 routes, 5,404 trips, 232,337 stop times, June–August 2025; there is no Medway feed). The
35,000 places and 50 hubs are placed at random (seeded) over 24 × 20 km around Southampton,
the size of Medway plus a margin. Each stage runs in a fresh process so its peak memory
(VmHWM) is its own. Goals (issue #26): the matrix under 30 s on a 2-core machine; the bands
of one hub under 2 s. The machine's load average is printed, as other work slows it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FEED = ROOT.parent / "shared" / "data" / "gtfs" / "bluestar_southampton_2025-07.gtfs.zip"
if not FEED.is_file():
    FEED = Path("/work/shared/data/gtfs/bluestar_southampton_2025-07.gtfs.zip")
CENTRE = (-1.404, 50.915)
N_PLACES, N_HUBS = 35_000, 50


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_import() -> str:
    from geo.io_gtfs import read_feed, save_feed
    started = time.perf_counter()
    feed = read_feed(FEED)
    with tempfile.TemporaryDirectory() as tmp:
        save_feed(feed, tmp)
    c = feed.counts()
    return (f"import (read, check, store): {time.perf_counter() - started:6.2f} s  peak "
            f"{_peak_mb():6.0f} MB  ({c['routes']} routes, {c['trips']:,} trips, "
            f"{c['stop_times']:,} stop times)")


def stage_matrix() -> str:
    import numpy as np

    from geo.crs import to_bng
    from geo.io_gtfs import read_feed
    from models.assumptions import default_assumptions
    from models.transit.access import network_for
    from models.transit.layout import transit_bands
    feed = read_feed(FEED)
    rng = np.random.default_rng(26)
    x, y = to_bng(np.array([CENTRE[0]]), np.array([CENTRE[1]]))
    places = np.column_stack([x + rng.uniform(-12_000, 12_000, N_PLACES),
                              y + rng.uniform(-10_000, 10_000, N_PLACES)])
    hubs = np.column_stack([x + rng.uniform(-10_000, 10_000, N_HUBS),
                            y + rng.uniform(-8_000, 8_000, N_HUBS)])
    started = time.perf_counter()
    net = network_for(feed, default_assumptions())
    built = time.perf_counter() - started
    minutes = net.times(places, hubs)
    total = time.perf_counter() - started
    peak = _peak_mb()
    t0 = time.perf_counter()
    bands = transit_bands(net, CENTRE)
    band_s = time.perf_counter() - t0
    quickest = np.median(minutes.min(axis=1))
    return (f"matrix {N_PLACES:,} × {N_HUBS} ({net.window_text()}; {len(net.conn):,} "
            f"connections; network built in {built:.2f} s): {total:6.2f} s  peak {peak:6.0f} MB"
            f"  (median minutes to the quickest hub {quickest:.1f})\n"
            f"bands 15/30/45 of one hub: {band_s:6.2f} s  ("
            + ", ".join(f"{int(m)} min {a / 1e6:.0f} km²" for m, a in
                        zip(bands["minutes"], bands.to_crs(27700).area)) + ")")


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        print({"import": stage_import, "matrix": stage_matrix}[sys.argv[2]]())
        return 0
    if not FEED.is_file():
        print(f"the feed {FEED} is not on this machine")
        return 1
    print(f"Feed: {FEED.name}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    for stage in ("import", "matrix"):
        out = subprocess.run([sys.executable, __file__, "--stage", stage], capture_output=True,
                             text=True, cwd=ROOT, check=False)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1])
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
