"""Extended practice groups: practices → groups whose total list size lies within bounds.

Public API (plain Python; safe to run in a worker thread):

    group_practices(practices, min_size=None, max_size=None, n_groups=None, *,
                    within_localities=False, locks=None, seed=0, strict=False,
                    contiguous=False, boundary=None, progress=None, cancel=None,
                    starts=None)
        -> GroupingResult. Bounds default to the planning assumption (models/assumptions).
        n_groups=None picks, per area, the fewest groups that all fit the bounds.
        strict=True raises GroupingInfeasible where the bounds cannot all be met; otherwise
        the best grouping is returned with result.problems explaining each shortfall, and a
        practice above the maximum forms a group of its own ("over the maximum on its own").
    check_feasibility(...) -> list[str]: the counting checks alone.
    Locks(together, fixed, apart); GroupingError, GroupingInfeasible, Cancelled.
    Measures for any mapping: group_metrics, overall_metrics, site_groups, move_practice,
    as_mapping, group_sort_key; comparison with another grouping: compare_groupings;
    territories: group_territories.

Method (what a planner is told): the measure optimised is the one shown, the patient-
weighted mean straight-line distance from each practice to its group's patient-weighted
centre (EPSG:27700). Weighted k-means (scikit-learn) proposes centres; an integer program
(SciPy's HiGHS) assigns every practice to a nearby centre so that every group's list size is
within the bounds at the least patient-km; practices are then moved or swapped between
neighbouring groups while that helps; centres are recomputed and the assignment repeated
until a round brings no improvement. Further starts drawn from the seed are descended the
same way and an exact set-partitioning pick (HiGHS) combines the best of all groups found
(polish.py). With contiguity asked for, the free grouping is found first and made
contiguous (contiguous.py). Same input and seed → same groups.
Modules: problem (set-up, locks, counting checks), solver, resplit, moves, polish and
contiguous (the optimisation), naming, metrics, territories, compare, engine (the entry point).
"""
from models.grouping.compare import compare_groupings
from models.grouping.engine import GroupingResult, default_bounds, group_practices
from models.grouping.errors import Cancelled, GroupingError, GroupingInfeasible
from models.grouping.metrics import (
    METRIC_COLUMNS, OVER_ALONE, as_mapping, group_metrics, group_sort_key, move_practice,
    overall_metrics, site_groups,
)
from models.grouping.polish import FURTHER_STARTS
from models.grouping.problem import Locks, check_feasibility
from models.grouping.territories import group_territories

__all__ = ["FURTHER_STARTS", "Cancelled", "GroupingError", "GroupingInfeasible", "GroupingResult", "Locks",
           "METRIC_COLUMNS", "OVER_ALONE", "as_mapping", "check_feasibility",
           "compare_groupings", "default_bounds", "group_metrics", "group_practices",
           "group_sort_key", "group_territories", "move_practice", "overall_metrics",
           "site_groups"]
