"""Scenarios: a named set of edits over a dataset, saved as one readable, versioned file.

A planner saves "Option B" (hubs moved, Lodge Hill switched on, two practices locked
together, a different persons-per-dwelling) and opens it next month, on another laptop or
after a crash. The file is plain JSON so it can be read, diffed and archived; reading it
never runs anything it contains (no pickle, no eval, no object hooks), and a damaged,
hostile or newer file is refused with a one-line message before anything changes.

File format (a contract: other tools read these files)
-------------------------------------------------------
UTF-8 JSON, one object, written with sorted keys and 2-space indent. Suggested suffix
``.scenario.json``. Version 1 fields (``?`` = optional; unknown top-level fields are refused,
tools may keep their own data under ``extra``):

  format       "medway-scenario"                     required marker
  version      1                                     integer; readers refuse newer versions
  name         text (1-10,000 characters)            the scenario's name
  notes?       text (up to 100,000 characters)
  created?, modified?   ISO 8601 date-time text       e.g. "2026-03-01T10:15:00+00:00"
  data         {"kind": "sample" | "folder" | "unsaved",
                "path"?: folder path text (required for "folder"),
                "fingerprint"?: "sha256:<hex>" of the data folder's files (see
                data_fingerprint) or ""}          which data the edits apply to
  hubs?        null (= the data's hubs unchanged) or the whole hub layer as edited: a list of
               {"hub_id", "name", "latitude", "longitude" (WGS84 degrees, inside the UK),
                "status": "existing" | "planned" | "proposed", "locality"?: text ("" = from
                the map), "capacity_patients"?: number >= 0 or null}
  practices?   {practice_code: {"list_size"?: whole number >= 0, "gp_wte"?: number >= 0 or
                null, "name"?: text}}             only the values that differ from the data
  housing?     {site_id: {"include"?: true/false, "dwellings"?: whole number >= 0,
                "start_year"?, "build_years"?: whole numbers or null,
                "removed"?: true (a data site the planner took out), "added"?: true with
                "latitude", "longitude", "name", "dwellings" (a site the planner added),
                "name"?: text, "start_year"?: whole year 1990–2100, "build_years"?: whole
                number 1–50 or null}}             only the values that differ from the data
  groups?      {practice_code: group name}        extended practice groups ({} = the data's)
  locks?       {"together"?: [[code, code, ...], ...]   practices kept in one group,
                "apart"?: [[code, code], ...]           pairs kept in different groups,
                "fixed"?: {code: group name}}           practices pinned to a group
               (readers also accept "fixed" as a list of codes, each pinned to its group
               in "groups"; they convert it to the mapping)
  grouping?    {"min_size"?, "max_size"?: whole number >= 0 or null, "n_groups"?: whole
                number >= 1 or null, "within_localities"?: true/false, "seed"?: whole number
                or null, other keys: JSON scalars}       grouping run parameters
  assumptions? {key: any JSON value}                planning assumptions (owned by
                                                    models/assumptions/; opaque here)
  extra?       {key: any JSON value}                other tools' data, kept verbatim

Every number must be finite (NaN/Infinity are refused), text is stored verbatim (escaping
is the job of whatever displays it), nesting is at most 16 levels, collections at most
100,000 items and files at most 50 MB; an object must not repeat a key.

Saving writes a hidden temporary file beside the scenario (``.<name>.<random>.part.json``),
fsyncs it and renames it over the scenario, so readers only ever see a whole file. A save
killed part-way leaves the previous file intact plus at most that one temporary file, which
the next save in the folder removes. Autosaves go to ``recovery.scenario.json`` in the
app's settings folder (see write_recovery / find_recovery / clear_recovery).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any

from geo.dataset import HUB_STATUSES  # noqa: F401 (part of the format)
from geo.scenario_file import MAX_FILE_BYTES, SUFFIX  # noqa: F401 (part of the format)

FORMAT = "medway-scenario"
VERSION = 1

MAX_TEXT = 10_000
MAX_NOTES = 100_000
MAX_DEPTH = 16
MAX_ITEMS = 100_000
MAX_KEY = 200
MAX_COUNT = 10_000_000      # far above any real list size, hub capacity or site
MAX_GP_WTE = 10_000.0

HUB_FIELDS = ("hub_id", "name", "latitude", "longitude", "status", "locality",
              "capacity_patients")
PRACTICE_EDITS = ("list_size", "gp_wte", "name")
HOUSING_EDITS = ("include", "dwellings", "name", "start_year", "build_years")
# A site the planner added carries "added": true with its place and figures; a site of the
# data the planner removed is {"removed": true}.
HOUSING_ADDED = ("latitude", "longitude", "added")
HOUSING_FIELDS = HOUSING_EDITS + HOUSING_ADDED + ("removed",)
LOCK_KINDS = ("together", "apart", "fixed")
TOP_LEVEL = ("format", "version", "name", "notes", "created", "modified", "data", "hubs",
             "practices", "housing", "groups", "locks", "grouping", "assumptions", "extra")



def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class Scenario:
    """A dataset reference plus the planner's edits, assumptions and parameters."""

    name: str
    notes: str = ""
    created: str = field(default_factory=_now)
    modified: str = field(default_factory=_now)
    data: dict = field(default_factory=lambda: {"kind": "sample", "fingerprint": ""})
    hubs: list[dict] | None = None
    practices: dict[str, dict] = field(default_factory=dict)
    housing: dict[str, dict] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    locks: dict[str, Any] = field(default_factory=dict)
    grouping: dict[str, Any] = field(default_factory=dict)
    assumptions: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, **asdict(self)}  # asdict copies
