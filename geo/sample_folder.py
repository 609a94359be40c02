"""Where the illustrative sample lives: a module of its own, light enough for start-up to
read before pandas loads (gui/map_preview.py fingerprints the folder then)."""
from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"
