"""The map: a QWebEngineView over the folium page, and the channel back to Python.

Python → page: ``run_js`` calls the ``medway`` API in resources/map_glue.js (restyle,
select, overlays) so edits never rebuild the page. Page → Python: the QWebChannel object
``bridge`` reports clicks and readiness. An interceptor blocks and records any network
request: the app must work in a room with no network and must not try.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEngineLoadingInfo, QWebEnginePage, QWebEngineProfile, QWebEngineSettings,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView

# rendering.webmap (folium, numpy) and the layer registry are imported where used: the map
# view exists, and warms its page, before the data and those modules load (gui/app.py).

NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp"}


def _parse(text):
    try:
        return json.loads(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every network request the page makes, and remembers it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.blocked: list[str] = []
        self.requests: list[str] = []

    def interceptRequest(self, info):  # noqa: N802 (Qt's name)
        url = info.requestUrl()
        self.requests.append(url.toString())
        if url.scheme().lower() in NETWORK_SCHEMES:
            self.blocked.append(url.toString())
            info.block(True)


class MapBridge(QObject):
    """The object the page sees as ``bridge``."""

    clicked = Signal(str, str)
    mapClickedAt = Signal(float, float)
    ready = Signal(dict, int)                        # feature counts, page generation
    dragged = Signal(str, str, float, float, bool)   # layer, id, lat, lon, finished
    contextMenu = Signal(str, str)
    mapMenuAt = Signal(float, float)

    @Slot(float, float)
    def mapContextMenu(self, lat: float, lon: float):  # noqa: N802 (called from JS)
        self.mapMenuAt.emit(lat, lon)

    @Slot(str, str, float, float, bool)
    def featureDragged(self, layer, feature_id, lat, lon, finished):  # noqa: N802
        self.dragged.emit(layer, feature_id, lat, lon, finished)

    @Slot(str, str)
    def featureContextMenu(self, layer, feature_id):  # noqa: N802
        self.contextMenu.emit(layer, feature_id)

    @Slot(str, str)
    def featureClicked(self, layer: str, feature_id: str):  # noqa: N802 (called from JS)
        self.clicked.emit(layer, feature_id)

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float):  # noqa: N802
        self.mapClickedAt.emit(lat, lon)

    @Slot(str, str)
    def pageReady(self, counts_json: str, page: str):  # noqa: N802
        """The page is up; ``page`` is its path, map-<generation>.html (-1: not ours)."""
        m = re.search(r"map-(\d+)\.html$", page or "")
        self.ready.emit(json.loads(counts_json), int(m.group(1)) if m else -1)


class _Page(QWebEnginePage):
    """Forwards the page's console errors to Python (they explain a blank map)."""

    console = Signal(str)

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console.emit(f"{message} (line {line})")


