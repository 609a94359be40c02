"""Layer toggles: one checkbox per map layer; overlays (groups, catchments) join later.

The tick box is the one owner of a layer's visibility: adding a layer tells the map its
state at once (an overlay drawn later is drawn hidden if its box is unticked)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from rendering.map_layers.registry import BASE_LAYERS, layer
from rendering.webmap import CONTEXT_LAYER


class LayersPanel(QListWidget):
    toggled = Signal(str, bool)   # layer name, visible

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip("Tick to show a layer on the map, untick to hide it")
        for name in reversed(BASE_LAYERS):   # top of the map first, as in QGIS
            self.add_declared(name)
        self._add_context_layer()
        self.itemChanged.connect(self._changed)

    def add_layer(self, name: str, title: str, visible: bool = True) -> None:
        if self.item_for(name) is not None:
            return
        item = QListWidgetItem(title)
        item.setToolTip(title)          # the whole title where a narrow panel cuts it
        item.setData(Qt.ItemDataRole.UserRole, name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)
        self.blockSignals(True)
        self.addItem(item)
        self.blockSignals(False)
        self.toggled.emit(name, visible)

    def add_declared(self, name: str) -> None:
        """A tick box for a declared layer (rendering/map_layers/registry.py): its title,
        ticked or not as declared."""
        spec = layer(name)
        self.add_layer(name, spec.title, spec.visible)

    def remove_layer(self, name: str) -> None:
        item = self.item_for(name)
        if item is not None:
            self.takeItem(self.row(item))

    def is_checked(self, name: str) -> bool:
        item = self.item_for(name)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def _add_context_layer(self) -> None:
        """Roads, rivers, railways and places (rendering/roads_map.py): beneath everything, so
        listed last; it draws only when the data folder has a road layer."""
        self.add_declared(CONTEXT_LAYER)
        item = self.item_for(CONTEXT_LAYER)
        item.setToolTip(f"{item.text()}: faint background from the data folder's road "
                        "extract (File → Import roads…); nothing to show when none has been "
                        "imported")

    def item_for(self, name: str):
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == name:
                return self.item(i)
        return None

    def set_checked(self, name: str, on: bool) -> None:
        item = self.item_for(name)
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def all_layers(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def visible_layers(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def _changed(self, item) -> None:
        self.toggled.emit(item.data(Qt.ItemDataRole.UserRole),
                          item.checkState() == Qt.CheckState.Checked)
