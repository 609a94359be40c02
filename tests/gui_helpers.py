"""Helpers for driving the real window and its web page in tests."""
from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication


def wait_until(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    """Process events until ``predicate()`` holds. The timeout only ends a failing test:
    it is generous because two test workers (pytest -n 2) share CI's two cores."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")


def eventually(predicate, timeout: float = 5.0) -> bool:
    """Whether ``predicate`` comes true within ``timeout`` s, the event loop running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and not predicate():
        QApplication.processEvents()
        time.sleep(0.005)
    return bool(predicate())


def js(window, code: str, timeout: float = 10.0):
    """Evaluate JavaScript in the map page and return its (JSON-convertible) result."""
    box = []
    window.map.run_js(code, box.append)
    wait_until(lambda: box, timeout, f"JavaScript: {code}")
    return box[0]


def open_window(dataset):
    from gui.app import make_application
    from gui.main_window import MainWindow
    make_application()
    window = MainWindow(dataset)
    release_modifiers(window)
    # Wide enough that the map keeps room beside the right-hand panels, whose smallest
    # width (~1,060 px with the Demand tab) would otherwise squeeze it to ~95 px.
    window.resize(2200, 1150)
    window.show()
    assert window.wait_for_map(60000), f"map not ready: {window.map.errors}"
    return window


def release_modifiers(widget) -> None:
    """Let go of Ctrl, Shift and Alt. The application keeps the modifiers of the last key
    event it was sent: after a test's Ctrl+Y, a later test's ``selectRow`` in an extended-
    selection table read as Ctrl+click and toggled the row off (seen when pytest's workers
    ran test files in another order)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt):
        QTest.keyRelease(widget, key)
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


def close_window(window) -> None:
    """Close a test's window without the unsaved-changes question (a module's window
    outlives each test's answered dialogs)."""
    window.workspace.undo_stack.setClean()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


# ------------------------------------------------------------------ acting on the map

def settle_map(window, timeout: float = 15.0) -> None:
    """Wait until the map stands still at the size the window gives it: no re-fit pending
    after a resize, no zoom or pan animating. A pixel aimed at before that can land on a
    place the map has since moved away from (a loaded machine makes the gap wide)."""
    def still():
        QApplication.processEvents()
        size = js(window, "medway.viewSize ? medway.viewSize() : null")
        busy = js(window, "medway.settling ? medway.settling() : false")
        zoom = window.map.zoomFactor()       # presentation mode enlarges the page
        want = (window.map.width() / zoom, window.map.height() / zoom)
        return not busy and size is not None and \
            all(abs(a - b) <= 1 for a, b in zip(size, want))
    end = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < end:
        calm = calm + 1 if still() else 0
        if calm >= 2:          # still twice in a row, a frame apart
            return
        _settle(40)
    raise AssertionError(f"the map did not settle in {timeout:g}s")


def _pixel(window, lat: float, lon: float):
    settle_map(window)
    return js(window, f"(function(){{ var p = medway.map.latLngToContainerPoint([{lat}, {lon}]);"
                      f" return [p.x, p.y]; }})()")


def _on_map(window, xy, margin: int = 20) -> bool:
    """``xy`` (the page's pixels) is on the map, ``margin`` in from its edges."""
    z = window.map.zoomFactor()
    return margin <= xy[0] < window.map.width() / z - margin and \
        margin <= xy[1] < window.map.height() / z - margin


def _screen(window, x: float, y: float):
    """The widget's pixel for a page pixel (presentation mode enlarges the page)."""
    from PySide6.QtCore import QPoint
    z = window.map.zoomFactor()
    return QPoint(round(x * z), round(y * z))


def _clear(window, xy) -> bool:
    """On the map and not under the legend."""
    r = js(window, "medway.legendRect ? medway.legendRect() : null") or {}
    under = r and r["x"] - 15 <= xy[0] <= r["x"] + r["w"] + 15 and \
        r["y"] - 15 <= xy[1] <= r["y"] + r["h"] + 15
    return _on_map(window, xy) and not under


def show_on_map(window, *points) -> None:
    """Pan (as a person would) so every (lat, lon) in ``points`` is in view, clear of the
    legend."""
    if all(_clear(window, _pixel(window, *pt)) for pt in points):
        return
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    js(window, f"medway.map.panTo([{lat}, {lon}], {{animate: false}}) && true")


def map_pixel(window, lat: float, lon: float):
    """The web view's pixel for a latitude/longitude, asked of Leaflet itself (the map is
    panned first if the point is out of view)."""
    show_on_map(window, (lat, lon))
    x, y = _pixel(window, lat, lon)
    assert _on_map(window, (x, y), 0), f"({lat}, {lon}) is off the map at pixel ({x:.0f}, {y:.0f})"
    return _screen(window, x, y)


def _map_target(window):
    """The widget that receives a person's mouse: the web view's render widget."""
    view = window.map
    return view.focusProxy() or view


def _settle(ms: int = 30) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def click_map(window, lat: float, lon: float, button=None) -> None:
    """Press and release the mouse at a latitude/longitude, as a person would."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    button = button or Qt.MouseButton.LeftButton
    pos = map_pixel(window, lat, lon)
    target = _map_target(window)
    QTest.mouseMove(target, pos)
    _settle()
    QTest.mousePress(target, button, Qt.KeyboardModifier.NoModifier, pos)
    _settle()
    QTest.mouseRelease(target, button, Qt.KeyboardModifier.NoModifier, pos)
    _settle(60)


def drag_map(window, start: tuple[float, float], end: tuple[float, float],
             steps: int = 8) -> None:
    """Press at ``start`` (lat, lon), move in steps and release at ``end``."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    show_on_map(window, start, end)
    (ax, ay), (bx, by) = _pixel(window, *start), _pixel(window, *end)   # no further panning
    a, b = _screen(window, ax, ay), _screen(window, bx, by)
    target = _map_target(window)
    left = Qt.MouseButton.LeftButton
    QTest.mouseMove(target, a)
    _settle()
    QTest.mousePress(target, left, Qt.KeyboardModifier.NoModifier, a)
    _settle()
    for i in range(1, steps + 1):
        p = QPoint(a.x() + (b.x() - a.x()) * i // steps, a.y() + (b.y() - a.y()) * i // steps)
        QTest.mouseMove(target, p)
        _settle(80)
    QTest.mouseRelease(target, left, Qt.KeyboardModifier.NoModifier, b)
    _settle(100)




def tick_layer(window, title: str, on: bool) -> None:
    """Tick or untick a layer in the Layers panel as a person does: click its row, press
    Space (the row's check box toggles)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    panel = window.layers_panel
    items = [panel.item(i) for i in range(panel.count()) if panel.item(i).text() == title]
    assert items, f"no layer titled {title!r}: {[panel.item(i).text() for i in range(panel.count())]}"
    item = items[0]
    if (item.checkState() == Qt.CheckState.Checked) == on:
        return
    rect = panel.visualItemRect(item)
    QTest.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    QTest.keyClick(panel, Qt.Key.Key_Space)
    assert (item.checkState() == Qt.CheckState.Checked) == on, f"layer {title!r} did not toggle"


def click_widget(widget) -> None:
    """A left click where a person clicks: a button's middle, a check box's box."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyle, QStyleOptionButton
    pos = None
    if isinstance(widget, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        opt.initFrom(widget)
        box = widget.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, opt, widget)
        pos = box.center() if box.isValid() else QPoint(8, widget.height() // 2)
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     pos if pos is not None else widget.rect().center())
    QApplication.processEvents()


def click_map_pixel(window, x: float, y: float) -> None:
    """A left click at a pixel of the map (for the map's own controls, e.g. the legend)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    target, pos = _map_target(window), _screen(window, x, y)
    QTest.mouseMove(target, pos)
    _settle()
    QTest.mousePress(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    _settle()
    QTest.mouseRelease(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    _settle(80)


def hub_count(window) -> int:
    return window.hubs_panel.model.rowCount()


def land_point(window, locality: str, avoid_km: float = 0.35):
    """A (lat, lon) inside ``locality`` clear of hubs, practices and housing sites (a spot a
    planner would click on open ground)."""
    import numpy as np
    from shapely.geometry import Point
    ds = window.dataset
    poly = ds.localities.set_index("name").at[locality, "geometry"]
    pts = np.vstack([ds.hubs[["latitude", "longitude"]].to_numpy(float),
                     ds.practices[["latitude", "longitude"]].to_numpy(float),
                     ds.housing[["latitude", "longitude"]].to_numpy(float)])
    minx, miny, maxx, maxy = poly.bounds
    best, best_d = None, -1.0
    for lat in np.linspace(miny, maxy, 25)[1:-1]:
        for lon in np.linspace(minx, maxx, 25)[1:-1]:
            if not poly.buffer(-0.002).contains(Point(lon, lat)):
                continue
            d = np.min(np.hypot((pts[:, 0] - lat) * 111, (pts[:, 1] - lon) * 69))
            if d > best_d:
                best, best_d = (float(lat), float(lon)), d
    assert best is not None and best_d >= avoid_km, f"no open ground in {locality}"
    return best


def click_feature(window, layer: str, feature_id: str) -> None:
    """Click a point symbol where a person would: on a part of it not covered by another
    symbol (a hub drawn over a practice, say)."""
    settle_map(window)
    spot = js(window, f"""(function(){{
        var l = medway.layers[{layer!r}] && null;
        var hit = null;
        medway.layers[{layer!r}].eachLayer(function (x) {{
            if (String(x.feature.properties.id) === {str(feature_id)!r}) {{ hit = x; }} }});
        if (!hit || !hit._path) {{ return null; }}
        var c = medway.map.getContainer().getBoundingClientRect();
        var r = hit._path.getBoundingClientRect();
        for (var i = 0; i <= 6; i++) {{ for (var j = 0; j <= 6; j++) {{
            var x = r.left + r.width * (0.5 + (i % 2 ? 1 : -1) * Math.ceil(i / 2) / 7);
            var y = r.top + r.height * (0.5 + (j % 2 ? 1 : -1) * Math.ceil(j / 2) / 7);
            if (document.elementFromPoint(x, y) === hit._path) {{ return [x - c.left, y - c.top]; }}
        }} }}
        return null; }})()""")
    assert spot, f"{layer} {feature_id} is hidden under other symbols everywhere"
    click_map_pixel(window, *spot)

def menu_actions(window):
    """Every command in the menu bar, submenus included: (path, action)."""
    found = []

    def walk(menu, path):
        for action in menu.actions():
            if action.isSeparator():
                continue
            name = path + [action.text().replace("&", "")]
            if action.menu() is not None:
                walk(action.menu(), name)
            else:
                found.append((" → ".join(name), action))
    for top in window.menuBar().actions():
        walk(top.menu(), [top.text().replace("&", "")])
    return found


def menu_action(window, menu_title: str, text: str):
    """The action a person would click: found in the menu bar by its visible text."""
    for path, action in menu_actions(window):
        top, _, rest = path.partition(" → ")
        if top == menu_title and rest.split(" → ")[-1].rstrip("…").startswith(
                text.rstrip("…")):
            return action
    raise AssertionError(f"no {menu_title} → {text} in the menu bar")


def status_text(window) -> str:
    """What the status bar shows: the message and the permanent labels."""
    from PySide6.QtWidgets import QLabel
    labels = [w.text() for w in window.statusBar().findChildren(QLabel) if w.isVisible()]
    return " | ".join([window.statusBar().currentMessage()] + labels)


def make_room_for_the_map(window) -> None:
    """Close the Demand panel from the View menu, as a planner would on a small screen.
    Its row of controls is 1,063 px wide at its smallest and the right-hand panels are
    tabbed together, so while it is open the map shrinks to ~95 px (reported to the lead)."""
    dock = getattr(window, "demand_dock", None)
    if dock is not None:
        dock.hide()           # as unticking View → Demand does
        _settle(100)


def press_in_next_box(button_text: str) -> list[str]:
    """Click ``button_text`` in the next message box that opens (modal, so set up before
    the action that opens it); returns a list that receives the box's text."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QMessageBox
    seen: list[str] = []

    def look():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            for button in box.buttons():
                if button.text().replace("&", "") == button_text:
                    seen.append(box.text())
                    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
                    return
        QTimer.singleShot(50, look)
    QTimer.singleShot(0, look)
    return seen


def type_in_cell(panel, key: str, column: str, text: str) -> str:
    """Double-click a table cell, select what its editor shows, type ``text`` and press
    Enter, as a planner does; returns the text the editor first showed."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit
    model = panel.model
    col = [c.key for c in model.columns].index(column)
    index = panel.proxy.mapFromSource(model.index(model.row_of(panel.key, key), col))
    view = panel.view
    view.scrollTo(index)
    rect = view.visualRect(index)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, rect.center())
    QApplication.processEvents()
    editor = view.focusWidget()
    assert isinstance(editor, QLineEdit), f"no text editor opened, got {editor!r}"
    shown = editor.text()
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    return shown
