"""Opening input files safely: only regular files, reads bounded by what is actually read.

A size check on ``stat`` is not enough (a symlink to /dev/zero has size 0 and never ends; a
named pipe blocks on open), so every reader goes through ``read_bytes`` or
``check_input_file``, and GDAL paths go through ``gdal_path`` (pyogrio reads a ``!`` in a
path as an archive separator, so a folder named "Plans!2024" would be unreadable).
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from geo.errors import DataError

# The largest text input read into memory (a national ONS postcode directory is read in
# column chunks by its own reader, not through this).
MAX_TEXT_BYTES = 512 * 1024 * 1024


def check_input_file(path: str | os.PathLike, label: str | None = None) -> Path:
    """Refuse anything that is not an existing regular file (after following symlinks)."""
    path = Path(path)
    label = label or path.name or str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataError(label, "file not found") from None
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(label, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(label, "is not a regular file (a pipe, device or socket); save the "
                               "data to a file and give that")
    return path


def read_bytes(path: str | os.PathLike, label: str | None = None,
               limit: int = MAX_TEXT_BYTES) -> bytes:
    """The file's bytes, refusing past ``limit`` bytes actually read (not the stat size)."""
    path = check_input_file(path, label)
    label = label or path.name
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise DataError(label, f"is too large: this file can be at most "
                               f"{limit // 2**20:,} MB")
    return raw


@contextlib.contextmanager
def gdal_path(path: str | os.PathLike):
    """Yield a path GDAL/pyogrio read literally: one with ``!`` goes via a symlink to its
    folder (sidecar files such as a Shapefile's .prj stay beside it)."""
    path = Path(path).absolute()
    if "!" not in str(path):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="medway-path-") as tmp:
        try:
            if "!" in path.name:      # link the file and its sidecars under a plain name
                stem = path.name.split(".")[0]
                for sibling in path.parent.glob(glob_escape(stem) + ".*"):
                    os.symlink(sibling, Path(tmp) / sibling.name.replace("!", "_"))
                target = Path(tmp) / path.name.replace("!", "_")
            else:
                os.symlink(path.parent, Path(tmp) / "folder", target_is_directory=True)
                target = Path(tmp) / "folder" / path.name
        except OSError:
            raise DataError(path.name, f"the path {path} contains '!', which the map "
                                       "library cannot read here; rename it") from None
        yield target


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
