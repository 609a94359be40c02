"""Child process for tests/test_scenario_crash.py (run with sys.executable; not a test).

  scenario_writer.py loop PATH START      save ever-newer large scenarios to PATH until killed,
                                          printing "saving N" before and "saved N" after each
  scenario_writer.py session DIR clean    autosave to DIR, then exit cleanly (clears it)
  scenario_writer.py session DIR crash    autosave to DIR, say "autosaved", wait to be killed
  scenario_writer.py window DIR FILE      as an open window: own DIR's autosave, autosave the
                                          scenario FILE there, say "autosaved", wait
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.scenario import (Scenario, clear_recovery, save_scenario,  # noqa: E402
                             write_recovery)

HUBS = 300
GROUPED = 3_000
PADDING = 1_500          # × 9,000 characters: ~14 MB, so most of a save is the disk write


def big_scenario(version: int) -> Scenario:
    """Every part carries the version, so a file mixing two saves would be caught."""
    tag = f"v{version}"
    hubs = [{"hub_id": f"H{k:05d}", "name": f"{tag} hub {k}", "latitude": 51.3 + k * 1e-5,
             "longitude": 0.5, "status": "proposed", "locality": "",
             "capacity_patients": None} for k in range(HUBS)]
    groups = {f"P{k:06d}": f"{tag}-group-{k % 60}" for k in range(GROUPED)}
    return Scenario(name=f"Crash test {tag}", notes=str(version),
                    data={"kind": "unsaved", "fingerprint": ""}, hubs=hubs, groups=groups,
                    assumptions={"version": version},
                    extra={"padding": [(tag + " ") * (9_000 // (len(tag) + 1))] * PADDING})


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "loop":
        path, version = Path(argv[1]), int(argv[2])
        while True:
            scenario = big_scenario(version)
            print(f"saving {version}", flush=True)
            save_scenario(scenario, path)
            print(f"saved {version}", flush=True)
            version += 1
    folder, how = Path(argv[1]), argv[2]
    if mode == "window":
        from geo.autosave_owner import claim
        from models.scenario import load_scenario
        assert claim(folder) is None, "the folder is owned by another live process"
        write_recovery(load_scenario(how), folder)
        print("autosaved", flush=True)
        time.sleep(120)
        return 1
    write_recovery(Scenario(name="Unsaved work", notes="moved the Strood hub"), folder)
    if how == "clean":
        clear_recovery(folder)
        return 0
    print("autosaved", flush=True)
    time.sleep(60)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
