"""Reading register files safely (issue 16, items 3 and 17): sheets out of proportion to their content are
refused before they are read, only the header's columns are read, a run of empty rows ends the sheet; every
documented header maps to its own column and an ambiguous one is refused with its place."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from core import tabular
from core.tabular import TabularError
from registers.columns import COLUMNS

HEADER = ["facility_code", "block_name", "number", "accommodation_type"]


def workbook(rows=(("АҚ-159/7", "Блок 1", "1-01", "dormitory"),), header=HEADER) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook ``data`` with its first sheet's XML passed through ``change`` (text -> text)."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            out.writestr(info.filename, content)
    return target.getvalue()


def far_blank_cell(ref: str, dimension: bool = True):
    """A blank (styled) cell at ``ref``, the dimension claiming up to it (or no dimension at all)."""
    row = re.sub(r"[A-Z]+", "", ref)

    def change(xml: str) -> str:
        xml = xml.replace("</sheetData>", f'<row r="{row}"><c r="{ref}" s="0"/></row></sheetData>')
        if dimension:
            return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{ref}"/>', xml)
        return re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)

    return change


def read_all(data, kind="cells"):
    table = tabular.read_table(data, COLUMNS[kind])
    return list(table.rows)


@pytest.mark.parametrize("ref", ["XFD1048576", "N1048576", "ZZ40000", "GT10"])
def test_a_sheet_claiming_a_huge_dimension_is_refused_before_it_is_read(ref, monkeypatch):
    data = rewrite_sheet(workbook(), far_blank_cell(ref))
    assert len(data) < 10_000
    walked = []
    original = tabular.Table

    def spy(*args, **kwargs):  # the rows are never reached
        walked.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(tabular, "Table", spy)
    with pytest.raises(TabularError, match="out of proportion to its content"):
        tabular.read_table(data, COLUMNS["cells"])
    assert walked == []


def test_a_far_blank_cell_without_a_dimension_reads_only_the_header_columns_and_stops_at_empty_rows(monkeypatch):
    data = rewrite_sheet(workbook(), far_blank_cell("XFD1048576", dimension=False))
    seen = []
    original = tabular._read_xlsx

    def counting(*args):
        header, rows, table = original(*args)

        def counted():
            for number, values in rows:
                seen.append(len(values))
                yield number, values

        return header, counted(), table

    monkeypatch.setattr(tabular, "_read_xlsx", counting)
    rows = read_all(data)
    assert [values["number"] for _number, values in rows] == ["1-01"]
    assert seen == [len(HEADER) + 1]  # one row of data, read as wide as the header (and one more)


def test_a_run_of_empty_rows_ends_the_sheet_and_a_sheet_that_goes_on_after_it_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "EMPTY_RUN", 3)
    rows = [("АҚ-159/7", "Блок 1", "1-01", "dormitory"), (None,), (None,), ("АҚ-159/7", "Блок 1", "1-02", "dormitory")]
    assert [v["number"] for _n, v in read_all(workbook(rows))] == ["1-01", "1-02"]  # a gap of two: read on
    trailing = rows[:1] + [(None,)] * 3
    assert [v["number"] for _n, v in read_all(workbook(trailing))] == ["1-01"]  # empty rows at the end: the end
    rows = rows[:3] + [(None,), ("АҚ-159/7", "Блок 1", "1-03", "dormitory")]
    with pytest.raises(TabularError, match="Rows 3 to 5 are empty and row 6 has values again"):
        read_all(workbook(rows))


def test_a_value_right_of_the_header_is_still_refused():
    data = workbook([("АҚ-159/7", "Блок 1", "1-01", "dormitory", "extra")])
    with pytest.raises(TabularError, match="more values than the header"):
        read_all(data)


def test_a_part_that_unpacks_far_beyond_its_packed_size_is_refused():
    def change(xml: str) -> str:  # 3 MB of empty cells in one row: compresses about 1000 times
        return xml.replace("</sheetData>", '<row r="3">' + '<c s="0"/>' * 300_000 + "</row></sheetData>")

    data = rewrite_sheet(workbook(), change)
    with pytest.raises(TabularError, match="unpacks to .* times its size"):
        read_all(data)


def test_shared_strings_out_of_proportion_are_refused_before_they_are_read(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_SHARED_STRINGS_BYTES", 100)
    loaded = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: loaded.append(1))
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info.filename))
        out.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>Блок 1</t></si>" * 20 + "</sst>")
    with pytest.raises(TabularError, match="MB of distinct texts, out of proportion to a register"):
        read_all(target.getvalue())
    assert loaded == []


def test_a_normal_sheet_with_some_empty_rows_formatted_is_read():
    rows = [("АҚ-159/7", "Блок 1", f"1-{n:03d}", "dormitory") for n in range(300)]
    data = rewrite_sheet(workbook(rows), far_blank_cell("D5000"))
    assert len(read_all(data)) == 300


# --- headers (item 17) ---------------------------------------------------------------------------------

DOCUMENTED = [
    (kind, column.name, header)
    for kind, columns in COLUMNS.items()
    for column in columns
    for header in (column.name, *column.headers)
]


@pytest.mark.parametrize("kind,name,header", DOCUMENTED, ids=[f"{k}-{n}-{h}" for k, n, h in DOCUMENTED])
def test_every_documented_header_maps_to_its_own_column(kind, name, header):
    columns = COLUMNS[kind]
    required = [c for c in columns if c.required and c.name != name]
    line = [header, *[c.name for c in required]]
    for spelling in (line, [f" {header.upper()} *", *line[1:]]):
        table = tabular.read_table(",".join(spelling).encode() + b"\n" + b",".join(b"x" for _ in spelling), columns)
        assert table.headers[name] == spelling[0].strip()


def test_the_three_name_columns_of_a_facility_file_each_get_their_name():
    header = "code,kind,region,название (англ.),название,название (каз.)\n"
    table = tabular.read_table((header + "X-1,colony,KZ-35,Colony,Колония,Колониясы\n").encode(), COLUMNS["facilities"])
    ((_number, row),) = list(table.rows)
    assert (row["name_en"], row["name_ru"], row["name_kk"]) == ("Colony", "Колония", "Колониясы")
    header = "code,kind,region,атауы (ағылш.),атауы (орыс.),атауы\n"
    table = tabular.read_table((header + "X-1,colony,KZ-35,Colony,Колония,Колониясы\n").encode(), COLUMNS["facilities"])
    ((_number, row),) = list(table.rows)
    assert (row["name_en"], row["name_ru"], row["name_kk"]) == ("Colony", "Колония", "Колониясы")


@pytest.mark.parametrize("header", ["name", "Name (m²)", "название (нем.)"])
def test_an_ambiguous_header_is_refused_with_its_place(header):
    line = f"code,kind,region,{header}\nX-1,colony,KZ-35,Colony\n"
    with pytest.raises(
        TabularError, match=r"Row 1, column 4: the header .* may stand for any of name_en, name_kk, name_ru"
    ):
        tabular.read_table(line.encode(), COLUMNS["facilities"])


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2101-01-01", "２０２６-11-05", "05.11.٢٠٢٦"])
def test_every_import_date_is_in_ascii_digits_and_within_the_portals_dates(text):
    """core.tabular.date is the one reader of an import's dates: the bounds of core.bounds.DATES and ASCII
    digits hold for the headcount, residence and cell imports alike."""
    from core import tabular

    with pytest.raises(ValueError):
        tabular.date(text)
    assert tabular.date("2026-11-05") == tabular.date("05.11.2026")


@pytest.mark.parametrize("text", ["1 2 3", "1 23", "1 2345", "12 345 67", "1234 567"])
def test_digits_spaced_other_than_by_thousands_are_refused(text):
    """``1 2 3`` was read as 123: spaces group thousands only (core.tabular._check_space_groups)."""
    from core import tabular

    with pytest.raises(ValueError, match="is not a number"):
        tabular.decimal(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 234,5", "1234.5"), ("940 000 000,00", "940000000.00"), ("1\u00a0234", "1234"), ("-1 000", "-1000")],
)
def test_thousands_grouped_by_spaces_are_read(text, value):
    from decimal import Decimal

    from core import tabular

    assert tabular.decimal(text) == Decimal(value)
