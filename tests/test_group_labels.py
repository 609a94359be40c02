"""A group's map label never rounds across a bound: 29,975 reads '29,975 (below)', not
'30.0k' (which looks inside 30,000–50,000)."""
from __future__ import annotations

import pytest


def test_a_group_just_below_the_minimum_reads_its_exact_size(sample_dir):
    pytest.importorskip("PySide6")
    from geo.canonical import load_folder
    from gui.groups_view import draw_groups
    from models.grouping import group_metrics

    ds = load_folder(sample_dir)
    mains = ds.main_practices()
    mapping = {c: ("G1" if loc == "Strood" else "G2")
               for c, loc in zip(mains["practice_code"], mains["locality"])}
    table = group_metrics(ds.practices, mapping, 30000, 50000)
    table.loc[table["group"] == "G1", ["list_size", "within_bounds", "outside_by"]] = \
        [29975, False, -25]
    table.loc[table["group"] == "G2", ["list_size", "within_bounds", "outside_by"]] = \
        [41230, True, 0]
    table["outside_text"] = ""
    drawn = {}

    class View:
        def set_overlay(self, name, layer, *a):
            drawn[name] = layer

        def remove_overlay(self, name):
            drawn.pop(name, None)

    draw_groups(View(), ds, mapping, table)
    labels = [f["properties"].get("label") for f in drawn["groups"]["features"]
              if f["properties"].get("label")]
    assert "G1 · 29,975 (below)" in labels and "G2 · 41.2k" in labels
    assert not any("30.0k" in x for x in labels)
