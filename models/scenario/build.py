"""A scenario from the open data and back: capture what the planner changed (only what
differs from the data), apply a scenario onto a copy of its data with warnings for what no
longer matches, and compare scenarios measure by measure."""
from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pandas as pd

from geo.canonical import load_folder, load_sample, locality_of_points
from geo.errors import DataError
from geo.scenario_file import data_fingerprint
from models.scenario.checks import _fixed_as_mapping, _validate
from models.scenario.format import HOUSING_EDITS, HUB_FIELDS, PRACTICE_EDITS, Scenario, _now


def data_reference(ds) -> dict:
    if ds.is_sample:
        return {"kind": "sample", "fingerprint": data_fingerprint(ds.folder)}
    if ds.folder is not None:
        folder = Path(ds.folder).resolve()
        return {"kind": "folder", "path": str(folder), "fingerprint": data_fingerprint(folder)}
    return {"kind": "unsaved", "fingerprint": ""}


def open_scenario_data(scenario: Scenario):
    """Load the dataset a scenario refers to (the sample, or its folder) — not yet edited."""
    kind = scenario.data.get("kind")
    if kind == "sample":
        return load_sample()
    if kind == "folder":
        return load_folder(scenario.data["path"])
    raise DataError(scenario.name, "this scenario was made on data that was never saved to a "
                                   "folder; open the data first, then the scenario")


# ---------------------------------------------------------------- capture and apply

def _plain(value):
    """pandas/numpy cell → a JSON value (NaN/NA → None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return value


def _same(a, b) -> bool:
    a, b = _plain(a), _plain(b)
    if a is None or b is None:
        return a is None and b is None
    return a == b


def _diff(frame: pd.DataFrame, base: pd.DataFrame | None, key: str,
          columns: tuple[str, ...]) -> dict[str, dict]:
    """Per code, the columns whose value differs from ``base`` (all of them without a base)."""
    old = {} if base is None else base.set_index(key)[list(columns)].to_dict("index")
    out: dict[str, dict] = {}
    for rec in frame[[key, *columns]].to_dict("records"):
        code = str(rec[key])
        was = old.get(code)
        changed = {c: _plain(rec[c]) for c in columns if was is None or not _same(rec[c], was[c])}
        if changed:
            out[code] = changed
    return out


def _housing_changes(housing: pd.DataFrame, base: pd.DataFrame | None) -> dict:
    """Edited data sites (only what differs), sites the planner added (in full, with their
    place) and data sites the planner removed."""
    out = _diff(housing, base, "site_id", HOUSING_EDITS)
    if base is None:
        return out
    known = set(base["site_id"].astype(str))
    here = housing.set_index(housing["site_id"].astype(str))
    for code in set(out) - known:
        row = here.loc[code]
        out[code].update(added=True, latitude=float(row["latitude"]),
                         longitude=float(row["longitude"]))
    for code in sorted(known - set(here.index)):
        out[code] = {"removed": True}
    return out


def _add_and_remove_sites(ds, housing: dict, notes: list[str]) -> None:
    """Sites the scenario added (appended) and removed (dropped) before its edits apply."""
    frame = ds.housing
    gone = [c for c, e in housing.items() if e.get("removed")]
    frame = frame[~frame["site_id"].astype(str).isin(gone)]
    present = set(frame["site_id"].astype(str))
    rows = []
    for code, e in housing.items():
        if e.get("added") and code not in present:
            rows.append({"site_id": code, "name": e["name"], "latitude": e["latitude"],
                         "longitude": e["longitude"], "dwellings": int(e["dwellings"]),
                         "status": "added by the planner", "include": e.get("include", True),
                         "start_year": e.get("start_year"), "build_years": e.get("build_years"),
                         "locality": ""})
        elif e.get("added"):
            notes.append(f"housing site {code} is in this data already; the scenario's own "
                         "site of that code was not added")
    if rows:
        new = pd.DataFrame(rows)
        new["locality"] = locality_of_points(ds.localities, new["longitude"], new["latitude"])
        frame = pd.concat([frame, new.astype({"dwellings": int})], ignore_index=True)
        for col in ("start_year", "build_years"):
            if col in frame:
                frame[col] = pd.array(frame[col], dtype="Int64")
    ds.housing = frame.reset_index(drop=True)


def _base_of(ds):
    if ds.is_sample:
        return load_sample()
    if ds.folder is not None:
        return load_folder(ds.folder)
    return None


def scenario_from_dataset(ds, name: str, *, base=None, notes: str = "",
                          locks: dict | None = None, assumptions: dict | None = None,
                          grouping: dict | None = None, created: str | None = None,
                          extra: dict | None = None,
                          groups: dict[str, str] | None = None) -> Scenario:
    """Capture the planner's current state as a scenario.

    ``base`` is the dataset as loaded (before edits); without it the data folder is read
    again. Practice and housing values are stored only where they differ from the base
    (every value when there is no base), the hub layer and groups in full.
    """
    if base is None:
        base = _base_of(ds)
    hubs = []
    for rec in ds.hubs[list(HUB_FIELDS)].to_dict("records"):
        hub = {k: _plain(rec[k]) for k in HUB_FIELDS}
        hub["latitude"], hub["longitude"] = float(hub["latitude"]), float(hub["longitude"])
        hub["locality"] = hub["locality"] or ""
        if hub["capacity_patients"] is not None:
            hub["capacity_patients"] = float(hub["capacity_patients"])
        hubs.append(hub)
    practices = _diff(ds.practices, None if base is None else base.practices,
                      "practice_code", PRACTICE_EDITS)
    housing = _housing_changes(ds.housing, None if base is None else base.housing)
    for edits in practices.values():
        if edits.get("gp_wte") is not None:
            edits["gp_wte"] = float(edits["gp_wte"])
    if groups is not None:
        groups = {str(c): str(g) for c, g in groups.items()}
    elif ds.groups is not None:
        groups = {str(c): str(g) for c, g in zip(ds.groups["practice_code"], ds.groups["group"])}
    else:
        groups = {}
    locks = {kind: ([list(codes) for codes in value] if kind in ("together", "apart")
                    else (dict(value) if isinstance(value, dict) else list(value)))
             for kind, value in (locks or {}).items()}
    locks = _fixed_as_mapping(locks, groups, name)
    extra = _with_estate(extra, ds, base)
    now = _now()
    scenario = Scenario(name=name, notes=notes, created=created or now, modified=now,
                        data=data_reference(ds), hubs=hubs, practices=practices,
                        housing=housing, groups=groups, locks=locks,
                        grouping=copy.deepcopy(grouping or {}),
                        assumptions=copy.deepcopy(assumptions or {}),
                        extra=copy.deepcopy(extra or {}))
    _validate(scenario.to_dict(), name)   # never hand back something save would refuse
    return scenario


def _with_estate(extra: dict | None, ds, base) -> dict:
    """``extra`` with the estate register edits (models/capacity/register.py) under
    "estate": only what differs from the data's register; the key is dropped when none."""
    from models.capacity.register import SCENARIO_KEY, register_changes
    out = dict(extra or {})
    changes = register_changes(ds.capacity, None if base is None else base.capacity)
    if changes:
        out[SCENARIO_KEY] = changes
    else:
        out.pop(SCENARIO_KEY, None)
    return out


