"""Sanity bounds on input values and sizes: beyond these a value is a typo, not a plan.

They are not planning assumptions (those live in models/assumptions/); they only stop
an absurd cell (a list size of 10^12, a completion year 9999, infinite GP WTE) or a file
far larger than any English area's data from reaching the models, where it would give
nonsense or run for hours. Each is generous against the largest real value it guards.
"""
from __future__ import annotations

# Any number cell: beyond this magnitude a value is a typo (and float maths goes inexact).
MAX_MAGNITUDE = 1e12

# Registered patients of one practice: the largest English practices list about 100,000.
LIST_SIZE_MAX = 1_000_000
# GP whole-time equivalents at one practice site (the largest practices have under 100).
GP_WTE_MAX = 1_000.0
# Dwellings on one housing site (the largest English new towns plan about 15,000).
DWELLINGS_MAX = 100_000
# Patients one hub can serve.
HUB_CAPACITY_MAX = 5_000_000
# Usual residents of one small area (an LSOA has about 1,500; an MSOA about 8,000).
RESIDENTS_MAX = 1_000_000
# Completion / start years a plan can mean.
YEAR_MIN, YEAR_MAX = 1990, 2100
# Years over which a housing site's dwellings complete.
BUILD_YEARS_MIN, BUILD_YEARS_MAX = 1, 50

# Great Britain, generously: British National Grid metres and WGS84 degrees.
GB_EASTING = (0.0, 700_000.0)
GB_NORTHING = (0.0, 1_300_000.0)
GB_LON = (-8.7, 1.9)
GB_LAT = (49.8, 60.9)

# Rows one file may hold (England has about 6,300 practices, 33,800 LSOAs, 2.7 million
# postcodes); past these the models would run for hours, so the file is refused at once.
MAX_PRACTICE_SITES = 20_000
MAX_HUBS = 1_000
MAX_HOUSING_SITES = 100_000
MAX_AREAS = 100_000
MAX_ROWS = 2_000_000          # any other table (e.g. census residents by area and age)
MAX_JSON_RECORDS = 200_000    # NHS GP site records
MAX_POLYGONS = 20_000         # features in a boundary file
# Columns in one CSV (the widest published file read here, the NHS payments extract, has
# about 100) and characters in one cell or name (the longest real names and addresses have a
# few hundred): past these a file is not what it claims to be, and is refused before work.
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 10_000
MAX_NAME_CHARS = 500
# Demand points × candidate sites the hub optimiser may compare in straight lines: it holds
# one float32 distance matrix (4 bytes a pair) and works beside it in blocks, so the cap is
# the matrix at 1.5 GB (England's 33,000 LSOAs × 6,500 practices, 214 million pairs, is
# 858 MB; all of Medway is about 4,000 pairs).
MAX_HUB_PAIRS = 375_000_000
# By travel time the matrix is float64 and copied while it is built (about 16 bytes a pair:
# 25 million pairs stay well inside 2 GB).
MAX_HUB_PAIRS_BY_TIME = 25_000_000
