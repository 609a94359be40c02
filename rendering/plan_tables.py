"""Everything a scenario holds, as tables for File → Export data: practices with their
extended group and catchment hub, the groups with their metrics, the hubs with the patients
they serve, Medway-wide access, and GP demand by year × area.

The figures are the plan's own (the same calls the window and the report make), so an
export agrees with what the planner sees.
"""
from __future__ import annotations

import pandas as pd

from models.grouping import group_metrics, site_groups


def practices_table(plan, layout=None) -> pd.DataFrame:
    """practices.csv columns + group ('' = none) + catchment_hub (nearest hub's id)."""
    ds = plan.dataset
    frame = ds.practices.copy()
    frame["group"] = site_groups(ds.practices, plan.groups).to_numpy() if plan.groups \
        else ""
    frame["catchment_hub"] = ""
    if layout is not None:
        nearest = layout.assigned[layout.assigned["kind"] == "practice"]
        frame["catchment_hub"] = frame["practice_code"].map(
            dict(zip(nearest["point_id"], nearest["hub_id"]))).fillna("")
    return frame


def groups_table(plan) -> pd.DataFrame | None:
    """One row per extended group with its size, spread and bounds check (None: no groups)."""
    if not plan.groups:
        return None
    low, high = plan.grouping_bounds()
    return group_metrics(plan.dataset.practices, plan.groups, low, high)


def hubs_table(plan, layout) -> pd.DataFrame:
    """hubs.csv columns + practices and patients served, now and with growth, distances."""
    if layout is None:
        return plan.dataset.hubs.copy()
    per_hub = layout.per_hub.drop(columns=[c for c in ("name", "status", "latitude",
                                                       "longitude", "capacity_patients")
                                           if c in layout.per_hub.columns])
    return plan.dataset.hubs.merge(per_hub, on="hub_id", how="left")


def access_table(layout) -> pd.DataFrame | None:
    """Medway-wide access (mean distance, shares within 1/2/5 km…), now and with growth."""
    if layout is None:
        return None
    return layout.access.reset_index().rename(columns={"index": "measure"})


def demand_table(plan, by: str = "locality") -> pd.DataFrame:
    """GP demand by year × area (the Demand panel's table)."""
    return plan.project_demand(by=by).table


def area_layers(plan, layout=None) -> dict:
    """Polygon layers a GIS can draw (EPSG:4326): each extended group's territory with its
    measures, and each hub's catchment with the patients it serves."""
    import geopandas as gpd

    from models.grouping import group_territories
    from models.grouping.territories import study_area
    from models.hubs import catchment_polygons
    ds, out = plan.dataset, {}
    table = groups_table(plan)
    if table is not None and len(ds.localities):
        areas = group_territories(ds.practices, plan.groups, study_area(ds.localities))
        table = table[table["group"].isin(list(areas))].reset_index(drop=True)
        out["group_territories"] = gpd.GeoDataFrame(
            table, geometry=[areas[g] for g in table["group"]], crs=27700).to_crs(4326)
    if layout is not None and len(ds.localities):
        cells = catchment_polygons(ds.hubs, ds.localities)
        served = layout.per_hub[["hub_id", "practices_served", "served_patients",
                                 "served_patients_with_growth", "mean_distance_km"]]
        cells = cells.merge(served, on="hub_id", how="left")
        out["hub_catchments"] = cells[~cells.geometry.is_empty].reset_index(drop=True)
    return out


def finance_tables(plan, layout=None) -> dict[str, pd.DataFrame]:
    """The finance workbook's sheets (rendering/sheets.py): demand by year × locality,
    group and hub in in-year and to-date columns, each with its _total sheet; the whole
    area's range; GP supply per practice and per locality (with its _total)."""
    from rendering import sheets
    out: dict[str, pd.DataFrame] = {}
    from geo.errors import UserError
    try:       # the one grouping the report and `demand --by group` use
        groups, _ = plan.groups_everywhere()
    except UserError:     # a grouping that cannot be made leaves the sheet out
        groups = None
    bys = ["locality"] + (["group"] if groups else []) + \
        (["hub"] if layout is not None else [])
    for by in bys:
        result = plan.project_demand(by=by, groups=groups if by == "group" else None)
        out.update(sheets.demand_sheets(result))
        if by == "locality":
            out["demand_range"] = sheets.demand_range(result)
    out["supply"] = sheets.practice_supply_sheet(plan.dataset, plan.assumptions)
    out.update(sheets.area_supply_sheets(plan.dataset, plan.assumptions, "locality"))
    return out


def plan_tables(plan) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """(point layers, attribute tables) for the export: the point layers replace the
    dataset's practices and hubs; the tables are written beside them."""
    layout = plan.evaluate_hubs() if len(plan.dataset.hubs) else None
    points = {"practices": practices_table(plan, layout), "hubs": hubs_table(plan, layout)}
    tables = {**finance_tables(plan, layout), "extended_groups": groups_table(plan),
              "hub_access": access_table(layout)}
    from rendering.capacity_sheets import capacity_tables   # the estate register, space gap
    from rendering.sheets import split_total
    for name, frame in capacity_tables(plan).items():
        # by-year tables keep their whole-area rows apart, as the demand sheets do
        tables.update(split_total(frame, name, "locality") if "area" in frame.columns
                      else {name: frame})
    return points, {k: v for k, v in tables.items() if v is not None}


def export_plan(plan, path, fmt: str | None = None, scenario: str = "") -> list:
    """File → Export data: the data with the scenario's edits, plus every table above,
    behind a cover sheet naming the scenario, the data and its dates."""
    from geo.export import export_dataset, format_for, layers, unknown_as_empty
    from rendering import sheets
    points, tables = plan_tables(plan)
    tables["assumptions"] = plan.assumptions.to_frame()
    ds = plan.dataset.copy()
    ds.practices, ds.hubs = points["practices"], points["hubs"]
    if format_for(path, fmt) == "csv":     # the data folder keeps its canonical columns
        tables = {"practices_in_scenario": unknown_as_empty(points["practices"]),
                  "hubs_in_scenario": points["hubs"], **tables}
    names = list(tables) + [n for n, f in layers(ds).items() if f is not None] + \
        ["Sources"]
    from rendering.board_sections import report_label
    cover = sheets.cover_frame(scenario=scenario, label=report_label(ds),
                               dates=sheets.source_dates(ds), sheets=names,
                               sample=ds.is_sample,
                               notes=sheets.demand_notes(plan.project_demand("locality")))
    areas = area_layers(plan, plan.evaluate_hubs() if len(ds.hubs) else None) \
        if format_for(path, fmt) == "gpkg" else None
    return export_dataset(ds, path, fmt, tables, cover=cover, areas=areas)
