"""The window's handle on the Plan: Qt signals for its changes and an undo stack of its
commands. Panels never write to the plan directly; they ask the workspace, which executes a
plan command (validated by the plan), records it on the undo stack and lets every view know.

The workspace holds no state of its own: every property reads the plan.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from models.plan import Batch, Plan, SetState, SetValue


class _PlanCommand(QUndoCommand):
    """A plan command on the Qt undo stack: redo/undo execute/revert it on the plan."""

    def __init__(self, plan: Plan, command):
        super().__init__(command.text)
        self.plan, self.command = plan, command
        self._first = True

    def redo(self):
        if self._first:          # already executed (and validated) when pushed
            self._first = False
        else:
            self.plan.execute(self.command)

    def undo(self):
        self.plan.revert(self.command)


class Workspace(QObject):
    replaced = Signal()                  # a different dataset is open
    edited = Signal(str, str, str)       # layer, item id, column
    stateChanged = Signal(str)           # "groups", "hubs", "assumptions", "locks", …
    refused = Signal(str)                # an edit this window may not make, and why

    def __init__(self, dataset, parent=None):
        super().__init__(parent)
        self.plan = Plan(dataset)
        self.undo_stack = QUndoStack(self)
        self.plan.subscribe(self._on_change)
        # Non-empty: why this window changes nothing (another window owns the autosave and
        # the planner chose to look only).
        self.read_only = ""

    def _on_change(self, change) -> None:
        if change.kind == "replaced":
            self.replaced.emit()
        elif change.kind == "edited":
            self.edited.emit(change.key, change.item_id, change.column)
        else:
            self.stateChanged.emit(change.key)

    # ---------------------------------------------------------------- reading the plan
    @property
    def dataset(self):
        return self.plan.dataset

    @property
    def groups(self) -> dict[str, str]:
        return self.plan.groups

    @property
    def assumptions(self):
        return self.plan.assumptions

    @property
    def locks(self):
        """The grouping locks as the grouping solver takes them (a copy)."""
        return self.plan.grouping_locks()

    def state(self, key: str):
        """A copy of one piece of the plan's state."""
        if key == "locks":
            return self.plan.grouping_locks()
        return self.plan.state(key)

    # ---------------------------------------------------------------- changing it
    def replace(self, dataset) -> None:
        """Other data: the undo history belongs to the old data, so it goes too."""
        self.undo_stack.clear()
        self.plan.replace(dataset)

    def _push(self, command) -> None:
        if self.read_only:
            self.refused.emit(self.read_only)
            return
        self.plan.execute(command)           # raises ValueError, changing nothing
        self.undo_stack.push(_PlanCommand(self.plan, command))

    def set_state(self, key: str, new, text: str) -> None:
        """Replace the grouping, the hub layer, the assumptions… as one undoable step."""
        self._push(SetState(key, new, text))

    def set_value(self, layer: str, item_id: str, column: str, value) -> None:
        """Apply an edit (raises ValueError with a user message if refused)."""
        self._push(SetValue(layer, item_id, column, value))

    def set_values(self, layer: str, edits: list[tuple[str, str, object]], text: str) -> None:
        """Several cells of one layer as one undoable step: (item id, column, value)."""
        if edits:
            self._push(Batch([SetValue(layer, i, c, v) for i, c, v in edits], text))
