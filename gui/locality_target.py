"""Which population the 30–50k locality target is judged on — the registered list (the
default: it is what the Operational Plan's localities are built from) or census residents —
as a setting the planner chooses in View → Judge locality target on, kept with QSettings.

Every view that flags a locality (the Localities table, the map's outlines and tips, the
Details panel) asks this one object, so they never disagree; both measures are shown side by
side, and the pseudo-row of practices outside every locality is never flagged.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup

from rendering import webmap
from models.display import number
from models.localities import BASES

SETTING = "localities/judge_on"


class LocalityTarget(QObject):
    changed = Signal(str)

    def __init__(self, window, menu):
        super().__init__(window)
        self.window = window
        value = window.settings.value(SETTING, "registered")
        self.basis = value if value in BASES else "registered"
        sub = menu.addMenu("Judge locality &target on")
        group = QActionGroup(self)
        self.actions: dict[str, QAction] = {}
        for key, text in (("registered", "&Registered patients (list sizes)"),
                          ("residents", "Census &residents (population.csv)")):
            action = QAction(text, self, checkable=True, checked=key == self.basis)
            action.setStatusTip(f"Flag localities outside the target by {BASES[key]}")
            action.triggered.connect(lambda _checked=False, k=key: self.set_basis(k))
            group.addAction(action)
            sub.addAction(action)
            self.actions[key] = action

    def set_basis(self, basis: str) -> None:
        if basis not in BASES or basis == self.basis:
            return
        self.basis = basis
        self.actions[basis].setChecked(True)
        self.window.settings.setValue(SETTING, basis)
        self.changed.emit(basis)

    def band(self, plan) -> str:
        low, high = plan.locality_bounds()
        return f"{low / 1000:,.0f}–{high / 1000:,.0f}k"

    def map_band(self, plan):
        """The band the first drawing of the map judges list sizes on (None when the target
        is judged on residents: the window restyles the outlines once the map is up)."""
        return plan.locality_bounds() if self.basis == "registered" else None

    def flag_header(self, plan) -> str:
        return f"Against {self.band(plan)} target (on {BASES[self.basis]})"

    def summary(self, plan):
        """The locality table as judged now: (frame, rows to flag)."""
        from gui.tables import localities_frame
        low, high = plan.locality_bounds()
        return localities_frame(plan.dataset, low, high, self.basis)

    def map_styles(self, plan, frame=None) -> tuple[dict, dict]:
        """Outline styles and tips for the map's localities, judged like the table (give the
        table's ``frame`` when it is at hand: it is not worked out again)."""
        if frame is None:
            frame, _ = self.summary(plan)
        rows = frame[frame["is_locality"]].set_index("locality")
        styles, tips = {}, {}
        for i, name in enumerate(plan.dataset.localities["name"]):
            r = rows.loc[name]
            style = webmap.locality_style(i, 0)
            if not r["out_of_band"]:
                style.update(color="#424242", weight=1.5, dashArray=None)
            else:
                style.update(color="#c62828", weight=2.5, dashArray="6 4")
            styles[name] = style
            tips[name] = [["Locality", name],
                          ["Registered patients", number(r["registered_patients"])],
                          ["Census residents", number(r["residents"])],
                          [f"Target {self.band(plan)} on {BASES[self.basis]}",
                           r["flag"] or "within"]]
        return styles, tips
