"""Locks on the Groups panel: keep a practice in its group, two together, two apart; each
lock added or removed is one undoable step of the workspace."""
from __future__ import annotations

import copy

from models import grouping


class LockEditing:
    """Mixed into the Groups panel: needs ``ws``, ``recent``, ``status`` and ``locks_list``."""

    @property
    def locks(self) -> grouping.Locks:
        """The workspace's locks (a lock added or removed is an undoable step)."""
        return self.ws.locks

    def _set_locks(self, change, text: str) -> None:
        new = copy.deepcopy(self.ws.locks)
        change(new)
        self.ws.set_state("locks", new, text)

    def _lock_selected(self) -> None:
        if not self.recent or self.recent[-1] not in self.ws.groups:
            self.status.emit("Select a grouped practice first")
            return
        code, group = self.recent[-1], self.ws.groups[self.recent[-1]]
        self._set_locks(lambda lk: lk.fixed.__setitem__(code, group),
                        f"Lock {self._named(code)} in {group}")

    def _lock_together(self) -> None:
        if len(self.recent) < 2:
            self.status.emit("Select two practices, one after the other, first")
            return
        pair = list(self.recent)
        self._set_locks(lambda lk: lk.together.append(pair), "Lock " + " + ".join(
            map(self._named, pair)) + " together")

    def _lock_apart(self) -> None:
        if len(self.recent) < 2:
            self.status.emit("Select two practices, one after the other, first")
            return
        pair = tuple(self.recent)
        self._set_locks(lambda lk: lk.apart.append(pair), f"Keep {self._named(pair[0])} and "
                        f"{self._named(pair[1])} apart")

    def _show_locks(self) -> None:
        self.locks_list.clear()
        for code, group in self.locks.fixed.items():
            self.locks_list.addItem(f"{self._named(code)} stays in {group}")
        for codes in self.locks.together:
            self.locks_list.addItem("together: " + " + ".join(map(self._named, codes)))
        for a, b in self.locks.apart:
            self.locks_list.addItem(f"apart: {self._named(a)} / {self._named(b)}")

    def _named(self, code: str) -> str:
        """A practice as a planner reads it: its name, with the code."""
        from models.display import practice_label
        return practice_label(self.ws.dataset.practices, code)

    def _remove_lock(self) -> None:
        row = self.locks_list.currentRow()
        if row < 0:
            return
        n_fixed, n_tog = len(self.locks.fixed), len(self.locks.together)

        def drop(lk):
            if row < n_fixed:
                del lk.fixed[list(lk.fixed)[row]]
            elif row < n_fixed + n_tog:
                del lk.together[row - n_fixed]
            else:
                del lk.apart[row - n_fixed - n_tog]
        self._set_locks(drop, "Remove a lock")
