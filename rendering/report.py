"""The board-paper report: a multi-page PDF built with matplotlib (no Qt, works headless).

A report is a list of sections (text, a table, or a figure); ``write_pdf`` lays them out on
A4 landscape pages, splitting long tables, and stamps every page with the data label
("Illustrative sample data — not real" when the sample is used), the date and page number.
"""
from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field
from typing import Callable

import matplotlib

matplotlib.use("Agg")  # never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from geo.atomic import atomic_path  # noqa: E402
from rendering.text import plain  # noqa: E402

A4_LANDSCAPE = (11.69, 8.27)
ROWS_PER_PAGE = 24


@dataclass
class Section:
    title: str
    text: str = ""
    table: pd.DataFrame | None = None
    figure: Callable[[plt.Figure], None] | None = None   # draws onto a given figure
    notes: list[str] = field(default_factory=list)
    small_text: bool = False     # long reference lists


def _stamp(fig: plt.Figure, label: str, page: int, sample: bool) -> None:
    today = dt.date.today().isoformat()
    colour = "#b71c1c" if sample else "#555555"
    fig.text(0.02, 0.015, label, fontsize=8, color=colour, weight="bold" if sample else None)
    fig.text(0.98, 0.015, f"Medway Estates Planner · {today} · page {page}", fontsize=8,
             color="#555555", ha="right")
    if sample:
        fig.text(0.98, 0.975, "ILLUSTRATIVE SAMPLE DATA — NOT REAL", fontsize=9,
                 color=colour, ha="right", va="top", weight="bold")


def _title(fig: plt.Figure, title: str, part: str = "") -> None:
    fig.text(0.03, 0.955, title + part, fontsize=15, weight="bold", va="top")


def _text_block(fig, text: str, top: float = 0.9, small: bool = False) -> None:
    width = 190 if small else 150
    wrapped = "\n".join(textwrap.fill(p, width) if p else "" for p in text.split("\n"))
    fig.text(0.03, top, wrapped, fontsize=7 if small else 9.5, va="top",
             family="DejaVu Sans")


def _format_cell(value) -> str:
    if isinstance(value, float):
        if value != value:
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _table(fig, frame: pd.DataFrame, top: float) -> None:
    ax = fig.add_axes([0.03, 0.06, 0.94, top - 0.06])
    ax.axis("off")
    cells = [[_format_cell(v) for v in row] for row in frame.itertuples(index=False)]
    if not cells:
        ax.text(0, 1, "(no rows)", va="top")
        return
    headers = [str(c) for c in frame.columns]
    lengths = [max([len(h)] + [len(r[i]) for r in cells]) + 2 for i, h in enumerate(headers)]
    widths = [n / sum(lengths) for n in lengths]            # share the page width
    tbl = ax.table(cellText=cells, colLabels=headers, loc="upper left", cellLoc="left",
                   colLoc="left", colWidths=widths)
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(max(6.0, min(9.0, 1100 / sum(lengths))))
    tbl.scale(1, 1.25)
    for (r, _), cell in tbl.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if r == 0:
            cell.set_facecolor("#e8eaf6")
            cell.set_text_props(weight="bold")


