"""The map kept from the last start (gui/map_preview.py): shown at once only when the data
folder and the program are exactly as they were, and kept as the live map only when the
band its outlines were judged on is this start's too."""
from __future__ import annotations

import os
import shutil

import pytest

from gui import map_preview
from gui.map_preview import MapPreview, fingerprint, keep, lookup


@pytest.fixture
def folder(tmp_path, sample_dir):
    copy = tmp_path / "medway"
    shutil.copytree(sample_dir, copy)
    return copy


def test_the_same_folder_gives_the_same_fingerprint_and_any_change_a_new_one(folder):
    key = fingerprint(str(folder))
    assert key == fingerprint(str(folder))
    practices = folder / "practices.csv"
    st = practices.stat()
    os.utime(practices, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))   # touched only
    assert fingerprint(str(folder)) != key
    (folder / "notes.txt").write_text("a new file", encoding="utf-8")
    assert len({key, fingerprint(str(folder))}) == 2


def test_a_missing_folder_has_no_fingerprint_and_lookup_never_raises(tmp_path):
    assert fingerprint(str(tmp_path / "gone")) is None
    assert lookup(str(tmp_path / "gone"), tmp_path / "cache") is None


def test_a_kept_page_is_found_at_the_next_start_with_its_band(folder, tmp_path):
    cache = tmp_path / "cache"
    first = lookup(str(folder), cache)
    assert first.page is None and not first.fits(None)       # nothing kept yet
    page = tmp_path / "map-1.html"
    page.write_text("<html>the map</html>", encoding="utf-8")
    keep(first, page, (30_000.0, 50_000.0), cache)
    again = lookup(str(folder), cache)
    assert again.key == first.key
    assert again.page.read_text(encoding="utf-8") == "<html>the map</html>"
    assert again.fits((30_000.0, 50_000.0))
    assert not again.fits((25_000.0, 50_000.0)) and not again.fits(None)


def test_only_the_newest_pages_are_kept(tmp_path):
    cache = tmp_path / "cache"
    page = tmp_path / "map.html"
    page.write_text("<html></html>", encoding="utf-8")
    for i in range(map_preview.KEEP + 3):
        keep(MapPreview(f"key{i}"), page, None, cache)
        os.utime(cache / f"key{i}.html", ns=(i * 10**9, i * 10**9))
    keep(MapPreview("newest"), page, None, cache)
    assert len(list(cache.glob("*.html"))) == map_preview.KEEP
    assert len(list(cache.glob("*.json"))) == map_preview.KEEP
    assert (cache / "newest.html").exists()
    assert not list(cache.glob(".part-*"))                     # written atomically


def test_a_damaged_note_means_no_page_not_an_error(folder, tmp_path):
    cache = tmp_path / "cache"
    key = fingerprint(str(folder))
    cache.mkdir()
    (cache / f"{key}.html").write_text("<html></html>", encoding="utf-8")
    (cache / f"{key}.json").write_text("{not json", encoding="utf-8")
    assert lookup(str(folder), cache) is None


@pytest.mark.gui
def test_a_kept_page_judged_on_another_band_is_replaced_when_the_data_loads(tmp_path):
    """The window shows the kept page at once; the data then loads with a band the page
    was not drawn for, so the data's own page replaces it (and is kept for next time)."""
    from gui.app import make_application
    from gui.main_window import MainWindow
    from geo.canonical import load_sample
    from rendering.webmap import write_map_html
    from tests.gui_helpers import close_window, wait_until
    make_application()
    ds = load_sample()
    kept = write_map_html(ds, tmp_path / "kept.html")
    preview = MapPreview("k", kept, repr("another band"))
    window = MainWindow(loading="Loading…", preview=preview)
    shown = []
    window.mapShown.connect(lambda: shown.append(True))
    window.show()
    wait_until(lambda: shown and window.map.is_ready, 60, "the kept page")
    assert window.map.html_path.name == "map-0.html"
    window.show_first_dataset(ds)
    assert window.wait_for_map(60000), window.map.errors
    assert window.map.html_path.name == "map-1.html"          # drawn afresh
    assert window.map.counts["practices"] == len(ds.practices)
    close_window(window)
