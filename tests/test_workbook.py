"""The finance workbook (File → Export data → XLSX, `export --out F.xlsx`), opened with
openpyxl as a finance analyst's Excel would: the in-year columns of every by-year sheet sum
over its area rows to the total the workbook shows, £ and number formats, frozen headers,
empty cells (never 0) for unknowns, the supply sheets and the cover sheet."""
from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from cli import main as cli_main
from geo.canonical import load_folder, load_sample
from models.plan import Plan
from rendering.plan_tables import export_plan


def rows_of(sheet) -> pd.DataFrame:
    """A sheet as the analyst sees it: header row, then the values (None = empty cell)."""
    values = list(sheet.iter_rows(values_only=True))
    return pd.DataFrame(values[1:], columns=values[0])


def by_year_sheets(book) -> list[str]:
    return [n for n in book.sheetnames if n.startswith("demand_by_")
            and not n.endswith("_total")]


def check_sums(book) -> int:
    """Every in-year column summed over a by-year sheet's area rows equals the total sheet's
    all-years row, and each year's area rows its year row. Returns the columns checked."""
    checked = 0
    for name in by_year_sheets(book):
        areas, total = rows_of(book[name]), rows_of(book[name + "_total"])
        assert "Medway" not in " ".join(map(str, areas["area"])), name  # no total among them
        assert total["area"].iloc[-1].startswith("Medway") and "all years" in \
            total["area"].iloc[-1]
        in_year = [c for c in areas.columns if c.endswith("_in_year")]
        assert {"new_patients_in_year", "gp_wte_needed_in_year", "rooms_needed_in_year",
                "floorspace_m2_in_year", "capital_cost_gbp_in_year"} <= set(in_year)
        for col in in_year:
            assert areas[col].sum() == pytest.approx(total[col].iloc[-1], rel=1e-9,
                                                     abs=1e-6), (name, col)
            per_year = areas.groupby("year")[col].sum()
            years = total.dropna(subset=["year"]).set_index("year")[col]
            assert per_year.to_numpy() == pytest.approx(years.loc[per_year.index].to_numpy(),
                                                        rel=1e-9, abs=1e-6), (name, col)
            to_date = col.replace("_in_year", "_to_date")
            assert total[to_date].iloc[-1] == pytest.approx(total[col].iloc[-1], rel=1e-9,
                                                            abs=1e-6), (name, col)
            checked += 1
    return checked


def format_of(sheet, column: str) -> str:
    header = [c.value for c in sheet[1]]
    col = header.index(column) + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=col)
        if isinstance(cell.value, (int, float)):
            return cell.number_format
    raise AssertionError(f"{sheet.title}.{column} holds no number")


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory):
    """The sample with a grouping, exported as File → Export data does."""
    plan = Plan(load_sample())
    mains = plan.dataset.main_practices()["practice_code"].tolist()
    plan.set_state("groups", {c: ("G1" if i % 2 else "G2") for i, c in enumerate(mains)})
    path = tmp_path_factory.mktemp("book") / "sample.xlsx"
    export_plan(plan, path, scenario="Option B")
    return openpyxl.load_workbook(path)


def test_every_in_year_column_adds_up_to_the_total_shown(sample_book):
    assert set(by_year_sheets(sample_book)) == {"demand_by_locality", "demand_by_group",
                                                "demand_by_hub"}
    assert check_sums(sample_book) >= 3 * 5
    areas = rows_of(sample_book["demand_by_locality"])
    total = rows_of(sample_book["demand_by_locality_total"])
    assert areas["new_patients_in_year"].sum() == pytest.approx(8088)
    # to-date columns are running totals: the last year's, not their sum, is the total
    last = areas[areas["year"] == areas["year"].max()]
    assert last["capital_cost_gbp_to_date"].sum() == pytest.approx(
        total["capital_cost_gbp_in_year"].iloc[-1])


def test_money_and_counts_are_formatted_and_headers_frozen(sample_book):
    sheet = sample_book["demand_by_locality"]
    assert sheet.freeze_panes == "C2"                          # header + year, area
    assert "£" in format_of(sheet, "capital_cost_gbp_in_year")
    assert format_of(sheet, "new_patients_to_date") == "#,##0"
    assert format_of(sheet, "gp_wte_needed_in_year") == "#,##0.0"
    for name in sample_book.sheetnames:
        ws = sample_book[name]
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), name
        assert all(c.font.bold for c in ws[1] if c.value is not None), name
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert min(widths) >= 8, name


def test_cover_comes_first_and_says_how_to_read_each_sheet(sample_book):
    assert sample_book.sheetnames[0] == "Cover"
    cover = dict(rows_of(sample_book["Cover"]).itertuples(index=False))
    assert cover["Scenario"] == "Option B"
    assert cover["Data"].startswith("Illustrative sample")
    assert "ILLUSTRATIVE" in cover["Note"]
    assert any(k.startswith("Data date") for k in cover)
    assert "_in_year" in cover["How to read"] and "empty cell" in cover["How to read"]
    for name in sample_book.sheetnames[1:]:
        assert cover.get(f"Sheet: {name}"), f"the cover does not explain {name}"


