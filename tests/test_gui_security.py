"""Hostile names and the offline exports: user strings are shown as text, never run."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.canonical import load_folder
from tests.gui_helpers import close_window, js, open_window, wait_until

pytestmark = pytest.mark.gui

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>window.pwned=1</script>"


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    import shutil
    from tests.conftest import SAMPLE
    dest = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(SAMPLE, dest)
    p = pd.read_csv(dest / "practices.csv", dtype=str, keep_default_na=False)
    p.loc[0, "name"] = IMG
    p.to_csv(dest / "practices.csv", index=False)
    h = pd.read_csv(dest / "hubs.csv", dtype=str, keep_default_na=False)
    h.loc[0, "name"] = SCRIPT
    h.to_csv(dest / "hubs.csv", index=False)
    return dest


@pytest.fixture(scope="module")
def window(hostile_dir):
    win = open_window(load_folder(hostile_dir))
    yield win
    close_window(win)


def test_hostile_names_render_as_text_in_the_map(window):
    code = window.dataset.practices.at[0, "practice_code"]
    assert js(window, "window.pwned === undefined")
    js(window, f"""(function(){{ medway.layers.practices.eachLayer(function(l){{
        if (l.feature.properties.id === '{code}') {{ l.openTooltip(); }} }}); return true; }})()""")
    wait_until(lambda: IMG in (js(window, "document.querySelector('.leaflet-tooltip-pane')"
                                          ".textContent") or ""), what="tooltip text")
    assert js(window, "document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert js(window, "window.pwned === undefined")


def test_hostile_names_render_as_text_in_the_details_panel(window):
    code = window.dataset.practices.at[0, "practice_code"]
    window.details.show_item(window.dataset, "practices", code)
    assert IMG in window.details.toPlainText()
    hub = window.dataset.hubs.at[0, "hub_id"]
    window.details.show_item(window.dataset, "hubs", hub)
    assert SCRIPT in window.details.toPlainText()


def test_standalone_html_export_is_offline_and_escaped(window, tmp_path):
    out = tmp_path / "map.html"
    assert window.export_html(str(out))
    html = out.read_text(encoding="utf-8")
    refs = re.findall(r"""<(?:script|link)[^>]+(?:src|href)\s*=\s*["']([^"']+)""", html)
    assert refs == [], refs                       # Leaflet and styles are inlined
    assert "L.version" in html or "leaflet" in html.lower()
    assert IMG not in html and SCRIPT not in html  # only ever as escaped JSON text
    assert "qwebchannel" not in html               # no app-only bridge in the export


def test_png_export_writes_a_picture(window, tmp_path):
    out = tmp_path / "map.png"
    assert window.export_png(str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_presentation_mode_hides_panels_and_comes_back(window):
    visible = [d for d in window.findChildren(type(window.layers_dock)) if d.isVisible()]
    window.toggle_presentation(True)
    assert not any(d.isVisible() for d in visible)
    assert window.map.zoomFactor() > 1.0
    window.toggle_presentation(False)
    assert all(d.isVisible() for d in visible)
    assert window.map.zoomFactor() == 1.0


def test_report_export_from_the_window(window, tmp_path):
    out = tmp_path / "report.pdf"
    task = window.export_report(str(out))      # drawn in the background
    assert task is not None
    from tests.gui_helpers import wait_until
    wait_until(lambda: not task.running and out.exists(), 60, "the report")
    assert out.read_bytes()[:5] == b"%PDF-"
