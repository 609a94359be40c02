"""The S106 evidence pack: a 4-page PDF response to a planning application.

1 summary and map (the site, its catchment practices with distances, and their figures);
2 the calculation step by step; 3 the CIL Regulation 122 tests with the evidence that meets
each, and the caveats; 4 the assumptions with their sources, the cost basis and the data's
dates. Laid out by rendering/report.write_pdf, so every page carries the data's label
(the sample is stamped illustrative), the date and page number.
"""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from models.contribution import COST_BASIS, precedent_lines
from models.display import number
from rendering.board_sections import data_dates, report_label
from rendering.maps import map_furniture
from rendering.report import Section, write_pdf
from rendering.text import plain


def _when(app) -> str:
    if app.start_year is None:
        return "phasing not given"
    years = f" over {app.build_years} years" if app.build_years else ""
    return f"first completions {app.start_year}/{str(app.start_year + 1)[-2:]}{years}"


def summary_text(c, scenario: str, label: str) -> str:
    app = c.application
    mix = (", mix " + ", ".join(f"{s:.0%} {b}{'+' if b == 4 else ''}-bed" for b, s in app.mix)
           if app.mix else "")
    head = (f"Request: £{c.request_gbp:,.0f} (£{c.value('per_dwelling'):,.0f} per dwelling)"
            if c.justified else "NO CONTRIBUTION JUSTIFIED: the catchment's spare capacity "
                                "absorbs the new patients (necessity test, CIL Reg. 122(2)(a))")
    return "\n".join([
        head,
        f"Site: {app.name}{f' ({app.site_id})' if app.site_id else ' (new application)'} at "
        f"{app.latitude:.5f}, {app.longitude:.5f}; {app.dwellings:,} dwellings{mix}; "
        f"{_when(app)}.",
        f"New residents {c.value('residents'):,.0f} → new patients {c.value('patients'):,.0f};"
        f" spare capacity in the catchment {c.value('spare'):,.0f} patients → "
        f"{c.value('net'):,.0f} patients need new space: {c.value('net_m2'):,.1f} m², "
        f"{c.value('net_rooms'):.1f} clinical rooms, {c.value('net_gp_fte'):.2f} GP FTE.",
        f"Project: {c.project}.",
        f"Scenario: {scenario or '(none: the data as loaded)'} · Data: {label}",
    ])


def catchment_rows(c) -> pd.DataFrame:
    """The catchment table as printed (unknown figures say so)."""
    cat = c.catchment
    rows = []
    for i, r in enumerate(cat.itertuples(), 1):
        gps = f"{number(r.gp_headcount)} / {number(r.gps, 1)} {r.gp_basis}".strip()
        basis = "rooms" if str(r.premises_basis).startswith("estate") else (
            "proxy" if str(r.premises_basis).startswith("proxy") else "")
        rows.append({"#": i, "practice": f"{r.name} ({r.practice_code})",
                     "km": f"{r.distance_km:.2f}"
                           + (f" / {r.minutes:.0f} min" if np.isfinite(r.minutes) else ""),
                     "counted": "yes" if r.included else "no",
                     "list": number(r.list_size),
                     "GPs head/FTE": gps,
                     "pts per GP": number(r.patients_per_gp),
                     "premises m²": f"{number(r.premises_m2)} {basis}".strip(),
                     "spare pts": number(r.spare_patients)})
    return pd.DataFrame(rows)


