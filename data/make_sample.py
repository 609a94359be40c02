"""Generate the embedded ILLUSTRATIVE sample in data/sample/ (run: python data/make_sample.py).

Nothing here is real: locality shapes are Voronoi cells of hand-placed seeds clipped to a rough
outline of Medway; practice names, codes (X8xxxx), list sizes and GP WTE are invented to match
the headline figures of the Medway CCG Operational Plan 2017–19, ch. 3 (51 practices +
22 branches, 136 GP WTE, ~20 single-handed practices) and a total list of ~280k. Hub
positions approximate the Healthy Living Centres named in that plan. Deterministic (seeded).
"""
from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from geo.crs import to_bng, to_wgs84  # noqa: E402

OUT = ROOT / "data" / "sample"
RNG = np.random.default_rng(20171)

OUTLINE = [(0.430, 51.330), (0.470, 51.322), (0.520, 51.318), (0.560, 51.322),
           (0.600, 51.330), (0.640, 51.335), (0.668, 51.350), (0.668, 51.375),
           (0.640, 51.392), (0.600, 51.400), (0.575, 51.408), (0.600, 51.428),
           (0.650, 51.434), (0.695, 51.442), (0.700, 51.458), (0.680, 51.470),
           (0.620, 51.474), (0.540, 51.476), (0.480, 51.472), (0.445, 51.455),
           (0.452, 51.425), (0.432, 51.400), (0.412, 51.370), (0.415, 51.345)]

SEEDS = {
    "Strood": [(0.480, 51.400), (0.440, 51.360), (0.500, 51.440), (0.560, 51.445),
               (0.640, 51.450)],
    "Rochester": [(0.500, 51.378), (0.500, 51.355)],
    "Chatham": [(0.528, 51.380), (0.545, 51.368)],
    "Gillingham": [(0.553, 51.388), (0.580, 51.385), (0.560, 51.400)],
    "Rainham": [(0.612, 51.362), (0.630, 51.380), (0.585, 51.350), (0.650, 51.352)],
    "Lordswood": [(0.520, 51.338), (0.540, 51.335)],
}

# Registered-list targets: Strood over 50k and Lordswood under 30k on purpose, so the
# 30–50k flag has something to show.
TARGETS = {"Strood": 56000, "Rochester": 49500, "Chatham": 49000, "Gillingham": 49500,
           "Rainham": 49000, "Lordswood": 28000}
N_PRACTICES = {"Strood": 9, "Rochester": 8, "Chatham": 10, "Gillingham": 9, "Rainham": 8,
               "Lordswood": 7}
SINGLE_HANDED = {"Strood": 4, "Rochester": 3, "Chatham": 4, "Gillingham": 4, "Rainham": 3,
                 "Lordswood": 2}
CENTRES = {"Strood": (0.490, 51.395), "Rochester": (0.503, 51.372),
           "Chatham": (0.532, 51.376), "Gillingham": (0.562, 51.386),
           "Rainham": (0.612, 51.362), "Lordswood": (0.530, 51.338)}