def scenario_warnings(base_ds, scenario: Scenario) -> list[str]:
    """What will not apply cleanly to this data (changed data, unknown codes), for the user."""
    out = []
    ref = scenario.data
    if ref.get("kind") == "sample" and not base_ds.is_sample:
        out.append("this scenario was made on the illustrative sample, not on this data")
    elif ref.get("kind") == "folder" and base_ds.is_sample:
        out.append(f"this scenario was made on the data in {ref.get('path')}, not on the "
                   "illustrative sample")
    if ref.get("fingerprint") and base_ds.folder is not None:
        if data_fingerprint(base_ds.folder) != ref["fingerprint"]:
            out.append("the data files have changed since this scenario was saved; check "
                       "the edits still make sense")
    practices = set(base_ds.practices["practice_code"])
    sites = set(base_ds.housing["site_id"])
    for what, codes, known in (("practice", scenario.practices, practices),
                               ("housing site", {c: e for c, e in scenario.housing.items()
                                                 if not e.get("added")}, sites),
                               ("grouped practice", scenario.groups, practices)):
        missing = sorted(set(codes) - known)
        if missing:
            out.append(f"{len(missing)} {what} code{'s' if len(missing) > 1 else ''} not in "
                       f"this data, ignored: {_listing(missing)}")
    locked = [c for kind in ("together", "apart") for grp in scenario.locks.get(kind, [])
              for c in grp] + list(scenario.locks.get("fixed", {}))
    missing = sorted(set(locked) - practices)
    if missing:
        out.append(f"locks name practices not in this data, ignored: {_listing(missing)}")
    return out


