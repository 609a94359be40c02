"""Which running window owns an autosave folder: a lock file holding its process id.

Two windows of the app (one user, one machine) must not share the crash autosave: the
second would offer the first one's live work as "recovery", and clear it on a clean exit.
The first window to start writes ``autosave.lock`` with its process id; a later one finds
it held by a live process and keeps out (read-only, or a separate autosave folder of its
own). A lock left by a process that has died is free again, and that folder's autosave is
what is offered back.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from geo.atomic import _alive, atomic_write_text

LOCK_NAME = "autosave.lock"
SEPARATE_PREFIX = "autosave-"         # a second window's own folder: autosave-<pid>


def lock_path(folder: str | Path) -> Path:
    return Path(folder) / LOCK_NAME


def owner(folder: str | Path) -> int | None:
    """The process id of the live process (other than this one) owning ``folder``; None
    when it is free, ours, or its owner has died."""
    try:
        pid = int(lock_path(folder).read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid == os.getpid() or not _alive(pid):
        return None
    return pid


def claim(folder: str | Path) -> int | None:
    """Own ``folder`` unless a live process does: returns that process's id, else None
    (and the lock now holds ours)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    held = owner(folder)
    if held is not None:
        return held
    atomic_write_text(lock_path(folder), f"{os.getpid()}\n")
    return None


def release(folder: str | Path) -> None:
    """On a clean exit: give the folder up (only if it is still ours)."""
    path = lock_path(folder)
    with contextlib.suppress(OSError, ValueError, IndexError):
        if int(path.read_text(encoding="utf-8").split()[0]) == os.getpid():
            path.unlink()


def separate_folder(folder: str | Path) -> Path:
    """A folder of this process's own, inside ``folder``, for a second window's autosave."""
    return Path(folder) / f"{SEPARATE_PREFIX}{os.getpid()}"


def orphaned_folders(folder: str | Path) -> list[Path]:
    """Separate autosave folders whose window has died (their work may be recovered)."""
    found = []
    with contextlib.suppress(OSError):
        for entry in sorted(Path(folder).glob(SEPARATE_PREFIX + "*")):
            name = entry.name[len(SEPARATE_PREFIX):]
            if entry.is_dir() and name.isdigit() and int(name) != os.getpid() \
                    and not _alive(int(name)):
                found.append(entry)
    return found
