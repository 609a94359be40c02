"""Export a Dataset: GeoPackage (all layers), GeoJSON per layer, the canonical CSV folder,
or an XLSX workbook (one sheet per layer + README + Sources).

Every file is written atomically (a failed save leaves the previous file intact), and every
export says what data it holds — the illustrative sample is labelled as such in a README
sheet/table/file and in the GeoPackage and GeoJSON metadata. A GeoPackage or GeoJSON folder
export opens again with ``load_export``; a CSV folder export is a data folder in itself.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.atomic import atomic_folder, atomic_path
from geo.inputs import check_input_file, gdal_path
from geo.tables import read_csv_text, spreadsheet_safe
from geo.crs import BNG
from geo.errors import DataError
from geo.canonical import load_folder, save_folder
from geo.dataset import FILES, OPTIONAL_FILES, SAMPLE_LABEL, Dataset

FORMATS = ("gpkg", "xlsx", "csv", "geojson")
POINT_LAYERS = {"practices": FILES["practices"], "hubs": FILES["hubs"],
                "housing_sites": FILES["housing"], "population": OPTIONAL_FILES["population"]}
TABLE_LAYERS = {"pcns": OPTIONAL_FILES["pcns"], "groups": OPTIONAL_FILES["groups"],
                "sources": OPTIONAL_FILES["sources"]}
ATTRIBUTION = ("Boundaries: contains Ordnance Survey and Office for National Statistics data "
               "© Crown copyright and database right. NHS and ONS data under the Open "
               "Government Licence v3.")


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format from an explicit choice or the path's extension (folder → csv)."""
    if fmt:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise DataError(str(path), f"unknown export format '{fmt}' (use one of "
                                       f"{', '.join(FORMATS)})")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix == ".gpkg":
        return "gpkg"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix:
        raise DataError(str(path), f"cannot tell the export format from '{suffix}': use "
                                   ".gpkg, .xlsx, or a folder name (CSV; add --format "
                                   "geojson for GeoJSON files)")
    return "csv"


def export_dataset(ds: Dataset, path: str | Path, fmt: str | None = None,
                   tables: dict[str, pd.DataFrame] | None = None,
                   cover: pd.DataFrame | None = None,
                   areas: dict[str, gpd.GeoDataFrame] | None = None) -> list[Path]:
    """Write ``ds`` to ``path`` in the chosen format; return the files written.
    ``tables``: more attribute tables (a scenario's groups, demand…), written as
    GeoPackage layers, XLSX sheets or CSV files beside the data. ``cover`` (item, value
    rows): the workbook's first sheet and the CSV folder's README.txt (default: what the
    data is, readme_rows). ``areas``: polygon layers (group territories, hub catchments)
    for the GeoPackage, so QGIS can draw them."""
    path = Path(path)
    fmt = format_for(path, fmt)
    tables = {k: v for k, v in (tables or {}).items() if v is not None}
    if fmt == "gpkg":
        return [export_gpkg(ds, path, tables, areas)]
    if fmt == "xlsx":
        return [export_xlsx(ds, path, tables, cover)]
    if fmt == "geojson":
        folder = path.with_suffix("") if path.suffix.lower() in (".geojson", ".json") else path
        return export_geojson_folder(ds, folder, tables)
    return export_csv_folder(ds, path, tables, cover)


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers stay numbers; anything else (objects, mixed) as text, for GeoPackage."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: "" if v is None or v != v else str(v))
    return out


# ---------------------------------------------------------------- what the export says

def data_label(ds: Dataset) -> str:
    """'Illustrative sample (not real data)' for the sample; else where the data came from."""
    if ds.is_sample:
        return SAMPLE_LABEL
    return f"Imported data ({ds.folder})" if ds.folder else "Imported data"


