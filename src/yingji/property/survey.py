"""Import and export of the Annex 1 survey 东胜区物业管理基本情况统计表 (CSV or xlsx): one row per compound, columns
named by their labels (or keys), the bureau's added items after the form's own; a 合计 row is checked, not stored.

Every bad cell is reported with its line and field and nothing is stored (all or nothing, as the registry import).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.auth.actor import Actor
from yingji.core import divisions, xlsx
from yingji.core.clock import Clock
from yingji.core.errors import InvalidInput
from yingji.core.validation import chinese_problem, field_path
from yingji.property import service, settings
from yingji.property.models import Committee, Compound, Management, SurveyItem
from yingji.property.schema import Programme, Survey, SurveyField, all_programmes, load
from yingji.property.schemas import CompoundIn
from yingji.registry.enums import DivisionLevel
from yingji.registry.models import Division
from yingji.registry.service import ImportReport, RowProblem

MANAGEMENT_BY_LABEL = {m.label: m for m in Management}
MAX_ROWS = 20_000
TYPE_LABELS = {"int": "整数", "decimal": "数值", "date": "日期（YYYY-MM-DD）", "bool": "是/否", "text": "文本"}


def survey_of(programme_id: str | None) -> tuple[Programme, Survey]:
    """A programme's survey form; without an id, the one programme that has a form."""
    if programme_id is None:
        with_form = [p.id for p in all_programmes().values() if p.survey is not None]
        if len(with_form) != 1:
            raise InvalidInput(field="programme", reason=f"programme：请指定方案（{'、'.join(with_form) or '无'}）")
        programme_id = with_form[0]
    programme = load(programme_id)
    if programme.survey is None:
        raise InvalidInput(field="programme", reason=f"programme：{programme.title}没有统计表")
    return programme, programme.survey


def columns(db_session: Session, programme: Programme, survey: Survey) -> list[SurveyField | SurveyItem]:
    added = db_session.scalars(select(SurveyItem).where(SurveyItem.programme == programme.id).order_by(SurveyItem.id))
    return [*survey.columns, *added]


def _header(cells: list[str], known: list[SurveyField | SurveyItem]) -> list[str | None]:
    by_name = {c.label: c.key for c in known} | {c.key: c.key for c in known}
    keys = [by_name.get(cell) for cell in cells]
    missing = [c.label for c in known if c.key not in keys and isinstance(c, SurveyField) and c.key != "seq"]
    if missing:
        raise InvalidInput(field="header", reason=f"第1行表头缺少列：{'、'.join(missing)}")
    return keys


def _rows(table: list[tuple[int, list[str]]], keys: list[str | None]) -> Iterator[tuple[int, dict[str, str]]]:
    for line, cells in table[1:]:
        if not any(cells):
            continue
        yield line, {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k is not None}


def import_survey(
    *, db_session: Session, clock: Clock, actor: Actor, programme_id: str | None, content: bytes, filename: str
) -> ImportReport:
    """Validate every row, then store all (created or updated by community + name) or raise with every problem."""
    ready = check_survey(
        db_session=db_session, actor=actor, programme_id=programme_id, content=content, filename=filename
    )
    return write_survey(db_session=db_session, clock=clock, actor=actor, rows=ready)


def check_survey(
    *, db_session: Session, actor: Actor, programme_id: str | None, content: bytes, filename: str
) -> list[CompoundIn]:
    """Read and check every row with reads only (no write lock while a large file is read, issue 21); raise
    InvalidInput listing every problem, or return the rows ready to store."""
    service.require(actor)
    programme, survey = survey_of(programme_id)
    known = columns(db_session, programme, survey)
    table = xlsx.read_table(content, filename, max_rows=MAX_ROWS)
    if not table:
        raise InvalidInput(field="file", reason="file：文件是空的")
    keys = _header(table[0][1], known)
    types = {c.key: c.type for c in known}
    added = {c.key for c in known if isinstance(c, SurveyItem)}
    report = ImportReport(entity="compounds")
    ready: list[tuple[int, CompoundIn]] = []
    totals: tuple[int, dict[str, str]] | None = None
    sums = {"buildings": 0, "households": 0}
    seen: dict[tuple[str, str], int] = {}
    for line, row in _rows(table, keys):
        if totals is not None:
            report.problems.append(RowProblem(line, "seq", "“合计”行之后不能再有数据行"))
            continue
        if survey.totals_row and survey.totals_row.label in (row.get("seq", ""), row.get("street", "")):
            totals = (line, row)
            continue
        problems, data = _row(db_session, actor, programme, line, row, types, added)
        report.problems += problems
        if data is not None:
            first = seen.setdefault((data.division_code, data.name), line)
            if first != line:
                report.problems.append(RowProblem(line, "compound_name", f"与第 {first} 行是同一社区的同名小区"))
                continue
            ready.append((line, data))
            sums["buildings"] += data.buildings
            sums["households"] += data.households
    if totals is not None and not report.problems:  # sums of rejected rows would only add noise
        line, row = totals
        for key, total in sums.items():
            given = row.get(key, "")
            if given and given != str(total):
                report.problems.append(RowProblem(line, key, f"合计 {given} 与各行之和 {total} 不符"))
    if report.problems:
        lines = len({p.line for p in report.problems})
        raise InvalidInput(
            field=report.problems[0].field,
            reason=f"统计表共有 {lines} 行不合格，未导入任何数据",
            details=[p.as_dict() for p in report.problems],
        )
    return [data for _, data in ready]


