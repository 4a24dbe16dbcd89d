"""The shared spreadsheet reader and writer (issue 21): uploads are streamed and stopped at their caps whatever the
file declares, and every export writes formula-looking text as text and drops control characters."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tests.support import spreadsheets as s
from yingji.core import xlsx
from yingji.core.errors import InvalidInput, TooLarge

HEADER = ["名称", "数量"]
MB = 1024 * 1024


def _read(content: bytes, filename: str = "t.xlsx", **caps: int) -> tuple[list[tuple[int, list[str]]], float]:
    """The table and the peak memory (MB) reading it took."""
    tracemalloc.start()
    try:
        table = xlsx.read_table(content, filename, **({"max_rows": 100} | caps))
        return table, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def test_the_declared_dimension_is_ignored_and_blank_rows_cost_nothing() -> None:
    table, peak = _read(s.dimension_bomb(HEADER, far_column=1))
    assert table == [(1, HEADER), (2, ["x"]), (1_048_576, ["远处的单元格"])]
    assert peak < 50


def test_cells_are_read_as_text_with_their_line_numbers() -> None:
    rows = s.row(1, HEADER) + s.row(3, ["", 12]) + "<row/>" + '<row r="7"><c r="B7" t="b"><v>1</v></c></row>'
    table, _ = _read(s.xlsx(s.worksheet(rows)))
    assert table == [(1, HEADER), (3, ["", "12"]), (7, ["", "True"])]  # the blank row 4 is not returned
    escaped, _ = _read(s.xlsx(s.worksheet(s.row(1, HEADER) + s.row(2, ["'=1+1", "'普通"]))))
    assert escaped[1] == (2, ["=1+1", "'普通"])  # a CSV export saved as xlsx by a spreadsheet program
    exported = xlsx.workbook([("表", HEADER, [["甲", 3], [None, None], ["乙", date(2026, 1, 31)]])])
    assert _read(exported)[0] == [(1, HEADER), (2, ["甲", "3"]), (4, ["乙", "2026-01-31"])]


def test_cells_read_as_openpyxl_reads_them() -> None:
    """Shared and inline strings (phonetic guides left out), numbers, booleans, dates by their style, cached formula
    values and errors: the same text as openpyxl's own reader gives."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["文本", 12, 2.5, True, date(2026, 1, 31), datetime(2026, 1, 31, 8, 30), " 两端空格 ", -3])
    sheet.append(["=1+1", None, "1E3"])
    typed = io.BytesIO()
    book.save(typed)
    rich = "<r><t>鄂尔多斯</t></r><r><rPr><b/></rPr><t>市</t></r><rPh sb='0' eb='1'><t>e er duo si</t></rPh>"
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="e"><v>#N/A</v></c></row>'
        '<row r="2"><c r="A2" t="str"><f>A1</f><v>缓存值</v></c><c r="C2" t="inlineStr"><is>'
        f"{rich}</is></c></row>"
    )
    shared = s.xlsx(s.worksheet(rows), strings=["<t>甲</t>", rich])
    for content in (typed.getvalue(), shared):
        theirs = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        expected = [
            (n, cells)
            for n, values in enumerate(theirs.iter_rows(values_only=True), start=1)
            if any(cells := [xlsx.cell_text(v) for v in values])
        ]
        got = _read(content)[0]
        assert got == [(n, cells[: max(i + 1 for i, c in enumerate(cells) if c)]) for n, cells in expected]
    assert _read(shared)[0] == [(1, ["甲", "鄂尔多斯市", "#N/A"]), (2, ["缓存值", "", "鄂尔多斯市"])]


def _parts(count: int) -> bytes:
    return s.xlsx(s.worksheet(s.row(1, HEADER)), parts={f"x/{n}.xml": b"" for n in range(count)})


BOMBS: list[tuple[str, Callable[[], bytes], str]] = [
    ("a far cell beyond the column cap", lambda: s.dimension_bomb(HEADER), "超过 200 列"),
    ("rows beyond the caller's cap", lambda: s.many_rows(HEADER, 101), "最多导入 100 行"),
    ("a filled cell in column 201", lambda: s.wide_row(HEADER, 201), "第 3 行超过 200 列"),
    ("sheet XML unpacking to 65 MB", lambda: s.zip_bomb(65), "64 MB"),
    (
        "a workbook part parsed whole",
        lambda: s.xlsx(s.worksheet(""), parts={"xl/workbook.xml": b" " * 2 * MB}),
        "workbook",
    ),
    ("too many parts", lambda: _parts(1_000), "1000 个部件"),
    ("two million blank rows", lambda: s.xlsx(s.worksheet("<row/>" * 2_000_001)), "2000000 个元素"),
    ("two million shared strings", lambda: s.xlsx(s.worksheet(""), strings=[""] * 1_000_001), "1000000 个"),
    ("a CSV line of 70 000 characters", lambda: ("a," * 35_000).encode(), "65536 个字符"),
    ("CSV rows beyond the cap", lambda: "名称\n".encode() + b"x\n" * 101, "最多导入 100 行"),
    ("a CSV row of 201 cells", lambda: ("名称\n" + "x," * 201).encode(), "200 列"),
]