def readme_rows(ds: Dataset) -> pd.DataFrame:
    rows = [("Data", data_label(ds)),
            ("Exported", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
            ("Coordinates", "WGS84 longitude/latitude (EPSG:4326); distances in the app are "
                            "computed in British National Grid (EPSG:27700)"),
            ("Layers", ", ".join(name for name, frame in layers(ds).items()
                                 if frame is not None))]
    if ds.is_sample:
        rows.insert(1, ("Note", "Illustrative sample: invented practices, list sizes and "
                                "housing sites for demonstration. Do not use for decisions."))
    else:
        rows.append(("Attribution", ATTRIBUTION))
    return pd.DataFrame(rows, columns=["item", "value"])


def sources_frame(ds: Dataset) -> pd.DataFrame:
    cols = ["file", "publisher", "date", "rows_kept", "rows_skipped"]
    if ds.sources is not None and len(ds.sources):
        frame = ds.sources.copy()
        for col in cols:
            if col not in frame.columns:
                frame[col] = ""
        return frame[cols + [c for c in frame.columns if c not in cols]]
    if ds.is_sample:
        return pd.DataFrame([{"file": "data/sample/ (made by data/make_sample.py)",
                              "publisher": SAMPLE_LABEL, "date": "",
                              "rows_kept": len(ds.practices) + len(ds.hubs) + len(ds.housing),
                              "rows_skipped": 0}], columns=cols)
    return pd.DataFrame([{"file": str(ds.folder or ""), "publisher": "not recorded",
                          "date": "", "rows_kept": "", "rows_skipped": ""}], columns=cols)


def layers(ds: Dataset) -> dict:
    return {"localities": ds.localities, "practices": ds.practices, "hubs": ds.hubs,
            "housing_sites": ds.housing, "population": ds.population, "pcns": ds.pcns,
            "groups": ds.groups}


def _points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(frame.copy(), geometry=gpd.points_from_xy(
        frame["longitude"].astype(float), frame["latitude"].astype(float)), crs=4326)


# ---------------------------------------------------------------- writers

def export_gpkg(ds: Dataset, path: Path, tables: dict | None = None,
                areas: dict | None = None) -> Path:
    label = data_label(ds)
    with atomic_path(path) as tmp:
        for name, frame in (areas or {}).items():
            if frame is not None and len(frame):
                pyogrio.write_dataframe(_plain_columns(frame), tmp, layer=name, driver="GPKG",
                                        promote_to_multi=True,
                                        layer_metadata={"DESCRIPTION": label})
        pyogrio.write_dataframe(ds.localities[["locality_id", "name", "hub_id", "geometry"]],
                                tmp, layer="localities", driver="GPKG",
                                promote_to_multi=True,   # one layer type for all polygons
                                layer_metadata={"DESCRIPTION": label})
        for name, key in (("practices", "practices"), ("hubs", "hubs"),
                          ("housing_sites", "housing"), ("population", "population")):
            frame = getattr(ds, key)
            if frame is None:
                continue
            pyogrio.write_dataframe(_points(frame), tmp, layer=name, driver="GPKG",
                                    geometry_type="Point", layer_metadata={"DESCRIPTION":
                                                                           label})
        for name, frame in (("pcns", ds.pcns), ("groups", ds.groups),
                            ("sources", sources_frame(ds)), ("readme", readme_rows(ds))):
            if frame is not None:
                pyogrio.write_dataframe(frame.astype(str), tmp, layer=name, driver="GPKG")
        for name, frame in (tables or {}).items():
            pyogrio.write_dataframe(_plain_columns(frame), tmp, layer=name, driver="GPKG")
    return path


def export_xlsx(ds: Dataset, path: Path, tables: dict | None = None,
                cover: pd.DataFrame | None = None) -> Path:
    """Cover first, then the tables (a scenario's demand, supply…), then the data layers
    and Sources; every sheet styled by ``style_workbook``."""
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xl:
            spreadsheet_safe(cover if cover is not None else readme_rows(ds)).to_excel(
                xl, sheet_name="Cover", index=False)
            for name, frame in (tables or {}).items():
                spreadsheet_safe(frame).to_excel(xl, sheet_name=name[:31], index=False)
            loc = ds.localities.copy()
            bng = loc.to_crs(BNG)
            centre = bng.representative_point().to_crs(4326)
            spreadsheet_safe(pd.DataFrame({"locality_id": loc["locality_id"],
                                           "name": loc["name"],
                          "hub_id": loc["hub_id"],
                          "area_km2": (bng.area / 1e6).round(3),
                          "latitude": centre.y.round(6), "longitude": centre.x.round(6)})) \
                .to_excel(xl, sheet_name="localities", index=False)
            for name, frame in layers(ds).items():
                if name == "localities" or frame is None:
                    continue
                spreadsheet_safe(unknown_as_empty(frame)).to_excel(xl, sheet_name=name,
                                                                   index=False)
            spreadsheet_safe(sources_frame(ds)).to_excel(xl, sheet_name="Sources",
                                                         index=False)
            style_workbook(xl.book)
    return path


def unknown_as_empty(frame: pd.DataFrame) -> pd.DataFrame:
    """A practices table for people: a list size the files did not give is empty, not the
    data folder's placeholder 0 (``list_size_known`` false)."""
    if "list_size_known" not in frame.columns or "list_size" not in frame.columns:
        return frame
    out = frame.copy()
    known = out["list_size_known"].fillna(True).astype(bool)
    out["list_size"] = pd.array(out["list_size"].where(known), dtype="Int64")
    return out


# Number formats by column name, first match wins (names carry their unit: _gbp, _m2…).
NUMBER_FORMATS = [
    (("latitude", "longitude"), "0.000000"),
    (("(%)",), "0.0"),
    (("per_patient_gbp", "premises_per_patient"), '"£"#,##0.00'),
    (("gbp", "£"), '"£"#,##0'),
    (("share", "_pct"), "0.0%"),
    (("index",), "0.000"),
    (("_km", "(km)"), "0.00"),
    (("_id", "code"), "0"),
    (("unknown", "practices"), "#,##0"),
    (("wte", "gps", "gp_fte", "gp_gap", "rooms", "score", "minutes", "_min_", "per_gp",
      "headcount"), "#,##0.0"),
    (("patients", "dwellings", "residents", "list", "m2", "m²", "consultations", "hours",
      "served"), "#,##0"),
]


def number_format(column: str) -> str | None:
    """The Excel format a column (or a row's measure) of that name is shown in."""
    name = str(column).lower()
    for suffix in ("_in_year", "_to_date", "_low", "_high"):
        name = name.removesuffix(suffix)
    if name == "year" or name.endswith(("_year", "_years")):
        return "0"
    for keys, fmt in NUMBER_FORMATS:
        if any(k in name for k in keys):
            return fmt
    return None


FROZEN_KEYS = ("year", "area", "practice_code", "name", "measure", "item", "group",
               "hub_id")


def style_workbook(book) -> None:
    """Bold, frozen header row (and the leading key columns: year, area, code, name…),
    number formats by column name (£, counts, WTE…), readable column widths. Empty cells
    stay empty (unknown)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    bold = Font(bold=True)
    for sheet in book.worksheets:
        header = [c.value for c in sheet[1]]
        keys = 0
        while keys < len(header) and str(header[keys]) in FROZEN_KEYS and keys < 2:
            keys += 1
        sheet.freeze_panes = sheet.cell(row=2, column=keys + 1).coordinate
        wide_text = header[:2] == ["item", "value"]
        by_row = header[:1] == ["measure"]
        for idx, title in enumerate(header, start=1):
            sheet.cell(row=1, column=idx).font = bold
            letter = get_column_letter(idx)
            fmt = number_format(title)
            width = len(str(title or ""))
            for (cell,) in sheet.iter_rows(min_row=2, min_col=idx, max_col=idx):
                value = cell.value
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    # a measure per row (hub_access, demand_range, compare): its format
                    shown_fmt = fmt or (number_format(sheet.cell(row=cell.row, column=1).value)
                                        if by_row else None)
                    if shown_fmt:
                        cell.number_format = shown_fmt
                    shown = len(f"{value:,.0f}") + (3 if shown_fmt and "." in shown_fmt else 1)
                elif wide_text and idx == 2:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    shown = min(len(str(value or "")), 100)
                else:
                    shown = len(str(value or ""))
                width = max(width, shown)
            sheet.column_dimensions[letter].width = min(100 if wide_text else 60,
                                                        max(8, width + 2))


def export_csv_folder(ds: Dataset, folder: Path,
                      tables: dict[str, pd.DataFrame] | None = None,
                      cover: pd.DataFrame | None = None) -> list[Path]:
    """The canonical data folder (what ``--data DIR`` opens), README.txt (the cover) and
    ``tables`` as CSVs, all swapped in as one folder."""
    if folder.exists() and not folder.is_dir():
        raise DataError(str(folder), "exists and is not a folder")
    extra = {f"{name}.csv": frame for name, frame in (tables or {}).items()}
    save_folder(ds, folder, extra={"README.txt": _readme_text(ds, cover), **extra})
    names = list(FILES.values()) + [OPTIONAL_FILES[k] for k in OPTIONAL_FILES
                                    if getattr(ds, k) is not None] + ["README.txt"]
    return [folder / n for n in names + list(extra)]


def export_geojson_folder(ds: Dataset, folder: Path,
                          tables: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """One GeoJSON per layer (points and polygons), README.txt and ``tables`` as CSVs."""
    label = data_label(ds)
    written = []
    frames = {"localities": ds.localities[["locality_id", "name", "hub_id", "geometry"]]}
    for name, key in (("practices", "practices"), ("hubs", "hubs"),
                      ("housing_sites", "housing"), ("population", "population")):
        if getattr(ds, key) is not None:
            frames[name] = _points(getattr(ds, key))
    with atomic_folder(folder) as tmp:
        for name, frame in frames.items():
            pyogrio.write_dataframe(frame, tmp / f"{name}.geojson", driver="GeoJSON",
                                    layer=name, layer_options={"DESCRIPTION": label})
            written.append(folder / f"{name}.geojson")
        for name, frame in (("pcns", ds.pcns), ("groups", ds.groups),
                            ("sources", sources_frame(ds)), *(tables or {}).items()):
            if frame is not None:
                spreadsheet_safe(frame).to_csv(tmp / f"{name}.csv", index=False,
                                               float_format="%.10g")
                written.append(folder / f"{name}.csv")
        (tmp / "README.txt").write_text(_readme_text(ds), encoding="utf-8")
    return written + [folder / "README.txt"]


def _readme_text(ds: Dataset, cover: pd.DataFrame | None = None) -> str:
    rows = cover if cover is not None else readme_rows(ds)
    lines = [f"{r.item}: {r.value}" for r in rows.itertuples()]
    if ds.is_sample:
        lines.insert(0, "ILLUSTRATIVE SAMPLE — NOT REAL DATA")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- opening an export again

def load_export(path: str | Path) -> Dataset:
    """Open a GeoPackage or GeoJSON-folder export (or a CSV folder) as a Dataset."""
    path = Path(path)
    if path.is_dir() and (path / FILES["practices"]).exists():
        return load_folder(path)
    with tempfile.TemporaryDirectory(prefix="medway-export-") as tmp:
        tmp = Path(tmp)
        if path.suffix.lower() == ".gpkg":
            check_input_file(path)
            try:
                with gdal_path(path) as readable:
                    have = {str(n) for n in pyogrio.list_layers(readable)[:, 0]}
            except Exception as exc:   # pyogrio's several error types for a damaged file
                raise DataError(path.name, "cannot be read as a GeoPackage "
                                           f"({str(exc).splitlines()[0][:120]})") from None

            def read(layer):
                with gdal_path(path) as readable:
                    return pyogrio.read_dataframe(readable, layer=layer)
        elif path.is_dir():
            have = {p.stem for p in path.iterdir()}
            def read(layer):
                if (path / f"{layer}.geojson").exists():
                    with gdal_path(path / f"{layer}.geojson") as readable:
                        return pyogrio.read_dataframe(readable)
                return read_csv_text(path / f"{layer}.csv")
        else:
            raise DataError(path.name, "is not a GeoPackage or an export folder")
        if "localities" not in have:
            raise DataError(path.name, "has no 'localities' layer")
        read("localities").to_file(tmp / FILES["localities"], driver="GeoJSON")
        for layer, name in {**POINT_LAYERS, **TABLE_LAYERS}.items():
            if layer not in have:
                if name in FILES.values():
                    raise DataError(path.name, f"has no '{layer}' layer")
                continue
            frame = pd.DataFrame(read(layer))
            frame = frame.drop(columns=[c for c in ("geometry",) if c in frame.columns])
            frame.to_csv(tmp / name, index=False, float_format="%.10g")
        ds = load_folder(tmp)
    ds.folder = None
    return ds
