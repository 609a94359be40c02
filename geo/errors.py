"""One error type for bad input, so every reader speaks to the user the same way.

A planner fixes a file in Excel: the message must name the file, the spreadsheet row
(header = row 1, first data row = row 2) and the column, and say what is wrong.
"""
from __future__ import annotations

import re

# Control characters from a hostile file would break the one-line message (or a terminal).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class UserError(ValueError):
    """A refusal the user can act on (bad input, a request that cannot be met): its text is
    the one line shown to them. Only this type is shown as a user error; any other exception
    is a bug and is reported as one (gui/worker.py, cli/__init__.py)."""


class DataError(UserError):
    """Bad input data. ``str(err)`` is the one-line message shown to the user."""

    def __init__(self, file: str, reason: str, row: int | None = None,
                 field: str | None = None):
        self.file = str(file)
        self.reason = reason
        self.row = row
        self.field = field
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        text = ", ".join(where) + ": " + self.reason
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def spreadsheet_row(index: int) -> int:
    """0-based data-row position → the row number a spreadsheet shows (header is row 1)."""
    return int(index) + 2
