"""Import and export of the instrument registry as a table (CSV or xlsx): one row per instrument, columns named by
their Chinese labels (or keys), optionally with the instrument's latest calibration so its due date carries over.

An import is all or nothing: every row is applied inside one savepoint through the same service functions as the API
(scope, uniqueness, status rules, audit), every problem is reported with its line and field, and on any problem the
savepoint is rolled back, so nothing is stored. A row matches an instrument by enterprise + serial number (出厂编号)
and updates it; re-importing an exported file changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import xlsx
from yingji.core.clock import Clock, local_today
from yingji.core.errors import InvalidInput, YingjiError
from yingji.core.validation import chinese_problem, field_path
from yingji.metrology import service
from yingji.metrology.enums import CalibrationMethod, CalibrationResult, InstrumentStatus
from yingji.metrology.models import Calibration
from yingji.metrology.schemas import CalibrationIn, InstrumentIn, InstrumentUpdate
from yingji.registry.enums import OrganisationKind
from yingji.registry.models import Organisation
from yingji.registry.service import ImportReport, RowProblem

MAX_ROWS = 20_000
INSTRUMENT_COLUMNS = {
    "organisation": "企业",
    "name": "器具名称",
    "kind": "器具类别",
    "quantity": "测量参数",
    "serial_no": "出厂编号",
    "model": "型号规格",
    "manufacturer": "制造单位",
    "measuring_range": "测量范围",
    "accuracy_class": "准确度等级",
    "location": "安装位置",
    "source_stream": "排放源/源流",
    "for_carbon_accounting": "用于碳排放核算",
    "interval_months": "检定校准周期（月）",
    "status": "状态",
}
CALIBRATION_COLUMNS = {
    "calibrated_on": "最近检定校准日期",
    "method": "检定/校准",
    "body": "检定校准机构",
    "certificate_no": "证书编号",
    "result": "检定校准结果",
}
EXPORT_ONLY = {"id": "编号", "division_code": "所在区划", "next_due_on": "下次检定校准日期", "due_label": "到期状态"}
COLUMNS = INSTRUMENT_COLUMNS | CALIBRATION_COLUMNS
REQUIRED = ("name", "kind", "quantity", "serial_no", "location", "interval_months")
TRUE, FALSE = frozenset({"是", "true", "1", "y", "yes"}), frozenset({"否", "false", "0", "n", "no"})
STATUS_BY_TEXT = {s.label: s for s in InstrumentStatus} | {s.value: s for s in InstrumentStatus}
METHOD_BY_TEXT = {m.label: m for m in CalibrationMethod} | {m.value: m for m in CalibrationMethod}
RESULT_BY_TEXT = {r.label: r for r in CalibrationResult} | {r.value: r for r in CalibrationResult}


# --- reading --------------------------------------------------------------------------------------------------------


def _header(cells: list[str]) -> list[str | None]:
    """Map each column to its key; export-only columns are skipped, unknown ones refused."""
    by_name = {label: key for key, label in COLUMNS.items()} | {key: key for key in COLUMNS}
    ignored = set(EXPORT_ONLY) | set(EXPORT_ONLY.values())
    keys: list[str | None] = []
    unknown = []
    for cell in cells:
        if cell in by_name:
            keys.append(by_name[cell])
        elif cell in ignored or not cell:
            keys.append(None)
        else:
            unknown.append(cell)
    if unknown:
        raise InvalidInput(field="header", reason=f"第1行表头有不认识的列：{'、'.join(unknown)}")
    missing = [COLUMNS[k] for k in REQUIRED if k not in keys]
    if missing:
        raise InvalidInput(field="header", reason=f"第1行表头缺少列：{'、'.join(missing)}")
    duplicated = sorted({COLUMNS[k] for k in keys if k is not None and keys.count(k) > 1})
    if duplicated:
        raise InvalidInput(field="header", reason=f"第1行表头重复：{'、'.join(duplicated)}")
    return keys


# --- one row --------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    problems: list[RowProblem]

    def text(self, key: str) -> str | None:
        return self.cells.get(key) or None

    def problem(self, key: str, text: str) -> None:
        self.problems.append(RowProblem(self.line, key, text))

    def choice(self, key: str, table: dict[str, Any]) -> Any:
        raw = self.text(key)
        if raw is None:
            return None
        if raw not in table:
            self.problem(key, f"「{raw}」不是可选值：{'、'.join(k for k in table if not k.isascii())}")
        return table.get(raw)

    def number(self, key: str) -> int | None:
        raw = self.text(key)
        if raw is None:
            return None
        try:
            return int(raw.removesuffix(".0"))
        except ValueError:
            self.problem(key, f"「{raw}」不是整数")
            return None

    def flag(self, key: str) -> bool | None:
        raw = self.text(key)
        if raw is None:
            return None
        if raw.lower() in TRUE:
            return True
        if raw.lower() in FALSE:
            return False
        self.problem(key, f"「{raw}」应为 是 或 否")
        return None

    def day(self, key: str) -> date | None:
        raw = self.text(key)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.problem(key, f"「{raw}」不是日期（YYYY-MM-DD）")
            return None

    def validation(self, err: ValidationError) -> None:
        for error in err.errors():
            self.problem(field_path(error.get("loc", ())), chinese_problem(error))


def _enterprise(db_session: Session, actor: Actor, row: Row) -> Organisation | None:
    """The row's enterprise by name among the enterprises the caller may see (a hidden one reads as missing)."""
    name = row.text("organisation")
    if name is None:
        if actor.organisation_id is not None:
            return db_session.get(Organisation, actor.organisation_id)
        row.problem("organisation", "必填")
        return None
    query = select(Organisation).where(
        Organisation.name == name,
        Organisation.kind == OrganisationKind.ENTERPRISE,
        actor.record_filter(Organisation.division_code, Organisation.id),
    )
    found = list(db_session.scalars(query.limit(2)))
    if len(found) != 1:
        row.problem("organisation", f"辖区内没有名为「{name}」的企业" if not found else f"「{name}」有多家同名企业")
        return None
    return found[0]


