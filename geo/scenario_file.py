"""Scenario files on disk: atomic, locked saves with the remains of killed saves swept,
reads bounded in size, the autosave (recovery) file, and a fingerprint of the data folder a
scenario was made on. Text in, text out: the format itself is models/scenario."""
from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from geo.atomic import atomic_path, atomic_write_text
from geo.dataset import FILES, OPTIONAL_FILES
from geo.inputs import read_bytes

SUFFIX = ".scenario.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
STALE_SECONDS = 60          # without a folder lock, older temp files are from dead saves
RECOVERY_NAME = "recovery" + SUFFIX
CLEARED_NAME = "recovery-cleared"


def data_fingerprint(folder: str | Path | None) -> str:
    """SHA-256 over the data folder's canonical files, so a scenario can tell the data moved on.

    Covers practices/hubs/housing/localities and the optional extras that exist, by name and
    content, in name order; "" when there is no folder.
    """
    if folder is None:
        return ""
    folder = Path(folder)
    names = sorted(set(FILES.values()) | set(OPTIONAL_FILES.values()) | {"localities.gpkg"})
    digest = hashlib.sha256()
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()


# ---------------------------------------------------------------- saving

def temp_files(target: str | Path) -> list[Path]:
    """Temporary files beside ``target`` from saves in progress or killed mid-save.

    Named as geo.atomic.atomic_path names them: ``.<file name>.<random>.part<suffix>``.
    """
    target = Path(target)
    pattern = glob.escape(f".{target.name}.") + "*" + glob.escape(f".part{target.suffix}")
    return [Path(p) for p in glob.glob(str(target.parent / pattern))]


@contextlib.contextmanager
def _folder_lock(folder: Path, wait: float = 5.0):
    """Exclusive lock on the folder while saving (POSIX flock; released if we are killed).

    Yields True when held: then no other save is in flight there and any temp file left
    for our target is the remains of a killed save. Yields False where locking is
    unavailable (Windows, some network drives) or another save held it for ``wait`` s.
    """
    try:
        import fcntl
    except ImportError:
        yield False
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + wait
        locked = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            except OSError:
                break
        yield locked
    finally:
        os.close(fd)


def _sweep(target: Path, locked: bool) -> None:
    """Remove temp files of earlier saves that were killed before their rename."""
    now = time.time()
    for tmp in temp_files(target):
        with contextlib.suppress(OSError):
            if locked or now - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()


def write_scenario_text(text: str, path: str | Path) -> Path:
    """Write the scenario atomically: a crash mid-save leaves the previous file intact.

    Written to a temporary file beside ``path``, fsynced and renamed over it. At most one
    temporary file can be left by a killed save; the next save in that folder removes it.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _folder_lock(target.parent) as locked:
        _sweep(target, locked)
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return target


def read_scenario_bytes(path: str | Path) -> bytes:
    """The file's bytes, refusing (DataError) what cannot be a scenario file: not a regular
    file (a pipe, /dev/zero), or more than MAX_FILE_BYTES actually read."""
    return read_bytes(path, Path(path).name, limit=MAX_FILE_BYTES)


# ---------------------------------------------------------------- crash recovery

def recovery_path(settings_dir: str | Path) -> Path:
    return Path(settings_dir) / RECOVERY_NAME


def recovery_to_offer(settings_dir: str | Path) -> Path | None:
    """The autosave file, unless it is older than the last clear (or there is none)."""
    path = recovery_path(settings_dir)
    cleared = Path(settings_dir) / CLEARED_NAME
    try:
        saved = path.stat().st_mtime_ns
    except OSError:
        return None
    with contextlib.suppress(OSError):
        if cleared.stat().st_mtime_ns > saved:
            return None
    return path


def clear_recovery(settings_dir: str | Path) -> None:
    """After a clean save or exit: remove the autosave and note when, so it is not offered."""
    path = recovery_path(settings_dir)
    path.unlink(missing_ok=True)
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    atomic_write_text(Path(settings_dir) / CLEARED_NAME, stamp + "\n")
    with _folder_lock(Path(settings_dir), wait=0.5) as locked:
        _sweep(path, locked)
