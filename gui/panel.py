"""What every planning panel shares: the window, its workspace and map, a status line, a
sortable table factory and a way to run long work in the background."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFrame, QScrollArea, QTableView, QWidget

from gui.frame_model import FilterProxy
from gui.worker import Task


def scrolling(widget: QWidget, parent: QWidget | None = None) -> QScrollArea:
    """``widget`` in a frameless scroll area that resizes it: taller than the room it is
    given, it scrolls instead of pushing the window taller."""
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class Panel(QWidget):
    status = Signal(str)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.ws = window.workspace
        self.map = window.map
        self.task: Task | None = None

    def table_view(self, model) -> QTableView:
        """A read-mostly sortable table over a FrameModel (file order until sorted)."""
        proxy = FilterProxy(self)
        proxy.setSourceModel(model)
        view = QTableView(self)
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setStretchLastSection(True)
        return view

    def start_task(self, work, on_done, *, title: str, button, taskbar,
                   on_found=None) -> Task:
        """Run ``work(progress, cancel)`` off the GUI thread; ``button`` is disabled
        meanwhile, ``taskbar`` shows progress and Cancel; failures are shown to the user.
        A result for a plan that has changed since (other data, or any edit) is dropped
        with a status message, never applied. With ``on_found`` the work is
        ``work(progress, cancel, found)`` and a first answer it passes to ``found`` goes to
        ``on_found`` (on the same terms) while the work goes on."""
        task = Task(work, self, with_found=on_found is not None)
        stamp = self.ws.plan.stamp()        # the data and revision this work starts from

        def found(first):
            if self.ws.plan.is_current(stamp):
                on_found(first)
        if on_found is not None:
            task.found.connect(found)

        def finished(result):
            if not self.ws.plan.is_current(stamp):
                self.status.emit(f"{title}: the plan changed while it ran (other data or "
                                 "an edit), so its result was not applied; run it again")
                return
            on_done(result)
        task.done.connect(finished)
        task.failed.connect(lambda msg: self.window.show_error(title, msg))
        task.cancelled.connect(lambda: self.status.emit(f"{title} cancelled; nothing was "
                                                        "changed"))
        for sig in (task.done, task.failed, task.cancelled):
            sig.connect(lambda *_: button.setEnabled(True))
        button.setEnabled(False)
        taskbar.watch(task)
        self.task = task
        task.start()
        return task
