"""xlsx exports: (title, header, rows) sheets into one workbook, served as a download with a Chinese file name."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook

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