class MapView(QWebEngineView):
    """Shows a dataset's map. ``ready`` fires (with feature counts) once Leaflet runs."""

    ready = Signal(dict)
    failed = Signal(str)
    featureClicked = Signal(str, str)
    mapClicked = Signal(float, float)
    featureDragged = Signal(str, str, float, float, bool)
    featureContextMenu = Signal(str, str)
    mapContextMenu = Signal(float, float)      # a right-click on the map (not a feature)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._profile = QWebEngineProfile(self)   # off-the-record: nothing written to disk
        self.guard = OfflineGuard(self)
        self._profile.setUrlRequestInterceptor(self.guard)
        page = _Page(self._profile, self)
        self.setPage(page)
        settings = page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
                              False)
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self)
        self.channel.registerObject("bridge", self.bridge)
        page.setWebChannel(self.channel)       # before any load (docs/design.md §7)
        self.bridge.clicked.connect(self.featureClicked)
        self.bridge.mapClickedAt.connect(self.mapClicked)
        self.bridge.dragged.connect(self.featureDragged)
        self.bridge.contextMenu.connect(self.featureContextMenu)
        self.bridge.mapMenuAt.connect(self.mapContextMenu)
        self.bridge.ready.connect(self._on_ready)
        page.console.connect(self._on_console)
        # One load at a time, each judged by the page its end names: a load replaced mid-way
        # may never report its end, and a page asked for just then was seen never to load.
        page.loadingChanged.connect(self._on_loading)
        # A renderer that died mid-load reports no end: the next page must still load.
        page.renderProcessTerminated.connect(lambda *_: setattr(self, "_loading", None))
        self._loading: QUrl | None = None       # the page loading now
        self._queued: QUrl | None = None        # the newest page asked for meanwhile
        self._warm_url: QUrl | None = None      # the start-up page (warm_up)
        self._tmp = tempfile.TemporaryDirectory(prefix="medway-map-")
        self.html_path: Path | None = None
        self.is_ready = False
        self.counts: dict = {}
        self.errors: list[str] = []
        self._generation = 0
        self._pending: list[tuple[str, object]] = []   # calls made before the page is ready
        self._overlays: dict[str, tuple[dict, bool]] = {}   # replayed on every reload
        self._hidden: set[str] = set()      # layers the user unticked; kept across reloads
        self._editing: str | None = None    # the layer being edited on the map, if any

    def warm_up(self, message: str = "", page: Path | None = None) -> None:
        """Load an empty Leaflet page now (start-up): the web engine starts and compiles
        Leaflet while the data loads; the data's page loads once this one has. ``page``:
        the data's map kept from the last start (gui/map_preview.py), shown instead; it
        says ``ready`` like any map, and ``keep_page`` keeps it when the data arrives."""
        if page is not None:
            self.html_path = Path(self._tmp.name) / f"map-{self._generation}.html"
            shutil.copyfile(page, self.html_path)
            self._request(QUrl.fromLocalFile(str(self.html_path)))
            return
        from rendering.warm_map import warm_page_html
        path = Path(self._tmp.name) / "warm.html"
        path.write_text(warm_page_html(message), encoding="utf-8")
        self._warm_url = QUrl.fromLocalFile(str(path))
        self._request(self._warm_url)

    def show_dataset(self, ds, band=None) -> Path:
        """Write the page for ``ds`` and load it (localities judged on ``band``); ``ready``
        follows."""
        self.is_ready = False
        self._generation += 1
        self.html_path = Path(self._tmp.name) / f"map-{self._generation}.html"
        from rendering import webmap
        webmap.write_map_html(ds, self.html_path, band=band)
        self._request(QUrl.fromLocalFile(str(self.html_path)))
        return self.html_path

    def keep_page(self) -> bool:
        """Keep the start-up page on screen as the data's map (the caller has checked it is
        the page ``show_dataset`` would draw), without loading it again: the planner's pan
        and zoom stay. ``ready`` is said again for those listening now; False (nothing
        done) unless that page is up."""
        if not self.is_ready or self._generation != 0 or self.html_path is None:
            return False
        QTimer.singleShot(0, lambda: self._say_ready_again(0))
        return True

    def _say_ready_again(self, generation: int) -> None:
        if generation == self._generation and self.is_ready:    # not replaced meanwhile
            self.ready.emit(self.counts)

    def _request(self, url: QUrl) -> None:
        """Load ``url`` now, or once the page loading now has ended (only the newest page
        asked for meanwhile is loaded then)."""
        if self._loading is not None:
            self._queued = url
            return
        self._loading = url
        self.load(url)

    def run_js(self, code: str, callback=None) -> None:
        """Run a JavaScript expression; ``callback`` gets its value, passed as JSON (PySide
        hands JS objects back as empty strings otherwise)."""
        if callback is None:
            self.page().runJavaScript(code)
            return
        wrapped = f"(function(){{ var v = ({code}); return v === undefined ? 'null' : JSON.stringify(v); }})()"
        self.page().runJavaScript(wrapped, 0, lambda text: callback(_parse(text)))

    def call(self, method: str, *args, callback=None) -> None:
        """Call ``medway.<method>(*args)`` in the page with JSON-encoded arguments.

        Calls made while the page is (re)loading are queued and sent once it is ready."""
        from rendering.webmap import json_default
        payload = ", ".join(json.dumps(a, default=json_default) for a in args)
        code = f"window.medway && medway.{method}({payload})"
        if not self.is_ready:
            self._pending.append((code, callback))
            return
        self.run_js(code, callback)

    # -------------------------------------------------------------- convenience API
    def set_layer_visible(self, layer: str, on: bool) -> None:
        """Every layer, base or overlay, shows only while its tick box is ticked."""
        if on:
            self._hidden.discard(layer)
        else:
            self._hidden.add(layer)
        self.call("setVisible", layer, bool(on))

    def layer_visible(self, layer: str) -> bool:
        return layer not in self._hidden

    def set_editing(self, layer: str | None) -> None:
        """Edit ``layer`` (hubs) on the map: a click on land adds, a drag moves; None stops."""
        self._editing = layer or None
        self.call("setDraggable", self._editing)

    @property
    def editing(self) -> str | None:
        return self._editing

    def zoom_to(self, layer: str, feature_id: str, callback=None) -> None:
        self.call("zoomTo", layer, feature_id, callback=callback)

    def select(self, layer: str, feature_id: str) -> None:
        self.call("selectAndShow", layer, feature_id)

    def clear_selection(self) -> None:
        self.call("clearSelection")

    def restyle(self, layer: str, styles: dict) -> None:
        self.call("restyle", layer, styles)

    def replace_layer(self, layer: str, geojson: dict | str) -> None:
        data = geojson if isinstance(geojson, str) else json.dumps(geojson)
        code = f"window.medway && medway.replaceLayer({json.dumps(layer)}, {data})"
        if self.is_ready:
            self.run_js(code)
        else:
            self._pending.append((code, None))

    def set_overlay(self, name: str, geojson: dict, interactive: bool | None = None,
                    legend: dict | None = None) -> None:
        """Draw a declared layer (rendering/map_layers/registry.py) over the base map with
        the features its builder gave; it obeys its tick box and gets its legend section
        (``legend`` when the rows depend on a mode, else the declaration's)."""
        from rendering.map_layers.registry import layer
        spec = layer(name)
        self._overlays[name] = (geojson,
                                spec.interactive if interactive is None else interactive,
                                legend or spec.legend_section())
        if self.is_ready:
            self._send_overlay(name)

    def _send_overlay(self, name: str) -> None:
        geojson, interactive, legend = self._overlays[name]
        self.call("setOverlay", name, geojson, interactive, name not in self._hidden, legend)

    def remove_overlay(self, name: str) -> None:
        self._overlays.pop(name, None)
        if self.is_ready:
            self.call("removeOverlay", name)

    def move_feature(self, layer: str, feature_id: str, lat: float, lon: float) -> None:
        """Put a point symbol at (lat, lon), e.g. back where it was after a refused drop."""
        self.call("moveFeature", layer, feature_id, lat, lon)

    def zoom(self, delta: float) -> None:
        self.call("zoom", delta)

    def fit(self) -> None:
        self.call("fit")

    # -------------------------------------------------------------- readiness
    def _on_loading(self, info) -> None:
        """A load ended: load the page asked for meanwhile, if any; else judge this one."""
        status = info.status()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStartedStatus or \
                info.url() != self._loading:
            return
        self._loading = None
        if self._queued is not None:        # newer data came while this page loaded
            url, self._queued = self._queued, None
            self._request(url)
            return
        if info.url() == self._warm_url:    # the start-up page, not a map
            return
        if status == QWebEngineLoadingInfo.LoadStatus.LoadStoppedStatus:
            return              # stopped for a newer load of the same page
        generation = self._generation
        self._keyboard_skips_the_map()
        if status == QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus:
            self.failed.emit(f"the map page did not load ({info.errorString()})")
            return
        # A page that loaded may still lack Leaflet or its script (docs/design.md §7): check.
        self.run_js("document.readyState !== 'complete' ? 'loading' : "
                    "typeof L === 'undefined' ? 'no-leaflet' : "
                    "(window.medway ? 'ok' : 'no-glue')",
                    lambda state: self._check_page(state, generation))

    def _keyboard_skips_the_map(self) -> None:
        """Tab goes from panel to panel; the map takes the keyboard only when clicked (Tab
        would otherwise step through 150+ map features before reaching a panel)."""
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        proxy = self.focusProxy()
        if proxy is not None:
            proxy.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    def _check_page(self, state, generation: int) -> None:
        """Tell the window when the page lacks Leaflet or its script; an answer about a
        page that a newer one has replaced since (data opened again) is ignored."""
        if generation != self._generation:
            return
        if state == "no-leaflet":
            self.failed.emit("Leaflet did not load (is the xstatic-leaflet package installed?)")
        elif state == "no-glue":
            self.failed.emit("the map's script failed: " + "; ".join(self.errors[-3:]))

    def _on_ready(self, counts: dict, generation: int) -> None:
        if generation != self._generation:
            return       # a page replaced since (data opened again) said it was ready
        self.counts = counts
        self.is_ready = True
        for name in self._hidden:
            self.call("setVisible", name, False)
        for name in self._overlays:
            self._send_overlay(name)
        if self._editing:
            self.call("setDraggable", self._editing)
        pending, self._pending = self._pending, []
        for code, callback in pending:
            self.run_js(code, callback)
        self.ready.emit(counts)

    def _on_console(self, message: str) -> None:
        self.errors.append(message)

    def dispose(self) -> None:
        """Tear the page down before the profile (avoids a web-engine crash at exit)."""
        page = self.page()
        self.setPage(None)
        page.deleteLater()
        self._tmp.cleanup()          # the generated map pages