def _catchment_map(plan, c):
    """Site, catchment circle, practices numbered as in the table, planned hubs."""
    from matplotlib.patches import Circle
    from geo.crs import to_bng
    ds, app, cat = plan.dataset, c.application, c.catchment

    @plain
    def draw(fig):
        ax = fig.add_axes([0.03, 0.13, 0.36, 0.55])
        sx, sy = to_bng([app.longitude], [app.latitude])
        sx, sy = float(sx[0]), float(sy[0])
        radius = plan.value("catchment_radius_km") * 1000
        reach = max(radius, cat["distance_km"].max() * 1000) * 1.15
        ds.localities.to_crs(27700).plot(ax=ax, color="#eef3f7", edgecolor="#999999",
                                         linewidth=0.6)
        if c.mode == "straight":
            ax.add_patch(Circle((sx, sy), radius, fill=False, ls="--", color="#1565c0"))
        sites = ds.practices
        code_of = sites["parent_code"].where(sites["parent_code"] != "",
                                             sites["practice_code"])
        for i, r in enumerate(cat.itertuples(), 1):
            own = sites[code_of == r.practice_code]
            x, y = to_bng(own["longitude"].to_numpy(float), own["latitude"].to_numpy(float))
            j = int(np.argmin(np.hypot(x - sx, y - sy)))
            colour = "#1565c0" if r.included else "#9e9e9e"
            ax.plot([sx, x[j]], [sy, y[j]], color=colour, lw=0.6, alpha=0.6, zorder=2)
            ax.scatter([x[j]], [y[j]], s=60, c="white" if not r.included else colour,
                       edgecolors=colour, zorder=3)
            ax.annotate(f"{i} ({r.distance_km:.1f} km)", (x[j], y[j]), fontsize=6.5,
                        xytext=(3, 3), textcoords="offset points", color="#222222")
        hubs = ds.hubs
        if len(hubs):
            hx, hy = to_bng(hubs["longitude"].to_numpy(float), hubs["latitude"].to_numpy(float))
            ax.scatter(hx, hy, s=110, marker="*", c=["#6a1b9a" if s == "existing" else "white"
                                                     for s in hubs["status"]],
                       edgecolors="#6a1b9a", zorder=4, label="hub (hollow: planned)")
        ax.scatter([sx], [sy], s=180, marker="s", c="#e65100", edgecolors="white", zorder=5,
                   label="the development")
        ax.set_xlim(sx - reach, sx + reach)
        ax.set_ylim(sy - reach, sy + reach)
        map_furniture(ax)
        ax.legend(loc="lower left", fontsize=7, frameon=True)
        ax.set_title(f"Catchment: practices within {c.figures['radius']} "
                     "(blue = counted)", fontsize=8.5)
        table = catchment_rows(c)
        tx = fig.add_axes([0.41, 0.13, 0.57, 0.55])
        tx.axis("off")
        cells = [[textwrap.shorten(str(v), 44, placeholder="…") for v in row]
                 for row in table.itertuples(index=False)]
        tbl = tx.table(cellText=cells, colLabels=list(table.columns), loc="upper left",
                       cellLoc="left", colLoc="left",
                       colWidths=[0.03, 0.33, 0.1, 0.07, 0.07, 0.11, 0.07, 0.13, 0.09])
        tbl.auto_set_font_size(False)
        tbl.set_fontsize(6.5)
        for (row, _), cell in tbl.get_celld().items():
            cell.set_edgecolor("#cccccc")
            cell.set_height(0.045 if len(cells) <= 18 else 0.8 / (len(cells) + 1))
            if row == 0:
                cell.set_facecolor("#e8eaf6")
        dates = c.catchment[["list_date", "gp_date"]].iloc[0]
        tx.text(0, -0.02, f"List sizes {dates['list_date']}; GPs {dates['gp_date']} "
                          "(headcount of fully qualified GPs / FTE; est. = headcount × FTE per "
                          "head). Premises and spare: the estate register's rooms and the room-"
                          "session model (models/capacity), else a proxy (GP FTE × patients "
                          "per GP FTE). Spare = capacity − patients (of the GPs' period for "
                          "the proxy); negative = over capacity (existing pressure, not "
                          "charged).", fontsize=6.5, va="top", wrap=True,
                transform=tx.transAxes)
    return draw


def pack_sections(plan, c, scenario: str = "") -> list[Section]:
    """The pack's four pages."""
    ds = plan.dataset
    app = c.application
    steps = c.steps[["step", "quantity", "value", "unit", "how", "source"]].copy()
    steps["value"] = [_shown(v, u) for v, u in zip(c.steps["value"], c.steps["unit"])]
    tests = "\n\n".join(f"{i}. {test}.\n{evidence}" for i, (test, evidence)
                        in enumerate(c.reg122.items(), 1))
    precedents = "\n".join("• " + line for line in precedent_lines(c))
    caveats = "\n".join("• " + line for line in c.caveats)
    a = plan.assumptions
    used = "\n".join(
        f"• {a[k].label}: {a.value(k):g} {a[k].unit}"
        f"{' (edited)' if a[k].user_edited else ''} [{k}] — {a[k].source}"
        for k in dict.fromkeys(c.assumptions))
    basis = "\n".join(f"• {k}: {v}" for k, v in COST_BASIS.items())
    return [
        Section(f"Healthcare contribution request — {app.name}",
                text=summary_text(c, scenario, report_label(ds)),
                figure=_catchment_map(plan, c)),
        Section("The calculation, step by step", table=steps,
                notes=[f"Verdict: {c.verdict}.",
                       "The workbook (--xlsx) holds the same steps as formulas over the "
                       "Assumptions and Catchment sheets."]),
        Section("CIL Regulation 122: the three tests", text=(
            "Regulation 122(2) of the Community Infrastructure Levy Regulations 2010: a "
            "planning obligation may be a reason to grant permission only if it is\n\n"
            f"{tests}\n\nBeside published Kent requests:\n{precedents}\n\n"
            f"Caveats\n{caveats}")),
        Section("Assumptions, sources and data dates", text=(
            f"Assumptions used (models/assumptions; edit in the Demand tab or with --set):\n"
            f"{used}\n\nCost per m² — what it covers:\n{basis}\n\n"
            f"{data_dates(ds)}\nScenario: {scenario or '(none)'}"), small_text=True),
    ]


def _shown(value, unit: str) -> str:
    if unit == "£":
        return f"£{value:,.0f}"
    if unit == "£ per m²":
        return f"£{value:,.0f}"
    if unit == "share":
        return f"{value:.0%}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def write_pack(plan, c, path, scenario: str = "") -> int:
    """Write the pack's PDF atomically; the number of pages."""
    ds = plan.dataset
    return write_pdf(pack_sections(plan, c, scenario), path, report_label(ds), ds.is_sample,
                     dates=data_dates(ds))
