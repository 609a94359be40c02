"""The one text sanitiser every reader applies, so every writer gets clean text.

Invisible format characters (a stray U+FEFF byte-order mark pasted from Excel, zero-width
spaces, bidirectional overrides, soft hyphens: Unicode category Cf) are removed: they show
as nothing, break matching and crash font rendering. A lone UTF-16 surrogate (text no UTF-8
writer can encode) and NUL (which writers cut the text at) are refused, naming the file, row
and field, since what was meant cannot be known.
"""
from __future__ import annotations

import csv
import io
import re

from geo.errors import DataError

# Unicode category Cf (format characters), as ranges.
FORMAT_CHARS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]")
SURROGATE = re.compile("[\ud800-\udfff]")
REFUSED = re.compile("[\ud800-\udfff\x00]")


def why_refused(char: str) -> str:
    if char == "\x00":
        return ("contains a NUL character (a damaged or binary file); retype the text or "
                "save the file again from Excel")
    return (f"contains a broken character (a lone UTF-16 surrogate, U+{ord(char):04X}) that "
            "cannot be saved; retype the text")


def clean_text(value: str, label: str, row: int | None = None,
               field: str | None = None) -> str:
    """``value`` without invisible format characters; DataError on a surrogate or NUL."""
    bad = REFUSED.search(value)
    if bad:
        raise DataError(label, why_refused(bad.group()), row=row, field=field)
    return FORMAT_CHARS.sub("", value) if FORMAT_CHARS.search(value) else value


def refuse_in_csv(text: str, label: str, header: bool = True) -> None:
    """Refuse CSV text holding a surrogate or NUL, naming the row and field it is in."""
    bad = REFUSED.search(text)
    if not bad:
        return
    rows = list(csv.reader(io.StringIO(text[:bad.start()]), strict=False)) or [[""]]
    if text[:bad.start()].endswith("\n"):
        rows.append([""])
    column = max(len(rows[-1]) - 1, 0)
    names = next(csv.reader(io.StringIO(text.split("\n", 1)[0]))) if header else []
    field = names[column].strip() if column < len(names) else f"column {column + 1}"
    raise DataError(label, why_refused(bad.group()), row=len(rows), field=field)


def clean_tree(doc, label: str):
    """A parsed JSON document with every text (keys too) cleaned; the field path is named
    on a refusal. Iterative: nesting depth is limited by the caller's checks."""
    def walk(value, path: str):
        if isinstance(value, str):
            return clean_text(value, label, field=path or None)
        if isinstance(value, list):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                where = f"{path}.{key[:40]}" if path else key[:40]
                name = clean_text(key, label, field=where)
                out[name] = walk(item, f"{path}.{name[:40]}" if path else name[:40])
            return out
        return value
    return walk(doc, "")
