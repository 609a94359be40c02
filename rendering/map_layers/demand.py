"""The Demand tab's shading: the localities shaded by GP WTE needed by the end of the
horizon, by deprivation, or by GPs short of the benchmark. Unknown is grey, never pale."""
from __future__ import annotations

from models import demand as dm
from models.display import known, number
from rendering.map_layers.spec import collection, feature

SHADES = {"gp_wte_needed": "GP WTE needed by the end",
          "imd_score": "Deprivation (list-weighted IMD score)",
          "gp_gap": "GPs short of the benchmark"}


def demand_style(share: float, is_known: bool) -> dict:
    """Darker red for more; grey for unknown."""
    return {"color": "#b71c1c", "weight": 1,
            "fillColor": "#d32f2f" if is_known else "#bdbdbd",
            "fillOpacity": 0.08 + 0.5 * share if is_known else 0.3}


def shade_values(result, key: str):
    """The figure shading each area (Medway's own row left out) and its label."""
    if key == "gp_wte_needed":
        values = result.totals().set_index("area")[key]
    else:
        values = result.baseline.set_index("area")["imd_score" if key == "imd_score"
                                                   else "gp_wte_gap_benchmark"]
    return values.drop(dm.MEDWAY, errors="ignore"), SHADES[key]


def demand_features(result, localities, key: str = "gp_wte_needed") -> dict:
    """Each locality shaded by ``key`` (see ``SHADES``) from a demand projection by
    locality, on a scale from zero (or the lowest value) to the highest."""
    values, label = shade_values(result, key)
    lo = min(float(values.min()), 0.0) if values.notna().any() else 0.0
    top = max(float(values.max()) - lo, 1e-9) if values.notna().any() else 1.0
    feats = []
    for row in localities.itertuples():
        value = float(values.get(row.name, float("nan")))
        share = (value - lo) / top if known(value) else 0.0
        feats.append(feature(row.geometry.__geo_interface__, row.name,
                             demand_style(share, known(value)),
                             [["Locality", row.name], [label, number(value, 1)]]))
    return collection(feats)
