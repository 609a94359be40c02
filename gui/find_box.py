"""The Find box (toolbar, Ctrl+F): type a practice, hub, housing site, ward or locality by
name or code and the map zooms to it and selects it. Completion lists what the data holds."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

KINDS = {"practices": "Practice", "hubs": "Hub", "housing": "Housing site",
         "localities": "Locality", "wards": "Ward"}


@dataclass(frozen=True)
class Place:
    layer: str
    item_id: str
    name: str

    @property
    def text(self) -> str:
        code = "" if self.item_id == self.name else f" ({self.item_id})"
        return f"{self.name}{code} — {KINDS[self.layer]}"


def places(ds, wards: dict | None = None) -> list[Place]:
    """Everything the Find box can reach in ``ds`` (wards: the map's context GeoJSON)."""
    out = [Place("localities", str(n), str(n)) for n in ds.localities["name"]]
    out += [Place("hubs", str(r.hub_id), str(r.name)) for r in ds.hubs.itertuples()]
    out += [Place("practices", str(r.practice_code), str(r.name))
            for r in ds.practices.itertuples()]
    out += [Place("housing", str(r.site_id), str(r.name)) for r in ds.housing.itertuples()]
    for f in (wards or {}).get("features", []):
        out.append(Place("wards", str(f["properties"]["id"]), str(f["properties"]["name"])))
    return out


def best_match(query: str, candidates: list[Place]) -> Place | None:
    """A completion's full text, else an exact code or name, else the first name or code
    that starts with, then contains, what was typed (case-insensitive)."""
    q = query.strip().casefold()
    if not q:
        return None
    tests = (lambda p: p.text.casefold() == q,
             lambda p: q in (p.item_id.casefold(), p.name.casefold()),
             lambda p: p.name.casefold().startswith(q) or p.item_id.casefold().startswith(q),
             lambda p: q in p.name.casefold() or q in p.item_id.casefold())
    for test in tests:
        hit = next((p for p in candidates if test(p)), None)
        if hit is not None:
            return hit
    return None


class FindBox(QLineEdit):
    found = Signal(object)         # a Place
    notFound = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setPlaceholderText("Find a practice, hub, site, ward or locality…  (Ctrl+F)")
        self.setToolTip("Type a name or code and press Enter: the map zooms to it")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self._places: list[Place] = []
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._go)
        self.setCompleter(completer)
        self.returnPressed.connect(lambda: self._go(self.text()))

    def set_places(self, found: list[Place]) -> None:
        self._places = found
        self._model.setStringList([p.text for p in found])

    def _go(self, text: str) -> None:
        hit = best_match(text, self._places)
        if hit is None:
            self.notFound.emit(text)
        else:
            self.found.emit(hit)