def write_survey(*, db_session: Session, clock: Clock, actor: Actor, rows: Sequence[CompoundIn]) -> ImportReport:
    """Store checked rows inside the caller's (short) transaction, created or updated by community + name."""
    report = ImportReport(entity="compounds")
    for data in rows:
        existing = db_session.scalar(
            select(Compound.id).where(Compound.division_code == data.division_code, Compound.name == data.name)
        )
        service.save_compound(db_session=db_session, clock=clock, actor=actor, data=data)
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
    return report


def _place(db_session: Session, actor: Actor, programme: Programme, street: str, community: str) -> str:
    """The community's code (or the street's, when no community is given) by name, within the caller's reach."""
    within = divisions.stem(programme.division_code)
    streets = [
        d
        for d in db_session.scalars(
            select(Division).where(
                Division.level == DivisionLevel.TOWN,
                Division.name == street,
                Division.code.startswith(within, autoescape=True),
            )
        )
        if actor.covers_division(d.code) or divisions.contains(d.code, actor.division_code or "")
    ]
    if len(streets) != 1:
        raise ValueError(f"street：在{programme.title}范围内找不到街道（镇）「{street}」")
    if not community:
        return streets[0].code
    found = db_session.scalars(
        select(Division.code).where(Division.parent_code == streets[0].code, Division.name == community)
    ).all()
    if len(found) != 1:
        raise ValueError(f"community：{street}没有社区「{community}」")
    return found[0]


