"""Details of the clicked feature: every figure with its unit and where it comes from."""
from __future__ import annotations

import html

import pandas as pd
from PySide6.QtWidgets import QTextBrowser

from geo.dataset import is_branch
from models.localities import TARGET_SOURCE


def _num(v, dp=0) -> str:
    if v is None or pd.isna(v):
        return "unknown"
    return f"{v:,.{dp}f}"


def _supply_rows(ds, code: str) -> list[tuple[str, str, str]]:
    """GPs, need, deprivation and estate of one practice, each with its source and year."""
    from models.display import money
    from models.supply import GP_LABEL, practice_supply
    prac, years = practice_supply(ds)
    hit = prac[prac["practice_code"] == code]
    if hit.empty:
        return []
    r = hit.iloc[0]
    wf = (f"NHS Digital GP workforce {years['workforce']}, {GP_LABEL}"
          if years.get("workforce") else "practices.csv gp_wte")
    pay = f"NHS Payments to General Practice {years['payments']}" if years.get(
        "payments") else "no payments file loaded"
    rows = [("GPs" + (f" ({r['gp_basis']})" if r["gp_basis"] else ""), _num(r["gps"], 1),
             wf),
            ("Patients per GP", _num(r["patients_per_gp"]),
             f"patients ÷ GP FTE of one period ({r['gp_date']}), where both are known"),
            ("Need-weighted list", _num(r["weighted_list"]),
             f"list × weighted ÷ registered patients, {pay}"),
            ("Deprivation (IMD score)", _num(r["imd_score"], 1),
             f"OHID Fingertips 93553, IMD {years.get('imd') or 'not loaded'}; higher = more "
             "deprived"),
            ("Premises payments", money(r["premises_gbp"]) + " a year"
             if pd.notna(r["premises_gbp"]) else "unknown",
             f"{pay}; a proxy for the existing estate, not a floor area")]
    if pd.notna(r["capacity_m2"]) or pd.notna(r["capacity_rooms"]):
        rows.append(("Known capacity", f"{_num(r['capacity_m2'])} m² GIA, "
                     f"{_num(r['capacity_rooms'])} clinical rooms",
                     "capacity return (overrides the premises proxy)"))
    return rows


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
        if rows is not None and layer in ("practices", "hubs"):   # the estate register
            from gui.estate_table import estate_rows
            rows = (rows[0], rows[1] + estate_rows(ds, item_id))
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
            branch = is_branch(r)
            items = [("Code", r["practice_code"], "ODS code"),
                     ("Site", "branch surgery" if branch else "main practice", "")]
            if branch:
                parent = p[p["practice_code"] == r["parent_code"]].iloc[0]
                items.append(("Branch of", f"{parent['name']} ({parent['practice_code']})",
                              "its patients are counted on the parent's list"))
            else:
                from models.supply import list_known
                kids = p[p["parent_code"] == item_id]["name"].tolist()
                listed = bool(list_known(hit).iloc[0])
                items += [("Registered patients", _num(r["list_size"]) if listed else
                           "unknown", f"{data_file}, list_size" if listed else
                           "not in the list-size file (closed or merged since the "
                           "practice list?)")]
                items += _supply_rows(ds, item_id)
                items += [("Branch surgeries", ", ".join(kids) or "none", "")]
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
            from gui.tables import localities_frame
            target = getattr(self.window(), "locality_target", None)
            plan = getattr(getattr(self.window(), "workspace", None), "plan", None)
            if target is not None and plan is not None:
                s, _ = target.summary(plan)       # judged as the table and map judge it
                against = target.flag_header(plan)
            else:
                s, _ = localities_frame(ds)
                against = "Against the target"
            hit = s[s["locality"] == item_id]
            if hit.empty:
                return None
            r = hit.iloc[0]
            from models.display import money
            return f"{item_id} locality", [
                ("Registered patients", _num(r["registered_patients"]),
                 "sum of known practice list sizes"),
                ("Census residents", _num(r["residents"]), "population.csv"),
                (against, r["flag"] or "within the target", TARGET_SOURCE),
                ("Practices / branches", f"{r['practices']} / {r['branches']}", ""),
                ("GPs", r["gps_text"], "GP workforce, fully qualified GPs as FTE (est. = "
                                       "headcount × FTE per head), else practices.csv GP WTE"),
                ("Patients per GP", _num(r["patients_per_gp"]),
                 "over the practices with both figures"),
                ("Need-weighted list", _num(r["weighted_list"]), "Carr-Hill weighting"),
                ("Deprivation (IMD score)", _num(r["imd_score"], 1),
                 "list-weighted practice score; higher = more deprived"),
                ("Premises payments", money(r["premises_gbp"]) + " a year"
                 if pd.notna(r["premises_gbp"]) else "unknown",
                 "a proxy for the existing estate"),
                ("HLC / hub", r["hlc"], "hubs.csv")]
        return None
