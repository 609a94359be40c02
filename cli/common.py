"""Small pieces several commands share: the data to open and the one output-path check.

Every command's ``--out`` goes through ``check_command_output(args)`` before any work
(``cli.main`` calls it for every command that has an ``--out``): the path must be writable,
of the right kind, never one of the command's inputs, and never inside (or around) the data
folder it reads, unless the command's purpose is to write a data folder
(``set_defaults(writes_data_folder=True)``) and the user gave ``--force``. A command with
another output option calls ``check_output(path, kind, inputs=command_inputs(args))``.
"""
from __future__ import annotations

import os
from pathlib import Path

FILE_SUFFIXES_OF_EXPORT = (".gpkg", ".xlsx")
# Arguments that name no file: never treated as inputs.
NOT_PATHS = {"out", "command", "func", "out_kind", "format", "by", "settings", "include",
             "exclude", "successor", "commissioner", "travel"}


def open_dataset(folder: str | None):
    """The given canonical folder, or the embedded illustrative sample."""
    from geo.canonical import load_folder, load_sample
    return load_folder(folder) if folder else load_sample()


def add_force_option(parser) -> None:
    """``--force``: for commands that write a data folder, allow writing over (or inside) the
    data folder they read."""
    parser.add_argument("--force", action="store_true",
                        help="allow --out to be the data folder this command reads "
                             "(it is replaced whole, atomically)")


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


def command_inputs(args) -> list[tuple[str, Path]]:
    """(option, path) for every existing file or folder the command's arguments name, plus
    the illustrative sample (never written over)."""
    from geo.dataset import SAMPLE_DIR
    found: list[tuple[str, Path]] = []
    for key, value in vars(args).items():
        if key in NOT_PATHS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip() and "\x00" not in item:
                try:
                    if Path(item).exists():
                        found.append((f"--{key.split('_')[-1]}"
                                      if key.endswith("data") else f"--{key.replace('_', '-')}",
                                      Path(item)))
                except OSError:
                    continue
    found.append(("the illustrative sample", Path(SAMPLE_DIR)))
    return found


def check_command_output(args) -> Path | None:
    """The one check for a command's ``--out`` (see the module docstring); None when the
    command writes nothing."""
    kind = output_kind(args)
    if not kind:
        return None
    writes_data = bool(getattr(args, "writes_data_folder", False)) and kind == "folder"
    return check_output(args.out, kind, inputs=command_inputs(args),
                        writes_data=writes_data, force=bool(getattr(args, "force", False)))


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_inputs_apart(out: Path, inputs, *, writes_data: bool = False,
                       force: bool = False) -> None:
    """Refuse an output that is, contains or lies inside one of ``inputs`` ((option, path)
    pairs). Writing a data folder over the data folder read is allowed with ``force``."""
    from cli import UserError
    real_out = _real(out)
    for option, path in inputs:
        real_in = _real(path)
        shown = f"{option} {path}" if option.startswith("--") else f"{option} ({path})"
        if path.is_dir():
            if _inside(real_out, real_in):
                sample = not option.startswith("--")
                if writes_data and force and not sample:
                    continue
                where = "is" if real_out == real_in else "is inside"
                if sample:
                    raise UserError(f"--out {out} {where} {shown}, which is never written "
                                    "over; write it elsewhere")
                hint = "add --force to replace it" if writes_data else "write it elsewhere"
                raise UserError(f"--out {out} {where} the data folder {shown}, which this "
                                f"command reads; {hint}")
            if _inside(real_in, real_out):
                raise UserError(f"--out {out} holds the input {shown}; writing it would "
                                "replace that input; write it elsewhere")
        elif real_out == real_in or (out.exists() and os.path.samefile(out, path)):
            raise UserError(f"--out {out} is the input {shown}; writing it would destroy "
                            "that input; choose another name")


def check_output(path: str, kind: str = "file", *, inputs=(), writes_data: bool = False,
                 force: bool = False) -> Path:
    """Refuse an output path that cannot be written, before any work is done.

    An existing folder where a file is meant (or a file where a folder is), a pipe or
    device, a parent that is a file, a folder we may not write in, a name too long, one of
    the command's ``inputs`` or a path inside the data folder it reads.
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
    check_inputs_apart(out, inputs, writes_data=writes_data, force=force)
    return out
