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
from rendering.maps import draw_deprivation_map, draw_map, map_furniture  # noqa: E402,F401
from rendering.text import plain  # noqa: E402

A4_LANDSCAPE = (11.69, 8.27)
LINES_PER_PAGE = 40   # wrapped text lines of a table that fit under a page's title


@dataclass
class Section:
    title: str
    text: str = ""
    table: pd.DataFrame | None = None
    figure: Callable[[plt.Figure], None] | None = None   # draws onto a given figure
    notes: list[str] = field(default_factory=list)
    small_text: bool = False     # long reference lists


FOOT_LINE = 0.0115     # one line of the 6 pt footer, as a share of the page height


def _footer_lines(dates: str) -> list[str]:
    """The sources and dates, wrapped (never cut off) onto as many lines as they need."""
    return textwrap.wrap(dates, 250) if dates else []


def _stamp(fig: plt.Figure, label: str, page: int, sample: bool, dates: str = "") -> None:
    today = dt.date.today().isoformat()
    colour = "#b71c1c" if sample else "#555555"
    lines = _footer_lines(dates)
    if lines:
        fig.text(0.02, 0.004, "\n".join(lines), fontsize=6, color="#555555", va="bottom",
                 linespacing=1.3)
    base = 0.008 + FOOT_LINE * len(lines)
    fig.text(0.02, base, label, fontsize=8, color=colour, weight="bold" if sample else None)
    fig.text(0.98, base, f"Medway Estates Planner · {today} · page {page}", fontsize=8,
             color="#555555", ha="right")
    if sample:
        fig.text(0.98, 0.975, "ILLUSTRATIVE SAMPLE DATA — NOT REAL", fontsize=9,
                 color=colour, ha="right", va="top", weight="bold")


def _title(fig: plt.Figure, title: str, part: str = "") -> None:
    fig.text(0.03, 0.955, title + part, fontsize=15, weight="bold", va="top")


TEXT_LINES = {False: 40, True: 48}   # wrapped lines of text that fit under a page's title


def _wrapped(text: str, small: bool) -> str:
    width = 165 if small else 150
    return "\n".join(textwrap.fill(p, width) if p else "" for p in text.split("\n"))


def _text_pages(text: str, small: bool) -> list[str]:
    """A long text cut into page-sized pieces (a page never runs off its foot)."""
    lines = _wrapped(text, small).split("\n")
    n = TEXT_LINES[small]
    return ["\n".join(lines[i:i + n]) for i in range(0, len(lines), n)]


def _text_block(fig, text: str, top: float = 0.9, small: bool = False) -> None:
    fig.text(0.03, top, _wrapped(text, small), fontsize=8 if small else 9.5, va="top",
             family="DejaVu Sans")


def _format_cell(value) -> str:
    if isinstance(value, float):
        if value != value:
            return "unknown"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


WRAP_CHARS = 34     # a cell wider than this wraps onto more lines (readable, not shrunk)


