"""When each housing site's dwellings are completed: a sites × years matrix.

A site's own per-year completions (columns y2017, y2018, …) are used when any is filled in;
otherwise its ``dwellings`` are spread evenly from ``start_year`` over ``build_years``
(default 5), whole dwellings, any remainder going to the earliest years (docs/design.md §3).
Years are planning years of completion (2017 = 2017/18).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.dataset import DEFAULT_BUILD_YEARS, MIX_COLUMNS, YEAR_COLUMN   # the format's, once


@dataclass
class Phasing:
    """Completions per site (rows, in the housing table's order) and year (columns)."""

    site_ids: np.ndarray
    first_year: int
    completions: np.ndarray          # float, shape (sites, years)
    warnings: list[str] = field(default_factory=list)

    @property
    def years(self) -> np.ndarray:
        return self.first_year + np.arange(self.completions.shape[1])

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.completions, index=pd.Index(self.site_ids, name="site_id"),
                            columns=self.years)


def year_columns(housing: pd.DataFrame) -> list[str]:
    return sorted(c for c in housing.columns if YEAR_COLUMN.match(str(c)))


def phase_completions(housing: pd.DataFrame,
                      default_build_years: int = DEFAULT_BUILD_YEARS) -> Phasing:
    """Each site's completions by year (all sites, whether included or not)."""
    n = len(housing)
    ycols = year_columns(housing)
    col_years = np.array([int(c[1:]) for c in ycols], dtype=int)
    dwellings = pd.to_numeric(housing["dwellings"], errors="coerce").fillna(0).to_numpy(float)
    if ycols:
        given = housing[ycols].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        phased = ~np.isnan(given).all(axis=1)
        given = np.nan_to_num(given)
    else:
        given = np.zeros((n, 0))
        phased = np.zeros(n, dtype=bool)
    start = _int_column(housing, "start_year")
    build = _int_column(housing, "build_years")
    build = np.where(np.isnan(build) | (build < 1), default_build_years, build)
    spread = ~phased & (dwellings > 0) & ~np.isnan(start)
    warnings: list[str] = []
    ids = housing["site_id"].astype(str).to_numpy()
    names = housing["name"].astype(str).to_numpy() if "name" in housing else ids

    unphasable = ~phased & (dwellings > 0) & np.isnan(start)
    if unphasable.any():
        warnings.append(f"{int(unphasable.sum())} housing site(s) have neither per-year "
                        "completions nor a start year and are left out: "
                        + _list(ids[unphasable]))
    short = phased & (given.sum(axis=1) < dwellings)
    for i in np.flatnonzero(short):
        warnings.append(f"site {ids[i]} ({names[i]}): per-year completions add up to "
                        f"{given[i].sum():,.0f} of its {dwellings[i]:,.0f} dwellings; the "
                        "other dwellings have no year and are left out")

    # The year span covers every site, so the matrix shape does not depend on 'include'.
    lo, hi = [], []
    if ycols and phased.any():
        used = given[phased].any(axis=0)
        if used.any():
            lo.append(col_years[used].min())
            hi.append(col_years[used].max())
    if spread.any():
        lo.append(int(start[spread].min()))
        hi.append(int((start[spread] + build[spread] - 1).max()))
    if not lo:
        return Phasing(ids, int(col_years.min()) if len(col_years) else 0, np.zeros((n, 0)),
                       warnings)
    first, last = int(min(lo)), int(max(hi))
    out = np.zeros((n, last - first + 1))
    if ycols:
        keep = (col_years >= first) & (col_years <= last)
        out[np.ix_(phased, col_years[keep] - first)] = given[np.ix_(phased, keep)]
    if spread.any():
        rows = np.flatnonzero(spread)
        nyears = build[rows].astype(int)
        total = dwellings[rows]
        base = np.floor(total / nyears)
        remainder = total - base * nyears
        k = np.arange(int(nyears.max()))
        mask = k[None, :] < nyears[:, None]
        values = base[:, None] + (k[None, :] < remainder[:, None])
        cols = start[rows].astype(int)[:, None] - first + k[None, :]
        r = np.broadcast_to(rows[:, None], mask.shape)
        np.add.at(out, (r[mask], cols[mask]), values[mask])
    return Phasing(ids, first, out, warnings)


