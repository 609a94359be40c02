"""A save killed at any moment leaves a whole scenario file; an unclean exit leaves a recovery.

The writer is a real child process (tests/scenario_writer.py) saving ~14 MB scenarios in a
loop; it is SIGKILLed — no clean-up code runs, as when a laptop's battery dies. Half the
kills land at random moments of a save; the other half are aimed at the disk write itself
(the moment anything in the folder changes), which is when a non-atomic save would leave
an empty or partial file (checked: writing the file in place fails this test).
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.scenario import (Scenario, clear_recovery, find_recovery, load_scenario,
                             save_scenario, temp_files, write_recovery)
from tests.scenario_writer import big_scenario

WRITER = Path(__file__).resolve().parent / "scenario_writer.py"
ROUNDS = 6

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


class _Writer:
    """A child writer and what it has said: the highest save it started and finished."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, str(WRITER), *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.said = {"saving": -1, "saved": -1}

    def _note(self, line: str) -> None:
        word, _, number = line.partition(" ")
        if word in self.said:
            self.said[word] = max(self.said[word], int(number))

    def wait_for(self, word: str) -> None:
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer ended early: {self.proc.stderr.read()[-2000:]}")
            self._note(line)
            if line.startswith(word + " "):
                return

    def kill(self) -> None:
        """SIGKILL: no finally block, no atexit, as when the power goes."""
        self.proc.send_signal(signal.SIGKILL)
        out, _ = self.proc.communicate(timeout=10)
        for line in out.splitlines():
            self._note(line)


def _folder_state(folder: Path) -> set:
    """Names, inodes and sizes: changes the moment a save touches the disk in any way."""
    state = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                state.add((entry.name, entry.inode(), entry.stat().st_size))
            except FileNotFoundError:       # renamed or swept while we looked: a change
                state.add((entry.name, None, None))
    return state


def _whole_version(path: Path) -> int:
    """Load the file (it must load) and check every part comes from the same save."""
    sc = load_scenario(path)
    version = int(sc.notes)
    tag = f"v{version}"
    assert sc.name == f"Crash test {tag}" and sc.assumptions == {"version": version}
    assert all(h["name"].startswith(tag + " ") for h in sc.hubs)
    assert all(g.startswith(tag + "-") for g in sc.groups.values())
    assert all(p.startswith(tag + " ") for p in sc.extra["padding"])
    return version


def test_killing_the_app_mid_save_never_leaves_a_partial_file(tmp_path):
    path = tmp_path / "option-b.scenario.json"
    save_scenario(big_scenario(0), path)
    rng = random.Random(7)
    last_version, finished, caught_mid_write = 0, 0, 0
    for round_no in range(ROUNDS):
        writer = _Writer("loop", path, (round_no + 1) * 1000)
        writer.wait_for("saved")                        # this child has a version on disk
        if round_no % 2 == 0:                           # anywhere in a save
            writer.wait_for("saving")
            time.sleep(rng.uniform(0.0, 0.12))
        else:                                           # aimed at the write itself
            before = _folder_state(tmp_path)
            deadline = time.monotonic() + 3
            while _folder_state(tmp_path) == before and time.monotonic() < deadline:
                time.sleep(0.0002)
            time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.01)]))
        writer.kill()
        started, done = writer.said["saving"], writer.said["saved"]
        leftovers = temp_files(path)
        caught_mid_write += bool(leftovers)
        # at most the one save in flight at the kill; earlier ones were swept by later saves
        assert len(leftovers) <= 1, leftovers
        version = _whole_version(path)
        assert version >= done >= finished              # no finished save is lost
        assert version <= started                        # nor is an unstarted one invented
        assert version >= last_version
        last_version, finished = version, done
    assert caught_mid_write >= 1, "no kill landed during a disk write; the test proved little"
    # The next save (e.g. after restarting the app) removes the killed save's temporary file.
    save_scenario(big_scenario(99_999), path)
    assert _whole_version(path) == 99_999
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_recovery_is_offered_after_a_crash_and_not_after_a_clean_exit(tmp_path):
    settings = tmp_path / "settings"
    settings.mkdir()
    assert find_recovery(settings) is None              # first start: nothing to offer

    writer = _Writer("session", settings, "crash")
    assert writer.proc.stdout.readline().strip() == "autosaved"
    writer.kill()
    found = find_recovery(settings)
    assert found is not None
    assert found[1].name == "Unsaved work" and found[1].notes == "moved the Strood hub"

    clear_recovery(settings)                            # the user declined, or saved
    assert find_recovery(settings) is None

    writer = _Writer("session", settings, "clean")
    assert writer.proc.wait(timeout=30) == 0
    assert find_recovery(settings) is None


def test_an_autosave_newer_than_the_last_clear_is_offered_and_a_stale_one_is_not(tmp_path):
    clear_recovery(tmp_path)
    write_recovery(Scenario(name="After the clear"), tmp_path)
    assert find_recovery(tmp_path)[1].name == "After the clear"
    # A recovery file that survived an earlier clear (e.g. it could not be deleted then)
    recovery = find_recovery(tmp_path)[0]
    clear_recovery(tmp_path)
    write_recovery(Scenario(name="stale"), tmp_path)
    past = time.time() - 3600
    os.utime(recovery, (past, past))
    assert find_recovery(tmp_path) is None


def test_an_unreadable_autosave_does_not_stop_the_app_starting(tmp_path):
    write_recovery(Scenario(name="Half written"), tmp_path)
    recovery = find_recovery(tmp_path)[0]
    recovery.write_bytes(recovery.read_bytes()[:40])
    assert find_recovery(tmp_path) is None
