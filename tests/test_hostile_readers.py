"""Property-based hostile input for every reader: mutate good files with hostile cells,
header changes, byte-order marks, stray bytes and truncation, and fuzz the JSON structure.

Whatever the mutation, a reader returns sane data (finite bounded numbers, no control
characters in text) or refuses with one line; it never raises anything else or hangs.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import io_boundaries, io_housing, io_nhs, io_population
from geo.canonical import read_housing, read_hubs, read_practices
from geo.tables import parse_numbers, read_csv_text
from tests.hostile_kit import HOSTILE_CELLS, assert_sane_frame, refuses_cleanly

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
LOCALITIES = {"Strood", "Rochester", "Chatham", "Gillingham", "Rainham",
              "Hoo Peninsula"}
EPR_ROW = ('"G82014","WOODLANDS FAMILY PRACTICE","Y59","Q88","WOODLANDS","ROAD",'
           '"GILLINGHAM","KENT","","ME7 2BU","19740401","","A","B","09W","20130401","",'
           '"01634","","","","0","","09W","","4",""\r\n')

GOOD = {
    "practices.csv": (SAMPLE / "practices.csv").read_text(),
    "hubs.csv": (SAMPLE / "hubs.csv").read_text(),
    "housing_sites.csv": (SAMPLE / "housing_sites.csv").read_text(),
    "epraccur.csv": EPR_ROW * 3,
    "list.csv": "EXTRACT_DATE,TYPE,CODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
                "01JAN2024,GP,G82014,ALL,ALL,19866\n01JAN2024,GP,G82051,ALL,ALL,7000\n",
    "postcodes.csv": "pcds,lat,long\nME1 1AA,51.388,0.505\nME7 2BU,51.37,0.56\n",
    "register.csv": "SiteReference,SiteNameAddress,GeoX,GeoY,NetDwellingsRangeFrom,"
                    "NetDwellingsRangeTo,LastUpdatedDate\n1,A,577000,168000,5,10,2019-01-24\n"
                    "2,B,576000,169000,20,40,2019-01-24\n",
    "census.csv": "LSOA11CD,LSOA11NM,All persons\nE01016016,Medway 015A,1500\n"
                  "E01016017,Medway 015B,1600\n",
    "wards.csv": "ward_code,ward_name,locality\nE05002000,Strood North,Strood\n"
                 "E05002001,Rochester West,Rochester\n",
    "pcns.csv": "Partner Organisation Code,PCN Code,PCN Name,Practice Relationship End Date\n"
                "G82014,U1,Gillingham PCN,\nG82051,U2,Rainham PCN,\n",
    "sites.csv": "choicesId,odsCode,name,address,postcode,latitude,longitude\n"
                 "1,G82014,Woodlands,Road,ME7 2BU,51.37,0.56\n",
}

READERS = {
    "practices.csv": lambda p: read_practices(p, LOCALITIES),
    "hubs.csv": lambda p: read_hubs(p, LOCALITIES),
    "housing_sites.csv": read_housing,
    "epraccur.csv": lambda p: io_nhs.read_epraccur(p).practices,
    "list.csv": lambda p: io_nhs.read_list_sizes(p)[0],
    "postcodes.csv": io_nhs.read_postcode_lookup,
    "register.csv": lambda p: io_housing.read_brownfield(p)[0],
    "census.csv": io_population.read_census_residents,
    "wards.csv": io_boundaries.read_ward_table,
    "pcns.csv": lambda p: io_nhs.read_pcn_partners(p)[0],
    "sites.csv": io_nhs.read_gp_sites,
}

FAST = settings(max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "60")), deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@st.composite
def mutated(draw, name: str):
    """A good file with one to three hostile edits."""
    rows = _rows(GOOD[name])
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "header", "dup", "drop"]))
        r = draw(st.integers(0, len(rows) - 1))
        if kind in ("header", "dup"):
            r = 0
        if not rows[r]:
            continue
        c = draw(st.integers(0, len(rows[r]) - 1))
        if kind == "cell":
            rows[r][c] = draw(st.sampled_from(HOSTILE_CELLS) | st.text(max_size=12))
        elif kind == "header":
            rows[0][c] = draw(st.sampled_from([rows[0][c].upper(), rows[0][c].title(),
                                                f" {rows[0][c]} ", rows[0][c].replace(
                                                    "_", " "), ""]))
        elif kind == "dup" and len(rows[0]) > 1:
            rows[0][c] = rows[0][(c + 1) % len(rows[0])].upper()
        elif kind == "drop" and r > 0:
            del rows[r][c:]
    data = _csv(rows).encode("utf-8", "surrogatepass")
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x81"]))
    if draw(st.booleans()):
        data = data.replace(b"\xc3\xa9", b"\xe9")   # cp1252 é inside UTF-8 text
    cut = draw(st.integers(0, 3))
    if cut == 3:
        data = data[:draw(st.integers(0, len(data)))]
    return prefix + data


def _read(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = refuses_cleanly(READERS[name], path)
        if result is not None:
            assert_sane_frame(result)


@pytest.mark.parametrize("name", sorted(READERS))
def test_reader_survives_mutations(name):
    @FAST
    @given(mutated(name))
    def run(data):
        _read(name, data)
    run()


@FAST
@given(st.binary(max_size=300))
def test_readers_survive_random_bytes(data):
    for name in ("practices.csv", "epraccur.csv", "postcodes.csv", "sites.csv"):
        _read(name, data)


JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON = st.recursive(JSON_LEAF, lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.sampled_from(["odsCode", "location", "latitude",
                                                       "longitude", "postcode", "name",
                                                       "address", "results"]), kids,
                                      max_size=4), max_leaves=12)


@FAST
@given(JSON)
def test_gp_sites_json_survives_any_structure(value):
    text = json.dumps(value, allow_nan=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sites.json"
        path.write_text(text if text.lstrip().startswith(("[", "{")) else f"[{text}]")
        result = refuses_cleanly(io_nhs.read_gp_sites, path)
        if result is not None:
            assert_sane_frame(result)


@FAST
@given(st.lists(st.sampled_from(HOSTILE_CELLS) | st.text(max_size=30), min_size=1,
                max_size=6))
def test_number_parser_is_finite_or_refuses(cells):
    import pandas as pd
    values = refuses_cleanly(parse_numbers, pd.Series(cells), "f.csv", "list_size")
    if values is not None:
        finite = values.dropna()
        assert finite.map(lambda v: abs(v) <= 1e12).all()


@FAST
@given(st.text(alphabet=st.sampled_from(list("aB_ -\ufeffGp")), min_size=1, max_size=6))
def test_column_resolver_matches_any_spelling(spelling):
    """'list_size' written any case/spacing is found; no other spelling is mistaken."""
    from geo.tables import column_key
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text(f"{spelling},list_size\n1,2\n")
        frame = refuses_cleanly(read_csv_text, path, required=["list_size"])
        if column_key(spelling) == "listsize":
            assert frame is None          # a duplicated column is refused
        else:
            assert frame is not None and list(frame["list_size"]) == ["2"]
