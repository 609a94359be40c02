"""An illustrative data folder over Southampton, for the real GTFS feed in ../shared (there
is no Medway feed): three box-shaped localities, invented practices and hubs at real
places. Not real practices or list sizes."""
from __future__ import annotations

import json
from pathlib import Path

FEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "gtfs" / \
    "bluestar_southampton_2025-07.gtfs.zip"
if not FEED.is_file():
    FEED = Path("/work/shared/data/gtfs/bluestar_southampton_2025-07.gtfs.zip")

LOCALITIES = {"Shirley": (-1.47, -1.41), "City Centre": (-1.41, -1.37),
              "Bitterne": (-1.37, -1.31)}
SOUTH, NORTH = 50.88, 50.95
PRACTICES = [  # code, name, lat, lon, list size, locality
    ("S00001", "Shirley Road Surgery", 50.9215, -1.4300, 9000, "Shirley"),
    ("S00002", "Millbrook Practice", 50.9150, -1.4560, 7000, "Shirley"),
    ("S00003", "Bassett Green Practice", 50.9400, -1.4200, 6000, "Shirley"),
    ("S00004", "Above Bar Practice", 50.9057, -1.4045, 12000, "City Centre"),
    ("S00005", "Portswood Surgery", 50.9230, -1.3950, 10000, "City Centre"),
    ("S00006", "St Mary's Practice", 50.9090, -1.3900, 8000, "City Centre"),
    ("S00007", "Bitterne Precinct Surgery", 50.9170, -1.3610, 9000, "Bitterne"),
    ("S00008", "Woolston Practice", 50.8950, -1.3750, 6000, "Bitterne"),
    ("S00009", "Harefield Practice", 50.9270, -1.3350, 5000, "Bitterne"),
]
HUBS = [("HUB-W", "Shirley hub", 50.9200, -1.4350, "Shirley"),
        ("HUB-C", "City hub", 50.9080, -1.4000, "City Centre"),
        ("HUB-E", "Bitterne hub", 50.9180, -1.3580, "Bitterne")]


def write_southampton_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    feats = [{"type": "Feature", "properties": {"name": name}, "geometry": {
        "type": "Polygon", "coordinates": [[[w, SOUTH], [e, SOUTH], [e, NORTH], [w, NORTH],
                                            [w, SOUTH]]]}}
             for name, (w, e) in LOCALITIES.items()]
    (folder / "localities.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": feats}), encoding="utf-8")
    (folder / "practices.csv").write_text(
        "practice_code,name,latitude,longitude,list_size,parent_code,locality,gp_wte,postcode\n"
        + "".join(f"{c},{n},{la},{lo},{s},,{loc},,\n" for c, n, la, lo, s, loc in PRACTICES),
        encoding="utf-8")
    (folder / "hubs.csv").write_text(
        "hub_id,name,latitude,longitude,status,locality,capacity_patients\n"
        + "".join(f"{h},{n},{la},{lo},existing,{loc},40000\n" for h, n, la, lo, loc in HUBS),
        encoding="utf-8")
    (folder / "housing_sites.csv").write_text(
        "site_id,name,latitude,longitude,dwellings,status,include,start_year\n"
        "H1,Itchen Riverside,50.9000,-1.3850,400,allocated,true,2026\n", encoding="utf-8")
    return folder