def _fields(row: Row) -> dict[str, Any]:
    fields: dict[str, Any] = {k: row.text(k) for k in INSTRUMENT_COLUMNS if k not in ("organisation",)}
    fields["for_carbon_accounting"] = row.flag("for_carbon_accounting")
    fields["interval_months"] = row.number("interval_months")
    fields["status"] = row.choice("status", STATUS_BY_TEXT)
    for key in ("for_carbon_accounting", "status"):  # empty: the default (new) or unchanged (existing)
        if fields[key] is None:
            del fields[key]
    return fields


def _calibration(row: Row) -> CalibrationIn | None:
    given = {k: row.text(k) for k in CALIBRATION_COLUMNS}
    if not any(given.values()):
        return None
    for key, value in given.items():
        if value is None:
            row.problem(key, "填写最近检定校准时，日期、检定/校准、机构、证书编号和结果须一并填写")
    values = {
        "calibrated_on": row.day("calibrated_on"),
        "method": row.choice("method", METHOD_BY_TEXT),
        "body": given["body"],
        "certificate_no": given["certificate_no"],
        "result": row.choice("result", RESULT_BY_TEXT),
    }
    if any(v is None for v in values.values()):
        return None
    try:
        return CalibrationIn(**values)
    except ValidationError as err:
        row.validation(err)
        return None


def _check(row: Row, fields: dict[str, Any], cal: CalibrationIn | None, reported: set[str]) -> None:
    """Report every remaining problem of a row before anything is applied: required cells, values, contradictions."""
    for key in REQUIRED:
        if fields.get(key) is None and key not in reported:
            row.problem(key, "必填")
    given = {k: v for k, v in fields.items() if v is not None and k not in reported}
    try:
        InstrumentUpdate(**given)  # the same per-field rules as the API, without the required-field check
    except ValidationError as err:
        row.validation(err)
    if cal is not None and cal.result is CalibrationResult.FAIL and fields.get("status") is InstrumentStatus.IN_USE:
        row.problem("status", "最近一次检定校准不合格的器具不能为在用（不合格即停用）")


def _apply(db_session: Session, clock: Clock, actor: Actor, planned: PlannedRow) -> str | None:
    """Create or update one instrument and add its calibration; return "created", "updated" or None (unchanged)."""
    fields, cal = planned.fields, planned.calibration
    existing = service.find(db_session, planned.organisation_id, fields["serial_no"])
    outcome: str | None = None
    if existing is None:
        data = InstrumentIn(organisation_id=planned.organisation_id, **fields)
        instrument = service.create(db_session=db_session, clock=clock, actor=actor, data=data)
        outcome = "created"
    else:
        instrument = existing
        changes = {k: v for k, v in fields.items() if getattr(existing, k) != v}
        if changes:
            service.update(
                db_session=db_session,
                clock=clock,
                actor=actor,
                instrument_id=existing.id,
                data=InstrumentUpdate(**changes),
            )
            outcome = "updated"
    if cal is not None:
        known = db_session.scalar(
            select(Calibration.id).where(
                Calibration.instrument_id == instrument.id, Calibration.certificate_no == cal.certificate_no
            )
        )
        if known is None:
            service.record_calibration(
                db_session=db_session, clock=clock, actor=actor, instrument_id=instrument.id, data=cal
            )
            outcome = outcome or "updated"
    return outcome


@dataclass(frozen=True)
class PlannedRow:
    """One checked row, ready to write (ids, not ORM objects: it outlives the reading transaction)."""

    line: int
    organisation_id: int
    fields: dict[str, Any]
    calibration: CalibrationIn | None


def _refuse(report: ImportReport) -> InvalidInput:
    lines = len({p.line for p in report.problems})
    return InvalidInput(
        field=report.problems[0].field,
        reason=f"共有 {lines} 行不合格，未导入任何数据",
        details=[p.as_dict() for p in report.problems],
    )


