"""How good is a grouping of practices? Measures for any mapping, generated or edited by hand.

A *mapping* says which extended practice group each main practice is in
(``{practice_code: group}``; a pandas Series indexed by code, or a DataFrame with
``practice_code, group`` columns, is accepted too). Branch sites carry no patients and always
follow their parent practice. A main practice missing from the mapping (or with a blank
group) is *unassigned*: it is counted but belongs to no group.

Public functions (pure pandas in, pandas/dict out):

    as_mapping(mapping) -> dict[str, str]
    site_groups(practices, mapping) -> pd.Series          # every site (incl. branches) → group
    move_practice(practices, mapping, practice_code, group) -> dict[str, str]
    group_metrics(practices, mapping, min_size, max_size) -> pd.DataFrame   # one row per group
    overall_metrics(practices, mapping, min_size, max_size) -> pd.Series
    group_sort_key(name) -> tuple                         # "G2" before "G10"

Definitions (distances and areas in EPSG:27700 metres, shown in km / km²):
- centre: the patient-weighted mean position of the group's main practices (plain mean if
  they all have 0 patients);
- mean_distance_km: patient-weighted mean straight-line distance of its main practices to
  the centre; max_distance_km: the farthest main practice;
- hull_area_km2: area of the convex hull of all its sites, branches included (0 for fewer
  than three sites or sites on one line);
- contiguous: no main practice of another group lies strictly inside the convex hull of this
  group's main practices; those that do are listed in ``intruders`` (a list of practice
  codes). A simple, explainable test of "the group is one patch of map": it flags
  interleaved groups, not hulls that merely touch. Branches are left out of this test
  because a distant branch surgery (a village branch across the peninsula) would otherwise
  make its group's hull swallow whole neighbourhoods that belong to others;
- outside_by: 0 within bounds, else the signed gap (negative = below the minimum by that
  many patients, positive = above the maximum);
- note: "over the maximum on its own" for a group of one practice above the maximum (it
  cannot be put right by regrouping).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from geo.crs import points_bng, to_wgs84
from models.grouping.errors import GroupingError


OVER_ALONE = "over the maximum on its own"

METRIC_COLUMNS = ["group", "practices", "sites", "list_size", "within_bounds", "outside_by",
                  "note",
                  "mean_distance_km", "max_distance_km", "hull_area_km2", "contiguous",
                  "intruders", "localities", "n_localities", "centre_latitude",
                  "centre_longitude"]


def group_sort_key(name: str) -> tuple:
    """Natural order for group names: "G2" before "G10", "Strood 2" before "Strood 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", str(name)) if part != "")


def as_mapping(mapping) -> dict[str, str]:
    """Any accepted mapping form → ``{practice_code: group}`` without blank groups."""
    if mapping is None:
        return {}
    if isinstance(mapping, pd.DataFrame):
        if not {"practice_code", "group"} <= set(mapping.columns):
            raise GroupingError("a grouping table needs the columns practice_code and group")
        pairs = zip(mapping["practice_code"], mapping["group"])
    elif isinstance(mapping, pd.Series):
        pairs = mapping.items()
    elif isinstance(mapping, Mapping):
        pairs = mapping.items()
    else:
        raise GroupingError(f"a grouping must be a dict, Series or DataFrame, not "
                            f"{type(mapping).__name__}")
    out = {}
    for code, group in pairs:
        if group is None or (isinstance(group, float) and np.isnan(group)):
            continue
        group = str(group).strip()
        if group:
            out[str(code)] = group
    return out


def _parents(practices: pd.DataFrame) -> pd.Series:
    """Site code → the main practice it belongs to (itself for a main practice)."""
    parent = practices["parent_code"].fillna("").astype(str) if "parent_code" in practices \
        else pd.Series("", index=practices.index)
    codes = practices["practice_code"].astype(str)
    return pd.Series(np.where(parent == "", codes, parent), index=codes.to_numpy())


def site_groups(practices: pd.DataFrame, mapping) -> pd.Series:
    """Group of every site, branches taking their parent's group ('' = unassigned)."""
    groups = as_mapping(mapping)
    parents = _parents(practices)
    return pd.Series([groups.get(p, "") for p in parents], index=parents.index,
                     name="group", dtype=object)


def move_practice(practices: pd.DataFrame, mapping, practice_code: str,
                  group: str) -> dict[str, str]:
    """A new mapping with one practice (and all its branches) in ``group``.

    Moving a branch moves its parent practice, as branches cannot be split off. A blank
    ``group`` unassigns the practice; a new name starts a new group. The input is not changed,
    so the GUI can keep the old mapping for undo.
    """
    parents = _parents(practices)
    code = str(practice_code)
    if code not in parents.index:
        raise GroupingError(f"practice '{code}' is not in the practices")
    main = parents[code]
    new = dict(as_mapping(mapping))
    group = "" if group is None else str(group).strip()
    if group:
        new[main] = group
    else:
        new.pop(main, None)
    return new


