"""Growth beyond the housing list: the ONS 2022-based subnational projection as the trend.

The projection gives Medway's population by single year of age, year by year
(geo/io_projections.py). As the trend, each area's list grows with the projected population
(the index P(year) ÷ P(now); before the projection's first year the index is held at 1, and
after its last at its last value).

Kept from being counted twice: the projection already carries past migration, and much of
that migration moves into new dwellings. So housing-led growth is *incremental* to the
trend (as the Kent & Medway STP frames it): in each year the new dwellings' patients first
house the trend's own growth, and only what they bring beyond it is added —
``incremental = max(0, housing − overlap × trend growth)`` for the whole area, shared among
its practices in proportion to the housing growth near them, with ``overlap`` the
assumption ``projection_overlap_share`` (1 = all the trend's growth lives in the new homes;
0 = none, the two simply add). Where the trend falls, the housing growth is added in full.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def population_index(projection: pd.DataFrame, base_year: int) -> pd.Series:
    """Total population per year ÷ that of ``base_year`` (clipped to the projection's
    years)."""
    totals = projection.groupby("year")["persons"].sum().sort_index()
    base = min(max(int(base_year), int(totals.index.min())), int(totals.index.max()))
    return totals / float(totals.loc[base])


def index_at(index: pd.Series, years) -> np.ndarray:
    """The index for each year, held at 1 before the projection starts and at its last value
    after it ends."""
    first, last = int(index.index.min()), int(index.index.max())
    out = []
    for y in years:
        if y < first:
            out.append(1.0)
        else:
            out.append(float(index.loc[min(int(y), last)]))
    return np.asarray(out)


def combine_with_trend(lists: np.ndarray, housing: np.ndarray, years, index: pd.Series,
                       overlap: float) -> tuple[np.ndarray, np.ndarray]:
    """(trend growth, total growth) per unit × year: each list grown with the projection,
    plus the housing-led patients beyond the share of the trend they house. The overlap is
    taken off for the whole area (the projection and the housing list are both
    area-wide), then shared among the units in proportion to their housing growth."""
    factor = index_at(index, years)
    base = np.nan_to_num(np.asarray(lists, float))[:, None]
    trend = base * (factor[None, :] - 1.0)
    total_housing = housing.sum(axis=0)
    total_trend = np.maximum(trend.sum(axis=0), 0.0)
    beyond = np.maximum(0.0, total_housing - overlap * total_trend)
    scale = np.divide(beyond, total_housing, out=np.zeros_like(beyond),
                      where=total_housing > 0)
    return trend, trend + housing * scale[None, :]


def ageing_note(projection: pd.DataFrame, first: int, last: int) -> str:
    """How the projected population ages between two years, for the text."""
    def share_65(y):
        rows = projection[projection["year"] == y]
        return rows.loc[rows["age"] >= 65, "persons"].sum() / rows["persons"].sum()
    years = projection["year"]
    first = min(max(first, int(years.min())), int(years.max()))
    last = min(max(last, int(years.min())), int(years.max()))
    totals = projection.groupby("year")["persons"].sum()
    return (f"ONS 2022-based projection: {totals.loc[first]:,.0f} people in {first}, "
            f"{totals.loc[last]:,.0f} in {last}; aged 65 and over {share_65(first):.1%} → "
            f"{share_65(last):.1%}")