def test_the_supply_sheets_are_there(sample_book):
    supply = rows_of(sample_book["supply"])
    assert {"practice_code", "list_size", "list_date", "gp_headcount", "gp_fte",
            "patients_per_gp", "gp_gap", "weighted_list", "imd_score",
            "premises_gbp"} <= set(supply.columns)
    assert len(supply) == len(load_sample().main_practices())
    areas = rows_of(sample_book["supply_by_locality"])
    total = rows_of(sample_book["supply_by_locality_total"])
    assert "Medway" not in set(areas["area"]) and len(total) == 1
    assert areas["list_size"].sum() == total["list_size"].iloc[0]
    # the sample has no deprivation or payments: empty cells, never 0
    assert supply["imd_score"].isna().all() and supply["premises_gbp"].isna().all()


def test_cli_export_writes_the_same_workbook(tmp_path):
    out = tmp_path / "f.xlsx"
    assert cli_main(["export", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Cover" and check_sums(book) >= 2 * 5


def test_the_csv_folder_has_the_same_columns(tmp_path, sample_book):
    plan = Plan(load_sample())
    export_plan(plan, tmp_path / "folder")
    csv = pd.read_csv(tmp_path / "folder" / "demand_by_locality.csv")
    assert list(csv.columns) == list(rows_of(sample_book["demand_by_locality"]).columns)
    total = pd.read_csv(tmp_path / "folder" / "demand_by_locality_total.csv")
    assert csv["capital_cost_gbp_in_year"].sum() == pytest.approx(
        total["capital_cost_gbp_in_year"].iloc[-1])
    assert (tmp_path / "folder" / "supply.csv").exists()
    assert "_in_year" in (tmp_path / "folder" / "README.txt").read_text()
    assert load_folder(tmp_path / "folder").practices["list_size"].sum() == \
        plan.dataset.practices["list_size"].sum()            # still a data folder


def test_the_demand_tabs_workbook_adds_up_too(tmp_path):
    from rendering.sheets import export_demand
    plan = Plan(load_sample())
    out = tmp_path / "demand.xlsx"
    export_demand(plan.project_demand(), out, plan.dataset.label, ds=plan.dataset)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Cover"
    assert check_sums(book) >= 5
    assert {"supply_by_locality", "supply_by_locality_total", "demand_range",
            "assumptions"} <= set(book.sheetnames)


# ------------------------------------------------------------------ the real Medway files

@pytest.fixture(scope="module")
def real_book(tmp_path_factory):
    """The real import with the 2026-04 lists (12 practices without a list), GP FTE,
    payments and IMD, exported with `export --data DIR --out F.xlsx`."""
    from tests.test_supply_fte_real import _import
    folder = _import(tmp_path_factory.mktemp("real") / "medway")
    out = folder.parent / "medway.xlsx"
    assert cli_main(["export", "--data", str(folder), "--out", str(out)]) == 0
    return openpyxl.load_workbook(out), load_folder(folder)


@pytest.mark.slow
def test_real_workbook_adds_up_and_leaves_unknown_lists_empty(real_book):
    book, ds = real_book
    assert check_sums(book) >= 2 * 5
    practices = rows_of(book["practices"])
    unknown = ~ds.practices["list_size_known"].to_numpy()
    assert unknown.sum() >= 1
    assert practices.loc[unknown, "list_size"].isna().all()   # empty, not 0
    assert practices.loc[~unknown, "list_size"].notna().all()
    supply = rows_of(book["supply"]).set_index("practice_code")
    codes = ds.practices.loc[unknown & (ds.practices["parent_code"] == ""), "practice_code"]
    assert supply.loc[codes, "list_size"].isna().all()
    no_patients = supply.loc[codes, "period_patients"].isna()     # nothing to divide
    assert supply.loc[codes[no_patients.to_numpy()], "patients_per_gp"].isna().all()
    assert supply["gp_date"].notna().all() and supply["gp_fte"].notna().sum() > 30
    assert supply["list_date"].dropna().str.startswith("2026").all()
    assert supply["imd_score"].notna().sum() > 30 and supply["premises_gbp"].notna().sum() > 30
    assert "£" in format_of(book["supply"], "premises_gbp")
    cover = dict(rows_of(book["Cover"]).itertuples(index=False))
    assert "Illustrative" not in " ".join(map(str, cover.values()))
    assert any("2026" in str(v) for k, v in cover.items() if k.startswith("Data date"))


def test_no_sheet_mixes_the_whole_area_with_its_areas(sample_book):
    """Any sheet of area rows (demand, supply, capacity) keeps the whole area on its _total
    sheet, so a SUM over a column never counts it twice."""
    checked = 0
    for name in sample_book.sheetnames:
        rows = rows_of(sample_book[name])
        if "area" not in rows.columns or name.endswith("_total"):
            continue
        assert not rows["area"].astype(str).str.startswith("Medway").any(), name
        assert name + "_total" in sample_book.sheetnames, name
        checked += 1
    assert checked >= 4
