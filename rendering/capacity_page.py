"""Space and capacity by year: the chart (needed against available, per area), the method in
words, the summary lines and the board report's page — drawn the same in the window, the
command line and the PDF."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from models.capacity.by_year import TOTAL
from models.capacity.sessions import appointments_per_patient, core_room_appointments
from models.display import number, share
from rendering.text import plain

NEEDED, AVAILABLE, TOP_DOWN = "#c62828", "#1565c0", "#757575"
MAX_PANELS = 12       # areas drawn; by site the table lists them all


def method_text(a) -> str:
    """How the figures are made, with the values used (every one an assumption)."""
    v = a.value
    per = appointments_per_patient(v)
    return (
        "Room sessions: a site hosts rooms × opening hours a week × "
        f"{v('weeks_open_per_year'):g} weeks × a {v('room_utilisation_target'):.0%} "
        f"utilisation target ÷ {v('appointment_room_minutes'):g} minutes of room time per "
        f"face-to-face appointment ({number(core_room_appointments(v))} a year per room at "
        f"{v('core_hours_per_week'):g} hours a week). Patients need "
        f"{v('appointments_per_patient_year'):g} appointments a year × "
        f"{v('face_to_face_share'):.1%} face to face × (1 + {v('dna_share'):.1%} not "
        f"attended) = {per:.2f} room bookings a year each "
        f"({a['appointments_per_patient_year'].source.split(':')[0]}, 2023/24). "
        "Utilisation = bookings ÷ all open room hours; rooms needed = bookings ÷ what a room "
        "hosts at the target; m² needed = rooms × "
        f"{v('floorspace_m2_per_1000') / v('rooms_per_1000_patients'):.0f} m² "
        "(the flat ratios' quotient). New residents of included housing register at the "
        "nearest practice. Top-down cross-check: "
        f"{v('rooms_per_1000_patients'):g} rooms and {v('floorspace_m2_per_1000'):g} m² per "
        "1,000 patients. A site without a register row is unknown, never 0: its practice is "
        "left out of the area and counted.")


def summary_lines(result, a) -> list[str]:
    """One line per area: utilisation now, rooms, and the year the gap opens."""
    areas = result.areas
    out = [f"now = {result.now_year} (today's lists); projection to "
           f"{result.years[-1] if result.years else result.now_year}; by {result.by}",
           f"{'area':<34} {'known':>7} {'util. now':>9} {'rooms':>6} {'needed now':>10} "
           f"{'short at end':>12} {'top-down':>8}  gap opens"]
    for r in areas.itertuples():
        out.append(f"{str(r.area)[:34]:<34} {r.practices_known:>3}/{r.practices:<3} "
                   f"{share(r.utilisation_now):>9} {number(r.rooms_available):>6} "
                   f"{number(r.rooms_needed_now, 1):>10} {number(r.rooms_short_last, 1):>12} "
                   f"{number(r.rooms_topdown_now):>8}  {r.gap_opens}")
    return out


def _panels(result) -> list[str]:
    names = [n for n in result.areas["area"] if n != TOTAL]
    if result.by == "site":        # the sites closest to (or past) their gap first
        order = result.areas.set_index("area")["rooms_short_last"].reindex(names)
        names = list(order.sort_values(ascending=False, na_position="last").index)
    return (names[:MAX_PANELS - 1]) + [TOTAL]


@plain
def draw_capacity(fig, result, *, rect=(0.05, 0.08, 0.93, 0.8), fontsize: float = 8):
    """Small multiples: per area, rooms needed by year (room sessions, red), rooms
    available (blue) and the top-down rooms (grey, dashed); the year the gap opens in
    each title. An area of unknown capacity says so instead of drawing a 0."""
    names = _panels(result)
    n = len(names)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    left, bottom, width, height = rect
    grid = fig.add_gridspec(rows, cols, left=left, right=left + width, bottom=bottom,
                            top=bottom + height, hspace=0.75, wspace=0.3)
    gap = result.areas.set_index("area")["gap_opens"]
    axes = []
    for i, name in enumerate(names):
        ax = fig.add_subplot(grid[i // cols, i % cols])
        axes.append(ax)
        rows_ = result.area(name)
        title = f"{name[:30]}\ngap: {gap.get(name, 'unknown')}"
        ax.set_title(title, fontsize=fontsize)
        ax.tick_params(labelsize=fontsize - 1.5)
        if not np.isfinite(rows_["rooms_available"].to_numpy(float)).any():
            ax.text(0.5, 0.5, "capacity unknown\n(no register rows)", ha="center",
                    va="center", fontsize=fontsize - 1, color="#555555",
                    transform=ax.transAxes)
            ax.set_xticks([])
            ax.set_yticks([])
            continue
        years = rows_["year"].to_numpy()
        ax.plot(years, rows_["rooms_needed"], color=NEEDED, marker="o", markersize=2.5,
                label="needed (room sessions)")
        ax.step(years, rows_["rooms_available"], where="mid", color=AVAILABLE,
                label="available (register)")
        ax.plot(years, rows_["rooms_topdown"], color=TOP_DOWN, linestyle="--",
                label="top-down (1.2 per 1,000)")
        short = rows_["rooms_short"].to_numpy(float) > 1e-9
        if short.any():
            ax.fill_between(years, rows_["rooms_available"], rows_["rooms_needed"],
                            where=short, color=NEEDED, alpha=0.18, step=None)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(_year_locator())
    if axes:
        handles, labels = next(((h, lab) for h, lab in (ax.get_legend_handles_labels()
                                                       for ax in axes) if h), ([], []))
        if handles:         # under the panels, where it hides no title
            fig.legend(handles, labels, loc="upper center", ncol=3, fontsize=fontsize,
                       frameon=False, bbox_to_anchor=(left + width / 2, bottom - 0.035))
    return axes


def _year_locator():
    from matplotlib.ticker import MaxNLocator
    return MaxNLocator(nbins=4, integer=True)


def areas_table(result) -> pd.DataFrame:
    """The gaps table a board reads: one row per area."""
    a = result.areas
    return pd.DataFrame({
        "Area": a["area"],
        "Practices known": [f"{k} of {n}" for k, n in zip(a["practices_known"],
                                                           a["practices"])],
        "Utilisation now": [share(x) for x in a["utilisation_now"]],
        "Rooms available": [number(x) for x in a["rooms_available"]],
        "Rooms needed now": [number(x, 1) for x in a["rooms_needed_now"]],
        f"Rooms short {result.years[-1] if result.years else ''} (− = spare)":
            [number(x, 1) for x in a["rooms_short_last"]],
        "Top-down rooms now": [number(x) for x in a["rooms_topdown_now"]],
        "m² available": [number(x) for x in a["m2_available"]],
        "m² needed (end)": [number(x) for x in a["m2_needed_last"]],
        "Gap opens": a["gap_opens"],
        "Deprivation (IMD, list-weighted)": [number(x, 1) for x in a["imd_score"]]})


def capacity_sections(plan, projection=None) -> list:
    """The report's "Space and capacity by year" page (chart and method) and its table."""
    from models.capacity.by_year import plan_capacity
    from rendering.report import Section
    result = plan_capacity(plan, by="locality", projection=projection)
    text = method_text(plan.assumptions)
    notes = [w for w in result.warnings][:3]

    def chart(fig):
        draw_capacity(fig, result, rect=(0.06, 0.14, 0.9, 0.5), fontsize=8)
    return [Section("Space and capacity by year", text=text, figure=chart, notes=notes),
            Section("Space and capacity by year: where and when the gap opens",
                    table=areas_table(result),
                    notes=["Utilisation = face-to-face bookings ÷ all open room hours "
                           f"(target {plan.value('room_utilisation_target'):.0%})",
                           "Rooms short < 0 = spare; unknown = no register row"])]
