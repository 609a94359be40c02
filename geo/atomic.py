"""Atomic writes: a pulled power lead mid-save leaves the previous file (or folder) intact.

Temporary names carry the writing process's id (``.<name>.<pid>-<random>.part<suffix>``),
so the next write beside them sweeps the remains of killed writes and never a live one.
A write that fails (a full disk) leaves the old file or folder and no temporary, and the
error names the path it was writing; folders get the user's umask (as ``mkdir`` would),
and a target that is a symbolic link to a folder is written where the link points.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from geo.inputs import gdal_path


def _prefix(target: Path) -> str:
    # No '!' in a temporary name: GDAL would read it as an archive separator.
    return f".{target.name.replace('!', '_')}.{os.getpid()}-"


def sweep_stale(target: str | os.PathLike) -> int:
    """Remove temporary files/folders beside ``target`` left by writers that died."""
    target = Path(target)
    stem = f".{target.name.replace('!', '_')}."
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if not entry.name.startswith(stem) or ".part" not in entry.name:
                continue
            m = re.match(r"(\d+)-", entry.name[len(stem):])
            if not m or _alive(int(m.group(1))):
                continue
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:        # exists but not ours (PermissionError), or cannot tell
        return True
    return True


def _umask_mode(mode: int = 0o777) -> int:
    """``mode`` less the process umask (read without leaving it changed)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mode & ~mask


# How the writers' libraries say "the disk is full" (GDAL/SQLite, zip, plain OS errors).
DISK_FULL = ("no space left", "disk is full", "disk full", "database or disk is full")


def _named(exc: BaseException, target: Path) -> BaseException | None:
    """The writer's failure as an OSError naming ``target``, when it is a disk or
    permission error without a path (None: leave the exception as it is)."""
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno is not None:
        if not getattr(exc, "filename", None) or ".part" in str(exc.filename):
            return OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(target))
        return None
    if any(words in text for words in DISK_FULL):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    return None


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike):
    """Yield a temporary path beside ``path``; on success fsync it and rename over ``path``.

    Writers (pandas, pyogrio, openpyxl, matplotlib) write to the yielded path; if they raise,
    the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target)
    fd, tmp = tempfile.mkstemp(prefix=_prefix(target), suffix=".part" + target.suffix,
                               dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # some writers (GDAL) refuse to overwrite; they get a fresh name
    try:
        try:
            with gdal_path(tmp) as writable:
                yield writable
            _fsync(Path(tmp))
            os.replace(tmp, target)
        except Exception as exc:
            named = _named(exc, target)
            if named is None:
                raise
            raise named from exc
        _fsync(target.parent)      # make the rename itself durable
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike):
    """Yield a new sibling folder to write into; on success swap it in for ``path`` whole.

    A reader sees either the old folder or the new one, never a mix. Files already in the
    folder that this write does not produce (the user's own) are carried over.
    """
    target = Path(path).absolute()
    if target.is_symlink() and target.is_dir():   # write the folder the link points to
        target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(target)
    tmp = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".part", dir=target.parent))
    os.chmod(tmp, _umask_mode())        # mkdtemp makes drwx------ whatever the umask
    try:
        try:
            with gdal_path(tmp / "x") as writable:
                yield writable.parent
            if target.is_dir():
                _carry_over(target, tmp)
            for entry in tmp.iterdir():
                _fsync(entry)
            _fsync(tmp)
            old = _swap_in(tmp, target)
        except Exception as exc:
            named = _named(exc, target)
            if named is None:
                raise
            raise named from exc
        _fsync(target.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def copy_folder_with(src, dst, write, replaces=()) -> None:
    """``dst`` made a copy of the data folder ``src`` plus what ``write(folder)`` adds (roads,
    a timetable), swapped in whole: a crash or full disk leaves ``dst`` as it was. Entries
    named in ``replaces`` are not copied (``write`` makes them anew)."""
    src, dst = Path(src), Path(dst)
    with atomic_folder(dst) as tmp:
        if src.resolve() != dst.resolve():
            for entry in src.iterdir():
                if entry.name in replaces or entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    shutil.copytree(entry, tmp / entry.name)
                else:
                    shutil.copy2(entry, tmp / entry.name)
        write(tmp)


def _carry_over(old: Path, new: Path) -> None:
    for entry in old.iterdir():
        dest = new / entry.name
        if dest.exists() or entry.name.startswith("."):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest, symlinks=True)
            continue
        try:
            os.link(entry, dest)
        except OSError:
            shutil.copy2(entry, dest)


RENAME_EXCHANGE = 2


def _swap_in(tmp: Path, target: Path) -> Path | None:
    """Put ``tmp`` at ``target``; return where the old folder went (to delete), if any."""
    if not target.exists():
        os.rename(tmp, target)
        return None
    if _exchange(tmp, target):     # Linux: one atomic step, old folder now at tmp
        return tmp
    old = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=".part", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    os.rename(tmp, target)
    return old


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two paths atomically where the kernel allows it."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    return rc == 0


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
