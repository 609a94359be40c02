"""Details of the clicked feature: every figure with its unit and where it comes from."""
from __future__ import annotations

import html

import pandas as pd
from PySide6.QtWidgets import QTextBrowser

from models.localities import TARGET_SOURCE, locality_summary


def _num(v, dp=0) -> str:
    if v is None or pd.isna(v):
        return "not given"
    return f"{v:,.{dp}f}"


class DetailsPanel(QTextBrowser):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.current: tuple[str, str] | None = None
        self.clear_details()

    def clear_details(self) -> None:
        self.current = None
        self.setHtml("<p style='color:#666'>Click a practice, hub, housing site or locality "
                     "on the map (or a table row) to see its figures here.</p>")

    def show_item(self, ds, layer: str, item_id: str, extra=()) -> None:
        """``extra``: more (label, value, source) rows from the planning panels."""
        self.current = (layer, item_id)
        rows = self._rows(ds, layer, item_id)
        if rows is not None and extra:
            rows = (rows[0], rows[1] + list(extra))
        if rows is None:
            self.setHtml(f"<p>{html.escape(item_id)}: not found</p>")
            return
        title, items = rows
        body = "".join(
            f"<tr><td style='color:#555;padding-right:10px'>{html.escape(k)}</td>"
            f"<td><b>{html.escape(v)}</b>"
            + (f"<br><span style='color:#777;font-size:small'>{html.escape(src)}</span>"
               if src else "") + "</td></tr>"
            for k, v, src in items)
        origin = html.escape(ds.label)
        self.setHtml(f"<h3>{html.escape(title)}</h3><table>{body}</table>"
                     f"<p style='color:#777;font-size:small'>Data: {origin}</p>")

    def _rows(self, ds, layer, item_id):
        data_file = {"practices": "practices.csv", "hubs": "hubs.csv",
                     "housing": "housing_sites.csv"}.get(layer, "localities")
        if layer in ("practices", "branch_links"):
            p = ds.practices
            hit = p[p["practice_code"] == item_id]
            if hit.empty:
                return None
            r = hit.iloc[0]
            branch = r["parent_code"] != ""
            items = [("Code", r["practice_code"], "ODS code"),
                     ("Site", "branch surgery" if branch else "main practice", "")]
            if branch:
                parent = p[p["practice_code"] == r["parent_code"]].iloc[0]
                items.append(("Branch of", f"{parent['name']} ({parent['practice_code']})",
                              "its patients are counted on the parent's list"))
            else:
                ratio = r["list_size"] / r["gp_wte"] if r["gp_wte"] and r["gp_wte"] == r[
                    "gp_wte"] else float("nan")
                kids = p[p["parent_code"] == item_id]["name"].tolist()
                items += [("Registered patients", _num(r["list_size"]),
                           f"{data_file}, list_size"),
                          ("GP WTE", _num(r["gp_wte"], 1), f"{data_file}, gp_wte"),
                          ("Patients per GP WTE", _num(ratio), "list size ÷ GP WTE"),
                          ("Branch surgeries", ", ".join(kids) or "none", "")]
            items += [("Locality", r["locality"] or "outside every locality",
                       "the locality polygon containing the site"),
                      ("Postcode", r["postcode"] or "not given", ""),
                      ("Location", f"{r['latitude']:.5f} N, {r['longitude']:.5f} E", "WGS84")]
            return r["name"], items
        if layer == "hubs":
            hit = ds.hubs[ds.hubs["hub_id"] == item_id]
            if hit.empty:
                return None
            r = hit.iloc[0]
            return r["name"], [
                ("Hub id", r["hub_id"], ""), ("Status", r["status"], f"{data_file}, status"),
                ("Locality", r["locality"] or "outside every locality", ""),
                ("Capacity", _num(r["capacity_patients"]) + " patients",
                 f"{data_file}, capacity_patients"),
                ("Location", f"{r['latitude']:.5f} N, {r['longitude']:.5f} E", "WGS84")]
        if layer == "housing":
            hit = ds.housing[ds.housing["site_id"] == item_id]
            if hit.empty:
                return None
            r = hit.iloc[0]
            years = [c for c in ds.year_columns if pd.notna(r[c])]
            phasing = ", ".join(f"{c[1:]}/{(int(c[1:]) + 1) % 100:02d}: {int(r[c]):,}"
                                for c in years) if years else (
                f"evenly from {_num(r['start_year'])} over "
                f"{_num(r['build_years']) if pd.notna(r['build_years']) else '5'} years")
            return r["name"], [
                ("Site id", r["site_id"], ""),
                ("Dwellings", _num(r["dwellings"]), f"{data_file}, dwellings"),
                ("Status", r["status"] or "not given", ""),
                ("In projections", "yes" if r["include"] else "no (excluded)",
                 "untick/tick in the Housing table"),
                ("Completions", phasing, "planning year in which dwellings complete"),
                ("Locality", r["locality"] or "outside every locality", "")]
        if layer == "localities":
            target = getattr(self.window(), "locality_target", None)
            plan = getattr(getattr(self.window(), "workspace", None), "plan", None)
            if target is not None and plan is not None:
                s, _ = target.summary(plan)       # judged as the table and map judge it
                against = target.flag_header(plan)
            else:
                s, against = locality_summary(ds), "Against the target"
            hit = s[s["locality"] == item_id]
            if hit.empty:
                return None
            r = hit.iloc[0]
            return f"{item_id} locality", [
                ("Registered patients", _num(r["registered_patients"]),
                 "sum of practice list sizes"),
                ("Census residents", _num(r["residents"]), "population.csv"),
                (against, r["flag"] or "within the target", TARGET_SOURCE),
                ("Practices / branches", f"{r['practices']} / {r['branches']}", ""),
                ("GP WTE", _num(r["gp_wte"], 1), "sum of practice GP WTE"),
                ("Patients per GP WTE", _num(r["patients_per_gp_wte"]), ""),
                ("HLC / hub", r["hlc"], "hubs.csv")]
        return None
