"""Crafted spreadsheets for the upload tests (a real openpyxl workbook whose sheet XML is replaced: declared dimensions
that lie, sparse far rows, zip bombs) and a reader of any export's cells (with the quotePrefix flag of xlsx cells)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

SHEET, STRINGS, MANIFEST = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "[Content_Types].xml"
STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx(
    sheet_xml: str | Iterable[bytes], strings: Iterable[str] | None = None, parts: dict[str, bytes] | None = None
) -> bytes:
    """A workbook whose first sheet is ``sheet_xml`` (text, or chunks written as they come so a bomb is never held
    whole), with a shared-string table of ``strings`` items (``si`` inner XML) and extra or replaced ``parts``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["x"])
    raw = io.BytesIO()
    book.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    parts = dict(parts or {})
    if strings is not None:
        table = "".join(f"<si>{item}</si>" for item in strings)
        parts = {STRINGS: f"<sst {NS}>{table}</sst>".encode()} | parts
        manifest = source.read(MANIFEST).decode().replace("</Types>", f"{STRINGS_TYPE}</Types>")
        parts = {MANIFEST: manifest.encode()} | parts
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == SHEET:
                with target.open(SHEET, "w") as handle:
                    for chunk in [sheet_xml.encode()] if isinstance(sheet_xml, str) else sheet_xml:
                        handle.write(chunk)
            elif item.filename not in parts:
                target.writestr(item.filename, source.read(item))
        for path, data in parts.items():
            target.writestr(path, data)
    return out.getvalue()


def cell(column: int, row: int, value: object) -> str:
    ref = f"{get_column_letter(column)}{row}"
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row(number: int, values: Iterable[object], first_column: int = 1) -> str:
    cells = "".join(cell(first_column + i, number, v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def worksheet(rows: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"<worksheet {NS}>{declared}<sheetData>{rows}</sheetData></worksheet>"


def dimension_bomb(header: Iterable[str], far_column: int = 16_384) -> bytes:
    """About 2 KB declaring A1:XFD1048576, with the header, one ordinary row and one filled cell in row 1048576: a
    reader that pads rows to the declared dimension builds 17 billion cells."""
    rows = row(1, header) + row(2, ["x"]) + row(1_048_576, ["远处的单元格"], first_column=far_column)
    return xlsx(worksheet(rows, "A1:XFD1048576"))


def many_rows(header: Iterable[str], count: int) -> bytes:
    """A few KB compressed: the header and ``count`` identical rows."""
    data = "".join(row(n, ["x"]) for n in range(2, count + 2))
    return xlsx(worksheet(row(1, header) + data, f"A1:A{count + 1}"))


def wide_row(header: Iterable[str], column: int) -> bytes:
    return xlsx(worksheet(row(1, header) + row(2, ["x"]) + row(3, ["太宽"], first_column=column)))


def zip_bomb(megabytes: int) -> bytes:
    """A sheet whose XML unpacks to ``megabytes`` MB (blank padding after the data compresses a thousandfold)."""
    head = f"<worksheet {NS}><sheetData>{row(1, ['a'])}</sheetData>".encode()
    pad = b" " * 1_048_576
    return xlsx([head, *(pad for _ in range(megabytes)), b"</worksheet>"])


def cells(kind: str, content: bytes) -> list[tuple[object, bool]]:
    """Every non-empty cell of an export as (value, written as text with quotePrefix); CSV cells are all text."""
    if kind == "csv":
        rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        return [(value, False) for r in rows for value in r if value]
    book = load_workbook(io.BytesIO(content))
    found: list[tuple[object, bool]] = []
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for c in line:
                if c.value is not None and c.value != "":
                    assert c.data_type != "f", f"{sheet.title}!{c.coordinate} is a formula: {c.value!r}"
                    found.append((c.value, bool(c.quotePrefix)))
    return found


def rows_of(content: bytes) -> list[tuple[object, ...]]:
    """An exported workbook's first sheet as rows of values (the header first)."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]