def _main_frame(practices: pd.DataFrame, mapping) -> pd.DataFrame:
    """Main practices with BNG metres, weights and their group."""
    sites = practices.copy()
    sites["practice_code"] = sites["practice_code"].astype(str)
    sites["group"] = site_groups(sites, mapping).to_numpy()
    xy = points_bng(sites)
    sites["x"], sites["y"] = xy[:, 0], xy[:, 1]
    sites["w"] = pd.to_numeric(sites["list_size"], errors="coerce").fillna(0).astype(float)
    if "parent_code" not in sites:
        sites["parent_code"] = ""
    sites["is_main"] = sites["parent_code"].fillna("").astype(str) == ""
    if "locality" not in sites:
        sites["locality"] = ""
    sites["locality"] = sites["locality"].fillna("").astype(str)
    return sites


def _centre(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    if w.sum() > 0:
        return float(np.average(x, weights=w)), float(np.average(y, weights=w))
    return float(x.mean()), float(y.mean())


def group_metrics(practices: pd.DataFrame, mapping, min_size: float,
                  max_size: float, boundary=None) -> pd.DataFrame:
    """One row per group (columns ``METRIC_COLUMNS``), in natural group order.

    With ``boundary`` (the study area, EPSG:27700), contiguity is judged on territories
    (models/grouping/territories.py) and ``intruders`` lists the group's detached practices.
    """
    sites = _main_frame(practices, mapping)
    cut_off = None
    if boundary is not None:
        from models.grouping.territories import detached
        cut_off = detached(practices, as_mapping(mapping), boundary)
    assigned = sites[sites["group"] != ""]
    mains = assigned[assigned["is_main"]]
    main_group = mains["group"].to_numpy()
    main_codes = mains["practice_code"].to_numpy()
    tree = shapely.STRtree(shapely.points(mains["x"].to_numpy(), mains["y"].to_numpy()))
    rows = []
    for group, own in sorted(assigned.groupby("group", sort=False),
                             key=lambda item: group_sort_key(item[0])):
        main = own[own["is_main"]]
        x, y, w = main["x"].to_numpy(), main["y"].to_numpy(), main["w"].to_numpy()
        cx, cy = _centre(x, y, w)
        dist = np.hypot(x - cx, y - cy) / 1000.0
        mean_d = float(np.average(dist, weights=w)) if w.sum() > 0 else float(dist.mean())
        hull = shapely.MultiPoint(own[["x", "y"]].to_numpy()).convex_hull
        core = shapely.MultiPoint(main[["x", "y"]].to_numpy()).convex_hull
        intruders = []
        if cut_off is not None:
            intruders = cut_off.get(group, [])
        elif core.geom_type == "Polygon":
            hits = tree.query(core, predicate="contains_properly")
            hits = np.sort(hits[main_group[hits] != group])
            intruders = main_codes[hits].tolist()
        size = float(w.sum())
        gap = size - min_size if size < min_size else (size - max_size if size > max_size
                                                       else 0.0)
        localities = sorted({loc for loc in main["locality"] if loc})
        lon, lat = to_wgs84(cx, cy)
        rows.append({
            "group": group, "practices": len(main), "sites": len(own),
            "list_size": int(round(size)), "within_bounds": gap == 0,
            "outside_by": int(round(gap)),
            "note": OVER_ALONE if len(main) == 1 and size > max_size else "",
            "mean_distance_km": mean_d,
            "max_distance_km": float(dist.max()),
            "hull_area_km2": float(hull.area) / 1e6 if hull.geom_type == "Polygon" else 0.0,
            "contiguous": not intruders, "intruders": intruders,
            "localities": ", ".join(localities), "n_localities": len(localities),
            "centre_latitude": float(lat), "centre_longitude": float(lon),
        })
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def overall_metrics(practices: pd.DataFrame, mapping, min_size: float, max_size: float,
                    table: pd.DataFrame | None = None, boundary=None) -> pd.Series:
    """Whole-grouping figures; pass ``table`` (from group_metrics) to avoid recomputing it."""
    if table is None:
        table = group_metrics(practices, mapping, min_size, max_size, boundary)
    sites = _main_frame(practices, mapping)
    mains = sites[sites["is_main"]]
    assigned = mains[mains["group"] != ""]
    sizes = table["list_size"].to_numpy(float)
    total_d, total_w = 0.0, 0.0
    for _, own in assigned.groupby("group", sort=False):
        x, y, w = own["x"].to_numpy(), own["y"].to_numpy(), own["w"].to_numpy()
        cx, cy = _centre(x, y, w)
        d = np.hypot(x - cx, y - cy) / 1000.0
        if w.sum() > 0:
            total_d += float((d * w).sum())
            total_w += float(w.sum())
    n = len(table)
    within = int(table["within_bounds"].sum()) if n else 0
    return pd.Series({
        "groups": n,
        "groups_within_bounds": within,
        "share_within_bounds": within / n if n else float("nan"),
        "total_list_size": int(sizes.sum()),
        "mean_group_size": float(sizes.mean()) if n else float("nan"),
        "size_cv": float(sizes.std(ddof=0) / sizes.mean()) if n and sizes.mean() > 0
        else float("nan"),
        "mean_distance_km": total_d / total_w if total_w > 0 else float("nan"),
        "max_distance_km": float(table["max_distance_km"].max()) if n else float("nan"),
        "contiguous_groups": int(table["contiguous"].sum()) if n else 0,
        "unassigned_practices": int((mains["group"] == "").sum()),
    }, dtype=object)