def _listing(codes: list[str], n: int = 10) -> str:
    return ", ".join(codes[:n]) + (" …" if len(codes) > n else "")


def apply_scenario(base_ds, scenario: Scenario):
    """A NEW dataset: ``base_ds`` (left untouched) with the scenario's edits applied.

    Edits that cannot apply (unknown codes, a value the data refuses) are skipped and
    explained in the new dataset's ``warnings`` (prefixed with the scenario's name).
    """
    from models.edits import apply_edit, implausible
    ds = base_ds.copy()
    notes = scenario_warnings(base_ds, scenario)
    if scenario.hubs is not None:
        ds.hubs = _hub_frame(scenario.hubs, base_ds.hubs)
        known = set(ds.localities["name"])
        stale = ~ds.hubs["locality"].isin(known) & (ds.hubs["locality"] != "")
        if stale.any():
            notes.append("hub localities not in this data, taken from the map instead: "
                         + _listing(ds.hubs.loc[stale, "hub_id"].tolist()))
        redo = stale | (ds.hubs["locality"] == "")
        if redo.any():
            ds.hubs.loc[redo, "locality"] = locality_of_points(
                ds.localities, ds.hubs.loc[redo, "longitude"], ds.hubs.loc[redo, "latitude"])
    _add_and_remove_sites(ds, scenario.housing, notes)
    housing_edits = {c: {k: v for k, v in e.items() if k in HOUSING_EDITS}
                     for c, e in scenario.housing.items() if not e.get("removed")}
    for layer, edits in (("practices", scenario.practices), ("housing", housing_edits)):
        key = "practice_code" if layer == "practices" else "site_id"
        present = set(getattr(ds, layer)[key])
        for code, changes in edits.items():
            if code not in present:
                continue   # already reported by scenario_warnings
            for column, value in changes.items():
                try:
                    question = implausible(ds, layer, code, column, value)
                    apply_edit(ds, layer, code, column, value)
                except ValueError as exc:
                    notes.append(f"{code} {column} not applied: {exc}")
                else:
                    if question:
                        notes.append(f"{code} {column}: {question.removesuffix(' Is it right?')}"
                                     " — check it")
    from models.capacity.register import SCENARIO_KEY, apply_register_changes
    notes += apply_register_changes(ds, (scenario.extra or {}).get(SCENARIO_KEY))
    if scenario.groups:
        present = set(ds.practices["practice_code"])
        rows = [(c, g) for c, g in scenario.groups.items() if c in present]
        ds.groups = pd.DataFrame(rows, columns=["practice_code", "group"]).astype(str)
    ds.warnings = list(ds.warnings) + [f"Scenario '{scenario.name}': {n}" for n in notes]
    return ds


def _hub_frame(records: list[dict], like: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame([{k: r.get(k) for k in HUB_FIELDS} for r in records],
                         columns=list(HUB_FIELDS))
    frame["locality"] = frame["locality"].fillna("")
    frame["capacity_patients"] = pd.to_numeric(frame["capacity_patients"]).astype(float)
    for col in ("latitude", "longitude"):
        frame[col] = frame[col].astype(float)
    for col in ("hub_id", "name", "status", "locality"):
        frame[col] = frame[col].astype(like[col].dtype if col in like else str)
    return frame


# ---------------------------------------------------------------- comparison

DIFF_COLUMN = "differs_from_first"


def _equal(a, b) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def compare_scenarios(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Measures side by side: one row per measure, one column per scenario (in the order
    given), plus ``differs_from_first`` — True where any scenario's value differs from the
    first scenario's. A measure a scenario lacks shows as missing (and counts as a
    difference unless the first lacks it too).
    """
    names = list(rows)
    if DIFF_COLUMN in names:
        raise ValueError(f"a scenario cannot be called {DIFF_COLUMN!r}")
    measures = list(dict.fromkeys(m for values in rows.values() for m in values))
    table = pd.DataFrame({name: pd.Series([rows[name].get(m) for m in measures],
                                          index=measures, dtype=object) for name in names},
                         index=pd.Index(measures, name="measure", dtype=object))
    if names:
        first = names[0]
        table[DIFF_COLUMN] = [any(not _equal(rows[first].get(m), rows[n].get(m))
                                  for n in names[1:]) for m in measures]
    else:
        table[DIFF_COLUMN] = pd.Series(dtype=bool)
    return table
