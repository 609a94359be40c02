"""NHS readers on the real published Medway files (../shared/data/medway) and small cases."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.errors import DataError
from geo.io_nhs import (
    derive_hlc_hubs, place_practices, read_epraccur, read_gp_sites, read_list_sizes,
    read_pcn_partners, read_postcode_lookup,
)
from geo.nhs_codes import norm_postcode

SITES_JSON = "nhs_choices_gp_sites_medway_2017-02.json"
SITES_CSV = "nhs_choices_gp_sites_medway_2017-02.csv"


def test_epraccur_keeps_the_44_active_medway_gp_practices(medway):
    epr = read_epraccur(medway / "epraccur_medway.csv", "09W")
    # SOURCES.md: 88 rows, 44 active GP practices (status A, prescribing setting 4)
    assert epr.rows_read == 88
    assert len(epr.practices) == 44
    assert epr.practices["practice_code"].is_unique
    skipped = epr.skipped.set_index("practice_code")
    assert skipped.at["G82230", "status"] == "closed"           # Dr O S Singh, closed 2019
    assert skipped.at["G82230", "close_date"] == "20190131"
    assert skipped.at["Y00198", "status"] == "dormant"
    assert len(epr.practices) + len(epr.skipped) + epr.other_settings == 88
    # the Latin-1, CRLF, all-quoted lines come through with clean values
    assert "St. Mary's Medical Centre" in set(epr.practices["name"])


def test_epraccur_unknown_commissioner_names_the_codes_found(medway):
    with pytest.raises(DataError, match="no rows with commissioner code 'XXX'.*09W"):
        read_epraccur(medway / "epraccur_medway.csv", "XXX")


def test_sites_json_and_flat_csv_agree(medway):
    js = read_gp_sites(medway / SITES_JSON)
    flat = read_gp_sites(medway / SITES_CSV)
    assert len(js) == len(flat) == 71                       # SOURCES.md: 71 records
    cols = ["ods_code", "postcode", "latitude", "longitude", "address"]
    pd.testing.assert_frame_equal(js[cols], flat[cols])
    # one record per site: G82077 (The Elms) has four sites under one ODS code
    assert (js["ods_code"] == "G82077").sum() == 4


def test_practices_at_a_predecessors_premises_take_that_sites_coordinates(medway):
    epr = read_epraccur(medway / "epraccur_medway.csv", "09W")
    sites = read_gp_sites(medway / SITES_JSON)
    inactive = set(epr.all_rows.loc[epr.all_rows["status"] != "A", "practice_code"])
    placed = place_practices(epr.practices, sites, None, inactive_codes=inactive)
    pts = placed.sites.set_index("practice_code")
    assert (pts["parent_code"] == "").sum() == 44 and not placed.unplaced
    # Highparks (G82100) is at ME3 8HX, listed in 2017 under The Parks (Y00198, now dormant);
    # Matrix (G82719) is at ME5 7JX, listed under G82656 (closed). Same premises → same point.
    for code, predecessor, postcode in (("G82100", "Y00198", "ME3 8HX"),
                                        ("G82719", "G82656", "ME5 7JX")):
        site = sites[(sites["ods_code"] == predecessor)
                     & (sites["postcode"] == postcode)].iloc[0]
        assert pts.at[code, "latitude"] == site["latitude"]
        assert pts.at[code, "longitude"] == site["longitude"]
        assert predecessor in placed.how[code]
    branches = pts[pts["parent_code"] != ""]
    assert (branches["list_size"] == 0).all()
    assert set(branches["parent_code"]) <= set(pts.index[pts["parent_code"] == ""])
    assert {"G82077-B1", "G82077-B2", "G82077-B3"} <= set(branches.index)
    # a second listing of the main building is not a branch: G82014's main site is ME7 2BU,
    # and its only branch is the Rainham HLC
    assert list(branches.index[branches["parent_code"] == "G82014"]) == ["G82014-B1"]
    assert branches.at["G82014-B1", "postcode"] == "ME8 8AA"


def test_postcode_lookup_places_a_practice_without_a_site(tmp_path):
    lookup_csv = tmp_path / "onspd.csv"
    lookup_csv.write_text("pcds,lat,long\nME1 1AA,51.388,0.505\nME99 9ZZ,99.999999,0.000000\n")
    practices = pd.DataFrame({"practice_code": ["X1", "X2"], "name": ["A", "B"],
                              "postcode": ["me11aa", "ME99 9ZZ"], "line": [1, 2]})
    lookup = read_postcode_lookup(lookup_csv)
    assert list(lookup.index) == ["ME11AA"]                 # ONS 'no grid reference' dropped
    placed = place_practices(practices, None, lookup, epraccur_label="epraccur.csv",
                             lookup_label="onspd.csv")
    assert placed.sites["practice_code"].tolist() == ["X1"]
    assert placed.sites.iloc[0][["latitude", "longitude"]].tolist() == [51.388, 0.505]
    assert "epraccur.csv, row 2, field 'postcode'" in placed.unplaced[0]


def test_list_sizes_in_both_header_layouts(medway):
    old, date_old = read_list_sizes(medway / "gp-reg-pat-prac-all_medway_2021-01.csv")
    new, date_new = read_list_sizes(medway / "gp-reg-pat-prac-all_medway_2026-04.csv")
    # SOURCES.md: 40 practices / 305,465 patients and 32 practices / 331,579 patients
    assert (len(old), old["list_size"].sum(), date_old) == (40, 305_465, "2021-01-01")
    assert (len(new), new["list_size"].sum(), date_new) == (32, 331_579, "2026-04-01")


def test_list_sizes_by_sex_and_age_keep_the_all_all_total(tmp_path):
    f = tmp_path / "gp-reg-pat-prac-all.csv"
    f.write_text("EXTRACT_DATE,TYPE,CODE,SEX,AGE,NUMBER_OF_PATIENTS\n"
                 "01JAN2021,GP,G1,ALL,ALL,100\n01JAN2021,GP,G1,MALE,ALL,48\n"
                 "01JAN2021,GP,G1,FEMALE,ALL,52\n")
    frame, _ = read_list_sizes(f)
    assert frame[["practice_code", "list_size"]].values.tolist() == [["G1", 100]]


def test_pcn_core_partners(medway):
    pcns, ended = read_pcn_partners(medway / "ePCN_medway_2019-12_core_partners.csv")
    assert len(pcns) == 43 and ended == 0                   # SOURCES.md: 43 practices
    assert pcns["pcn_code"].nunique() == 7                  # seven Medway PCNs
    assert pcns.set_index("practice_code").at["G82014", "pcn_name"] == "GILLINGHAM SOUTH PCN"


def test_the_four_healthy_living_centres_come_from_shared_addresses(medway):
    hubs = derive_hlc_hubs(read_gp_sites(medway / SITES_JSON))
    assert sorted(hubs["hub_id"]) == ["HLC-GIL", "HLC-LOR", "HLC-RAI", "HLC-ROC"]
    assert set(hubs["status"]) == {"existing"}
    sites = read_gp_sites(medway / SITES_JSON)
    rainham = sites[sites["postcode"].map(norm_postcode) == "ME88AA"]
    hub = hubs.set_index("hub_id").loc["HLC-RAI"]
    assert abs(hub["latitude"] - rainham["latitude"].mean()) < 1e-6
