"""GP supply, need and existing estate by practice and by area (locality, group or hub).

What a board signs, and how each figure is made (unknown is never zero: a practice without a
figure is left out of that ratio, and every ratio comes with the count it rests on):

* **GPs** are fully qualified GPs (excluding trainees and locums) from NHS Digital's General
  Practice Workforce file, in two measures kept apart: ``gp_headcount`` (people) and
  ``gp_fte`` (full-time equivalents, as published; or practices.csv WTE as entered). Ratios and gaps use FTE (``gps``): the
  published FTE, else the headcount × the ``gp_fte_per_head`` assumption, marked **est.**,
  else practices.csv ``gp_wte`` (WTE as entered). ``gp_basis`` says which: "FTE", "est.",
  "WTE" or "" (unknown).
* **One period.** Patients per GP divide the workforce file's own ``TOTAL_PATIENTS`` of the
  same period (``period_patients``) by that period's GPs. Only where the file gives no
  patients is today's list used instead, and then the area table carries both dates.
  ``gap_list_now`` is the same gap on the list file's lists, and ``period_effect`` the
  difference: what mixing the two dates would have added.
* **Merged practices**: a practice attached to its successor (``--successor`` at import, so
  a branch whose parent is the successor) brings its GPs and period patients to the
  successor's row (``merged_from`` names them). Workforce rows of practices not in the data
  at all are counted in ``years["unplaced"]`` and named in the notes.
* **Implausible figures** (patients per GP FTE above ``implausible_patients_per_gp``, e.g.
  one GP for 16,500 patients) are flagged in ``implausible`` and left out of ratios and gaps.
* **Need** is the list × the Carr-Hill weighting of the payments file (weighted ÷
  registered). **Estate** is premises payments (£ a year, a proxy, not a floor area) unless
  the estates team's capacity return gives m² GIA. **Deprivation** is the practice IMD
  score; an area's is the list-weighted mean.

practice_supply(ds, a=None, ...) -> (frame PRACTICE_SUPPLY_COLUMNS, years)
    years: {"lists", "workforce", "gp_period", "payments", "imd", "implausible",
            "unplaced", "merged"} — the dates and what was set aside
area_supply(practices, areas, prac_area, a) -> one row per area + the whole area
    (AREA_SUPPLY_COLUMNS)
supply_by(ds, a, by, groups) -> (practices, areas, years): what the workbook's ``supply``
    sheet shows (SUPPLY_SHEET_COLUMNS gives headings with units)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.localities import MEDWAY
from models.assumptions import Assumptions

GP_LABEL = "GPs (fully qualified; FTE, or headcount × FTE per head marked est.)"
GP_FTE_LABEL = "GP FTE"
PREMISES_LABEL = "premises payments (£ a year; a proxy for the existing estate)"

PRACTICE_SUPPLY_COLUMNS = [
    "practice_code", "name", "locality", "list_size", "list_date", "gp_headcount", "gp_fte",
    "gps", "gp_basis", "gp_date", "period_patients", "ratio_patients", "patients_per_gp",
    "implausible", "merged_from", "need_index", "weighted_list", "imd_score", "premises_gbp",
    "capacity_m2", "capacity_rooms"]

AREA_SUPPLY_COLUMNS = [
    "area", "practices", "list_size", "lists_unknown", "list_date", "gp_headcount", "gp_fte",
    "gps", "gp_basis", "gp_date", "gps_unknown", "implausible", "practices_in_ratio",
    "patients_in_ratio", "gps_in_ratio", "patients_per_gp", "gp_gap", "gp_gap_low",
    "gp_gap_high", "gap_list_now", "period_effect", "weighted_list", "imd_score",
    "imd_unknown", "premises_gbp", "premises_per_patient", "premises_unknown", "capacity_m2",
    "capacity_practices", "spare_m2"]

# The workbook's supply sheet: column → heading with its unit (unknown = empty cell).
SUPPLY_SHEET_COLUMNS = {
    "list_size": "registered list (patients)", "list_date": "list date",
    "gp_headcount": "GPs, headcount (fully qualified)",
    "gp_fte": "GPs, FTE as published, or WTE as entered (fully qualified)",
    "gps": "GP FTE used in ratios", "gp_basis": "GP FTE basis (FTE / est. / WTE)",
    "gp_date": "GP figures' period", "patients_in_ratio": "patients of the same period",
    "ratio_patients": "patients of the same period", "patients_per_gp": "patients per GP FTE",
    "gp_gap": "GPs short at the benchmark (FTE; negative = surplus)",
    "weighted_list": "need-weighted list (Carr-Hill)", "imd_score": "IMD score",
    "premises_gbp": "premises payments (£ a year)"}


def list_date(ds) -> str:
    """The date of the list sizes (from sources.csv), '' if not recorded."""
    src = ds.sources
    if src is None or src.empty:
        return ""
    rows = src[src["publisher"].astype(str).str.contains("Patients Registered", case=False)]
    return str(rows["date"].iloc[0]) if len(rows) else ""


def list_year(ds) -> int | None:
    """The planning year (April–March, 2026 = 2026/27) the list sizes are dated in: homes
    completed in earlier years are already on the list. None when the date is unknown."""
    try:
        day = pd.Timestamp(list_date(ds))
    except (ValueError, TypeError):
        return None
    if pd.isna(day):
        return None
    return int(day.year if day.month >= 4 else day.year - 1)


def _year_middle(label: str) -> pd.Timestamp | None:
    """'2016-17' → 1 Oct 2016; '2019' → 1 Jul 2019."""
    text = str(label)
    try:
        if "-" in text:
            return pd.Timestamp(int(text[:4]), 10, 1)
        return pd.Timestamp(int(text[:4]), 7, 1)
    except ValueError:
        return None


def _pick(frame: pd.DataFrame | None, column: str, wanted: str | None,
          near: str = "") -> str | None:
    """The year asked for, else the one nearest the list sizes' date, else the latest."""
    if frame is None or frame.empty:
        return None
    years = sorted(set(frame[column].astype(str)))
    if wanted in years:
        return wanted
    try:
        target = pd.Timestamp(near) if near else None
    except ValueError:
        target = None
    if target is None or pd.isna(target):
        return years[-1]
    return min(years, key=lambda y: abs((_year_middle(y) or target) - target))


