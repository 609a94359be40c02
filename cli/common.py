"""Small pieces several commands share: the data to open and the one output-path check."""
from __future__ import annotations

import os
from pathlib import Path

FILE_SUFFIXES_OF_EXPORT = (".gpkg", ".xlsx")


def open_dataset(folder: str | None):
    """The given canonical folder, or the embedded illustrative sample."""
    from geo.canonical import load_folder, load_sample
    return load_folder(folder) if folder else load_sample()


def output_kind(args) -> str | None:
    """'file' or 'folder' for the command's --out (None: the command writes nothing)."""
    if not getattr(args, "out", None):
        return None
    kind = getattr(args, "out_kind", "file")
    if kind == "auto":   # export: a .gpkg/.xlsx file, otherwise a folder
        fmt = getattr(args, "format", None)
        is_file = fmt in ("gpkg", "xlsx") or (
            fmt is None and Path(args.out).suffix.lower() in FILE_SUFFIXES_OF_EXPORT)
        kind = "file" if is_file else "folder"
    return kind


def check_output(path: str, kind: str = "file") -> Path:
    """Refuse an output path that cannot be written, before any work is done.

    An existing folder where a file is meant (or a file where a folder is), a pipe or
    device, a parent that is a file, a folder we may not write in, a name too long.
    """
    from cli import UserError
    text = str(path)
    if not text.strip() or "\x00" in text:
        raise UserError(f"--out {text!r} is not a usable path")
    out = Path(text)
    if len(out.name.encode("utf-8", "replace")) > 255:
        raise UserError(f"--out: the name {out.name[:40]}… is longer than a file name can be")
    if out.exists():
        if kind == "file" and out.is_dir():
            raise UserError(f"--out {text} is an existing folder; give a file name inside "
                            "it or elsewhere")
        if kind == "file" and not out.is_file():
            raise UserError(f"--out {text} is not a regular file (a pipe or device); give "
                            "a file name")
        if kind == "folder" and not out.is_dir():
            raise UserError(f"--out {text} is an existing file; give a folder name")
    elif out.is_symlink():
        raise UserError(f"--out {text} is a broken symbolic link")
    for parent in out.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UserError(f"--out {text}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise UserError(f"--out {text}: cannot write in {parent} (permission "
                                "denied)")
            break
    return out
