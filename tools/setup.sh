#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine to run the app and its tests:
# the system libraries headless Qt WebEngine needs, then a virtual environment in .venv
# with this project and its test tools. Safe to run again (it skips what is there).
set -euo pipefail
cd "$(dirname "$0")/.."

LIBS="libglib2.0-0 libnss3 libxkbcommon0 libxkbfile1 libgl1 libegl1 libgbm1 libfontconfig1
libdbus-1-3 libasound2 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxcb-dri3-0
fonts-dejavu-core libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
poppler-utils"
missing=""
for p in $LIBS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing system libraries:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
  else
    echo "setup: please install these system libraries first:" >&2
    echo "  sudo apt-get install -y$missing" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import PySide6.QtWebEngineWidgets, geopandas, folium, sklearn, numba, xstatic.pkg.leaflet" \
  || { echo "setup: the Python packages did not install" >&2; exit 1; }
# The grouping's pair re-split is compiled (Numba) and cached beside its module: compile it
# here, once, so the first grouping in the window does not wait for it.
.venv/bin/python -c "
from geo.canonical import load_sample
from models.grouping import group_practices
practices = load_sample().practices
group_practices(practices)
group_practices(practices, contiguous=True)" >/dev/null 2>&1 \
  || echo "setup: the grouping kernel was not compiled now; the first grouping will compile it" >&2
# The same for the travel-time search (models/travel_kernel.py).
.venv/bin/python -c "from models import travel_kernel; travel_kernel.warm()" >/dev/null 2>&1 \
  || echo "setup: the travel search was not compiled now; the first travel matrix will compile it" >&2
echo "setup: ready (.venv)"