def _row(
    db_session: Session,
    actor: Actor,
    programme: Programme,
    line: int,
    row: dict[str, str],
    types: dict[str, str],
    added: set[str],
) -> tuple[list[RowProblem], CompoundIn | None]:
    problems: list[RowProblem] = []
    values: dict[str, Any] = {}
    for key, kind in types.items():
        text = row.get(key, "")
        if not text:
            continue
        if key in added:
            try:
                values[key] = service.coerce(kind, text, key)
            except InvalidInput:
                problems.append(RowProblem(line, key, f"「{text}」不是合法的{TYPE_LABELS.get(kind, kind)}"))
            continue
        try:
            if kind == "int":
                number = Decimal(text)
                if number != number.to_integral_value():
                    raise ValueError(text)
                values[key] = int(number)
            elif kind == "decimal":
                values[key] = Decimal(text.rstrip("%"))
            else:
                values[key] = text
        except (InvalidOperation, ValueError):
            problems.append(RowProblem(line, key, f"「{text}」不是{'整数' if kind == 'int' else '数值'}"))
    status = row.get("management_status", "")
    if status and status not in MANAGEMENT_BY_LABEL:
        problems.append(RowProblem(line, "management_status", f"须为 {'、'.join(MANAGEMENT_BY_LABEL)} 之一"))
    try:
        code = _place(db_session, actor, programme, row.get("street", ""), row.get("community", ""))
    except ValueError as err:
        field, _, text = str(err).partition("：")
        problems.append(RowProblem(line, field, text))
        code = None
    if problems:
        return problems, None
    members = values.get("committee_members")
    body = {
        "name": values.get("compound_name", ""),
        "division_code": code,
        "buildings": values.get("buildings"),
        "households": values.get("households"),
        "area_m2": values.get("area"),
        "year_built": values.get("built"),
        "management": MANAGEMENT_BY_LABEL.get(status),
        "company": values.get("company_name") or None,
        "committee": Committee.OWNERS if members else Committee.NONE,
        "committee_members": members,
        "committee_party_members": values.get("committee_party_members"),
        "fee_standard": values.get("fee_standard"),
        "collection_rate": values.get("collection_rate"),
        "extra": {k: v for k, v in values.items() if k in added},
    }
    assert code is not None
    existing = db_session.scalar(select(Compound).where(Compound.division_code == code, Compound.name == body["name"]))
    if existing is not None:  # keep what the survey does not carry
        kept = service.snapshot(existing)
        for key in (
            "address",
            "is_new",
            "is_old",
            "committee_eligible",
            "red_property",
            "service_grade",
            "region_excellent",
            "has_public_income",
            "separate_income_account",
            "income_account",
            "fixed_parking_spaces",
            "spaces_with_charging",
            "committee_formed_on",
        ):
            body[key] = kept[key]
        if existing.committee is not Committee.NONE:  # the survey does not say which kind, nor always the members
            body["committee"] = existing.committee
            body["committee_members"] = members or kept["committee_members"]
            if body["committee_party_members"] is None:
                body["committee_party_members"] = kept["committee_party_members"]
    try:
        data = CompoundIn.model_validate({k: v for k, v in body.items() if v is not None})
    except ValidationError as err:
        return [
            RowProblem(line, _survey_field(field_path(e["loc"]), e), chinese_problem(e)) for e in err.errors()
        ], None
    try:
        if data.company:
            service.company_by_name(db_session, actor, data.company, "company_name")
        if not actor.covers_division(data.division_code):
            raise InvalidInput(field="community", reason="community：不在本账号管辖范围内")
        settings.programme_for(data.division_code)
    except InvalidInput as err:
        return [RowProblem(line, err.field or "(行)", err.render().split("：", 2)[-1])], None
    return [], data


SURVEY_FIELD_OF = {
    "name": "compound_name",
    "area_m2": "area",
    "year_built": "built",
    "management": "management_status",
    "company": "company_name",
    "division_code": "community",
}


def _survey_field(path: str, error: Any) -> str:
    """The survey column a model error is about (a model-level check names its field in the message)."""
    if path in ("", "(行)", "body"):
        message = str(error.get("msg", ""))
        head = message.removeprefix("Value error, ").split("：", 1)[0]
        return SURVEY_FIELD_OF.get(head, head)
    return SURVEY_FIELD_OF.get(path, path)


def export(db_session: Session, actor: Actor, programme_id: str | None) -> bytes:
    """The survey as xlsx, one row per compound in the caller's jurisdiction, with a 合计 row."""
    service.require(actor)
    programme, survey = survey_of(programme_id)
    known = columns(db_session, programme, survey)
    places = [
        p
        for p in service.compounds(db_session=db_session, actor=actor)
        if divisions.contains(programme.division_code, p.division_code)
    ]
    codes = {p.division_code for p in places} | {p.division_code[:9] for p in places}
    names = dict(db_session.execute(select(Division.code, Division.name).where(Division.code.in_(codes))).all())
    companies = service.company_names(db_session, {p.company_id for p in places})
    totals = {"buildings": sum(p.buildings for p in places), "households": sum(p.households for p in places)}
    rows = []
    for seq, place in enumerate(places, start=1):
        cells = {
            "seq": seq,
            "street": names.get(place.division_code[:9], place.division_code[:9]),
            "community": names.get(place.division_code, "") if len(place.division_code) == 12 else "",
            "compound_name": place.name,
            "buildings": place.buildings,
            "households": place.households,
            "area": float(place.area_m2) if place.area_m2 is not None else None,
            "built": place.year_built,
            "management_status": place.management.label,
            "company_name": companies.get(place.company_id or 0),
            "committee_members": place.committee_members,
            "committee_party_members": place.committee_party_members,
            "fee_standard": float(place.fee_standard) if place.fee_standard is not None else None,
            "collection_rate": float(place.collection_rate) if place.collection_rate is not None else None,
        }
        rows.append([cells.get(c.key, place.extra.get(c.key)) for c in known])
    if survey.totals_row:
        rows.append([survey.totals_row.label if c.key == "seq" else totals.get(c.key) for c in known])
    return service.workbook([(survey.title, [c.label for c in known], rows)])