@plain
def write_pdf(sections: list[Section], path, label: str, sample: bool) -> int:
    """Write the sections to ``path`` atomically; return the number of pages."""
    page = 0
    with atomic_path(path) as tmp, PdfPages(tmp) as pdf:
        for sec in sections:
            chunks = [None]
            if sec.table is not None and len(sec.table) > ROWS_PER_PAGE:
                chunks = [sec.table.iloc[i:i + ROWS_PER_PAGE]
                          for i in range(0, len(sec.table), ROWS_PER_PAGE)]
            for i, chunk in enumerate(chunks):
                page += 1
                fig = plt.figure(figsize=A4_LANDSCAPE)
                part = f" ({i + 1} of {len(chunks)})" if len(chunks) > 1 else ""
                _title(fig, sec.title, part)
                top = 0.91
                if sec.text and i == 0:
                    _text_block(fig, sec.text, top, sec.small_text)
                    top -= 0.03 + 0.018 * (sec.text.count("\n") + 1 + len(sec.text) // 150)
                if sec.figure is not None:
                    sec.figure(fig)
                table = chunk if chunk is not None else sec.table
                if table is not None:
                    _table(fig, table, top)
                if sec.notes:
                    fig.text(0.03, 0.035, " · ".join(sec.notes), fontsize=7.5, color="#444444")
                _stamp(fig, label, page, sample)
                pdf.savefig(fig)
                plt.close(fig)
        meta = pdf.infodict()
        meta["Title"] = "Medway Estates Planner report"
        meta["Subject"] = label
    return page


# ---------------------------------------------------------------- standard figures

def draw_map(ds, groups: dict[str, str] | None = None, hubs: pd.DataFrame | None = None):
    """A static map of localities, practices (by list size, coloured by group), hubs and
    housing sites."""
    from geo.webmap import (EXCLUDED_COLOUR, HOUSING_COLOUR, HUB_COLOUR, PRACTICE_COLOUR,
                            group_colours)
    from models.grouping_metrics import site_groups
    hubs = ds.hubs if hubs is None else hubs

    @plain
    def draw(fig):
        ax = fig.add_axes([0.03, 0.06, 0.64, 0.76])
        loc = ds.localities.to_crs(27700)
        loc.plot(ax=ax, color="#eef3f7", edgecolor="#555555", linewidth=0.8)
        for row in loc.itertuples():
            pt = row.geometry.representative_point()
            ax.annotate(row.name, (pt.x, pt.y), ha="center", fontsize=9, weight="bold",
                        color="#333333")
        from geo.crs import to_bng
        p = ds.practices
        px, py = to_bng(p["longitude"], p["latitude"])
        per_site = site_groups(p, groups or {})
        colours = group_colours(g for g in per_site if g)
        fill = [colours.get(g, PRACTICE_COLOUR) for g in per_site]
        size = (p["list_size"].clip(lower=0) / max(p["list_size"].max(), 1)) * 220 + 8
        ax.scatter(px, py, s=size, c=fill, edgecolors="white", linewidths=0.5, alpha=0.9,
                   zorder=3, label="Practice (area ∝ list size)")
        h = ds.housing
        hx, hy = to_bng(h["longitude"], h["latitude"])
        hs = h["dwellings"] / max(h["dwellings"].max(), 1) * 180 + 10
        ax.scatter(hx, hy, s=hs, marker="s",
                   c=[HOUSING_COLOUR if inc else EXCLUDED_COLOUR for inc in h["include"]],
                   alpha=0.7, zorder=2, label="Housing site (area ∝ dwellings)")
        if len(hubs):
            ux, uy = to_bng(hubs["longitude"], hubs["latitude"])
            existing = (hubs["status"] == "existing").to_numpy()
            ax.scatter(ux[existing], uy[existing], s=160, marker="*", c=HUB_COLOUR,
                       edgecolors="white", zorder=4, label="Hub, existing")
            ax.scatter(ux[~existing], uy[~existing], s=160, marker="*", c="white",
                       edgecolors=HUB_COLOUR, linewidths=1.5, zorder=4,
                       label="Hub, planned/proposed")
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.set_title("British National Grid (EPSG:27700)", fontsize=8, color="#666666")
    return draw


# ---------------------------------------------------------------- the standard report

def board_report(plan, *, hubs: pd.DataFrame | None = None,
                 extra: list[Section] | None = None, scenario_name: str = "") -> list[Section]:
    """The sections of the standard report for a Plan, in reading order: its data, edits,
    groups (the planner's, else the data's own), bounds and assumptions."""
    from models.localities import TARGET_SOURCE, locality_summary
    ds, assumptions = plan.dataset, plan.assumptions
    groups = plan.groups or (dict(zip(ds.groups["practice_code"], ds.groups["group"]))
                             if ds.groups is not None else None)
    min_size, max_size = plan.grouping_bounds()
    low, high = plan.locality_bounds()
    band = f"{low:,.0f}–{high:,.0f}"
    hubs = ds.hubs if hubs is None else hubs
    mains = ds.main_practices()
    included = ds.housing[ds.housing["include"]]
    intro = (
        f"Data: {ds.label}." + (f" Scenario: {scenario_name}." if scenario_name else "") + "\n"
        f"{len(ds.localities)} localities, {len(mains)} practices and {len(ds.branches())} "
        f"branch surgeries with {int(mains['list_size'].sum()):,} registered patients and "
        f"{mains['gp_wte'].sum():,.1f} GP WTE; {len(hubs)} hubs; "
        f"{len(included)} housing sites in projections with "
        f"{int(included['dwellings'].sum()):,} dwellings "
        f"({len(ds.housing) - len(included)} more shown but excluded).\n"
        "All distances are straight-line, computed in British National Grid metres.")
    summary = locality_summary(ds, low, high)[["locality", "registered_patients", "practices",
                                    "branches", "gp_wte", "patients_per_gp_wte", "hlc",
                                    "flag"]]
    summary.columns = ["Locality", "Registered patients", "Practices", "Branches", "GP WTE",
                       "Patients per GP WTE", "HLC / hub", f"Against {band} target"]
    sections = [
        Section("Medway Model: localities, practices, hubs and housing", text=intro,
                figure=draw_map(ds, groups, hubs)),
        Section(f"Localities against the {band} target", table=summary,
                notes=[f"Target: {TARGET_SOURCE}",
                       "Registered patients = sum of practice list sizes"]),
    ]
    if len(hubs):
        layout = plan.evaluate_hubs(hubs)
        per_hub = layout.per_hub[["hub_id", "name", "status", "practices_served",
                                  "served_patients", "served_patients_with_growth",
                                  "mean_distance_km", "max_distance_km",
                                  "capacity_patients"]].copy()
        per_hub.columns = ["Hub", "Name", "Status", "Practices", "Patients now",
                           "With growth", "Mean km", "Max km", "Capacity"]
        access = layout.access.reset_index()
        access.columns = ["Measure", "Now", "With housing growth"]
        sections.append(Section("Hubs: catchments and access", table=per_hub, notes=[
            "Catchment = practices and housing sites nearest to the hub (straight line)",
            f"Growth: included dwellings × {plan.value('persons_per_dwelling'):g} persons × "
            f"{plan.value('registration_share'):.0%} registering "
            f"({assumptions['persons_per_dwelling'].source})"]))
        sections.append(Section("Access to hubs, all of Medway", table=access))
    if groups:
        sections.append(_groups_section(ds, groups, min_size, max_size))
    sections.extend(_demand_sections(plan))
    sections.extend(extra or [])
    sources = ds.sources if ds.sources is not None else pd.DataFrame([{
        "file": "data/sample/*", "publisher": "this project (invented, illustrative)",
        "date": "generated by data/make_sample.py"}] if ds.is_sample else [{
            "file": str(ds.folder), "publisher": "user data folder", "date": ""}])
    sections.append(Section("Data sources", table=sources, text=(
        "The embedded sample is ILLUSTRATIVE: invented practices, list sizes and sites "
        "shaped like Medway's headline figures; not real data." if ds.is_sample else "")))
    return sections


def _groups_section(ds, groups: dict[str, str], min_size: int, max_size: int) -> Section:
    from models.grouping_metrics import group_metrics, overall_metrics
    table = group_metrics(ds.practices, groups, min_size, max_size)
    overall = overall_metrics(ds.practices, groups, min_size, max_size, table)
    shown = pd.DataFrame({
        "Group": table["group"], "Patients": table["list_size"],
        "Practices": table["practices"], "Sites": table["sites"],
        "Within bounds": table["within_bounds"].map({True: "yes", False: "NO"}),
        "Mean km to centre": table["mean_distance_km"],
        "Max km": table["max_distance_km"], "Area km²": table["hull_area_km2"],
        "Contiguous": table["contiguous"].map({True: "yes", False: "no"})})
    return Section(
        f"Extended practice groups ({min_size:,}–{max_size:,} patients)", table=shown,
        text=(f"{overall['groups_within_bounds']} of {overall['groups']} groups within "
              f"bounds; size spread (CV) {overall['size_cv']:.2f}; patient-weighted mean "
              f"distance to group centre {overall['mean_distance_km']:.2f} km."),
        figure=None, notes=["Bounds: K&M STP Nov 2016 (20–60k), Medway Model 30–50k "
                            "(Operational Plan 2017–19 ch. 3)",
                            "Distances straight-line, EPSG:27700"])


def _demand_sections(plan) -> list[Section]:
    from models.demand import MEDWAY
    result = plan.project_demand("locality")
    t = result.table
    totals = result.totals()

    def chart(fig):
        from rendering.charts import draw_gp_wte_band, draw_new_patients
        draw_new_patients(fig.add_axes([0.06, 0.50, 0.6, 0.36]), result, fontsize=10)
        draw_gp_wte_band(fig.add_axes([0.06, 0.08, 0.6, 0.32]), result, fontsize=10)

    m = totals.set_index("area").loc[MEDWAY]
    a = result.assumptions
    headline = (f"{m['new_dwellings']:,.0f} new dwellings × {a.value('persons_per_dwelling'):g} "
                f"persons per dwelling × {a.value('registration_share'):.0%} registering = "
                f"{m['new_patients']:,.0f} new patients ({m['new_patients_low']:,.0f}–"
                f"{m['new_patients_high']:,.0f}); {m['gp_wte_needed']:,.1f} GP WTE "
                f"({m['gp_wte_needed_low']:,.1f}–{m['gp_wte_needed_high']:,.1f}), "
                f"{m['floorspace_m2']:,.0f} m², £{m['capital_cost_gbp']:,.0f}.")
    by_area = totals[["area", "new_dwellings", "new_patients", "new_patients_low",
                      "new_patients_high", "gp_wte_needed", "rooms_needed", "floorspace_m2",
                      "capital_cost_gbp"]].copy()
    by_area.columns = ["Area", "Dwellings", "New patients", "low", "high", "GP WTE",
                       "Rooms", "Floorspace m²", "Capital cost £"]
    by_year = t.pivot_table(index="area", columns="year", values="new_patients",
                            aggfunc="sum", sort=False).reset_index()
    by_year.columns = ["Area"] + [f"{y}/{(y + 1) % 100:02d}" for y in by_year.columns[1:]]
    frame = a.to_frame()
    sheet = pd.DataFrame({
        "Assumption": frame["assumption"], "Unit": frame["unit"], "Low": frame["low"],
        "Used": frame["value used"], "High": frame["high"],
        "Edited": frame["edited"].map({True: "EDITED", False: ""}),
        "Source": frame["source"]})
    return [
        Section("GP demand from new housing", text=headline, figure=chart,
                notes=["Ranges: every uncertain assumption at its low / high end",
                       "Warnings: " + ("; ".join(result.warnings) or "none")]),
        Section("Demand totals by locality", table=by_area),
        Section("New patients by locality and year", table=by_year),
        Section("Planning assumptions and their sources", table=sheet,
                notes=["Edited = changed by the user from the published default",
                       "Sources in full on the next page"]),
        Section("Sources of the planning assumptions (in full)", small_text=True,
                text="\n".join(f"{r.assumption}: {r.source}" for r in frame.itertuples())),
    ]