PLACES = {
    "Strood": ["Frindsbury", "Wainscott", "Cuxton", "Halling", "Higham Road", "Cliffe",
               "Hoo", "Bryant Road", "Gun Lane"],
    "Rochester": ["Delce", "Borstal", "Horsted", "Troy Town", "Star Hill", "Esplanade",
                  "Boley Hill", "Warren Wood"],
    "Chatham": ["Luton", "Wayfield", "Dock Road", "Chatham Hill", "St Mary's Island",
                "New Road", "Magpie Hall", "Fort Pitt", "Clover Street", "Best Street"],
    "Gillingham": ["Balmoral", "Twydall", "Brompton", "Canterbury Street", "Woodlands",
                   "Nelson Road", "Jeffery Street", "Darland", "Gardiner Street"],
    "Rainham": ["Wigmore", "Hempstead", "Parkwood", "Thames Avenue", "Station Road",
                "Moor Street", "Berengrave", "Bloors Lane"],
    "Lordswood": ["Walderslade", "Princes Park", "Capstone", "Sultan Road", "Davis Estate",
                  "Ballens Road", "Albemarle Road"],
}
KINDS = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice"]
BRANCH_VILLAGES = {  # peninsula and edge villages get branch surgeries
    "Strood": [(0.470, 51.455, "Cliffe Village Hall"), (0.575, 51.430, "Hoo Village"),
               (0.685, 51.450, "Grain Village"), (0.610, 51.455, "High Halstow"),
               (0.430, 51.355, "Halling")],
}
HUBS = [
    ("HLC-ROC", "Rochester Healthy Living Centre (Delce Road)", 51.3795, 0.5075, "existing",
     "Rochester", 40000),
    ("HLC-GIL", "Gillingham Healthy Living Centre (Balmoral Gardens)", 51.3860, 0.5560,
     "existing", "Gillingham", 40000),
    ("HLC-RAI", "Rainham Healthy Living Centre (High Street)", 51.3620, 0.6100, "existing",
     "Rainham", 40000),
    ("HLC-LOR", "Lordswood Healthy Living Centre (Sultan Road)", 51.3370, 0.5360, "existing",
     "Lordswood", 30000),
    ("HLC-CHA", "Chatham Healthy Living Centre (Clover Street)", 51.3790, 0.5290, "planned",
     "Chatham", None),
    ("HLC-STR", "Strood Healthy Living Centre", 51.3960, 0.4880, "planned", "Strood", None),
]
# Housing growth: 3,370 dwellings completed 2017/18–2021/22 (Operational Plan ch. 3),
# split between invented sites; plus Lodge Hill, 5,000, excluded by default.
HOUSING = [  # id, name, lon, lat, locality, dwellings
    ("H01", "Strood Waterfront", 0.490, 51.399, "Strood", 320),
    ("H02", "Hoo St Werburgh East", 0.575, 51.432, "Strood", 300),
    ("H03", "Cliffe Woods Extension", 0.500, 51.445, "Strood", 140),
    ("H04", "Temple Marsh", 0.470, 51.392, "Strood", 140),
    ("H05", "Rochester Riverside", 0.509, 51.388, "Rochester", 450),
    ("H06", "Horsted Park", 0.510, 51.356, "Rochester", 200),
    ("H07", "Chatham Waterfront", 0.523, 51.384, "Chatham", 380),
    ("H08", "Chatham Maritime", 0.540, 51.372, "Chatham", 320),
    ("H09", "Gillingham Waterfront", 0.563, 51.398, "Gillingham", 300),
    ("H10", "Twydall Green", 0.585, 51.380, "Gillingham", 200),
    ("H11", "Rainham Mark", 0.623, 51.368, "Rainham", 160),
    ("H12", "Hempstead Valley", 0.585, 51.348, "Rainham", 140),
    ("H13", "Otterham Quay Lane", 0.645, 51.368, "Rainham", 100),
    ("H14", "Lordswood Heights", 0.537, 51.330, "Lordswood", 120),
    ("H15", "Walderslade Woods", 0.518, 51.340, "Lordswood", 100),
]
PROFILE = np.array([0.10, 0.20, 0.25, 0.25, 0.20])  # completions by year, 2017/18–2021/22
YEARS = list(range(2017, 2022))


def bng_polygon(coords):
    x, y = to_bng([c[0] for c in coords], [c[1] for c in coords])
    return Polygon(zip(x, y))


def localities() -> gpd.GeoDataFrame:
    outline = bng_polygon(OUTLINE)
    seeds, owner = [], []
    for name, pts in SEEDS.items():
        x, y = to_bng([p[0] for p in pts], [p[1] for p in pts])
        seeds += list(zip(x, y))
        owner += [name] * len(pts)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(5000))
    rows = []
    for cell in cells.geoms:
        seed = next(i for i, s in enumerate(seeds) if cell.contains(Point(s)))
        rows.append((owner[seed], cell.intersection(outline)))
    gdf = gpd.GeoDataFrame(rows, columns=["name", "geometry"], crs=27700)
    gdf = gdf.dissolve("name", sort=False).reset_index()
    gdf["geometry"] = gdf.geometry.simplify(20)
    hub_of = {h[5]: h[0] for h in HUBS}
    gdf["hub_id"] = gdf["name"].map(hub_of)
    return gdf.to_crs(4326)[["name", "hub_id", "geometry"]]


