"""Hubs: demand points, catchments, access measures, layout comparison and choosing new hub sites.

A hub's catchment is every demand point whose nearest hub it is, by straight-line distance
in British National Grid metres (EPSG:27700). Road distance and drive time are shown only as
approximations: straight line x a circuity factor, at an average speed (both editable).

API (all plain pandas/geopandas; coordinates in and out are WGS84 longitude/latitude)
-----------------------------------------------------------------------------------------
demand_points(ds, *, base="practices", branches="parent", housing=True,
              persons_per_dwelling=None, registering_share=None, new_patients=None)
    -> DataFrame, one row per demand point:
       point_id, kind ("practice"|"housing"|"population"), practice_code, name, locality,
       longitude, latitude, x, y (BNG m), patients_now, new_patients, patients_with_growth
    base="practices": registered patients at practice sites; branches="parent" keeps a
    practice's whole list at its main site (branches carry 0, as in practices.csv),
    branches="split" shares it equally between the main site and its branches.
    base="population": ds.population residents where they live (stand-ins for patients).
    housing=True adds included housing sites: dwellings x persons_per_dwelling x
    registering_share (None = the assumptions table's values; a Plan passes its own), or new_patients {site_id: patients} if given (e.g. from
    the demand model for a chosen year).
practice_demand(practices, branches="parent") -> the same columns, practices only (CLI).
assign_catchments(demand, hubs, *, circuity=None, speed_kmh=None)
    -> demand + hub_id, hub_name, distance_km, road_km_approx, drive_min_approx
hub_summary(assigned, hubs) -> DataFrame, one row per hub:
       hub_id, name, status, latitude, longitude, capacity_patients, practices_served,
       served_patients, new_patients, served_patients_with_growth, mean_distance_km,
       max_distance_km, over_capacity, over_capacity_with_growth (boolean, NA if no capacity)
access_measures(assigned, thresholds_km=(1, 2, 5))
    -> DataFrame indexed by measure (patients, mean_distance_km, share_within_1km, ...,
       max_distance_km, mean_road_km_approx, mean_drive_min_approx), columns now, with_growth
worst_served(assigned, n=10) -> the n practice sites (with patients) farthest from a hub:
       site_code, practice_code, name, locality, patients_now, hub_id, hub_name,
       distance_km, road_km_approx, drive_min_approx
evaluate_layout(demand, hubs, **assign_kw) -> Layout(assigned, per_hub, access, worst)
catchment_polygons(hubs, localities) -> GeoDataFrame (EPSG:4326): hub_id, name, status,
       area_km2, geometry (Voronoi cells of the hubs clipped to the localities' union)
compare_layouts(demand, hubs_before, hubs_after, **assign_kw) -> DataFrame:
       scope ("Medway" or a hub_id), name, measure, before, after, change. Medway rows:
       every access measure "(now)" and "(with growth)", "demand points changing hub",
       "hubs"; then per hub PER_HUB_MEASURES (booleans as 1/0; NaN where a hub is absent)
candidate_sites(*, practices=None, hubs=None, localities=None, grid_km=None, extra=None)
    -> DataFrame: candidate_id, name, kind, longitude, latitude
optimise_hubs(demand, hubs, candidates, k, *, keep=("existing", "planned"),
              weight="patients_now", progress=None, cancel=None, **solver_kw) -> HubPlan
    HubPlan.hubs: kept hubs + k new rows (status "proposed", hub_id NEW-1.., or the hub's
    own id when a candidate of kind "hub" is chosen), in HUB_COLUMNS;
    .added: the chosen candidate rows; .objective_before_km / .objective_after_km /
    .lower_bound_km / .gap / .proven_optimal / .bound_method / .seconds; .summary() text.
    progress(fraction, message) and cancel() -> bool suit a GUI worker thread; on cancel it
    raises models.hubs.p_median.Cancelled (re-exported here). solver_kw: bound_seconds
    (0 = heuristic only, ~1.5 s for 35k x 1k; any positive value turns the bound on),
    bound_iterations (the Lagrangian bound's budget in subgradient steps, default 300:
    a count, not a clock, so every run gives the same figures),
    exact_max_pairs / exact_seconds (HiGHS integer programme for small problems; it cannot
    be interrupted, so it is capped at 10 s). Errors a user can cause raise ValueError with
    a readable message (k larger than the candidates, no patients).
Typical timings (benchmarks/hubs.py): sample K=1-3 under 0.05 s, proven optimal;
35,000 points x 1,000 candidates, K=10: ~1.5 s heuristic, ~12 s with the bound.
locality_names_for(hubs, localities) -> hubs with blank locality filled from the polygons.
"""
from __future__ import annotations

from models.hubs.catchments import (  # noqa: F401 (the package's public API)
    PER_HUB_MEASURES, THRESHOLDS_KM, Layout, access_measures,
    assign_catchments, catchment_polygons, compare_layouts, evaluate_layout, hub_summary,
    locality_names_for, worst_served,
)
from models.hubs.demand_points import (  # noqa: F401
    DEMAND_COLUMNS, demand_points, practice_demand,
)
from models.hubs.p_median import Cancelled, PMedianResult, solve_p_median  # noqa: F401
from models.hubs.sites import (  # noqa: F401
    CANDIDATE_COLUMNS, HubPlan, candidate_sites, next_hub_ids, optimise_hubs,
)

__all__ = ["Cancelled", "HubPlan", "Layout", "access_measures", "assign_catchments",
           "candidate_sites", "catchment_polygons", "compare_layouts", "demand_points",
           "evaluate_layout", "hub_summary", "locality_names_for", "next_hub_ids", "optimise_hubs",
           "practice_demand", "worst_served"]
