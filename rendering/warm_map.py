"""The page the map shows while the data loads: Leaflet, the map's stylesheet and the web
channel on an empty map, with a line saying what is loading.

Loaded as soon as the window exists (gui/app.py), it starts the web engine's renderer and
has it read and compile Leaflet on the second core while Python reads the data; the data's
page (rendering/webmap.py) then loads into an engine that is already running. This module
imports neither folium nor pandas: the window shows before they are loaded.
"""
from __future__ import annotations

import html
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xl
    return Path(xl.BASE_DIR)


def warm_page_html(message: str) -> str:
    """The loading page; ``message`` is shown as text (a folder's name is not markup)."""
    leaflet = leaflet_dir()
    css = (RESOURCES / "map.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(leaflet / "leaflet.css").as_uri()}">
<script src="{(leaflet / "leaflet.js").as_uri()}"></script>
<script src="qrc:///qtwebchannel/qwebchannel.js"></script>
<style>{css}
html, body, #map {{ height: 100%; margin: 0; }}
#loading {{ position: absolute; top: 45%; width: 100%; text-align: center; z-index: 1000;
  color: #37474f; font-size: 15px; }}</style>
</head><body><div id="map"></div><div id="loading">{html.escape(message)}</div>
<script>L.map("map", {{zoomSnap: 0.25}});</script>
</body></html>
"""
