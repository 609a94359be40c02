"""Finding the published files in a folder a planner points the import at, by their names."""
from __future__ import annotations

import re
from pathlib import Path

# Input → file-name pattern (case-insensitive), as NHS Digital, ONS and councils name them.
NAME_PATTERNS = {
    "epraccur": r"epraccur.*\.csv$",
    "sites": r"(gp.?sites|gp-data|choices).*\.(json|csv)$",
    "postcodes": r"(onspd|nspl|postcode|pcd).*\.csv$",
    "list_sizes": r"gp-reg-pat-prac-all.*\.csv$",
    "pcns": r"epcn.*(core|partner).*\.csv$|^epcn.*\.xlsx$",
    "boundaries": r"^(?!.*localit).*ward.*\.(geojson|json|gpkg|shp)$",
    "ward_localities": r"ward.?localit.*\.csv$",
    "population": r"(census|usual.?resident|population).*\.csv$",
    "population_areas": r"lsoa.*\.(geojson|json|gpkg|shp)$",
    "brownfield": r"brownfield.*\.csv$",
    "housing": r"housing_sites.*\.csv$",
    "payments": r"payments.*\.csv$",
    "workforce": r"workforce.*\.csv$",
    "deprivation": r"(imd|deprivation).*\.csv$",
    "capacity": r"capacity.*\.csv$",
}


def detect_inputs(folder: str | Path) -> dict[str, Path]:
    """Guess each input from the file names in ``folder``.

    Where several files match, the plainest wins: JSON before CSV for sites (the published
    form), the newest-dated list-size file, and a register in the national standard before
    derived versions (names mentioning 'digital-land')."""
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    found: dict[str, Path] = {}
    for key, pattern in NAME_PATTERNS.items():
        hits = [p for p in files if re.search(pattern, p.name, re.I)]
        if not hits:
            continue
        if key == "payments":          # every year's file, oldest first
            found[key] = ";".join(str(p) for p in sorted(hits, key=lambda p: p.name))
            continue
        if key == "list_sizes":
            hits = sorted(hits, key=lambda p: p.name, reverse=True)
        elif key == "sites":
            hits = sorted(hits, key=lambda p: p.suffix.lower() != ".json")
        else:
            hits = sorted(hits, key=lambda p: ("digital" in p.name.lower(), len(p.name)))
        found[key] = hits[0]
    return found