def point_in(poly_bng, centre, spread_m):
    cx, cy = to_bng([centre[0]], [centre[1]])
    while True:
        x = cx[0] + RNG.normal(0, spread_m)
        y = cy[0] + RNG.normal(0, spread_m)
        if poly_bng.contains(Point(x, y)):
            lon, lat = to_wgs84([x], [y])
            return round(float(lon[0]), 5), round(float(lat[0]), 5)


def practices(locs: gpd.GeoDataFrame) -> pd.DataFrame:
    polys = locs.set_index("name").to_crs(27700).geometry
    rows, code = [], 1
    for loc, n in N_PRACTICES.items():
        singles = SINGLE_HANDED[loc]
        small = RNG.integers(1800, 3200, singles).astype(float)
        rest = RNG.lognormal(np.log(6500), 0.45, n - singles)
        rest *= (TARGETS[loc] - small.sum()) / rest.sum()
        sizes = np.concatenate([small, rest]).round().astype(int)
        sizes[-1] += TARGETS[loc] - sizes.sum()
        places = PLACES[loc]
        order = RNG.permutation(n)
        for i in order:
            lon, lat = point_in(polys[loc], CENTRES[loc], 1500)
            place = places[i % len(places)]
            kind = KINDS[int(RNG.integers(len(KINDS)))]
            single = i < singles
            rows.append({
                "practice_code": f"X8{code:04d}", "name": f"{place} {kind}",
                "latitude": lat, "longitude": lon, "list_size": int(sizes[i]),
                "parent_code": "", "locality": loc,
                "gp_wte": 1.0 if single else None, "postcode": "",
            })
            code += 1
    frame = pd.DataFrame(rows)
    # GP WTE for the non-single-handed practices, scaled so Medway totals 136 WTE.
    multi = frame["gp_wte"].isna()
    need = 136.0 - frame.loc[~multi, "gp_wte"].sum()
    raw = frame.loc[multi, "list_size"] / RNG.uniform(1850, 2250, multi.sum())
    wte = (raw * need / raw.sum()).round(1)
    wte.iloc[-1] = round(need - wte.iloc[:-1].sum(), 1)
    frame.loc[multi, "gp_wte"] = wte
    return pd.concat([frame, branches(frame, polys)], ignore_index=True)


def branches(mains: pd.DataFrame, polys) -> pd.DataFrame:
    rows = []
    big = mains[mains["gp_wte"] > 1.0]
    villages = list(BRANCH_VILLAGES["Strood"])
    strood_parents = big[big["locality"] == "Strood"]["practice_code"].tolist()
    for k, (lon, lat, place) in enumerate(villages):
        rows.append((strood_parents[k % len(strood_parents)], place, lon, lat))
    others = big[big["locality"] != "Strood"].sample(n=22 - len(rows), random_state=7)
    for _, parent in others.iterrows():
        lon, lat = point_in(polys[parent["locality"]],
                            (parent["longitude"], parent["latitude"]), 1200)
        place = PLACES[parent["locality"]][int(RNG.integers(len(PLACES[parent["locality"]])))]
        rows.append((parent["practice_code"], f"{place} Branch Surgery", lon, lat))
    out, counts = [], {}
    for parent, place, lon, lat in rows:
        counts[parent] = counts.get(parent, 0) + 1
        out.append({
            "practice_code": f"{parent}-B{counts[parent]}",
            "name": place if "Branch" in place else f"{place} Branch Surgery",
            "latitude": lat, "longitude": lon, "list_size": 0, "parent_code": parent,
            "locality": "", "gp_wte": None, "postcode": "",
        })
    return pd.DataFrame(out)