def _int_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _list(values, limit: int = 10) -> str:
    values = list(values)
    return ", ".join(values[:limit]) + (" …" if len(values) > limit else "")


def apply_phasing(housing: pd.DataFrame, options) -> pd.DataFrame:
    """The housing table under the phasing options (a copy; the data is not changed).

    ``dwellings_range_end`` "low" takes each site's ``dwellings_min`` (the low end of a
    register range) where the data has it; ``phasing_start_year`` / ``phasing_build_years``
    replace the start and build-out of sites without per-year completions.
    """
    out = housing.copy()
    if options.get("dwellings_range_end", "high") == "low" and "dwellings_min" in out:
        low = pd.to_numeric(out["dwellings_min"], errors="coerce")
        out["dwellings"] = low.fillna(out["dwellings"]).astype(int)
    unphased = ~out[year_columns(out)].notna().any(axis=1) if year_columns(out) else \
        pd.Series(True, index=out.index)
    for key, col in (("phasing_start_year", "start_year"),
                     ("phasing_build_years", "build_years")):
        if options.get(key) is not None:
            if col not in out:
                out[col] = pd.NA
            out[col] = out[col].astype("Int64")
            out.loc[unphased, col] = int(options[key])
    return out


def phasing_note(housing: pd.DataFrame, options) -> str:
    """How the dwellings are phased, in one line for every place the figures appear."""
    parts = []
    if "dwellings_min" in housing:
        end = options.get("dwellings_range_end", "high")
        low = int(pd.to_numeric(housing["dwellings_min"], errors="coerce").fillna(
            housing["dwellings"]).sum())
        high = int(pd.to_numeric(housing["dwellings"], errors="coerce").fillna(0).sum())
        parts.append(f"dwellings at the {end} end of each site's range (register total "
                     f"{low:,}–{high:,})")
    phased = housing[year_columns(housing)].notna().any(axis=1).sum() \
        if year_columns(housing) else 0
    starts = pd.to_numeric(housing.get("start_year"), errors="coerce").dropna()
    if options.get("phasing_start_year") is not None:
        parts.append(f"start year {options['phasing_start_year']} (set by the user)")
    elif len(starts):
        lo, hi = int(starts.min()), int(starts.max())
        parts.append(f"start year {lo}" + (f"–{hi}" if hi != lo else "") + " (from the data)")
    build = options.get("phasing_build_years")
    parts.append(f"built evenly over {build or DEFAULT_BUILD_YEARS} years"
                 + (" (set by the user)" if build else " unless a site gives its own"))
    if phased:
        parts.append(f"{int(phased)} sites with their own per-year completions")
    return "; ".join(parts)


# The persons-by-size assumptions (shared with models/contribution's dwelling mix).
MIX_ASSUMPTIONS = ("persons_1bed", "persons_2bed", "persons_3bed", "persons_4bed")


def persons_by_site(housing: pd.DataFrame, values) -> np.ndarray:
    """Persons per dwelling of each site: its mix (beds_1 … beds_4plus, dwelling counts) ×
    the persons-by-size assumptions where it gives one, else the flat persons per dwelling
    (2.4 by default)."""
    flat = np.full(len(housing), float(values["persons_per_dwelling"]))
    cols = [c for c in MIX_COLUMNS if c in housing.columns]
    if not cols:
        return flat
    counts = np.column_stack([pd.to_numeric(housing[c], errors="coerce").fillna(0)
                              .to_numpy(float) if c in housing.columns
                              else np.zeros(len(housing)) for c in MIX_COLUMNS])
    total = counts.sum(axis=1)
    sizes = np.array([float(values[k]) for k in MIX_ASSUMPTIONS])
    with np.errstate(divide="ignore", invalid="ignore"):
        mixed = counts @ sizes / total
    return np.where(total > 0, mixed, flat)


def mix_note(housing: pd.DataFrame) -> str:
    """'2 of 16 sites give their dwelling mix (persons by size); the others 2.4 flat'."""
    cols = [c for c in MIX_COLUMNS if c in housing.columns]
    n = int((housing[cols].apply(pd.to_numeric, errors="coerce").fillna(0).sum(axis=1) > 0)
            .sum()) if cols else 0
    return (f"{n} of {len(housing)} sites give their dwelling mix (persons per dwelling by "
            "number of bedrooms, Census 2021); the others use the flat persons per dwelling"
            if n else "")
