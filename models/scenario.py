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
                "name"?: text}}                   only the values that differ from the data
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
                                                    models/assumptions.py; opaque here)
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

import contextlib
import copy
import glob
import hashlib
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from geo.atomic import atomic_path, atomic_write_text
from geo.errors import DataError
from geo.tables import UK_LAT, UK_LON

FORMAT = "medway-scenario"
VERSION = 1
SUFFIX = ".scenario.json"

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT = 10_000
MAX_NOTES = 100_000
MAX_DEPTH = 16
MAX_ITEMS = 100_000
MAX_KEY = 200
MAX_COUNT = 10_000_000      # far above any real list size, hub capacity or site
MAX_GP_WTE = 10_000.0
STALE_SECONDS = 60          # without a folder lock, older temp files are from dead saves

HUB_STATUSES = ("existing", "planned", "proposed")
HUB_FIELDS = ("hub_id", "name", "latitude", "longitude", "status", "locality",
              "capacity_patients")
PRACTICE_EDITS = ("list_size", "gp_wte", "name")
HOUSING_EDITS = ("include", "dwellings", "name")
LOCK_KINDS = ("together", "apart", "fixed")
TOP_LEVEL = ("format", "version", "name", "notes", "created", "modified", "data", "hubs",
             "practices", "housing", "groups", "locks", "grouping", "assumptions", "extra")

RECOVERY_NAME = "recovery" + SUFFIX
CLEARED_NAME = "recovery-cleared"


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


# ---------------------------------------------------------------- the data reference

def data_fingerprint(folder: str | Path | None) -> str:
    """SHA-256 over the data folder's canonical files, so a scenario can tell the data moved on.

    Covers practices/hubs/housing/localities and the optional extras that exist, by name and
    content, in name order; "" when there is no folder.
    """
    from models.dataset import FILES, OPTIONAL_FILES
    if folder is None:
        return ""
    folder = Path(folder)
    names = sorted(set(FILES.values()) | set(OPTIONAL_FILES.values()) | {"localities.gpkg"})
    digest = hashlib.sha256()
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return "sha256:" + digest.hexdigest()


def data_reference(ds) -> dict:
    if ds.is_sample:
        return {"kind": "sample", "fingerprint": data_fingerprint(ds.folder)}
    if ds.folder is not None:
        folder = Path(ds.folder).resolve()
        return {"kind": "folder", "path": str(folder), "fingerprint": data_fingerprint(folder)}
    return {"kind": "unsaved", "fingerprint": ""}


def open_scenario_data(scenario: Scenario):
    """Load the dataset a scenario refers to (the sample, or its folder) — not yet edited."""
    from models.dataset import load_folder, load_sample
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


def _base_of(ds):
    from models.dataset import load_folder, load_sample
    if ds.is_sample:
        return load_sample()
    if ds.folder is not None:
        return load_folder(ds.folder)
    return None


def scenario_from_dataset(ds, name: str, *, base=None, notes: str = "",
                          locks: dict | None = None, assumptions: dict | None = None,
                          grouping: dict | None = None, created: str | None = None,
                          extra: dict | None = None) -> Scenario:
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
    housing = _diff(ds.housing, None if base is None else base.housing, "site_id",
                    HOUSING_EDITS)
    for edits in practices.values():
        if edits.get("gp_wte") is not None:
            edits["gp_wte"] = float(edits["gp_wte"])
    groups = {}
    if ds.groups is not None:
        groups = {str(c): str(g) for c, g in zip(ds.groups["practice_code"], ds.groups["group"])}
    locks = {kind: ([list(codes) for codes in value] if kind in ("together", "apart")
                    else (dict(value) if isinstance(value, dict) else list(value)))
             for kind, value in (locks or {}).items()}
    locks = _fixed_as_mapping(locks, groups, name)
    now = _now()
    scenario = Scenario(name=name, notes=notes, created=created or now, modified=now,
                        data=data_reference(ds), hubs=hubs, practices=practices,
                        housing=housing, groups=groups, locks=locks,
                        grouping=copy.deepcopy(grouping or {}),
                        assumptions=copy.deepcopy(assumptions or {}),
                        extra=copy.deepcopy(extra or {}))
    _validate(scenario.to_dict(), name)   # never hand back something save would refuse
    return scenario


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
                               ("housing site", scenario.housing, sites),
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
    from models.dataset import locality_of_points
    from models.edits import apply_edit
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
    for layer, edits in (("practices", scenario.practices), ("housing", scenario.housing)):
        key = "practice_code" if layer == "practices" else "site_id"
        present = set(getattr(ds, layer)[key])
        for code, changes in edits.items():
            if code not in present:
                continue   # already reported by scenario_warnings
            for column, value in changes.items():
                try:
                    apply_edit(ds, layer, code, column, value)
                except ValueError as exc:
                    notes.append(f"{code} {column} not applied: {exc}")
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


