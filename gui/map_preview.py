"""The map kept from the last start, shown at once while the same data loads again.

Reading the data and loading pandas, geopandas and folium takes about 1.5 s before the map
can be drawn. When the data folder and the program are exactly as they were at the last
start, the map page drawn then is the page this start would draw, so it is shown at once
(the planner sees Medway within a second) and kept when the data has loaded, if the
locality band the outlines are judged on is also the same (gui/main_window.py); otherwise
the new page replaces it.

"Exactly as they were" is a fingerprint: the path, size and modification time of every
file in the data folder and of the program's own files (its code, the map's script and
styles, folium's and Leaflet's), plus Python's version. Any change gives a new fingerprint,
so a stale page is never kept; pages are kept in the user's cache folder (the newest few),
written atomically. Nothing here imports pandas: it runs before the window shows.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAM_FOLDERS = ("cli", "geo", "gui", "models", "rendering", "resources")
LIBRARIES = ("folium", "branca", "xstatic.pkg.leaflet")
MOST_FILES = 5_000      # a data folder with more files is not fingerprinted (slow to read)
KEEP = 4                # pages kept: the newest, one per data folder started with


@dataclass
class MapPreview:
    """A start's fingerprint and, when the last start with it left one, its map page and
    the band that page's outlines were judged on (repr of the plan's band)."""
    key: str
    page: Path | None = None
    band: str | None = None

    def fits(self, band) -> bool:
        """Whether the kept page is the one this start draws: the same band too."""
        return self.page is not None and self.band == repr(band)


def cache_folder() -> Path:
    from PySide6.QtCore import QStandardPaths
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(base or tempfile.gettempdir()) / "map-pages"


def _files(folder: Path, limit: int) -> list[tuple[str, int, int]] | None:
    """(relative path, size, modification time) of every file under ``folder``; None past
    ``limit`` files."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            path = Path(top) / name
            try:
                st = path.stat()
            except OSError:
                continue
            found.append((str(path.relative_to(folder)), st.st_size, st.st_mtime_ns))
            if len(found) > limit:
                return None
    return found


def _library_files() -> list:
    import importlib.util
    found = []
    for name in LIBRARIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        folder = Path(spec.origin).parent if spec and spec.origin else None
        found.append((name, _files(folder, MOST_FILES) if folder else None))
    return found


def fingerprint(data_dir: str | None) -> str | None:
    """The start's fingerprint (see the module docstring); None when the folder cannot be
    read or is too large to fingerprint quickly."""
    from geo.sample_folder import SAMPLE_DIR
    folder = Path(data_dir) if data_dir else SAMPLE_DIR
    if not folder.is_dir():
        return None
    data = _files(folder, MOST_FILES)
    if data is None:
        return None
    program = [(name, _files(ROOT / name, MOST_FILES)) for name in PROGRAM_FOLDERS]
    facts = [str(folder.resolve()), data, program, _library_files(), sys.version]
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:24]


def lookup(data_dir: str | None, folder: Path | None = None) -> MapPreview | None:
    """This start's fingerprint with the page the last start with it left (if any); None
    when the start cannot be fingerprinted. Never raises: a start without a kept page is
    only slower."""
    try:
        key = fingerprint(data_dir)
        if key is None:
            return None
        folder = folder or cache_folder()
        page, note = folder / f"{key}.html", folder / f"{key}.json"
        if page.is_file() and note.is_file():
            band = json.loads(note.read_text(encoding="utf-8")).get("band")
            return MapPreview(key, page, band)
        return MapPreview(key)
    except (OSError, ValueError):
        return None


def keep(preview: MapPreview, page: Path, band, folder: Path | None = None) -> None:
    """Keep ``page`` (just drawn for this start's data) for the next start with the same
    fingerprint; older pages beyond ``KEEP`` go. A failure to write only costs speed."""
    from geo.atomic import atomic_write_bytes, atomic_write_text
    folder = folder or cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(folder / f"{preview.key}.html", Path(page).read_bytes())
        atomic_write_text(folder / f"{preview.key}.json", json.dumps({"band": repr(band)}))
        pages = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime_ns,
                       reverse=True)
        for old in pages[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
    except OSError:
        pass