def check_table(*, db_session: Session, clock: Clock, actor: Actor, content: bytes, filename: str) -> list[PlannedRow]:
    """Parse and check every row with reads only, so a large file holds no write lock while it is read (issue 21);
    raise InvalidInput listing each bad row's line, field and problem."""
    actor.require(Permission.REGISTRY_WRITE)
    table = xlsx.read_table(content, filename, max_rows=MAX_ROWS)
    if not table:
        raise InvalidInput(field="file", reason="file：文件是空的")
    keys = _header(table[0][1])
    report = ImportReport(entity="instruments")
    seen: dict[tuple[int, str], int] = {}
    planned: list[PlannedRow] = []
    today = local_today(clock)
    for line, cells in table[1:]:
        if not any(cells):
            continue
        row = Row(line, {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k}, report.problems)
        before = len(report.problems)
        org = _enterprise(db_session, actor, row)
        fields, cal = _fields(row), _calibration(row)
        _check(row, fields, cal, {p.field for p in report.problems[before:]})
        if cal is not None and (future := service.future_date_problem(cal, today)):
            row.problem("calibrated_on", future)
        if org is not None and fields.get("serial_no"):
            first = seen.setdefault((org.id, fields["serial_no"]), line)
            if first != line:
                row.problem("serial_no", f"与第 {first} 行是同一企业的同一出厂编号")
        if len(report.problems) == before and org is not None:
            planned.append(PlannedRow(line, org.id, fields, cal))
    if report.problems:
        raise _refuse(report)
    return planned


def write_rows(*, db_session: Session, clock: Clock, actor: Actor, rows: Sequence[PlannedRow]) -> ImportReport:
    """Write checked rows inside the caller's (short) transaction: every row or, on any refusal, none."""
    report = ImportReport(entity="instruments")
    for planned in rows:
        row = Row(planned.line, {}, report.problems)
        try:
            with db_session.begin_nested():
                outcome = _apply(db_session, clock, actor, planned)
        except ValidationError as err:
            row.validation(err)
            continue
        except YingjiError as err:
            row.problem(err.field or "row", err.render())
            continue
        report.created += outcome == "created"
        report.updated += outcome == "updated"
    if report.problems:
        raise _refuse(report)  # the caller's transaction rolls back what the other rows wrote
    return report


def import_table(*, db_session: Session, clock: Clock, actor: Actor, content: bytes, filename: str) -> ImportReport:
    """Check every row, then write them all (for callers already in one transaction, such as the CLI)."""
    rows = check_table(db_session=db_session, clock=clock, actor=actor, content=content, filename=filename)
    return write_rows(db_session=db_session, clock=clock, actor=actor, rows=rows)


# --- export ---------------------------------------------------------------------------------------------------------


def _latest_calibrations(db_session: Session, ids: list[int]) -> dict[int, Calibration]:
    latest: dict[int, Calibration] = {}
    for start in range(0, len(ids), 500):
        query = select(Calibration).where(Calibration.instrument_id.in_(ids[start : start + 500]))
        for row in db_session.scalars(query.order_by(Calibration.calibrated_on, Calibration.id)):
            latest[row.instrument_id] = row
    return latest


def table(
    *, db_session: Session, clock: Clock, actor: Actor, filters: service.Filters
) -> tuple[list[str], list[list[object]]]:
    """Return the header and rows of an export (importable as it is)."""
    rows, _ = service.list_(db_session=db_session, clock=clock, actor=actor, filters=filters)
    latest = _latest_calibrations(db_session, [r.id for r in rows])
    header = [*COLUMNS.values(), *EXPORT_ONLY.values()]
    out: list[list[object]] = []
    for r in rows:
        cal = latest.get(r.id)
        values = {k: getattr(r, k, None) for k in (*INSTRUMENT_COLUMNS, *EXPORT_ONLY)}
        values["for_carbon_accounting"] = "是" if r.for_carbon_accounting else "否"
        values["status"] = r.status_label
        if cal is not None:
            values |= {
                "calibrated_on": cal.calibrated_on,
                "method": cal.method.label,
                "body": cal.body,
                "certificate_no": cal.certificate_no,
                "result": cal.result.label,
            }
        out.append(["" if values.get(k) is None else values[k] for k in (*COLUMNS, *EXPORT_ONLY)])
    return header, out


def export_csv(*, db_session: Session, clock: Clock, actor: Actor, filters: service.Filters) -> bytes:
    """The registry as UTF-8 CSV with a BOM (so spreadsheet programs read the Chinese)."""
    header, rows = table(db_session=db_session, clock=clock, actor=actor, filters=filters)
    return xlsx.csv_text(header, rows).encode("utf-8-sig")


def export_xlsx(*, db_session: Session, clock: Clock, actor: Actor, filters: service.Filters) -> bytes:
    header, rows = table(db_session=db_session, clock=clock, actor=actor, filters=filters)
    return xlsx.workbook([("碳计量器具台账", header, rows)])