# ---------------------------------------------------------------- saving

def temp_files(target: str | Path) -> list[Path]:
    """Temporary files beside ``target`` from saves in progress or killed mid-save.

    Named as geo.atomic.atomic_path names them: ``.<file name>.<random>.part<suffix>``.
    """
    target = Path(target)
    pattern = glob.escape(f".{target.name}.") + "*" + glob.escape(f".part{target.suffix}")
    return [Path(p) for p in glob.glob(str(target.parent / pattern))]


@contextlib.contextmanager
def _folder_lock(folder: Path, wait: float = 5.0):
    """Exclusive lock on the folder while saving (POSIX flock; released if we are killed).

    Yields True when held: then no other save is in flight there and any temp file left
    for our target is the remains of a killed save. Yields False where locking is
    unavailable (Windows, some network drives) or another save held it for ``wait`` s.
    """
    try:
        import fcntl
    except ImportError:
        yield False
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + wait
        locked = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            except OSError:
                break
        yield locked
    finally:
        os.close(fd)


def _sweep(target: Path, locked: bool) -> None:
    """Remove temp files of earlier saves that were killed before their rename."""
    now = time.time()
    for tmp in temp_files(target):
        with contextlib.suppress(OSError):
            if locked or now - tmp.stat().st_mtime > STALE_SECONDS:
                tmp.unlink()


def scenario_text(scenario: Scenario) -> str:
    """The file's text; raises DataError if the scenario would not load back."""
    doc = scenario.to_dict()
    _validate(doc, scenario.name or "scenario")
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False,
                      allow_nan=False) + "\n"


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write the scenario atomically: a crash mid-save leaves the previous file intact.

    The text is built and checked first (nothing touches the disk if it is invalid), then
    written to a temporary file beside ``path``, fsynced and renamed over it. At most one
    temporary file can be left by a killed save; the next save in that folder removes it.
    """
    target = Path(path)
    text = scenario_text(scenario)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _folder_lock(target.parent) as locked:
        _sweep(target, locked)
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return target


# ---------------------------------------------------------------- loading

def load_scenario(path: str | Path) -> Scenario:
    """Read and fully check a scenario file; raise DataError (file + field) on any problem."""
    path = Path(path)
    label = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DataError(label, "file not found") from None
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise DataError(label, f"is {size / 1e6:,.0f} MB; a scenario file is at most "
                               f"{MAX_FILE_BYTES // (1024 * 1024)} MB, so this is not one")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(label, f"cannot be read ({exc.strerror})") from None
    return parse_scenario(raw, label)


def parse_scenario(raw: bytes | str, label: str = "scenario") -> Scenario:
    """Scenario file content → Scenario, or DataError. Pure: reads nothing else."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise DataError(label, "is too large to be a scenario file")
        if not raw.strip():
            raise DataError(label, "the file is empty")
        if b"\x00" in raw:
            raise DataError(label, "is not a scenario file (it contains binary data)")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError(label, "is not a scenario file (not UTF-8 text)") from None
    else:
        text = raw
    doc = _parse_json(text, label)
    if not isinstance(doc, dict):
        raise DataError(label, f"is not a scenario file (it holds a JSON {_kind(doc)}, not "
                               "an object)")
    if doc.get("format") != FORMAT:
        raise DataError(label, f"is not a scenario file (no \"format\": \"{FORMAT}\" marker)",
                        field="format")
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise DataError(label, f"must be a whole number of 1 or more, not "
                               f"{_show(version)}", field="version")
    if version > VERSION:
        raise DataError(label, f"this scenario was saved by a newer version ({version}) of "
                               f"the app; this version reads up to {VERSION}", field="version")
    _validate(doc, label)
    kept = {k: doc[k] for k in TOP_LEVEL if k in doc and k not in ("format", "version")}
    if kept.get("hubs") is not None:
        kept["hubs"] = [{"locality": "", "capacity_patients": None, **h} for h in kept["hubs"]]
    for key in ("practices", "housing", "groups", "locks", "grouping", "assumptions",
                "extra"):
        if kept.get(key) is None:
            kept.pop(key, None)
    if "locks" in kept:
        kept["locks"] = _fixed_as_mapping(kept["locks"], kept.get("groups") or {}, label)
    kept.setdefault("notes", "")
    kept.setdefault("created", "")
    kept.setdefault("modified", "")
    return Scenario(**kept)


