"""Small pieces several commands share."""
from __future__ import annotations


def open_dataset(folder: str | None):
    """The given canonical folder, or the embedded illustrative sample."""
    from geo.canonical import load_folder, load_sample
    return load_folder(folder) if folder else load_sample()