@pytest.mark.parametrize(("content", "cap"), [(b[1], b[2]) for b in BOMBS], ids=[b[0] for b in BOMBS])
def test_uploads_beyond_a_cap_are_refused_with_413_before_being_read(content: Callable[[], bytes], cap: str) -> None:
    data = content()
    name = "t.csv" if not data.startswith(b"PK") else "t.xlsx"
    with pytest.raises(TooLarge) as caught:
        xlsx.read_table(data, name, max_rows=100)
    assert caught.value.status == 413 and caught.value.field == "file" and cap in caught.value.render()


def test_the_cell_cap_counts_every_row() -> None:
    with pytest.raises(TooLarge, match="too_large"):
        _read(("名称,数量\n" + "a,1\n" * 3).encode(), "t.csv", max_cells=7)
    assert len(_read(("名称,数量\n" + "a,1\n" * 3).encode(), "t.csv", max_cells=8)[0]) == 4


def test_zip_bombs_are_refused_without_unpacking_them() -> None:
    bomb = s.zip_bomb(200)
    assert len(bomb) < 1 * MB
    with pytest.raises(TooLarge):
        tracemalloc.start()
        try:
            xlsx.read_table(bomb, "t.xlsx", max_rows=10)
        finally:
            peak = tracemalloc.get_traced_memory()[1] / MB
            tracemalloc.stop()
    assert peak < 10


def test_a_csv_cell_with_a_control_character_is_refused_by_line_and_column() -> None:
    """(An xlsx cannot hold one at all: its XML is refused as damaged.)"""
    with pytest.raises(InvalidInput) as caught:
        xlsx.read_table("名称,数量\n甲,1\n乙\x0b丙,2\n".encode(), "t.csv", max_rows=10)
    assert caught.value.status == 422 and "第 3 行第 1 列含有不允许的控制字符（U+000B）" in caught.value.render()


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not a zip", s.xlsx(f"<worksheet {s.NS}>" + "<a>" * 40), s.xlsx("<worksheet>unclosed")],
    ids=["damaged zip", "nested too deep", "broken XML"],
)
def test_damaged_files_are_refused_with_422(content: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        xlsx.read_table(content, "t.xlsx", max_rows=10)
    assert caught.value.status == 422 and caught.value.field == "file"


# --- writing --------------------------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.com","点击")', "+86 471 1234567", "-2+3", "@SUM(A1:A2)", "\tx", "\rx", "＝1＋1"]
TYPED: list[object] = [-5, 2.5, Decimal("-1.5"), True, date(2026, 1, 31)]


def test_formula_looking_text_is_written_as_text_and_typed_values_stay_typed() -> None:
    content = xlsx.workbook([("表/1", ["列"], [[*FORMULAS, *TYPED, "普通文字", "含\x0b控制\x00字符", None]])])
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.title == "表_1"
    row = next(iter(sheet.iter_rows(min_row=2)))
    for written, given in zip(row, FORMULAS, strict=False):
        assert (written.value, written.data_type, written.quotePrefix) == (given, "s", True)
    typed = row[len(FORMULAS) : len(FORMULAS) + len(TYPED)]
    assert [c.value for c in typed] == [-5, 2.5, -1.5, True, datetime(2026, 1, 31)]
    assert not any(c.quotePrefix for c in typed) and typed[0].data_type == "n"
    assert [c.value for c in row[-2:]] == ["普通文字", "含控制字符"]


def test_aware_times_are_written_in_beijing_time() -> None:
    content = xlsx.workbook([("表", ["时间"], [[datetime(2026, 1, 1, 0, 30, tzinfo=UTC)]])])
    assert load_workbook(io.BytesIO(content)).worksheets[0]["A2"].value == datetime(2026, 1, 1, 8, 30)


def test_csv_cells_get_an_apostrophe_that_the_reader_removes() -> None:
    text = xlsx.csv_text(["名称", "数量"], [[f, n] for f, n in zip(FORMULAS, [-5, 1, 2, 3, 4, 5, 6], strict=True)])
    lines = text.splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://example.com"",""点击"")",-5'
    assert lines[2] == "'+86 471 1234567,1" and lines[3] == "'-2+3,2" and lines[4] == "'@SUM(A1:A2),3"
    assert xlsx.csv_text(["x"], [["含\x0b控制\x00字符"]]).splitlines()[1] == "含控制字符"
    table, _ = _read(text.encode(), "t.csv")
    assert [cells for _, cells in table[1:]] == [
        [f.strip(), str(n)] for f, n in zip(FORMULAS, [-5, 1, 2, 3, 4, 5, 6], strict=True)
    ]
