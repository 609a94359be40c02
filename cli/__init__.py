"""Command-line entry: parse arguments, run one command, or start the GUI.

Each command lives in its own module here and exposes ``register(subparsers)``, which adds
its sub-parser and sets ``func`` (taking the parsed args, returning an exit code). Modules
import their heavy dependencies inside ``func`` so that starting the GUI stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from geo.errors import DataError, UserError  # noqa: F401 (UserError: the commands' refusal)

# Module names under cli/, in the order `--help` lists them.
COMMANDS = ["screenshot", "group", "hubs", "report", "import_data", "export", "demand",
            "compare", "capacity", "s106"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="Medway estates planner: localities, practices, extended practice "
                    "groups, GP demand from housing growth and hub sites. With no command, "
                    "opens the desktop app.")
    parser.add_argument("--data", metavar="DIR",
                        help="open this canonical data folder instead of the illustrative "
                             "sample")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND",
                                title="commands (python main.py COMMAND --help for options)")
    for name in COMMANDS:
        importlib.import_module(f"cli.{name}").register(sub)
    return parser


def quiet_libraries() -> None:
    """On the command line stderr carries our one-line refusals only: library warnings
    (openpyxl styles, GDAL notices, pandas) are silenced."""
    import logging
    import warnings
    warnings.simplefilter("ignore")
    logging.disable(logging.WARNING)


def one_line(exc: Exception) -> str:
    """The refusal as one printable line (no raw control bytes from a hostile file)."""
    text = " ".join(str(exc).split())
    return "".join(c if c.isprintable() else "?" for c in text)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from gui.app import run_app
            return run_app(args.data)
        quiet_libraries()
        from cli.common import check_command_output
        check_command_output(args)
        code = int(args.func(args) or 0)
        sys.stdout.flush()        # a reader that left shows here, not at interpreter exit
        return code
    except (DataError, UserError) as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:       # e.g. `python main.py demand | head`: the reader left
        import os                 # (before OSError, of which it is a kind)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:        # disk full, permission changed mid-run, …
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"error: cannot read or write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: not enough memory for this input; use a smaller file", file=sys.stderr)
        return 2