def _wrap(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """Headers and cells as they are printed: long text wrapped, never shrunk."""
    wide = len(frame.columns) > 7
    cells = [[textwrap.fill(_format_cell(v), 20 if wide else WRAP_CHARS,
                            break_long_words=False) for v in row]
             for row in frame.itertuples(index=False)]
    headers = [textwrap.fill(str(c), 12 if wide else 18, break_long_words=False)
               for c in frame.columns]
    return headers, cells


def _lines(row: list[str]) -> float:
    return max((t.count("\n") + 1 for t in row), default=1) + 0.45


def _pages_of(frame: pd.DataFrame, budget: float) -> list[pd.DataFrame]:
    """Split a table so each page's wrapped rows fit."""
    headers, cells = _wrap(frame)
    pages, start, used = [], 0, _lines(headers)
    for i, row in enumerate(cells):
        if used + _lines(row) > budget and i > start:
            pages.append(frame.iloc[start:i])
            start, used = i, _lines(headers)
        used += _lines(row)
    pages.append(frame.iloc[start:])
    return pages


def _table(fig, frame: pd.DataFrame, top: float) -> None:
    ax = fig.add_axes([0.03, 0.06, 0.94, top - 0.06])
    ax.axis("off")
    headers, cells = _wrap(frame)
    if not cells:
        ax.text(0, 1, "(no rows)", va="top")
        return

    def width(text: str) -> int:
        return max(len(line) for line in text.split("\n"))
    lengths = [max([width(h)] + [width(r[i]) for r in cells]) + 2
               for i, h in enumerate(headers)]
    widths = [n / sum(lengths) for n in lengths]            # share the page width
    tbl = ax.table(cellText=cells, colLabels=headers, loc="upper left", cellLoc="left",
                   colLoc="left", colWidths=widths)
    tbl.auto_set_font_size(False)
    size = max(7.5, min(9.0, 1150 / sum(lengths)))
    tbl.set_fontsize(size)
    line = size / 72 / (fig.get_figheight() * (top - 0.06)) * 1.35
    rows = [headers] + cells
    for (r, _), cell in tbl.get_celld().items():
        cell.set_edgecolor("#cccccc")
        cell.set_height(line * _lines(rows[r]))
        if r == 0:
            cell.set_facecolor("#e8eaf6")
            cell.set_text_props(weight="bold")


@plain
def write_pdf(sections: list[Section], path, label: str, sample: bool,
              dates: str = "",
              progress: Callable[[float, str], None] | None = None) -> int:
    """Write the sections to ``path`` atomically; return the number of pages.

    ``dates``: the data's sources and dates, printed at the foot of every page.
    ``progress(fraction, message)`` is told as each section is drawn (it may raise
    Cancelled: the previous file is then left as it was)."""
    page = 0
    with atomic_path(path) as tmp, PdfPages(tmp) as pdf:
        for n, sec in enumerate(sections):
            if progress:
                progress(n / max(len(sections), 1), f"Drawing '{sec.title}'")
            chunks, texts = [None], [sec.text]
            if sec.table is not None:
                chunks = _pages_of(sec.table, LINES_PER_PAGE - (6 if sec.text else 0))
            elif sec.figure is None and sec.text:
                texts = _text_pages(sec.text, sec.small_text)
                chunks = [None] * len(texts)
            for i, chunk in enumerate(chunks):
                page += 1
                fig = plt.figure(figsize=A4_LANDSCAPE)
                part = f" ({i + 1} of {len(chunks)})" if len(chunks) > 1 else ""
                _title(fig, sec.title, part)
                top = 0.91
                if sec.text and i < len(texts):
                    _text_block(fig, texts[i], top, sec.small_text)
                    top -= 0.03 + 0.018 * (sec.text.count("\n") + 1 + len(sec.text) // 150)
                if sec.figure is not None:
                    sec.figure(fig)
                table = chunk if chunk is not None else sec.table
                if table is not None:
                    _table(fig, table, top)
                if sec.notes:
                    fig.text(0.03, 0.03 + FOOT_LINE * len(_footer_lines(dates)),
                             textwrap.fill(" · ".join(sec.notes), 190),
                             fontsize=7.5, color="#444444", va="bottom")
                _stamp(fig, label, page, sample, dates)
                pdf.savefig(fig)
                plt.close(fig)
        meta = pdf.infodict()
        meta["Title"] = "Medway Estates Planner report"
        meta["Subject"] = label
    return page


# ---------------------------------------------------------------- the standard report

def board_report(plan, *, hubs: pd.DataFrame | None = None,
                 extra: list[Section] | None = None, scenario_name: str = "") -> list[Section]:
    """The sections of the standard report for a Plan, in reading order: its data, edits,
    groups (the planner's, else the data's own), bounds and assumptions."""
    from models.localities import TARGET_SOURCE, locality_summary
    ds, assumptions = plan.dataset, plan.assumptions
    groups, groups_from = _plan_groups(plan)
    min_size, max_size = plan.grouping_bounds()
    low, high = plan.locality_bounds()
    band = f"{low:,.0f}–{high:,.0f}"
    from models.display import number
    from models.housing import phasing_note
    from models.housing_sites import permission_note
    from models.supply import gp_text, practice_supply
    from rendering import board_sections as bs
    hubs = ds.hubs if hubs is None else hubs
    mains = ds.main_practices()
    included = ds.housing[ds.housing["include"]]
    result = plan.project_demand("locality")
    prac, years = practice_supply(ds, assumptions)
    base = result.baseline.set_index("area").iloc[-1]
    gp_what = (f"fully qualified GPs (GP workforce {years['gp_period']})"
               if years.get("workforce") else "GPs (practices.csv)")
    intro = (
        f"Data: {bs.report_label(ds)}." + (f" Scenario: {scenario_name}." if scenario_name
                                            else "") + "\n"
        f"{len(ds.localities)} localities, {len(mains)} practices and {len(ds.branches())} "
        f"branch surgeries with {number(base['list_size'])} registered patients"
        + (f" ({int(base['lists_unknown'])} practices' lists unknown)"
           if base["lists_unknown"] else "")
        + f" and {gp_text(base['gp_wte'], base['gp_basis'])} {gp_what}"
        + (f" ({int(base['gps_unknown'])} practices without a figure)"
           if base["gps_unknown"] else "") + f"; {len(hubs)} hubs; "
        f"{len(included)} housing sites in projections with "
        f"{int(included['dwellings'].sum()):,} dwellings "
        f"({len(ds.housing) - len(included)} more shown but excluded)."
        + (f" {permission_note(ds.housing, hint=False)}" if permission_note(ds.housing)
           else "") + "\n"
        "All distances are straight-line, computed in British National Grid metres.\n"
        f"Housing phasing: {phasing_note(ds.housing, assumptions.options)}.")
    summary = locality_summary(ds, low, high)[["locality", "registered_patients", "practices",
                                    "branches", "hlc", "flag"]]
    summary.columns = ["Locality", "Registered patients", "Practices", "Branches",
                       "HLC / hub", f"Against {band} target"]
    flags = summary[f"Against {band} target"].replace("", "within")
    outside = summary["Locality"].str.startswith("(")      # sites outside every locality
    summary[f"Against {band} target"] = flags.where(~outside, "not a locality")
    sections = [
        Section("Medway Model: localities, practices, hubs and housing", text=intro,
                figure=draw_map(ds, groups, hubs)),
        Section(f"Localities against the {band} target", table=summary,
                notes=[f"Target: {TARGET_SOURCE}",
                       "Registered patients = sum of practice list sizes"]),
    ]
    if len(hubs):
        growth = plan.demand_points()       # demand's rule: completions after the list date
        layout = plan.evaluate_hubs(hubs, demand=growth)
        per_hub = layout.per_hub[["hub_id", "name", "status", "practices_served",
                                  "served_patients", "served_patients_with_growth",
                                  "mean_distance_km", "max_distance_km",
                                  "capacity_patients"]].copy()
        for col in ("served_patients", "served_patients_with_growth"):
            per_hub[col] = per_hub[col].round().astype(int)
        h_lo, h_hi = plan.value("hub_min_population"), plan.value("hub_max_population")
        per_hub["against_capacity"] = [
            "capacity unknown" if not (cap == cap) else
            (f"OVER by {grow - cap:,.0f}" if grow > cap else "within")
            for grow, cap in zip(per_hub["served_patients_with_growth"],
                                 per_hub["capacity_patients"].astype(float))]
        per_hub["target"] = [("below " if v < h_lo else "above " if v > h_hi else "")
                             + (f"{h_lo:,.0f}" if v < h_lo else f"{h_hi:,.0f}"
                                if v > h_hi else "within")
                             for v in per_hub["served_patients"]]
        per_hub.columns = ["Hub", "Name", "Status", "Practices", "Patients now",
                           "Patients with growth", "Mean distance (km)",
                           "Farthest (km)", "Capacity (patients)",
                           "With growth against capacity",
                           f"Tier 2 target {h_lo:,.0f}–{h_hi:,.0f}"]
        access = human_access(layout.access)
        from models.hubs.straight_line import leaving_lines, per_hub_note, summary_text
        leaving = leaving_lines(layout.assigned, hubs, ds.localities)
        names = dict(zip(hubs["hub_id"], hubs["name"]))
        misleading = ([summary_text(leaving)] + [
            f"{names.get(h, h)}: {note} — straight line crosses the estuary or leaves the "
            "localities" for h, note in per_hub_note(leaving).items()]) if len(leaving) else []
        sections.append(Section("Hubs: catchments and access", table=per_hub, notes=[
            *misleading,
            "Catchment = practices and housing sites nearest to the hub (straight line)",
            f"Growth: included dwellings × {plan.value('persons_per_dwelling'):g} persons × "
            f"{plan.value('registration_share'):.0%} registering "
            f"({assumptions['persons_per_dwelling'].source}), counted as the demand pages "
            "count them" + (f": {growth.attrs['growth_note']}"
                            if growth.attrs.get("growth_note") else "")]))
        sections.append(Section(f"Access to hubs, {bs.whole_area_name(ds)}", table=access,
                                notes=["Straight-line distance from each patient's practice "
                                       "(or housing site) to the nearest hub"]))
    if groups:
        sections.append(_groups_section(ds, groups, min_size, max_size, groups_from))
    sections.extend(_demand_sections(plan, result))
    from rendering.capacity_page import capacity_sections   # space and capacity by year
    sections.extend(capacity_sections(plan))
    sections.append(bs.supply_section(result, "locality", ds))
    if len(hubs):
        sections.append(bs.supply_section(plan.project_demand("hub"), "hub", ds))
    if groups:
        sections.append(bs.supply_section(plan.project_demand("group", groups), "group",
                                          ds))
    if prac["imd_score"].notna().any():
        sections.append(Section("Deprivation by locality", figure=draw_deprivation_map(
            ds, prac), text=f"Practice deprivation score, IMD {years['imd']} (OHID "
                            "Fingertips indicator 93553), averaged over each locality's "
                            "practices weighted by list size."))
    refs = bs.references_section(ds, result)
    if refs is not None:
        sections.append(refs)
    sections.append(bs.caveats_section(ds, result))
    sections.extend(extra or [])
    sources = ds.sources if ds.sources is not None else pd.DataFrame([{
        "file": "data/sample/*", "publisher": "this project (invented, illustrative)",
        "date": "generated by data/make_sample.py"}] if ds.is_sample else [{
            "file": str(ds.folder), "publisher": "user data folder", "date": ""}])
    sources = sources.rename(columns={"file": "File", "publisher": "Publisher", "date": "Date",
                                      "rows_kept": "Rows kept",
                                      "rows_skipped": "Rows left out", "note": "Note"})
    sections.append(Section("Data sources", table=sources, text=(
        "The embedded sample is ILLUSTRATIVE: invented practices, list sizes and sites "
        "shaped like Medway's headline figures; not real data." if ds.is_sample else "")))
    return sections


def _plan_groups(plan) -> tuple[dict[str, str] | None, str]:
    """The plan's one grouping (models/plan.Plan.groups_everywhere), or none if it cannot
    be made (then the report has no group pages)."""
    from models.grouping import GroupingError
    try:
        return plan.groups_everywhere()
    except (GroupingError, ImportError, ValueError):
        return None, ""


def _groups_section(ds, groups: dict[str, str], min_size: int, max_size: int,
                    groups_from: str = "") -> Section:
    from models.grouping import group_metrics, overall_metrics
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
              f"distance to group centre {overall['mean_distance_km']:.2f} km."
              + (f" Grouping: {groups_from}; the same groups are used by demand and "
                 "supply by group." if groups_from else "")),
        figure=None, notes=["Bounds: K&M STP Nov 2016 (20–60k), Medway Model 30–50k "
                            "(Operational Plan 2017–19 ch. 3)",
                            "Distances straight-line, EPSG:27700"])