def period_label(financial_year: str, as_at: str = "") -> str:
    """'2023-24' → 'FY2023/24 (mean of the year's monthly files)'; a monthly file's date."""
    if as_at:
        return str(as_at)
    fy = str(financial_year)
    return f"FY{fy[:4]}/{fy[-2:]}" if "-" in fy else fy


def list_known(practices: pd.DataFrame) -> pd.Series:
    """True where a practice's list size is a real figure (not a placeholder 0)."""
    if "list_size_known" not in practices.columns:
        return pd.Series(True, index=practices.index)
    return practices["list_size_known"].fillna(True).astype(bool)


def _successor_of(ds) -> dict[str, str]:
    """Practice code → the main practice it now belongs to (itself, or its parent)."""
    p = ds.practices
    parent = p["parent_code"].fillna("").astype(str)
    return {c: (par or c) for c, par in zip(p["practice_code"].astype(str), parent)}


def _workforce(ds, year: str | None, codes: pd.Series, out: dict) -> pd.DataFrame:
    """The chosen year's workforce rows folded onto today's main practices (successors)."""
    w = ds.workforce[ds.workforce["financial_year"] == year].copy()
    succ = _successor_of(ds)
    w["to"] = w["practice_code"].map(succ)
    unplaced = w[w["to"].isna()]
    out["unplaced"] = unplaced["practice_code"].tolist()
    w = w[w["to"].notna()]
    merged = w[w["to"] != w["practice_code"]]
    out["merged"] = {old: new for old, new in zip(merged["practice_code"], merged["to"])}
    known = lambda s: s.sum() if s.notna().any() else np.nan   # noqa: E731
    agg = w.groupby("to").agg(heads=("gp_headcount", known), fte=("gp_fte", known),
                              patients=("average_patients", known),
                              as_at=("as_at", "first"))
    agg["merged_from"] = merged.groupby("to")["practice_code"].agg(", ".join)
    return agg.reindex(codes)


