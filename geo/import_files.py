"""Finding the published files in a folder a planner points the import at, by their names."""
from __future__ import annotations

import re
from pathlib import Path

from geo.sources import SOURCES

# Input → file-name pattern (case-insensitive), as NHS Digital, ONS and councils name them.
NAME_PATTERNS = {s.key: s.patterns for s in SOURCES}


def detect_inputs(folder: str | Path) -> dict[str, Path]:
    """Guess each input from the file names in ``folder``.

    Where several files match, each source's ``pick`` rule chooses: every file oldest first
    for one-per-year sources (joined with ';', as the dialog's text box holds them), the
    newest-dated file, JSON before CSV (the published form of the sites), and otherwise the
    plainest name: a register in the national standard before derived versions (names
    mentioning 'digital-land'), and GP FTE before a headcount series (FTE is the unit the
    supply norms are in)."""
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    found: dict[str, Path] = {}
    for source in SOURCES:
        hits = [p for p in files if re.search(source.patterns, p.name, re.I)]
        if not hits:
            continue
        if source.pick == "all":
            found[source.key] = ";".join(str(p) for p in sorted(hits, key=lambda p: p.name))
            continue
        if source.pick == "newest":
            hits = sorted(hits, key=lambda p: p.name, reverse=True)
        elif source.pick == "json":
            hits = sorted(hits, key=lambda p: p.suffix.lower() != ".json")
        else:
            hits = sorted(hits, key=lambda p: ("digital" in p.name.lower(),
                                               "headcount" in p.name.lower(), len(p.name)))
        found[source.key] = hits[0]
    return found
