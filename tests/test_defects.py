"""Defects found while reading the code (issue #21), each reached as a person meets it."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def test_piping_a_command_into_head_exits_quietly():
    """`python main.py demand | head`: the reader leaves early; no 'Broken pipe' error."""
    read, write = os.pipe()
    os.close(read)                       # the reader (head) has gone
    try:
        proc = subprocess.run([sys.executable, "main.py", "demand"], cwd=ROOT,
                              stdout=write, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert proc.returncode == 0, proc.stderr
    assert "Broken pipe" not in proc.stderr and "Traceback" not in proc.stderr


def test_pyside6_is_pinned_to_the_release_the_refcount_fix_is_for():
    from gui import qt_fixes
    import PySide6
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    req = next(Requirement(d) for d in deps if d.lower().startswith("pyside6"))
    fixed = Version(qt_fixes.FOR_PYSIDE)
    assert any(s.operator == "<" for s in req.specifier), "no upper bound on PySide6"
    assert req.specifier.contains(Version(f"{fixed}.0"))
    assert not req.specifier.contains(Version(f"{fixed.major}.{fixed.minor + 1}.0"))
    assert req.specifier.contains(Version(PySide6.__version__))
