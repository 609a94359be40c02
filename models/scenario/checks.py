"""Reading a scenario file's text safely: parse it (no pickle, eval or object hooks), check
every field against the format (models/scenario/format.py) and refuse with one line naming
the field. Also the reverse: a Scenario to the text that is saved."""
from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from geo.errors import DataError
from geo.bounds import (
    BUILD_YEARS_MAX, BUILD_YEARS_MIN, MAX_HOUSING_SITES, MAX_HUBS, MAX_NAME_CHARS,
    MAX_PRACTICE_SITES, YEAR_MAX, YEAR_MIN,
)
from geo.land import land_refusal
from geo.text import clean_tree
from models.scenario.format import (
    FORMAT, HUB_FIELDS, HUB_STATUSES, LOCK_KINDS, MAX_COUNT, MAX_DEPTH, MAX_FILE_BYTES,
    MAX_GP_WTE, MAX_ITEMS, MAX_KEY, MAX_NOTES, MAX_TEXT, PRACTICE_EDITS, HOUSING_FIELDS,
    TOP_LEVEL, VERSION, Scenario,
)


def scenario_text(scenario: Scenario) -> str:
    """The file's text; raises DataError if the scenario would not load back."""
    doc = scenario.to_dict()
    _validate(doc, scenario.name or "scenario")
    clean_tree(doc, "scenario")       # refuses text no UTF-8 file can hold
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False,
                      allow_nan=False) + "\n"


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
    _Check(label).generic(doc)        # depth and size first: the tree is then small
    doc = clean_tree(doc, label)
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


# Whole numbers beyond this cannot be held exactly as a float (and 10^400 overflows one).
MAX_WHOLE = 2 ** 53
# Caps on the collections a scenario holds: the same as a data folder's (geo/bounds.py),
# checked before any of it is used.
COLLECTION_CAPS = {"hubs": (MAX_HUBS, "hubs"), "practices": (MAX_PRACTICE_SITES, "practices"),
                   "groups": (MAX_PRACTICE_SITES, "practices"),
                   "housing": (MAX_HOUSING_SITES, "housing sites")}


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
            elif isinstance(value, int) and not isinstance(value, bool):
                if abs(value) > MAX_WHOLE:
                    self.fail(path, f"the number {str(value)[:20]}… is far too large "
                                    f"(at most {MAX_WHOLE:,})")
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

    def name(self, value, path: str) -> str:
        """A name shown on the map, in tables and reports: not blank, at most
        MAX_NAME_CHARS characters."""
        self.text(value, path, blank=False)
        if len(value) > MAX_NAME_CHARS:
            self.fail(path, f"a name of {len(value):,} characters; at most {MAX_NAME_CHARS}")
        return value

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
    chk.name(doc["name"], "name")
    for key, (cap, what) in COLLECTION_CAPS.items():
        if isinstance(doc.get(key), (list, dict)) and len(doc[key]) > cap:
            chk.fail(key, f"has {len(doc[key]):,} {what}; a plan holds at most {cap:,}")
    locks = doc.get("locks") if isinstance(doc.get("locks"), dict) else {}
    for kind in LOCK_KINDS:
        if isinstance(locks.get(kind), (list, dict)) and len(locks[kind]) > MAX_PRACTICE_SITES:
            chk.fail(f"locks.{kind}", f"has {len(locks[kind]):,} locks; at most "
                                      f"{MAX_PRACTICE_SITES:,}")
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
            chk.name(edits["name"], p + ".name")
    for code, edits in chk.code_map(doc.get("housing"), "housing").items():
        p = _key_path("housing", code)
        chk.type(edits, p, dict)
        chk.keys(edits, p, HOUSING_FIELDS)
        for flag in ("added", "removed"):
            if flag in edits:
                chk.type(edits[flag], f"{p}.{flag}", bool)
        if edits.get("added"):
            chk.keys(edits, p, HOUSING_FIELDS,
                     required=("added", "name", "latitude", "longitude", "dwellings"))
            _check_point(chk, edits, p)
        if "include" in edits:
            chk.type(edits["include"], p + ".include", bool)
        if "dwellings" in edits:
            chk.number(edits["dwellings"], p + ".dwellings", lo=0, hi=MAX_COUNT, whole=True)
        if "name" in edits:
            chk.name(edits["name"], p + ".name")
        for key, (lo, hi) in (("start_year", (YEAR_MIN, YEAR_MAX)),
                              ("build_years", (BUILD_YEARS_MIN, BUILD_YEARS_MAX))):
            if key in edits:
                chk.number(edits[key], f"{p}.{key}", lo=lo, hi=hi, whole=True, null=True)
    for code, group in chk.code_map(doc.get("groups"), "groups").items():
        chk.name(group, _key_path("groups", code))
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


def _check_point(chk: _Check, item: dict, p: str) -> None:
    lat = chk.number(item["latitude"], p + ".latitude")
    lon = chk.number(item["longitude"], p + ".longitude")
    reason = land_refusal(float(lon), float(lat))
    if reason:
        chk.fail(p + ".latitude", reason)


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
        chk.name(hub["name"], p + ".name")
        _check_point(chk, hub, p)
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