def human_access(access: pd.DataFrame) -> pd.DataFrame:
    """Access measures with human labels, shares in %, patients whole, km to 0.1."""
    from models.display import number, share
    rows = []
    for key, r in access.iterrows():
        key = str(key)
        if key.startswith("share_within_"):
            label = f"Patients within {key[len('share_within_'):-2]} km of a hub"
            fmt = share
        elif key == "patients":
            label, fmt = "Patients", number
        else:
            label = {"mean_distance_km": "Mean distance to nearest hub (km)",
                     "max_distance_km": "Farthest distance to nearest hub (km)",
                     "mean_road_km_approx": "Mean road distance, approximate (km)",
                     "mean_drive_min_approx": "Mean drive time, approximate (minutes)"
                     }.get(key, key.replace("_", " "))
            fmt = (lambda v: number(v, 1))
        rows.append({"Measure": label, "Now": fmt(r["now"]),
                     "With housing growth": fmt(r["with_growth"])})
    return pd.DataFrame(rows)


def _demand_sections(plan, result) -> list[Section]:
    from models.demand import MEDWAY, attribution_lines, cost_lines, rooms_line
    from models.display import money_range, number
    from models.housing import phasing_note
    from rendering import board_sections as bs
    t = result.table
    totals = result.totals()

    def chart(fig):
        from rendering.charts import draw_gp_wte_band, draw_new_patients
        draw_new_patients(fig.add_axes([0.07, 0.41, 0.6, 0.21]), result, fontsize=10)
        draw_gp_wte_band(fig.add_axes([0.07, 0.15, 0.6, 0.15]), result, fontsize=10)

    m = totals.set_index("area").loc[MEDWAY]
    a = result.assumptions
    headline = ("Demand from new dwellings"
                + (f" completed after the list sizes' date ({result.list_date})"
                   if result.list_date else "") + ": "
                f"{m['new_dwellings']:,.0f} new dwellings × {a.value('persons_per_dwelling'):g} "
                f"persons per dwelling × {a.value('registration_share'):.0%} registering = "
                f"{m['new_patients']:,.0f} new patients ({m['new_patients_low']:,.0f}–"
                f"{m['new_patients_high']:,.0f}); {m['gp_wte_needed']:,.1f} GP WTE "
                f"({m['gp_wte_needed_low']:,.1f}–{m['gp_wte_needed_high']:,.1f}), "
                f"{number(m['floorspace_m2'])} m² GIA, capital "
                + money_range(m["capital_cost_gbp"], m["capital_cost_gbp_low"],
                              m["capital_cost_gbp_high"]) + ".\n"
                + "".join(line + "\n" for line in cost_lines(result))
                + f"Housing phasing: {phasing_note(plan.dataset.housing, a.options)}.\n"
                + "".join(line + "\n" for line in attribution_lines(result))
                + result.trend_note)
    by_area = pd.DataFrame({
        "Area": totals["area"].replace(MEDWAY, bs.total_label(plan.dataset)),
        "Dwellings": totals["new_dwellings"].map(number),
        "New patients (range)": [f"{number(c)} ({number(lo)}–{number(hi)})" for c, lo, hi in
                                 zip(totals["new_patients"], totals["new_patients_low"],
                                     totals["new_patients_high"])],
        "GP WTE needed": totals["gp_wte_needed"].map(lambda v: number(v, 1)),
        "Clinical rooms": totals["rooms_needed"].map(lambda v: number(v, 1)),
        "Floorspace (m² GIA)": totals["floorspace_m2"].map(number),
        "Capital cost (range)": [money_range(c, lo, hi) for c, lo, hi in
                                 zip(totals["capital_cost_gbp"],
                                     totals["capital_cost_gbp_low"],
                                     totals["capital_cost_gbp_high"])]})
    by_year = t.pivot_table(index="area", columns="year", values="new_patients",
                            aggfunc="sum", sort=False).round().astype(int).reset_index()
    by_year.columns = ["Area"] + [f"{y}/{(y + 1) % 100:02d}" for y in by_year.columns[1:]]
    by_year["Area"] = by_year["Area"].replace(MEDWAY, bs.total_label(plan.dataset))
    frame = a.to_frame()
    def shown(values):
        return [f"{v:.1%}" if "share" in u else f"{v:,.4g}" if abs(v) < 100 else f"{v:,.0f}"
                for v, u in zip(values, frame["unit"])]
    sheet = pd.DataFrame({
        "Assumption": frame["assumption"], "Unit": frame["unit"], "Low": shown(frame["low"]),
        "Used": shown(frame["value used"]), "High": shown(frame["high"]),
        "Edited": frame["edited"].map({True: "EDITED", False: "no"}),
        "Source": frame["source"]})
    return [
        Section("GP demand from new housing", text=headline, figure=chart,
                notes=["Ranges: the low and high figures put every uncertain assumption at "
                       "its demand-lowering or demand-raising end together, and the housing "
                       "at the low or high end of its dwelling range — extremes combined, so "
                       "the range is wider than any one assumption's"]),
        Section("Notes on the demand figures", text="\n\n".join(
            [rooms_line(result)] + [f"• {w}" for w in result.warnings])),
        Section("Demand totals by locality", table=by_area),
        Section("New patients by locality and year", table=by_year),
        Section("Planning assumptions and their sources", table=sheet,
                notes=["Edited = changed by the user from the published default",
                       "Sources in full on the next page"]),
        Section("Sources of the planning assumptions (in full)", small_text=True,
                text="\n".join(f"{r.assumption}: {r.source}" for r in frame.itertuples())),
    ]
