"""The architecture's arrows, as import-linter contracts in pyproject.toml: only gui imports
Qt; cli → gui → rendering → models → geo, never upwards."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold(monkeypatch, capsys):
    cli = pytest.importorskip("importlinter.cli", reason="import-linter is a test dependency")
    monkeypatch.chdir(ROOT)
    code = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"))
    out = capsys.readouterr().out
    assert code == 0, out[-3000:]
    assert "broken" in out and "0 broken" in out


def test_a_broken_arrow_is_caught(tmp_path, monkeypatch, capsys):
    """The contract notices an upward import (geo importing models)."""
    cli = pytest.importorskip("importlinter.cli", reason="import-linter is a test dependency")
    for pkg in ("geo", "models"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "geo" / "bad.py").write_text("import models\n")
    (tmp_path / "setup.cfg").write_text(
        "[importlinter]\nroot_packages =\n    models\n    geo\n\n"
        "[importlinter:contract:layers]\nname = layers\ntype = layers\n"
        "layers =\n    models\n    geo\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("geo", "models"):
        monkeypatch.delitem(__import__("sys").modules, name, raising=False)
    assert cli.lint_imports(config_filename=str(tmp_path / "setup.cfg")) == 1


def test_geo_builds_no_presentation(monkeypatch, capsys):
    """The map's styling, legend and page live in rendering/: a contract keeps them out of
    geo/ (no web-map, template or chart library there)."""
    cli = pytest.importorskip("importlinter.cli", reason="import-linter is a test dependency")
    monkeypatch.chdir(ROOT)
    cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"))
    out = capsys.readouterr().out
    assert "geo builds no presentation KEPT" in out
    assert not any((ROOT / "geo" / f"{m}.py").exists()
                   for m in ("webmap", "map_legend", "roads_map", "map_context"))


# GeoJSON is built in rendering/ (each layer declared once in rendering/map_layers/registry.py);
# a module under gui/ asks a layer for its features and hands them to the map.
_GEOJSON = re.compile(r"""FeatureCollection|["']type["']\s*:\s*["']Feature["']""")


def builds_geojson(text: str) -> bool:
    return bool(_GEOJSON.search(text))


def test_no_gui_module_builds_geojson():
    building = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "gui").rglob("*.py")
                      if builds_geojson(p.read_text(encoding="utf-8")))
    assert not building, f"{building} build GeoJSON: declare a layer in rendering/map_layers/"


def test_a_panel_building_geojson_is_caught():
    assert builds_geojson('feats.append({"type": "Feature", "geometry": g})')
    assert builds_geojson("{'type':'Feature'}")
    assert builds_geojson('return {"type": "FeatureCollection", "features": feats}')
    assert not builds_geojson('self.map.set_overlay("demand", layer("demand").features(r))')
