"""Spreadsheets in and out.

Out: every xlsx and CSV export goes through ``workbook`` or ``csv_text``. Text that a spreadsheet program would run
as a formula (starting with = + - @, tab or CR) is written as text: an xlsx string cell with the quotePrefix style, a
CSV cell behind an apostrophe that import removes again. Control characters an xlsx cannot hold are dropped;
numbers, dates and booleans stay typed. In: ``read_table`` streams an uploaded xlsx (first sheet) or UTF-8 CSV into
numbered rows of text cells and stops at the caps (rows, columns, cells, unpacked size) with 413 before reading
further; the declared sheet dimension is ignored and blank rows are never materialised.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import quote
from xml.etree.ElementTree import XMLParser

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS

from yingji.core import text
from yingji.core.clock import to_local
from yingji.core.errors import InvalidInput, TooLarge, YingjiError

Sheet = tuple[str, Sequence[object], Iterable[Sequence[object]]]
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# an export route's OpenAPI answer
RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "xlsx 文件", "content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}}
}

# Caps of an uploaded table. Rows are given by the caller (its own limit); blank rows do not count.
MAX_COLUMNS = 200  # the widest import form has 23 columns
MAX_CELLS = 1_000_000  # cells kept, over all rows (a row's width up to its last filled cell)
MAX_LINE_CHARS = 65_536  # one physical CSV line
MAX_ZIP_ENTRIES = 1_000  # an xlsx written by a spreadsheet program has a dozen or two
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # all parts together, as the zip directory declares them
MAX_WHOLE_PART_BYTES = 1024 * 1024  # a part openpyxl parses whole: content types, workbook and its links
MAX_XML_ELEMENTS = 2_000_000  # elements of the sheet or string table, blank ones included: twice a full import
MAX_XML_DEPTH = 32
CHUNK_BYTES = 65_536

# Text a spreadsheet program would run as a formula; the full-width forms too (a Chinese IME types them).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
TYPED = (bool, int, float, Decimal, date, time, timedelta)
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
SHEET_DATA, ROW, CELL, VALUE, INLINE, TEXT, SI, RPH, NUMBER_FORMAT, CELL_STYLES, CELL_STYLE = (
    f"{{{SHEET_MAIN_NS}}}{tag}"
    for tag in ("sheetData", "row", "c", "v", "is", "t", "si", "rPh", "numFmt", "cellXfs", "xf")
)


# --- export ---------------------------------------------------------------------------------------------------------


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if value is None or (isinstance(value, TYPED) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None) if value.tzinfo is not None else value
    cleaned = text.clean(str(value))
    if not looks_like_formula(cleaned):
        return cleaned
    cell = WriteOnlyCell(sheet, value=cleaned)
    cell.data_type = "s"  # openpyxl would store a leading = as a formula
    cell.quotePrefix = True  # and Excel would turn the text into one when the cell is edited
    return cell


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """Sheets of (title, header, rows) as one xlsx: every export's writer."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(SHEET_TITLE_FORBIDDEN.sub("_", text.clean(title))[:31] or "Sheet")
        for row in (header, *rows):
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return cell_text(value)
    cleaned = text.clean(value)
    return "'" + cleaned if looks_like_formula(cleaned) else cleaned


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text: every CSV export's writer (a formula-looking cell gets a leading apostrophe,
    which ``read_table`` removes again, so an exported file imports as it is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # CRLF records: a CR inside a cell is then quoted too
    writer.writerow([_csv_cell(v) for v in header])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def response(content: bytes, name: str) -> Response:
    disposition = f"attachment; filename*=UTF-8''{quote(name)}.xlsx"
    return Response(content, media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition})


# --- import ---------------------------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as text: empty for None, ISO dates, stripped strings."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def unescape(value: str) -> str:
    """An imported cell without the apostrophe ``csv_text`` put before formula-looking text (kept by a spreadsheet
    program that opened the CSV and saved it as xlsx)."""
    return value[1:] if value.startswith("'") and looks_like_formula(value[1:]) else value