def housing() -> pd.DataFrame:
    rows = []
    for sid, name, lon, lat, _loc, dwellings in HOUSING:
        per_year = np.floor(PROFILE * dwellings).astype(int)
        per_year[-1] += dwellings - per_year.sum()
        row = {"site_id": sid, "name": name, "latitude": lat, "longitude": lon,
               "dwellings": dwellings, "status": "allocated", "include": "true",
               "start_year": YEARS[0], "build_years": ""}
        row.update({f"y{y}": int(v) for y, v in zip(YEARS, per_year)})
        rows.append(row)
    rows.append({"site_id": "H16", "name": "Lodge Hill (if approved)", "latitude": 51.428,
                 "longitude": 0.530, "dwellings": 5000, "status": "proposed",
                 "include": "false", "start_year": 2019, "build_years": 10,
                 **{f"y{y}": "" for y in YEARS}})
    return pd.DataFrame(rows)


def estate_register(prac: pd.DataFrame, hubs: pd.DataFrame) -> pd.DataFrame:
    """An invented estate register (capacity.csv): rooms and m² loosely in proportion to
    the list, mixed tenure and condition; a few sites left without a row (unknown) and the
    planned hubs not yet built. Its own seed, so the other files do not change."""
    rng = np.random.default_rng(2023)
    rows = []
    tenures = ["owned", "leased", "NHS Property Services", "Community Health Partnerships"]
    for r in prac.itertuples():
        if rng.random() < 0.05:
            continue                                # no return from this site: unknown
        branch = bool(r.parent_code)
        rooms = int(rng.integers(1, 4)) if branch else \
            max(1, int(round(r.list_size / 1000 * rng.uniform(0.3, 0.6))))
        tenure = str(rng.choice(tenures, p=[0.35, 0.35, 0.2, 0.1]))
        rows.append({"site_code": r.practice_code, "gia_m2": round(rooms * rng.uniform(45, 70)),
                     "clinical_rooms": rooms, "tenure": tenure,
                     "condition": str(rng.choice(list("ABCD"), p=[0.2, 0.45, 0.25, 0.1])),
                     "lease_end": (f"{int(rng.integers(2026, 2040))}-03-31"
                                   if tenure == "leased" else ""),
                     "hours_per_week": 30.0 if branch else 52.5,
                     "notes": "illustrative"})
    for h in hubs.itertuples():
        if h.status == "existing":
            rooms = int(rng.integers(3, 7))
            rows.append({"site_code": h.hub_id, "gia_m2": round(rooms * 70),
                         "clinical_rooms": rooms, "tenure": "Community Health Partnerships",
                         "condition": "A", "lease_end": "", "hours_per_week": 60.0,
                         "notes": "illustrative (hub)"})
    return pd.DataFrame(rows)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    locs = localities()
    prac = practices(locs)
    hubs = pd.DataFrame(HUBS, columns=["hub_id", "name", "latitude", "longitude", "status",
                                       "locality", "capacity_patients"])
    house = housing()
    locs.to_file(OUT / "localities.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    prac.to_csv(OUT / "practices.csv", index=False)
    hubs.to_csv(OUT / "hubs.csv", index=False)
    house.to_csv(OUT / "housing_sites.csv", index=False)
    estate_register(prac, hubs).to_csv(OUT / "capacity.csv", index=False)
    from sample_roads import write_sample_roads   # illustrative roads, water, places
    write_sample_roads(bng_polygon(OUTLINE), OUT)
    # Check the invented points land in the localities they were written for.
    from geo.canonical import load_folder, locality_of_points
    ds = load_folder(OUT)
    found = locality_of_points(ds.localities, ds.hubs["longitude"], ds.hubs["latitude"])
    assert (ds.hubs["locality"] == found).all(), ds.hubs
    intended = {sid: loc for sid, _, _, _, loc, _ in HOUSING}
    where = ds.housing.set_index("site_id")["locality"]
    assert all(where[s] == loc for s, loc in intended.items()), where
    mains = ds.main_practices()
    print(f"{len(mains)} practices, {len(ds.branches())} branches, "
          f"list total {mains['list_size'].sum():,}, GP WTE {mains['gp_wte'].sum():.1f}, "
          f"dwellings {ds.housing.loc[ds.housing['include'], 'dwellings'].sum():,}")
    print(ds.practices.groupby("locality")["list_size"].sum())


if __name__ == "__main__":
    main()
