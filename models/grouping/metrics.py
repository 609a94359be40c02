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


def _hulls(x, y, gid) -> np.ndarray:
    """Convex hull of each group's points (shapely wants the points sorted by group)."""
    order = np.argsort(gid, kind="stable")
    return shapely.convex_hull(shapely.multipoints(np.column_stack([x, y])[order],
                                                   indices=gid[order]))


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
    names = sorted(assigned["group"].unique(), key=group_sort_key)
    gid_of = {g: i for i, g in enumerate(names)}
    k = len(names)
    if not k:
        return pd.DataFrame(columns=METRIC_COLUMNS)
    gid = assigned["group"].map(gid_of).to_numpy()
    is_main = assigned["is_main"].to_numpy()
    x, y = assigned["x"].to_numpy(), assigned["y"].to_numpy()
    w = np.where(is_main, assigned["w"].to_numpy(), 0.0)
    mg, mx, my, mw = gid[is_main], x[is_main], y[is_main], w[is_main]
    n_main = np.bincount(mg, minlength=k)
    size = np.bincount(mg, mw, k)
    cnt = np.maximum(n_main, 1)
    plain = (np.bincount(mg, mx, k) / cnt, np.bincount(mg, my, k) / cnt)
    safe = np.where(size > 0, size, 1.0)
    cx = np.where(size > 0, np.bincount(mg, mw * mx, k) / safe, plain[0])
    cy = np.where(size > 0, np.bincount(mg, mw * my, k) / safe, plain[1])
    dist = np.hypot(mx - cx[mg], my - cy[mg]) / 1000.0
    mean_d = np.where(size > 0, np.bincount(mg, mw * dist, k) / safe,
                      np.bincount(mg, dist, k) / cnt)
    max_d = np.zeros(k)
    np.maximum.at(max_d, mg, dist)
    hulls = _hulls(x, y, gid)
    cores = _hulls(mx, my, mg)
    main_codes = assigned["practice_code"].to_numpy()[is_main]
    intruders: list[list[str]] = [[] for _ in range(k)]
    if cut_off is not None:
        intruders = [cut_off.get(g, []) for g in names]
    else:
        tree = shapely.STRtree(shapely.points(mx, my))
        poly = shapely.get_type_id(cores) == 3
        g_hit, p_hit = tree.query(cores[poly], predicate="contains_properly")
        g_hit = np.flatnonzero(poly)[g_hit]
        for g, p in sorted(zip(g_hit.tolist(), p_hit.tolist())):
            if mg[p] != g:
                intruders[g].append(main_codes[p])
    locs = assigned["locality"].to_numpy()[is_main]
    loc_sets: list[set] = [set() for _ in range(k)]
    for g, loc in zip(mg, locs):
        if loc:
            loc_sets[g].add(loc)
    n_sites = np.bincount(gid, minlength=k)
    area = np.where(shapely.get_type_id(hulls) == 3, shapely.area(hulls) / 1e6, 0.0)
    lon, lat = to_wgs84(cx, cy)
    gap = np.where(size < min_size, size - min_size, np.where(size > max_size,
                                                               size - max_size, 0.0))
    return pd.DataFrame({
        "group": names, "practices": n_main, "sites": n_sites,
        "list_size": np.round(size).astype(int), "within_bounds": gap == 0,
        "outside_by": np.round(gap).astype(int),
        "note": [OVER_ALONE if n_main[g] == 1 and size[g] > max_size else ""
                 for g in range(k)],
        "mean_distance_km": mean_d, "max_distance_km": max_d, "hull_area_km2": area,
        "contiguous": [not i for i in intruders], "intruders": intruders,
        "localities": [", ".join(sorted(ls)) for ls in loc_sets],
        "n_localities": [len(ls) for ls in loc_sets],
        "centre_latitude": np.asarray(lat, float), "centre_longitude": np.asarray(lon, float),
    }, columns=METRIC_COLUMNS)


def overall_metrics(practices: pd.DataFrame, mapping, min_size: float, max_size: float,
                    table: pd.DataFrame | None = None, boundary=None) -> pd.Series:
    """Whole-grouping figures; pass ``table`` (from group_metrics) to avoid recomputing it."""
    if table is None:
        table = group_metrics(practices, mapping, min_size, max_size, boundary)
    sites = _main_frame(practices, mapping)
    mains = sites[sites["is_main"]]
    sizes = table["list_size"].to_numpy(float)
    total_w = float(sizes.sum())
    total_d = float((table["mean_distance_km"].to_numpy(float) * sizes).sum())
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
