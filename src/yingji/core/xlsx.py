"""Spreadsheets: (title, header, rows) sheets into one workbook served as a download with a Chinese file name, and
uploaded tables (xlsx or UTF-8 CSV) read back as numbered rows of text cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook, load_workbook

from yingji.core.errors import InvalidInput

Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.worksheets[0])
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(content: bytes, name: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(name)}.xlsx"
    return Response(content, media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition})


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: empty for None, ISO dates, stripped strings."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_table(content: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """The file's rows as (line, text cells): xlsx (first sheet) or UTF-8 CSV (BOM allowed). A CSV row's number is the
    line its record ends on, so a quoted cell spanning lines does not shift the numbers."""
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as err:  # openpyxl raises many kinds for a damaged file
            raise InvalidInput(field="file", reason=f"file：无法读取 xlsx 文件（{type(err).__name__}）") from err
        rows = sheet.iter_rows(values_only=True)
        return [(n, [cell_text(v) for v in row]) for n, row in enumerate(rows, start=1)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInput(field="file", reason="file：CSV 须为 UTF-8 编码") from err
    reader = csv.reader(io.StringIO(text))
    return [(reader.line_num, [cell.strip() for cell in row]) for row in reader]
