"""The two demand charts, drawn the same way in the app and in the PDF report."""
from __future__ import annotations

from rendering.webmap import GROUP_PALETTE
from models.demand import MEDWAY
from rendering.text import plain


NOTHING = "No housing site is included: no new patients to chart"
ALL_IN_LIST = ("No dwellings completed after the list sizes' date ({date}): no new patients "
               "to chart")


def _why_empty(result) -> str:
    """Why there is nothing to chart: no site included, or every completion already in the
    list."""
    if result.dwellings_already_in_list > 0:
        return ALL_IN_LIST.format(date=result.list_date)
    return NOTHING


def _nothing(ax, title: str, fontsize: float, why: str = NOTHING) -> None:
    """An empty chart says why, instead of showing bare axes from 0 to 1."""
    ax.set_title(title, fontsize=fontsize)
    ax.text(0.5, 0.5, why, ha="center", va="center", fontsize=fontsize - 1,
            color="#555555", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


@plain
def draw_new_patients(ax, result, fontsize: float = 9) -> None:
    """Stacked bars: new patients by year, one colour per area."""
    areas = result.table[result.table["area"] != MEDWAY]
    pivot = areas.pivot_table(index="year", columns="area", values="new_patients",
                              aggfunc="sum", sort=False).fillna(0)
    if pivot.empty or not pivot.to_numpy().any():
        _nothing(ax, f"New patients by year and {result.by}", fontsize, _why_empty(result))
        return
    bottom = None
    for i, area in enumerate(pivot.columns):
        ax.bar(pivot.index, pivot[area], bottom=bottom, label=area,
               color=GROUP_PALETTE[i % len(GROUP_PALETTE)])
        bottom = pivot[area] if bottom is None else bottom + pivot[area]
    n = len(pivot.columns)   # the key sits between the title and the bars, never on them
    ax.set_title(f"New patients by year and {result.by}", fontsize=fontsize,
                 pad=4 + 1.2 * fontsize * -(-n // 6))
    ax.set_xlabel("Year homes are completed (2020 = 2020/21)", fontsize=fontsize - 1)
    ax.set_ylabel("New patients", fontsize=fontsize - 1)
    ax.legend(fontsize=fontsize - 2.5, ncol=min(n, 6), loc="lower center",
              bbox_to_anchor=(0.5, 1.0), frameon=False, borderaxespad=0.2,
              handlelength=1.0, columnspacing=0.8)
    ax.tick_params(labelsize=fontsize - 2)


@plain
def draw_gp_wte_band(ax, result, fontsize: float = 9) -> None:
    """Cumulative GP WTE needed for the whole area: central line within its low–high band
    (nothing to draw when the central figure is zero throughout)."""
    med = result.medway()
    if med.empty or not med["gp_wte_needed"].fillna(0).any():
        _nothing(ax, "Cumulative GP WTE needed, Medway", fontsize, _why_empty(result))
        return
    ax.fill_between(med["year"], med["gp_wte_needed_low"], med["gp_wte_needed_high"],
                    color="#90caf9", alpha=0.55, label="low–high range")
    ax.plot(med["year"], med["gp_wte_needed"], color="#0d47a1", marker="o", label="central")
    ax.set_title("Cumulative GP WTE needed, Medway", fontsize=fontsize,
                 pad=4 + 1.2 * fontsize)
    ax.set_xlabel("Year (2020 = 2020/21)", fontsize=fontsize - 1)
    ax.set_ylabel("GP WTE needed", fontsize=fontsize - 1)
    ax.legend(fontsize=fontsize - 2.5, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0),
              frameon=False, borderaxespad=0.2)   # above the line, as for the bars
    ax.tick_params(labelsize=fontsize - 2)
