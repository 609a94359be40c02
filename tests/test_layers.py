"""The architecture's arrows: models/ and geo/ are plain Python and never import Qt."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_models_and_geo_never_import_qt_or_gui():
    offenders = []
    for package in ("models", "geo"):
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = imported_modules(path) & {"PySide6", "PyQt5", "PyQt6", "shiboken6", "gui"}
            if bad:
                offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_geo_does_not_import_models():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "geo").rglob("*.py")
                 if "models" in imported_modules(p)]
    assert not offenders


def test_the_guard_notices_a_qt_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6" in imported_modules(bad)
