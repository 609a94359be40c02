"""The open dataset plus its undo stack: the one place the GUI changes data.

Panels never write to the dataset directly; they ask the workspace, which validates through
models/edits.py, records a QUndoCommand and tells every view what changed.
"""
from __future__ import annotations

import copy

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from models.assumptions import default_assumptions
from models.edits import KEYS, apply_edit


class _EditCommand(QUndoCommand):
    def __init__(self, ws: "Workspace", layer: str, item_id: str, column: str, new, old):
        super().__init__(f"Set {column.replace('_', ' ')} of {item_id} to {new}")
        self.ws, self.layer, self.item_id, self.column = ws, layer, item_id, column
        self.new, self.old = new, old
        self._first = True

    def redo(self):
        if self._first:          # already applied (and validated) when pushed
            self._first = False
        else:
            apply_edit(self.ws.dataset, self.layer, self.item_id, self.column, self.new)
        self.ws.edited.emit(self.layer, self.item_id, self.column)

    def undo(self):
        apply_edit(self.ws.dataset, self.layer, self.item_id, self.column, self.old)
        self.ws.edited.emit(self.layer, self.item_id, self.column)


class _StateCommand(QUndoCommand):
    """Swap a whole piece of state (the grouping, the hub layer) for another."""

    def __init__(self, ws: "Workspace", key: str, new, old, text: str):
        super().__init__(text)
        self.ws, self.key, self.new, self.old = ws, key, new, old

    def redo(self):
        self.ws._put_state(self.key, self.new)

    def undo(self):
        self.ws._put_state(self.key, self.old)


class Workspace(QObject):
    replaced = Signal()                  # a different dataset is open
    edited = Signal(str, str, str)       # layer, item id, column
    stateChanged = Signal(str)           # "groups", "hubs", "assumptions" or "locks"

    def __init__(self, dataset, parent=None):
        super().__init__(parent)
        self.dataset = dataset
        self.groups: dict[str, str] = {}    # practice_code → extended group name
        self.assumptions = default_assumptions()
        self._locks = None                   # grouping constraints the planner set
        self.undo_stack = QUndoStack(self)

    def replace(self, dataset) -> None:
        self.dataset = dataset
        self.groups = {}
        self._locks = None
        self.undo_stack.clear()
        self.replaced.emit()

    @property
    def locks(self):
        """Grouping locks (models.grouping.Locks), made on first use: importing the
        grouping model pulls in scikit-learn, which start-up need not wait for."""
        if self._locks is None:
            from models.grouping import Locks
            self._locks = Locks()
        return self._locks

    @locks.setter
    def locks(self, value) -> None:
        self._locks = value

    def state(self, key: str):
        """A copy of the current grouping or hub layer."""
        if key == "groups":
            return dict(self.groups)
        if key == "hubs":
            return self.dataset.hubs.copy()
        if key == "assumptions":
            return self.assumptions          # immutable: edits make a new object
        if key == "locks":
            return copy.deepcopy(self.locks)
        raise KeyError(key)

    def set_state(self, key: str, new, text: str) -> None:
        """Replace the grouping or hub layer as one undoable step."""
        self.undo_stack.push(_StateCommand(self, key, new, self.state(key), text))

    def _put_state(self, key: str, value) -> None:
        if key == "groups":
            self.groups = dict(value)
        elif key == "assumptions":
            self.assumptions = value
        elif key == "locks":
            self.locks = copy.deepcopy(value)
        else:
            self.dataset.hubs = value.copy()
        self.stateChanged.emit(key)

    def set_value(self, layer: str, item_id: str, column: str, value) -> None:
        """Apply an edit (raises ValueError with a user message if refused)."""
        old = apply_edit(self.dataset, layer, item_id, column, value)
        frame = getattr(self.dataset, layer)
        new = frame.loc[frame[KEYS[layer]] == item_id, column].iloc[0]
        self.undo_stack.push(_EditCommand(self, layer, item_id, column, new, old))