class _Refused(ValueError):
    pass


def _refuse_constant(name: str):
    raise _Refused(f"{name} is not allowed (numbers must be finite)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} is out of range")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"the key {_show(key)} appears twice in one object")
        out[key] = value
    return out


def _parse_json(text: str, label: str):
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                          object_pairs_hook=_no_duplicates)
    except _Refused as exc:
        raise DataError(label, f"is not a valid scenario file: {exc}") from None
    except RecursionError:
        raise DataError(label, "is not a valid scenario file: nested too deeply") from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise DataError(label, "is damaged: it ends too early (truncated, e.g. by an "
                                   "interrupted copy)") from None
        raise DataError(label, f"is not a scenario file, or is damaged: not valid JSON at "
                               f"line {exc.lineno}, column {exc.colno} ({exc.msg})") from None
    except ValueError as exc:
        reason = ("a number has far too many digits" if "digits" in str(exc)
                  else str(exc)[:120])
        raise DataError(label, f"is not a valid scenario file: {reason}") from None


# ---------------------------------------------------------------- validation

def _kind(value) -> str:
    return {dict: "object", list: "list", str: "text", bool: "true/false", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _show(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if isinstance(
        value, (str, int, float, bool, type(None))) else _kind(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _key_path(parent: str, key: str) -> str:
    key = key if len(key) <= 40 else key[:37] + "…"
    return f"{parent}.{key}" if parent else key


class _Check:
    """Type/shape checks that raise DataError naming the file and the field path."""

    def __init__(self, label: str):
        self.label = label

    def fail(self, path: str, reason: str):
        raise DataError(self.label, reason, field=path or None)

    def generic(self, doc) -> None:
        """Depth, size and text limits over the whole tree, before any field is read."""
        stack = [(doc, "", 0)]
        nodes = 0
        while stack:
            value, path, depth = stack.pop()
            nodes += 1
            if nodes > 20 * MAX_ITEMS:
                self.fail("", "holds far too many values to be a scenario")
            if depth > MAX_DEPTH:
                self.fail(path, f"nested more than {MAX_DEPTH} levels deep")
            if isinstance(value, str):
                limit = MAX_NOTES if path == "notes" else MAX_TEXT
                if len(value) > limit:
                    self.fail(path, f"text of {len(value):,} characters; at most {limit:,}")
            elif isinstance(value, dict):
                if len(value) > MAX_ITEMS:
                    self.fail(path, f"has {len(value):,} entries; at most {MAX_ITEMS:,}")
                for key, item in value.items():
                    if not isinstance(key, str):
                        self.fail(path, f"key {key!r} must be text")
                    if len(key) > MAX_KEY:
                        self.fail(path, f"a key of {len(key):,} characters; at most {MAX_KEY}")
                    stack.append((item, _key_path(path, key), depth + 1))
            elif isinstance(value, list):
                if len(value) > MAX_ITEMS:
                    self.fail(path, f"has {len(value):,} items; at most {MAX_ITEMS:,}")
                stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
            elif isinstance(value, float):
                if not math.isfinite(value):
                    self.fail(path, f"{value} is not allowed (numbers must be finite)")
            elif not (value is None or isinstance(value, (bool, int))):
                self.fail(path, f"a {type(value).__name__} cannot be stored in a scenario "
                                "file (text, numbers, true/false, null, lists and objects "
                                "only)")

    def type(self, value, path: str, *types, what: str | None = None):
        ok = any(value is None if t is None else
                 (type(value) is bool if t is bool else
                  (isinstance(value, t) and type(value) is not bool)) for t in types)
        if not ok:
            self.fail(path, f"must be {what or self._names(types)}, not {_show(value)}")
        return value

    @staticmethod
    def _names(types) -> str:
        names = {str: "text", bool: "true or false", int: "a whole number",
                 float: "a number", dict: "an object", list: "a list", None: "null"}
        words = list(dict.fromkeys(names[t] for t in types if not (t is int and float in types)))
        return " or ".join(words)

    def text(self, value, path: str, blank: bool = True) -> str:
        self.type(value, path, str)
        if not blank and not value.strip():
            self.fail(path, "must not be blank")
        return value

    def number(self, value, path: str, lo=None, hi=None, whole=False, null=False):
        types = (int,) if whole else (int, float)
        self.type(value, path, *types, *((None,) if null else ()))
        if value is None:
            return value
        if lo is not None and value < lo:
            self.fail(path, f"{_show(value)} is below the minimum {lo:g}")
        if hi is not None and value > hi:
            self.fail(path, f"{_show(value)} is above the maximum {hi:g}")
        return value

    def keys(self, obj: dict, path: str, allowed, required=()) -> None:
        for key in obj:
            if key not in allowed:
                self.fail(_key_path(path, key), "is not a field of this format (allowed: "
                                                + ", ".join(allowed) + ")")
        for key in required:
            if key not in obj:
                self.fail(_key_path(path, key), "is missing")

    def timestamp(self, value, path: str) -> None:
        self.text(value, path)
        if value:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                self.fail(path, f"{_show(value)} is not an ISO 8601 date-time")

    def code_map(self, value, path: str) -> dict:
        self.type(value, path, dict, None)
        for key in value or {}:
            if not key.strip():
                self.fail(path, "a code is blank")
        return value or {}


def _validate(doc: dict, label: str) -> None:
    chk = _Check(label)
    chk.generic(doc)
    chk.keys(doc, "", TOP_LEVEL, required=("format", "version", "name", "data"))
    chk.text(doc["name"], "name", blank=False)
    for key in ("notes",):
        if key in doc:
            chk.text(doc[key], key)
    for key in ("created", "modified"):
        if key in doc:
            chk.timestamp(doc[key], key)
    _check_data(chk, doc["data"])
    if doc.get("hubs") is not None:
        _check_hubs(chk, doc["hubs"])
    for code, edits in chk.code_map(doc.get("practices"), "practices").items():
        p = _key_path("practices", code)
        chk.type(edits, p, dict)
        chk.keys(edits, p, PRACTICE_EDITS)
        if "list_size" in edits:
            chk.number(edits["list_size"], p + ".list_size", lo=0, hi=MAX_COUNT, whole=True)
        if "gp_wte" in edits:
            chk.number(edits["gp_wte"], p + ".gp_wte", lo=0, hi=MAX_GP_WTE, null=True)
        if "name" in edits:
            chk.text(edits["name"], p + ".name", blank=False)
    for code, edits in chk.code_map(doc.get("housing"), "housing").items():
        p = _key_path("housing", code)
        chk.type(edits, p, dict)
        chk.keys(edits, p, HOUSING_EDITS)
        if "include" in edits:
            chk.type(edits["include"], p + ".include", bool)
        if "dwellings" in edits:
            chk.number(edits["dwellings"], p + ".dwellings", lo=0, hi=MAX_COUNT, whole=True)
        if "name" in edits:
            chk.text(edits["name"], p + ".name", blank=False)
    for code, group in chk.code_map(doc.get("groups"), "groups").items():
        chk.text(group, _key_path("groups", code), blank=False)
    _check_locks(chk, doc.get("locks"))
    _check_grouping(chk, doc.get("grouping"))
    for key in ("assumptions", "extra"):
        chk.type(doc.get(key), key, dict, None)


def _check_data(chk: _Check, ref) -> None:
    chk.type(ref, "data", dict)
    chk.keys(ref, "data", ("kind", "path", "fingerprint"), required=("kind",))
    if ref["kind"] not in ("sample", "folder", "unsaved"):
        chk.fail("data.kind", f"must be sample, folder or unsaved, not {_show(ref['kind'])}")
    if ref["kind"] == "folder":
        if "path" not in ref:
            chk.fail("data.path", "is missing (the data folder this scenario was made on)")
        chk.text(ref["path"], "data.path", blank=False)
    elif "path" in ref:
        chk.type(ref["path"], "data.path", str, None)
    fingerprint = chk.text(ref.get("fingerprint", ""), "data.fingerprint")
    if fingerprint and not (fingerprint.startswith("sha256:") and len(fingerprint) == 71
                            and all(c in "0123456789abcdef" for c in fingerprint[7:])):
        chk.fail("data.fingerprint", "must be \"sha256:\" followed by 64 hex digits, or blank")


def _check_hubs(chk: _Check, hubs) -> None:
    chk.type(hubs, "hubs", list, None)
    seen: dict[str, int] = {}
    for i, hub in enumerate(hubs):
        p = f"hubs[{i}]"
        chk.type(hub, p, dict)
        chk.keys(hub, p, HUB_FIELDS, required=("hub_id", "name", "latitude", "longitude",
                                              "status"))
        hub_id = chk.text(hub["hub_id"], p + ".hub_id", blank=False)
        if hub_id in seen:
            chk.fail(p + ".hub_id", f"{_show(hub_id)} is also hubs[{seen[hub_id]}]'s id")
        seen[hub_id] = i
        chk.text(hub["name"], p + ".name", blank=False)
        lat = chk.number(hub["latitude"], p + ".latitude")
        lon = chk.number(hub["longitude"], p + ".longitude")
        if not UK_LAT[0] <= lat <= UK_LAT[1]:
            chk.fail(p + ".latitude", f"{lat:g} is outside the UK (WGS84 degrees, about 51.4 "
                                      "in Medway)")
        if not UK_LON[0] <= lon <= UK_LON[1]:
            chk.fail(p + ".longitude", f"{lon:g} is outside the UK (WGS84 degrees, about 0.5 "
                                       "in Medway)")
        if hub["status"] not in HUB_STATUSES:
            chk.fail(p + ".status", f"must be one of {', '.join(HUB_STATUSES)}, not "
                                    f"{_show(hub['status'])}")
        if "locality" in hub:
            chk.text(hub["locality"], p + ".locality")
        if "capacity_patients" in hub:
            chk.number(hub["capacity_patients"], p + ".capacity_patients", lo=0,
                       hi=MAX_COUNT, null=True)


def _check_locks(chk: _Check, locks) -> None:
    chk.type(locks, "locks", dict, None)
    locks = locks or {}
    chk.keys(locks, "locks", LOCK_KINDS)
    for kind in ("together", "apart"):
        sets = chk.type(locks.get(kind, []), f"locks.{kind}", list)
        for i, codes in enumerate(sets):
            p = f"locks.{kind}[{i}]"
            chk.type(codes, p, list)
            if len(codes) < 2:
                chk.fail(p, "a lock names at least two practices")
            if kind == "apart" and len(codes) != 2:
                chk.fail(p, "an apart lock names a pair of practices (two codes)")
            for j, code in enumerate(codes):
                chk.text(code, f"{p}[{j}]", blank=False)
    fixed = chk.type(locks.get("fixed", {}), "locks.fixed", dict, list)
    if isinstance(fixed, dict):
        for code, group in fixed.items():
            chk.text(group, _key_path("locks.fixed", code), blank=False)
    else:
        for j, code in enumerate(fixed):
            chk.text(code, f"locks.fixed[{j}]", blank=False)


def _fixed_as_mapping(locks: dict, groups: dict, label: str) -> dict:
    """``fixed`` as {code: group}: a plain list of codes pins each to its group in ``groups``."""
    fixed = locks.get("fixed")
    if not isinstance(fixed, list):
        return locks
    for j, code in enumerate(fixed):
        if not isinstance(code, str) or code not in groups:
            raise DataError(label, f"practice {_show(code)} is fixed but has no group to be "
                                   "fixed to", field=f"locks.fixed[{j}]")
    return {**locks, "fixed": {code: groups[code] for code in fixed}}


def _check_grouping(chk: _Check, params) -> None:
    chk.type(params, "grouping", dict, None)
    params = params or {}
    for key in ("min_size", "max_size"):
        if key in params:
            chk.number(params[key], f"grouping.{key}", lo=0, hi=MAX_COUNT, whole=True,
                       null=True)
    if "n_groups" in params:
        chk.number(params["n_groups"], "grouping.n_groups", lo=1, hi=MAX_ITEMS, whole=True,
                   null=True)
    if "within_localities" in params:
        chk.type(params["within_localities"], "grouping.within_localities", bool)
    if "seed" in params:
        chk.number(params["seed"], "grouping.seed", whole=True, null=True)
    lo, hi = params.get("min_size"), params.get("max_size")
    if lo is not None and hi is not None and lo > hi:
        chk.fail("grouping.min_size", f"{lo:,} is above max_size {hi:,}")
    for key, value in params.items():
        chk.type(value, f"grouping.{key}", str, bool, int, float, None,
                 what="text, a number, true/false or null")


# ---------------------------------------------------------------- crash recovery

def recovery_path(settings_dir: str | Path) -> Path:
    return Path(settings_dir) / RECOVERY_NAME


def write_recovery(scenario: Scenario, settings_dir: str | Path) -> Path:
    """Autosave (the GUI calls this every few minutes): atomic, like a real save."""
    return save_scenario(scenario, recovery_path(settings_dir))


def find_recovery(settings_dir: str | Path) -> tuple[Path, Scenario] | None:
    """The autosave to offer at start-up, if the last session ended without clearing it.

    None when there is none, when it is older than the last clear_recovery, or when it
    cannot be read (an unreadable autosave must not stop the app from starting).
    """
    path = recovery_path(settings_dir)
    cleared = Path(settings_dir) / CLEARED_NAME
    try:
        saved = path.stat().st_mtime_ns
    except OSError:
        return None
    with contextlib.suppress(OSError):
        if cleared.stat().st_mtime_ns > saved:
            return None
    try:
        return path, load_scenario(path)
    except DataError:
        return None


def clear_recovery(settings_dir: str | Path) -> None:
    """After a clean save or exit: remove the autosave and note when, so it is not offered."""
    path = recovery_path(settings_dir)
    path.unlink(missing_ok=True)
    atomic_write_text(Path(settings_dir) / CLEARED_NAME, _now() + "\n")
    with _folder_lock(Path(settings_dir), wait=0.5) as locked:
        _sweep(path, locked)


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
