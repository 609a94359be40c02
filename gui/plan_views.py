"""How the window's tables and map follow the plan: a cell edited in a table becomes a plan
command; every change the plan announces refreshes the tables, restyles the map and the
Details panel; a click on the map or a table row selects the same item in both."""
from __future__ import annotations

# pandas, folium and the layer registry load with the data, not before the window shows
# (gui/app.py): each method imports what it uses.


class PlanViews:
    """Mixed into the main window (needs its tables, map, details and workspace)."""

    def _edit_from_table(self, layer: str):
        table = {"practices": lambda: self.practices_table,
                 "housing": lambda: self.housing_table}[layer]

        def edit(row: int, column: str, value) -> bool:
            panel = table()
            item_id = str(panel.model.frame.at[row, panel.key])
            if column == "group":            # a hand move, through the Groups panel
                return self._move_to_group(item_id, str(value).strip())
            if not self._plausible(layer, item_id, column, value):
                return False
            try:
                self.workspace.set_value(layer, item_id, column, value)
            except ValueError as exc:
                self.show_error("Edit refused", str(exc))
                return False
            return True
        return edit

    def _plausible(self, layer: str, item_id: str, column: str, value) -> bool:
        """A figure far above anything in the data is asked about first (a typo such as
        99,999,999 patients); No changes nothing."""
        from PySide6.QtWidgets import QMessageBox

        from models.edits import implausible
        question = implausible(self.dataset, layer, item_id, column, value)
        if question and QMessageBox.question(self, "Check this figure", question) != \
                QMessageBox.StandardButton.Yes:
            self.show_status(f"{item_id}: {column.replace('_', ' ')} not changed")
            return False
        return True

    def _move_to_group(self, code: str, group: str) -> bool:
        if not self.workspace.groups:
            self.show_error("No grouping", "Run the grouping (Groups tab) before moving "
                                           "practices between groups")
            return False
        if not group:
            self.show_error("Edit refused", "type the name of a group, e.g. G2, or a new "
                                            "name to start a new group")
            return False
        self.groups_panel.move(code, group)
        return True

    def _on_edited(self, layer: str, item_id: str, column: str) -> None:
        """Refresh the tables and restyle the map through the page (no reload)."""
        from gui.tables import housing_frame, practices_frame
        ds = self.dataset
        self._show_counts()
        if layer == "practices":
            self.practices_table.set_frame(practices_frame(ds, self._site_groups))
            self._restyle_layer("practices")
            self._show_localities(restyle=True)
        elif layer == "housing":
            self.housing_table.set_frame(housing_frame(ds))
            self._restyle_layer("housing")
        if self.details.current:
            self.details.show_item(ds, *self.details.current)

    def _on_state(self, key: str) -> None:
        from gui.tables import housing_frame
        from rendering import webmap
        self._show_counts()
        if key == "housing":                      # a site added or removed
            self.housing_table.set_frame(housing_frame(self.dataset))
            self.map.replace_layer("housing", webmap.layer_json(self.dataset, "housing"))
        if key in ("hubs", "assumptions"):      # HLC column; the target band
            self._show_localities(restyle=True)

    def _show_localities(self, restyle: bool = False) -> None:
        """The Localities table (both measures, judged on the chosen one) and, once the map
        is up, its outlines and tips judged the same way."""
        from gui.tables import LOCALITY_COLUMNS
        plan = self.workspace.plan
        frame, flagged = self.locality_target.summary(plan)
        flag_col = next(c for c in LOCALITY_COLUMNS if c.key == "flag")
        flag_col.header = self.locality_target.flag_header(plan)
        self.localities_table.set_frame(frame, flagged)
        if restyle:
            self._restyle_localities(frame)

    def _restyle_localities(self, frame) -> None:
        """The map's outlines and tips judged as the Localities table's ``frame`` is (every
        plan change that moves a locality's figures has just worked it out again)."""
        if self.map.is_ready:
            styles, tips = self.locality_target.map_styles(self.workspace.plan, frame)
            self.map.restyle("localities", styles)
            self.map.call("retip", "localities", tips)

    def refresh_group_column(self, per_site: dict[str, str]) -> None:
        """The Groups panel tells the Practices table which group each site is in."""
        from gui.tables import practices_frame
        self._site_groups = dict(per_site)
        self.practices_table.set_frame(practices_frame(self.dataset, self._site_groups))

    def _restyle_layer(self, layer: str) -> None:
        from rendering import webmap
        from rendering.map_layers import registry
        collection = registry.layer(layer).features(self.dataset)
        styles = {f["properties"]["id"]: f["properties"]["style"]
                  for f in collection["features"]}
        if layer == "practices" and self._site_groups:     # keep the group colours
            styles = webmap.group_practice_styles(self.dataset, self._site_groups)
        tips = {f["properties"]["id"]: f["properties"]["tip"] for f in collection["features"]}
        self.map.restyle(layer, styles)
        self.map.call("retip", layer, tips)

    # -------------------------------------------------------------- selection
    def _on_feature_clicked(self, layer: str, item_id: str) -> None:
        self._select(layer, item_id, from_table=False)

    def _select(self, layer: str, item_id: str, from_table: bool) -> None:
        if layer == "branch_links":
            layer = "practices"
        extra = []
        if layer == "practices" and item_id in self._site_groups:
            extra.append(("Extended group", self._site_groups[item_id], "Groups panel"))
        self.details.show_item(self.dataset, layer, item_id, extra)
        table = {"practices": self.practices_table, "localities": self.localities_table,
                 "housing": self.housing_table}.get(layer)
        if layer == "practices":
            self.groups_panel.note_selection(item_id)
        if from_table:
            self.map.select(layer, item_id)
        elif table is not None:
            table.select_key(item_id)
            self.tabs.setCurrentWidget(table)

    # -------------------------------------------------------------- map state
