"""Static maps for the board paper, in British National Grid with a scale bar and north arrow."""
from __future__ import annotations

import pandas as pd
from matplotlib import patheffects

from rendering.text import plain

# A white halo keeps a locality's name readable where practice and housing symbols crowd it
# (labels are drawn above the symbols, as on the window's map).
HALO = [patheffects.withStroke(linewidth=3, foreground="white")]

def draw_map(ds, groups: dict[str, str] | None = None, hubs: pd.DataFrame | None = None):
    """A static map of localities, practices (by list size, coloured by group), hubs and
    housing sites, in the colours of the window's layers (their declared styles)."""
    from rendering.map_layers.registry import layer
    from rendering.webmap import PRACTICE_COLOUR, group_colours
    from models.grouping import site_groups
    hub_style, housing_style = layer("hubs").style, layer("housing").style
    hubs = ds.hubs if hubs is None else hubs

    @plain
    def draw(fig):
        ax = fig.add_axes([0.03, 0.07, 0.64, 0.66])
        loc = ds.localities.to_crs(27700)
        loc.plot(ax=ax, color="#eef3f7", edgecolor="#555555", linewidth=0.8)
        for row in loc.itertuples():
            pt = row.geometry.representative_point()
            ax.annotate(row.name, (pt.x, pt.y), ha="center", fontsize=9, weight="bold",
                        color="#333333", zorder=6, path_effects=HALO)
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
                   c=[housing_style(0, bool(inc))["fillColor"] for inc in h["include"]],
                   alpha=0.7, zorder=2, label="Housing site (area ∝ dwellings)")
        if len(hubs):
            ux, uy = to_bng(hubs["longitude"], hubs["latitude"])
            existing = (hubs["status"] == "existing").to_numpy()
            built, planned = hub_style("existing"), hub_style("planned")
            ax.scatter(ux[existing], uy[existing], s=160, marker="*", c=built["fillColor"],
                       edgecolors=built["color"], zorder=4, label="Hub, existing")
            ax.scatter(ux[~existing], uy[~existing], s=160, marker="*",
                       c=planned["fillColor"], edgecolors=planned["color"], linewidths=1.5,
                       zorder=4,
                       label="Hub, planned/proposed")
        map_furniture(ax)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return draw


def map_furniture(ax) -> None:
    """Scale bar, north arrow and grid note on a British National Grid map."""
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    x0, x1 = ax.get_xlim()
    km = max(1, round((x1 - x0) / 5000))          # about a fifth of the width, whole km
    ax.add_artist(AnchoredSizeBar(ax.transData, km * 1000, f"{km} km", "lower left",
                                  pad=0.6, frameon=False, size_vertical=(x1 - x0) / 300,
                                  fontproperties={"size": 9}))
    ax.annotate("N", xy=(0.96, 0.95), xytext=(0.96, 0.84), xycoords="axes fraction",
                ha="center", va="center", fontsize=11, weight="bold",
                arrowprops=dict(arrowstyle="-|>", color="#333333", lw=1.5))
    ax.set_title("British National Grid (EPSG:27700); north is up", fontsize=8,
                 color="#666666")


def draw_deprivation_map(ds, prac: pd.DataFrame):
    """Localities shaded by their list-weighted practice deprivation score, with practices."""
    import numpy as np

    @plain
    def draw(fig):
        from geo.crs import to_bng
        ax = fig.add_axes([0.03, 0.07, 0.64, 0.74])
        loc = ds.localities.to_crs(27700).copy()
        known = prac[prac["imd_score"].notna() & prac["list_size"].notna()]
        score = {name: (float(np.average(g["imd_score"], weights=g["list_size"]))
                        if g["list_size"].sum() > 0 else np.nan)
                 for name, g in known.groupby("locality")}
        loc["imd"] = [score.get(n, np.nan) for n in loc["name"]]
        loc.plot(ax=ax, column="imd", cmap="OrRd", edgecolor="#555555", linewidth=0.8,
                 legend=True, missing_kwds={"color": "#eeeeee", "hatch": "//",
                                            "label": "unknown"},
                 legend_kwds={"label": "Deprivation score (list-weighted IMD; higher = "
                                       "more deprived)", "shrink": 0.7})
        for row in loc.itertuples():
            pt = row.geometry.representative_point()
            value = "unknown" if row.imd != row.imd else f"{row.imd:.1f}"
            ax.annotate(f"{row.name}\n{value}", (pt.x, pt.y), ha="center", fontsize=9,
                        weight="bold", color="#222222", zorder=6, path_effects=HALO)
        mains = ds.main_practices()
        px, py = to_bng(mains["longitude"], mains["latitude"])
        ax.scatter(px, py, s=14, c="#1a237e", zorder=3, label="Practice")
        map_furniture(ax)
        ax.legend(loc="upper left", bbox_to_anchor=(1.25, 1.0), fontsize=9, frameon=False)
    return draw