def read_table(
    content: bytes,
    filename: str,
    *,
    max_rows: int,
    max_columns: int = MAX_COLUMNS,
    max_cells: int = MAX_CELLS,
) -> list[tuple[int, list[str]]]:
    """The file's non-blank rows as (line, text cells), the first being the header: xlsx (first sheet) or UTF-8 CSV
    (BOM allowed). A CSV row's number is the line its record ends on, so a quoted cell spanning lines does not shift
    the numbers. More than ``max_rows`` rows after the header, a filled cell beyond ``max_columns`` or more than
    ``max_cells`` cells is refused (413) as soon as it is met; a cell holding a control character is refused (422)."""
    rows = _xlsx_rows(content, max_columns) if filename.lower().endswith(".xlsx") else _csv_rows(content)
    table: list[tuple[int, list[str]]] = []
    cells = 0
    for line, values in rows:
        if len(table) > max_rows:
            raise TooLarge(field="file", reason=f"file：一次最多导入 {max_rows} 行（不含表头）")
        if len(values) > max_columns:
            raise TooLarge(field="file", reason=f"file：第 {line} 行超过 {max_columns} 列的上限")
        cells += len(values)
        if cells > max_cells:
            raise TooLarge(field="file", reason=f"file：超过 {max_cells} 个单元格的上限")
        for column, value in enumerate(values, start=1):
            if (char := text.first_control(value)) is not None:
                problem = text.PROBLEM.format(char=char)
                raise InvalidInput(field="file", reason=f"file：第 {line} 行第 {column} 列{problem}")
        table.append((line, values))
    return table


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        decoded = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInput(field="file", reason="file：CSV 须为 UTF-8 编码") from err

    def lines() -> Iterator[str]:
        for line in io.StringIO(decoded):
            if len(line) > MAX_LINE_CHARS:
                raise TooLarge(field="file", reason=f"file：CSV 单行超过 {MAX_LINE_CHARS} 个字符的上限")
            yield line

    reader = csv.reader(lines())
    try:
        for record in reader:
            cells = [unescape(cell.strip()).strip() for cell in record]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield reader.line_num, cells
    except csv.Error as err:
        raise InvalidInput(field="file", reason=f"file：第 {reader.line_num} 行不是合法的 CSV（{err}）") from err


