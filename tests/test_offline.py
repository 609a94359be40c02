"""The offline proof: the whole journey (load, group, demand, hubs, report, map) with no
network, and nothing even tries to connect."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QTWEBENGINE_DISABLE_SANDBOX="1")
    proc = subprocess.run(cmd + [sys.executable, str(ROOT / "tests" / "offline_run.py"),
                                 str(tmp_path)], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("OFFLINE-RESULT ")),
                None)
    assert line, f"the journey did not finish (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    return json.loads(line.removeprefix("OFFLINE-RESULT "))


def _no_network_namespace() -> list[str]:
    """`unshare -n` where the machine allows it (no network at all), else nothing extra."""
    if shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-n"]
    return []


def test_the_whole_journey_runs_offline_and_never_tries_the_network(tmp_path):
    result = _run(_no_network_namespace(), tmp_path)
    assert result["attempts"] == []                  # no Python socket connection tried
    assert result["blocked"] == []                   # the web page asked for nothing remote
    assert all(not u.startswith(("http:", "https:")) for u in result["page_requests"])
    assert result["map_ready"] is True
    assert result["groups"] >= 6 and result["hubs_added"] == 2
    assert result["new_patients"] == 8088
    assert result["report_pages"] >= 4
    assert (tmp_path / "report.pdf").stat().st_size > 10_000
    assert (tmp_path / "map.html").stat().st_size > 100_000      # Leaflet inlined


def test_the_guard_would_notice_a_connection(tmp_path):
    """The socket guard is real: a connection attempt is recorded (loopback only)."""
    code = ("import runpy, socket, sys; sys.argv=['x']; "
            f"g = runpy.run_path({str(ROOT / 'tests' / 'offline_run.py')!r}, run_name='guard'); "
            "s = socket.socket()\n"
            "try:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
            "print(g['ATTEMPTS'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert "127.0.0.1" in out.stdout, out.stderr
