"""What an import was given and what it says back: the inputs, the report a planner previews
before anything is written (kept, skipped, matched, assumed), and the result."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo.dataset import Dataset
from geo.sources import BY_KEY, SOURCES


class ImportInputs:
    """The files to import, one attribute per source in geo/sources.py (None = not given; a
    repeatable source is a list), plus the import's options. Paths as the user chose them."""

    def __init__(self, *, commissioner: str | None = None,
                 brownfield_start_year: int | None = None,
                 successors: dict | None = None, **files):
        unknown = sorted(set(files) - set(BY_KEY))
        if unknown:
            raise TypeError(f"not an import source: {', '.join(unknown)} (declare it in "
                            "geo/sources.py)")
        self.commissioner = commissioner
        self.brownfield_start_year = brownfield_start_year
        self.successors = dict(successors or {})    # closed/merged code → successor code
        for source in SOURCES:
            value = files.get(source.key)
            setattr(self, source.key, _paths(value) if source.many else _path(value))

    def given(self, key: str) -> bool:
        return bool(getattr(self, key))

    def __repr__(self) -> str:
        given = ", ".join(f"{s.key}={getattr(self, s.key)!r}" for s in SOURCES
                          if self.given(s.key))
        return f"ImportInputs({given})"


def _path(value) -> Path | None:
    if value is None or str(value).strip() == "":
        return None
    return Path(value)


def _paths(value) -> list[Path]:
    """One file per year: a list, or "a.csv;b.csv" from a text box."""
    if isinstance(value, (str, Path)):
        value = str(value).split(";")
    return [Path(p.strip() if isinstance(p, str) else p) for p in (value or [])
            if str(p).strip()]


@dataclass
class ImportReport:
    """What the import did, for the preview and the command line."""

    counts: dict = field(default_factory=dict)
    closed_skipped: list = field(default_factory=list)     # "G82230 DR O S SINGH … closed …"
    other_settings: int = 0
    placement_notes: list = field(default_factory=list)
    without_coordinates: list = field(default_factory=list)
    unused_sites: list = field(default_factory=list)
    list_size_missing: list = field(default_factory=list)
    list_size_unmatched: list = field(default_factory=list)
    pcn_missing: list = field(default_factory=list)
    pcn_unmatched: list = field(default_factory=list)
    population_total: int = 0
    population_placed: int = 0
    population_split: list = field(default_factory=list)
    population_unmatched: list = field(default_factory=list)
    localities: pd.DataFrame | None = None
    housing_notes: list = field(default_factory=list)
    hub_notes: list = field(default_factory=list)
    assumptions: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    figures: list = field(default_factory=list)       # payments/workforce/IMD/capacity joins
    sources: pd.DataFrame | None = None

    def lines(self) -> list[str]:
        """The report as plain text lines (CLI output and the preview pane)."""
        out = ["Import summary"]
        out += [f"  {k}: {v:,}" for k, v in self.counts.items()]
        if self.closed_skipped or self.other_settings:
            out.append(f"Practices skipped (closed, dormant or proposed): "
                       f"{len(self.closed_skipped)}")
            out += [f"  {s}" for s in self.closed_skipped]
            if self.other_settings:
                out.append(f"  plus {self.other_settings} rows that are not GP practices "
                           "(prescribing setting other than 4: clinics, hospices, OOH …)")
        for title, items in (
                ("How practices were placed (other than at their own NHS site)",
                 self.placement_notes),
                ("Practices or sites without coordinates (left out)", self.without_coordinates),
                ("NHS sites not imported (practice not active in the ODS file)",
                 self.unused_sites),
                ("Practices with no list size in the list-size file (list size unknown; "
                 "0 on the map)",
                 self.list_size_missing),
                ("List-size codes not among the imported practices", self.list_size_unmatched),
                ("Practices in no PCN", self.pcn_missing),
                ("PCN partner codes not among the imported practices", self.pcn_unmatched)):
            if items:
                out.append(f"{title}: {len(items)}")
                out += [f"  {s}" for s in items[:60]]
                if len(items) > 60:
                    out.append(f"  … and {len(items) - 60} more")
        if self.population_total:
            out.append(f"Census residents: {self.population_total:,}; placed on the map: "
                       f"{self.population_placed:,}")
            if self.population_split:
                out.append(f"  {len(self.population_split)} areas placed in the 2011 area "
                           "they were split from:")
                out += [f"    {s}" for s in self.population_split]
            if self.population_unmatched:
                out.append(f"  {len(self.population_unmatched)} areas match no polygon (kept "
                           "in this report, not on the map):")
                out += [f"    {s}" for s in self.population_unmatched]
        if self.localities is not None and len(self.localities):
            # Both measures; which one the target is judged on is the app's setting.
            out.append("Localities (registered patients and census residents):")
            for _, r in self.localities.iterrows():
                res = "unknown" if pd.isna(r["residents"]) else f"{int(r['residents']):,}"
                out.append(f"  {r['locality']}: {int(r['wards'])} wards, "
                           f"registered patients {int(r['registered_patients']):,}, "
                           f"census residents {res}")
        for title, items in (("Practice figures", self.figures),
                             ("Hubs", self.hub_notes), ("Housing", self.housing_notes),
                             ("Assumptions", self.assumptions), ("Warnings", self.warnings)):
            if items:
                out.append(f"{title}:")
                out += [f"  {s}" for s in items]
        if self.sources is not None and len(self.sources):
            out.append("Sources:")
            for _, r in self.sources.iterrows():
                date = r["date"] or "date not stated"
                out.append(f"  {r['file']} — {r['publisher']} ({date}): {r['rows_kept']} "
                           f"kept, {r['rows_skipped']} skipped")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


@dataclass
class ImportResult:
    dataset: Dataset
    report: ImportReport
    tables: dict          # file name → DataFrame/GeoDataFrame, as written to the folder
