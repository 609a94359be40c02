"""Rendering: the board-paper PDF, the demand charts and spreadsheet sheets (matplotlib,
openpyxl); reads models and geo, never Qt."""
