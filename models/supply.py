"""GP supply, need and existing estate by practice and by area (locality, group or hub).

Supply is the GP workforce file's **headcount of fully qualified GPs** (FTE where the file
gives it), falling back to practices.csv ``gp_wte``. Need is the registered list, or the
need-weighted (Carr-Hill) list: the practice's list × weighted ÷ registered from the
payments file (so the weighting, not the payments file's older list, is what is used).
Estate is the premises payments (£ a year, a proxy, not a floor area) unless the estates
team's capacity return gives m² GIA for the site. Deprivation is the practice IMD score;
an area's is the list-weighted mean.

Unknown is never zero: a practice without a figure is left out of that ratio, and every
ratio comes with the count of practices it rests on.

practice_supply(ds, ...) -> one row per main practice (PRACTICE_SUPPLY_COLUMNS)
area_supply(practices, areas, prac_area, assumptions) -> one row per area + Medway
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from models.localities import MEDWAY
from models.assumptions import Assumptions

GP_LABEL = "GPs (headcount of fully qualified GPs)"
GP_FTE_LABEL = "GP FTE"
PREMISES_LABEL = "premises payments (£ a year; a proxy for the existing estate)"


def list_date(ds) -> str:
    """The date of the list sizes (from sources.csv), '' if not recorded."""
    src = ds.sources
    if src is None or src.empty:
        return ""
    rows = src[src["publisher"].astype(str).str.contains("Patients Registered", case=False)]
    return str(rows["date"].iloc[0]) if len(rows) else ""


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


def list_known(practices: pd.DataFrame) -> pd.Series:
    """True where a practice's list size is a real figure (not a placeholder 0)."""
    if "list_size_known" not in practices.columns:
        return pd.Series(True, index=practices.index)
    return practices["list_size_known"].fillna(True).astype(bool)


def practice_supply(ds, *, workforce_year: str | None = None,
                    payments_year: str | None = None,
                    imd_year: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Per main practice: list, GPs, need weighting, deprivation, estate (NaN = unknown).

    Returns the frame and the years used {"workforce", "payments", "imd"}.
    """
    mains = ds.main_practices()
    codes = mains["practice_code"].astype(str)
    out = pd.DataFrame({"practice_code": codes.to_numpy(), "name": mains["name"].to_numpy(),
                        "locality": mains["locality"].to_numpy()})
    known_list = list_known(mains).to_numpy()
    out["list_size"] = np.where(known_list, mains["list_size"].to_numpy(float), np.nan)
    near = list_date(ds)
    years = {"workforce": _pick(ds.workforce, "financial_year", workforce_year, near),
             "payments": _pick(ds.payments, "financial_year", payments_year, near),
             "imd": _pick(ds.deprivation, "year", imd_year, near), "lists": near}

    wte = pd.to_numeric(mains["gp_wte"], errors="coerce").to_numpy(float)
    heads = np.full(len(out), np.nan)
    fte = np.full(len(out), np.nan)
    if years["workforce"]:
        w = ds.workforce[ds.workforce["financial_year"] == years["workforce"]]
        w = w.set_index("practice_code")
        heads = codes.map(w["gp_headcount"]).to_numpy(float)
        fte = codes.map(w["gp_fte"]).to_numpy(float)
    out["gp_headcount"] = heads
    out["gp_fte"] = np.where(np.isnan(fte), wte, fte)
    # The figure ratios use: FTE/WTE where known, else headcount.
    out["gps"] = np.where(np.isnan(out["gp_fte"]), heads, out["gp_fte"])
    out["gp_basis"] = np.where(~np.isnan(out["gp_fte"]), "FTE",
                               np.where(~np.isnan(heads), "headcount", ""))
    gps = out["gps"].to_numpy(float)
    usable = ~np.isnan(gps) & (gps > 0) & ~np.isnan(out["list_size"].to_numpy(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["patients_per_gp"] = np.where(usable, out["list_size"] / gps, np.nan)

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
    return out, years


def _sum_known(values: pd.Series) -> float:
    return float(values.sum()) if values.notna().any() else np.nan


def area_supply(prac: pd.DataFrame, areas: list[str], prac_area, a: Assumptions,
                *, need_weighted: bool = False) -> pd.DataFrame:
    """Per area + Medway: GPs, patients per GP, the gap to the benchmark and its range,
    need, deprivation and estate — each ratio over the practices with both figures."""
    frame = prac.assign(area=np.asarray(prac_area, dtype=object))
    bench = a["patients_per_gp_wte"]
    rows = []
    for area in list(areas) + [MEDWAY]:
        f = frame if area == MEDWAY else frame[frame["area"] == area]
        patients = f["weighted_list"] if need_weighted else f["list_size"]
        both = patients.notna() & f["gps"].notna() & (f["gps"] > 0)
        gps = float(f.loc[both, "gps"].sum()) if both.any() else np.nan
        pts = float(patients[both].sum()) if both.any() else np.nan
        row = {"area": area, "practices": len(f),
               "list_size": _sum_known(f["list_size"]),
               "lists_unknown": int(f["list_size"].isna().sum()),
               "weighted_list": _sum_known(f["weighted_list"]),
               "gps": _sum_known(f["gps"]),
               "gps_unknown": int((~(f["gps"].notna() & (f["gps"] > 0))).sum()),
               "practices_in_ratio": int(both.sum()),
               "patients_in_ratio": pts, "gps_in_ratio": gps,
               "patients_per_gp": pts / gps if both.any() else np.nan}
        # GPs needed at the benchmark minus GPs there: positive = short.
        gaps = [pts / v - gps if both.any() else np.nan
                for v in (bench.used, bench.scenario_low, bench.scenario_high)]
        row["gp_gap"], row["gp_gap_low"], row["gp_gap_high"] = gaps[0], min(gaps), max(gaps)
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
        rows.append(row)
    return pd.DataFrame(rows)


def supply_by(ds, a: Assumptions | None = None, by: str = "locality", groups=None, *,
              need_weighted: bool = False, **years) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Practice and area supply for ``by`` locality/group/hub: (practices, areas, years)."""
    from models.demand import assign_areas
    a = a if a is not None else Assumptions()
    prac, used = practice_supply(ds, **years)
    areas, _, prac_area, _ = assign_areas(ds, by, groups)
    return prac, area_supply(prac, areas, prac_area, a, need_weighted=need_weighted), used