def practice_supply(ds, a: Assumptions | None = None, *, workforce_year: str | None = None,
                    payments_year: str | None = None,
                    imd_year: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Per main practice: list, GPs (headcount, FTE, basis, period), the same period's
    patients, need weighting, deprivation, estate (NaN = unknown). See the module notes."""
    a = a if a is not None else Assumptions()
    mains = ds.main_practices()
    codes = mains["practice_code"].astype(str)
    out = pd.DataFrame({"practice_code": codes.to_numpy(), "name": mains["name"].to_numpy(),
                        "locality": mains["locality"].to_numpy()})
    known_list = list_known(mains).to_numpy()
    out["list_size"] = np.where(known_list, mains["list_size"].to_numpy(float), np.nan)
    near = list_date(ds)
    out["list_date"] = near or "as in practices.csv"
    years = {"workforce": _pick(ds.workforce, "financial_year", workforce_year, near),
             "payments": _pick(ds.payments, "financial_year", payments_year, near),
             "imd": _pick(ds.deprivation, "year", imd_year, near), "lists": near,
             "gp_period": "", "unplaced": [], "merged": {}, "implausible": []}
    _gp_columns(ds, a, out, mains, codes, years)
    _need_and_estate(ds, out, codes, years)
    return out[PRACTICE_SUPPLY_COLUMNS], years


def _gp_columns(ds, a, out, mains, codes, years) -> None:
    """GP headcount/FTE/basis/period, the same period's patients and patients per GP."""
    n = len(out)
    heads, fte = np.full(n, np.nan), np.full(n, np.nan)
    patients = np.full(n, np.nan)
    out["merged_from"] = ""
    if years["workforce"]:
        w = _workforce(ds, years["workforce"], codes, years)
        heads, fte = w["heads"].to_numpy(float), w["fte"].to_numpy(float)
        patients = w["patients"].to_numpy(float)
        out["merged_from"] = w["merged_from"].fillna("").to_numpy()
        as_at = next((x for x in w["as_at"].dropna() if str(x)), "")
        years["gp_period"] = period_label(years["workforce"], as_at)
        est = heads * a.value("gp_fte_per_head")
        gps = np.where(np.isnan(fte), est, fte)
        basis = np.where(~np.isnan(fte), "FTE", np.where(~np.isnan(est), "est.", ""))
        out["gp_date"] = years["gp_period"]
    else:   # practices.csv: GP WTE as entered, beside the list of the same file
        gps = pd.to_numeric(mains["gp_wte"], errors="coerce").to_numpy(float)
        fte = gps                     # WTE as entered: full-time equivalents too
        basis = np.where(np.isnan(gps), "", "WTE")
        patients = out["list_size"].to_numpy(float)
        out["gp_date"] = "as in practices.csv"
    out["gp_headcount"], out["gp_fte"], out["gps"], out["gp_basis"] = heads, fte, gps, basis
    years["gp_basis"] = basis_text(out["gp_basis"])
    out["period_patients"] = patients
    # The same period's patients; today's list only where the workforce file gives none.
    ratio = np.where(np.isnan(patients), out["list_size"].to_numpy(float), patients)
    out["ratio_patients"] = ratio
    usable = ~np.isnan(gps) & (gps > 0) & ~np.isnan(ratio) & (ratio > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(usable, ratio / gps, np.nan)
    out["implausible"] = per > a.value("implausible_patients_per_gp")
    out["patients_per_gp"] = per
    years["implausible"] = [f"{c} {nm}: {r:,.0f} patients for {g:,.1f} GP {b or 'FTE'}"
                            for c, nm, r, g, b, bad in zip(out["practice_code"], out["name"],
                                                          ratio, gps, basis,
                                                          out["implausible"]) if bad]


def _need_and_estate(ds, out, codes, years) -> None:
    out["need_index"] = np.nan
    out["premises_gbp"] = np.nan
    if years["payments"]:
        p = ds.payments[ds.payments["financial_year"] == years["payments"]]
        p = p.set_index("practice_code")
        reg = codes.map(p["registered_patients"]).to_numpy(float)
        wtd = codes.map(p["weighted_patients"]).to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["need_index"] = np.where(reg > 0, wtd / reg, np.nan)
        prem = codes.map(p["premises_gbp"]).to_numpy(float)
        out["premises_gbp"] = np.where(reg > 0, prem, np.nan)
    out["weighted_list"] = out["list_size"] * out["need_index"]
    out["imd_score"] = np.nan
    if years["imd"]:
        d = ds.deprivation[ds.deprivation["year"].astype(str) == years["imd"]]
        out["imd_score"] = codes.map(d.set_index("practice_code")["imd_score"]).to_numpy(
            float)
    out["capacity_m2"] = np.nan
    out["capacity_rooms"] = np.nan
    if ds.capacity is not None and len(ds.capacity):
        site_parent = ds.practices.set_index("practice_code")["parent_code"]
        cap = ds.capacity.copy()
        cap["practice"] = [site_parent.get(c, "") or c for c in cap["site_code"]]
        per = cap.groupby("practice").agg(
            m2=("gia_m2", lambda s: s.sum() if s.notna().all() else np.nan),
            rooms=("clinical_rooms", lambda s: float(s.sum()) if s.notna().all()
                   else np.nan))
        out["capacity_m2"] = codes.map(per["m2"]).to_numpy(float)
        out["capacity_rooms"] = codes.map(per["rooms"]).to_numpy(float)


def _sum_known(values: pd.Series) -> float:
    return float(values.sum()) if values.notna().any() else np.nan


def basis_text(basis: pd.Series) -> str:
    """An area's GP basis: 'FTE', 'est.', 'WTE', or 'FTE (2 est.)' where mixed."""
    kinds = basis[basis != ""].value_counts()
    if kinds.empty:
        return ""
    main = str(kinds.index[0])
    rest = ", ".join(f"{int(n)} {k}" for k, n in kinds.iloc[1:].items())
    return f"{main} ({rest})" if rest else main


def gp_text(value: float, basis: str, digits: int = 1) -> str:
    """'86.6 FTE', '91.0 FTE est.', '12.0 WTE', 'unknown' — every GP figure says its basis."""
    if value is None or not np.isfinite(value):
        return "unknown"
    if basis.startswith("est."):
        return f"{value:,.{digits}f} FTE {basis}"
    return f"{value:,.{digits}f} {basis or 'FTE'}"


def area_supply(prac: pd.DataFrame, areas: list[str], prac_area, a: Assumptions,
                *, need_weighted: bool = False) -> pd.DataFrame:
    """Per area + the whole area: GPs, patients per GP (one period), the gap to the
    benchmark and its range, the gap on today's lists and the difference, need,
    deprivation and estate — each ratio over the practices with both figures."""
    frame = prac.assign(area=np.asarray(prac_area, dtype=object))
    bench = a["patients_per_gp_wte"]
    rows = []
    for area in list(areas) + [MEDWAY]:
        f = frame if area == MEDWAY else frame[frame["area"] == area]
        weight = f["need_index"] if need_weighted else 1.0
        patients = f["ratio_patients"] * weight
        now = f["list_size"] * weight
        both = (patients.notna() & (patients > 0) & f["gps"].notna() & (f["gps"] > 0)
                & ~f["implausible"].astype(bool))
        gps = float(f.loc[both, "gps"].sum()) if both.any() else np.nan
        pts = float(patients[both].sum()) if both.any() else np.nan
        now_known = both & now.notna()
        row = {"area": area, "practices": len(f),
               "list_size": _sum_known(f["list_size"]),
               "lists_unknown": int(f["list_size"].isna().sum()),
               "list_date": str(f["list_date"].iloc[0]) if len(f) else "",
               "gp_headcount": _sum_known(f["gp_headcount"]),
               "gp_fte": _sum_known(f["gp_fte"]),
               "gps": _sum_known(f["gps"]), "gp_basis": basis_text(f["gp_basis"]),
               "gp_date": str(f["gp_date"].iloc[0]) if len(f) else "",
               "gps_unknown": int((~(f["gps"].notna() & (f["gps"] > 0))).sum()),
               "implausible": int(f["implausible"].astype(bool).sum()),
               "weighted_list": _sum_known(f["weighted_list"]),
               "practices_in_ratio": int(both.sum()),
               "patients_in_ratio": pts, "gps_in_ratio": gps,
               "patients_per_gp": pts / gps if both.any() else np.nan}
        # GPs needed at the benchmark minus GPs there: positive = short, negative = surplus.
        gaps = [pts / v - gps if both.any() else np.nan
                for v in (bench.used, bench.scenario_low, bench.scenario_high)]
        row["gp_gap"], row["gp_gap_low"], row["gp_gap_high"] = gaps[0], min(gaps), max(gaps)
        row["gap_list_now"] = (float(now[now_known].sum()) / bench.used
                               - float(f.loc[now_known, "gps"].sum())
                               if now_known.any() else np.nan)
        row["period_effect"] = row["gap_list_now"] - row["gp_gap"]
        _area_need_and_estate(f, row, a)
        rows.append(row)
    return pd.DataFrame(rows)[AREA_SUPPLY_COLUMNS]


def _area_need_and_estate(f: pd.DataFrame, row: dict, a: Assumptions) -> None:
    imd = f["imd_score"].notna() & f["list_size"].notna()
    row["imd_score"] = (float(np.average(f.loc[imd, "imd_score"],
                                         weights=f.loc[imd, "list_size"]))
                        if imd.any() and f.loc[imd, "list_size"].sum() > 0 else np.nan)
    row["imd_unknown"] = int((~imd).sum())
    prem = f["premises_gbp"].notna() & f["list_size"].notna()
    row["premises_gbp"] = _sum_known(f["premises_gbp"])
    row["premises_per_patient"] = (float(f.loc[prem, "premises_gbp"].sum()
                                         / f.loc[prem, "list_size"].sum())
                                   if prem.any() and f.loc[prem, "list_size"].sum() > 0
                                   else np.nan)
    row["premises_unknown"] = int((~prem).sum())
    cap = f["capacity_m2"].notna() & f["list_size"].notna()
    row["capacity_m2"] = _sum_known(f["capacity_m2"])
    row["capacity_practices"] = int(cap.sum())
    need_now = float(f.loc[cap, "list_size"].sum()) / 1000.0 * a.value(
        "floorspace_m2_per_1000") if cap.any() else np.nan
    row["spare_m2"] = float(f.loc[cap, "capacity_m2"].sum()) - need_now \
        if cap.any() else np.nan


def gp_source(years: dict, a: Assumptions) -> str:
    """Where the GP figures come from and what they are, in one phrase."""
    if not years.get("workforce"):
        return "practices.csv gp_wte (WTE as entered)"
    basis = years.get("gp_basis", "")
    how = "FTE as published"
    if "est." in basis:
        how = (("FTE as published where given, else " if basis != "est." else "")
               + f"headcount × {a.value('gp_fte_per_head'):.2f} FTE per head "
               f"({a['gp_fte_per_head'].label.split(' (')[0]}; marked est.)")
    return (f"NHS Digital General Practice Workforce, {years.get('gp_period')}: fully "
            f"qualified GPs (excl. trainees and locums), {how}")


def _gap_word(v: float) -> str:
    return f"{abs(v):,.1f} {'short' if v >= 0 else 'surplus'}"


def gap_text(row, key: str = "gp_wte_gap_benchmark") -> str:
    """'6.2 short (2.8 short to 7.5 short)'; a negative gap reads as a surplus of GPs."""
    v, lo, hi = row[key], row[f"{key}_low"], row[f"{key}_high"]
    if not np.isfinite(v):
        return "unknown"
    return f"{_gap_word(v)} (range {_gap_word(lo)} to {_gap_word(hi)})"


def period_notes(years: dict, area_row=None) -> list[str]:
    """What a reader must be told about the GP figures' period, successors and exclusions."""
    notes = []
    lists, period = years.get("lists") or "", years.get("gp_period") or ""
    if years.get("workforce"):
        line = (f"Patients per GP and the GP gap use one period: GPs and registered patients "
                f"both from the GP workforce file, {period}")
        if lists:
            line += f" (list sizes shown are dated {lists})"
        if area_row is not None and np.isfinite(area_row.get("period_effect", np.nan)):
            line += (f"; with the {lists or 'list file'} lists against the {period} GPs the "
                     f"gap would read {area_row['gap_list_now']:,.1f} instead of "
                     f"{area_row['gp_gap']:,.1f} ({area_row['period_effect']:+,.1f} GP FTE "
                     "from mixing the two dates)")
        notes.append(line)
    if years.get("merged"):
        notes.append("GPs and patients of merged practices follow them to their successor: "
                     + ", ".join(f"{o} → {n}" for o, n in years["merged"].items()))
    if years.get("unplaced"):
        notes.append(f"{len(years['unplaced'])} practice(s) in the workforce file for "
                     f"{period} are not in the data (closed or merged, successor unknown: "
                     "attach with --successor OLD=NEW at import): "
                     + ", ".join(years["unplaced"][:10]))
    if years.get("implausible"):
        notes.append("Implausible GP figures flagged and left out of ratios and gaps: "
                     + "; ".join(years["implausible"]))
    return notes


def supply_by(ds, a: Assumptions | None = None, by: str = "locality", groups=None, *,
              need_weighted: bool = False, **years) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Practice and area supply for ``by`` locality/group/hub: (practices, areas, years)."""
    from models.demand import assign_areas
    a = a if a is not None else Assumptions()
    prac, used = practice_supply(ds, a, **years)
    areas, _, prac_area, _ = assign_areas(ds, by, groups)
    return prac, area_supply(prac, areas, prac_area, a, need_weighted=need_weighted), used