class _GuardedZip(zipfile.ZipFile):
    """A zip whose parts openpyxl reads whole are refused beyond a size (sheet and strings are streamed instead)."""

    def read(self, name: str | zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        if info.file_size > MAX_WHOLE_PART_BYTES:
            raise TooLarge(field="file", reason=f"file：xlsx 文件中的 {info.filename} 解压后超过上限")
        return super().read(name, pwd)


def _open_xlsx(content: bytes) -> _GuardedZip:
    """The zip, refused by what its directory declares (entries, unpacked size) before anything is unpacked; Python's
    zipfile never unpacks a part beyond its declared size."""
    archive = _GuardedZip(io.BytesIO(content))
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise TooLarge(field="file", reason=f"file：xlsx 文件包含超过 {MAX_ZIP_ENTRIES} 个部件")
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise TooLarge(field="file", reason=f"file：xlsx 文件解压后超过 {MAX_UNPACKED_BYTES // 1048576} MB 的上限")
    return archive


def _xlsx_rows(content: bytes, max_columns: int) -> Iterator[tuple[int, list[str]]]:
    try:
        archive = _open_xlsx(content)
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
        reader.archive = archive
        reader.read_manifest()
        reader.read_workbook()
        styles = _Styles()
        if ARC_STYLE in reader.valid_files:
            for _ in _parse(archive, ARC_STYLE, styles):
                pass  # fills styles.formats
        strings = _SharedStrings()
        for part in reader.package.Override:
            if part.ContentType == SHARED_STRINGS:
                for _ in _parse(archive, part.PartName[1:], strings):
                    pass  # the table yields no rows; it fills strings.values
                break
        sheet = next(
            (
                r.target
                for _, r in reader.parser.find_sheets()
                if "chartsheet" not in r.Type and r.target in reader.valid_files
            ),
            None,
        )
        if sheet is None:
            raise InvalidInput(field="file", reason="file：xlsx 文件中没有工作表")
        rows = _SheetRows(strings.values, reader.wb.epoch, styles.dates(), styles.durations(), max_columns)
        yield from _parse(archive, sheet, rows)
    except YingjiError:
        raise
    except Exception as err:  # zipfile, XML and openpyxl raise many kinds for a damaged file
        raise InvalidInput(field="file", reason=f"file：无法读取 xlsx 文件（{type(err).__name__}）") from err


class _Part:
    """A push-parser target for one streamed part: no element tree is built, so memory does not grow with the part;
    elements are counted (blank ones too) and nesting is bounded. ``done`` ends the parse early."""

    def __init__(self) -> None:
        self.elements = self.depth = 0
        self.done = False
        self.ready: list[tuple[int, list[str]]] = []
        self.text: list[str] | None = None  # collecting character data when a list

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise TooLarge(field="file", reason=f"file：xlsx 文件中的工作表或字符串表超过 {MAX_XML_ELEMENTS} 个元素")
        if self.depth > MAX_XML_DEPTH:
            raise InvalidInput(field="file", reason="file：xlsx 文件结构嵌套过深")
        self.on_start(tag, attrib)

    def end(self, tag: str) -> None:
        self.depth -= 1
        self.on_end(tag)

    def data(self, chunk: str) -> None:
        if self.text is not None:
            self.text.append(chunk)

    def on_start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def on_end(self, tag: str) -> None: ...


def _parse(archive: zipfile.ZipFile, name: str, target: _Part) -> Iterator[tuple[int, list[str]]]:
    """Feed a part to ``target`` in chunks, yielding the rows it has completed after each."""
    parser = XMLParser(target=target)
    with archive.open(name) as source:
        while not target.done and (chunk := source.read(CHUNK_BYTES)):
            parser.feed(chunk)
            yield from target.ready
            target.ready.clear()
    if not target.done:
        parser.close()
        yield from target.ready


class _Styles(_Part):
    """Which cell styles (cellXfs, by position) show a date or a duration, decided by their number format as openpyxl
    decides it; nothing else of the stylesheet is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []  # numFmtId of each cell style
        self.in_cell_styles = False

    def on_start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == NUMBER_FORMAT:
            self.custom[int(attrib["numFmtId"])] = attrib.get("formatCode", "")
        elif tag == CELL_STYLES:
            self.in_cell_styles = True
        elif tag == CELL_STYLE and self.in_cell_styles:
            self.formats.append(int(attrib.get("numFmtId", 0)))

    def on_end(self, tag: str) -> None:
        if tag == CELL_STYLES:
            self.in_cell_styles = False

    def _codes(self) -> list[str]:
        return [self.custom.get(n) or builtin_format_code(n) or "" for n in self.formats]

    def dates(self) -> set[int]:
        return {i for i, code in enumerate(self._codes()) if is_date_format(code)}

    def durations(self) -> set[int]:
        return {i for i, code in enumerate(self._codes()) if is_timedelta_format(code)}


class _SharedStrings(_Part):
    """The shared-string table: each ``si``'s text runs joined, phonetic guides (rPh) left out, as openpyxl reads it."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[str] = []
        self.phonetic = 0

    def on_start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == SI:
            if len(self.values) >= MAX_CELLS:
                raise TooLarge(field="file", reason=f"file：xlsx 文件的共享字符串超过 {MAX_CELLS} 个")
            self.text, self.phonetic = [], 0
        elif tag == RPH:
            self.phonetic += 1

    def data(self, chunk: str) -> None:
        if self.text is not None and not self.phonetic:
            self.text.append(chunk)

    def on_end(self, tag: str) -> None:
        if tag == RPH:
            self.phonetic -= 1
        elif tag == SI and self.text is not None:
            self.values.append("".join(self.text).replace("x005F_", ""))
            self.text = None


class _SheetRows(_Part):
    """The first sheet's rows as text cells; only cells with a value are kept, so a blank row or cell costs nothing,
    and reading stops at the end of ``sheetData``."""

    def __init__(
        self, strings: list[str], epoch: datetime, dates: set[int], durations: set[int], max_columns: int
    ) -> None:
        super().__init__()
        self.strings, self.epoch, self.dates, self.durations = strings, epoch, dates, durations
        self.max_columns = max_columns
        self.line = self.column = 0
        self.values: dict[int, str] = {}
        self.kind, self.style = "n", 0
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.phonetic = 0

    def on_start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == CELL:
            ref = attrib.get("r")
            self.column = column_index_from_string(coordinate_from_string(ref)[0]) if ref else self.column + 1
            self.kind, self.style = attrib.get("t", "n"), int(attrib.get("s", 0))
            self.value, self.inline = None, None
        elif tag == VALUE:
            self.text = []
        elif tag == INLINE:
            self.inline = []
        elif tag == TEXT and self.inline is not None and not self.phonetic:
            self.text = self.inline
        elif tag == RPH:
            self.phonetic += 1
        elif tag == ROW:
            given = attrib.get("r")
            self.line = int(given) if given else self.line + 1
            self.column, self.values = 0, {}

    def on_end(self, tag: str) -> None:
        if tag == VALUE:
            self.value, self.text = "".join(self.text or ()), None
        elif tag == TEXT:
            self.text = None
        elif tag == RPH:
            self.phonetic -= 1
        elif tag == CELL:
            text = unescape(self._cell()).strip()
            if text:
                if self.column > self.max_columns:
                    raise TooLarge(field="file", reason=f"file：第 {self.line} 行超过 {self.max_columns} 列的上限")
                self.values[self.column] = text
        elif tag == ROW:
            if self.values:
                self.ready.append((self.line, [self.values.get(i, "") for i in range(1, max(self.values) + 1)]))
        elif tag == SHEET_DATA:
            self.done = True

    def _cell(self) -> str:
        """The cell as text, typed as openpyxl types it (data_only: a formula's cached value)."""
        if self.kind == "inlineStr":
            return "".join(self.inline or ()).strip()
        raw = self.value
        if not raw:
            return ""
        if self.kind == "s":
            return self.strings[int(raw)].strip()
        if self.kind == "b":
            return str(bool(int(raw)))
        if self.kind == "d":
            return cell_text(datetime.fromisoformat(raw))
        if self.kind != "n":  # str (a formula's text), e (an error such as #N/A)
            return raw.strip()
        number = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
        if self.style in self.dates:
            try:
                return cell_text(from_excel(number, self.epoch, timedelta=self.style in self.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"
        return cell_text(number)
