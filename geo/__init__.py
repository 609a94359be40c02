"""Geospatial I/O and geometry helpers (plain Python, never Qt)."""
