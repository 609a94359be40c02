"""Editing hubs on the map: add on a click, drag to move (figures follow live; one undoable
move on release), right-click to delete or change status. Mixed into the Hubs panel."""
from __future__ import annotations

import pandas as pd
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QMenu

from models import hubs as hubmodel


class HubEditing:
    """The hub layer's edits, each one undoable step of the plan (needs the panel's ``ws``,
    ``map``, ``table``, ``model`` and ``refresh``)."""

    # -------------------------------------------------------------- editing
    def _set_editing(self, on: bool) -> None:
        """Edit mode: a click anywhere on land adds a hub there, a drag moves one."""
        self.map.set_editing("hubs" if on else None)

    def _on_map_click(self, lat: float, lon: float) -> None:
        if self.edit_box.isChecked() and self._place_ok(lat, lon, "here"):
            self.add_hub(lat, lon)

    def _place_ok(self, lat: float, lon: float, what: str) -> bool:
        """A hub outside every locality (in the river, or beyond Medway) is asked about."""
        from PySide6.QtWidgets import QMessageBox

        from models.hubs.straight_line import outside_every_locality
        if not outside_every_locality(self.ws.dataset.localities, lat, lon):
            return True
        answer = QMessageBox.question(
            self, "Hub outside every locality",
            f"The spot is outside every locality (in the river or estuary, or beyond "
            f"Medway). Place the hub {what} anyway?")
        if answer == QMessageBox.StandardButton.Yes:
            return True
        self.status.emit("The hub was not placed outside the localities")
        return False

    def add_hub(self, lat: float, lon: float, name: str | None = None,
                status: str = "proposed") -> str:
        hubs = self.ws.state("hubs")
        hub_id = hubmodel.next_hub_ids(self.used_ids(), 1)[0]
        self._issued.add(hub_id)
        n = hub_id.removeprefix("NEW-")
        row = {"hub_id": hub_id, "name": name or f"New hub {n}", "latitude": lat,
               "longitude": lon, "status": status, "locality": "",
               "capacity_patients": float("nan")}
        new = pd.concat([hubs, pd.DataFrame([row])], ignore_index=True)
        self.ws.set_state("hubs", self._with_localities(new), f"Add hub {row['name']}")
        return hub_id

    def used_ids(self) -> set[str]:
        """Every hub id the scenario has used: on the map, in the data as loaded, in the
        baseline, or added and since deleted or undone."""
        plan = self.ws.plan
        ids = set(plan.dataset.hubs["hub_id"]) | set(plan.base.hubs["hub_id"])
        if plan.baseline is not None:
            ids |= set(plan.baseline["hub_id"])
        return ids | self._issued

    def move_hub(self, hub_id: str, lat: float, lon: float) -> None:
        hubs = self.ws.state("hubs")
        mask = hubs["hub_id"] == hub_id
        hubs.loc[mask, ["latitude", "longitude"]] = [lat, lon]
        hubs.loc[mask, "locality"] = ""
        name = hubs.loc[mask, "name"].iloc[0]
        self.ws.set_state("hubs", self._with_localities(hubs), f"Move hub {name}")

    def delete_hub(self, hub_id: str) -> None:
        hubs = self.ws.state("hubs")
        name = hubs.loc[hubs["hub_id"] == hub_id, "name"]
        if name.empty:
            return
        self.ws.set_state("hubs", hubs[hubs["hub_id"] != hub_id].reset_index(drop=True),
                          f"Delete hub {name.iloc[0]}")

    def set_status(self, hub_id: str, status: str) -> None:
        hubs = self.ws.state("hubs")
        hubs.loc[hubs["hub_id"] == hub_id, "status"] = status
        self.ws.set_state("hubs", hubs, f"Set {hub_id} to {status}")

    def delete_selected(self) -> None:
        hub_id = self.selected_hub()
        if hub_id:
            self.delete_hub(hub_id)

    def selected_hub(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            src = self.table.model().mapToSource(rows[0])
            return str(self.model.frame.at[src.row(), "hub_id"])
        current = self.window.details.current
        return current[1] if current and current[0] == "hubs" else None

    def _with_localities(self, hubs: pd.DataFrame) -> pd.DataFrame:
        return hubmodel.locality_names_for(hubs, self.ws.dataset.localities)

    def _on_drag(self, layer: str, hub_id: str, lat: float, lon: float, finished: bool):
        if layer != "hubs":
            return
        if finished:
            hubs = self.ws.dataset.hubs
            row = hubs[hubs["hub_id"] == hub_id]
            still = not row.empty and abs(row["latitude"].iloc[0] - lat) < 1e-9 and \
                abs(row["longitude"].iloc[0] - lon) < 1e-9
            if still or not self._place_ok(lat, lon, "there"):
                # A click on a hub (no movement) records nothing; a refused drop goes back.
                self.refresh()
                if not row.empty:
                    self.map.move_feature("hubs", hub_id, float(row["latitude"].iloc[0]),
                                          float(row["longitude"].iloc[0]))
                return
            self.move_hub(hub_id, lat, lon)
            return
        hubs = self.ws.dataset.hubs.copy()
        hubs.loc[hubs["hub_id"] == hub_id, ["latitude", "longitude"]] = [lat, lon]
        self._dragging = True     # catchments by time wait for the drop (they take longer)
        try:
            self.refresh(hubs)    # live measures while dragging, nothing recorded yet
        finally:
            self._dragging = False

    def _on_context(self, layer: str, hub_id: str) -> None:
        if layer != "hubs":
            return
        menu = QMenu(self)
        menu.addAction("Delete hub", lambda: self.delete_hub(hub_id))
        status_menu = menu.addMenu("Status")
        for status in ("existing", "planned", "proposed"):
            status_menu.addAction(status, lambda s=status: self.set_status(hub_id, s))
        menu.popup(QCursor.pos())
