"""Registry workflows: scoped reads, audited writes, and all-or-nothing bulk import by natural key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.core import divisions
from yingji.core.clock import Clock
from yingji.core.errors import Forbidden, InvalidInput, NotFound, OutOfJurisdiction
from yingji.core.paging import PageParams, paginate
from yingji.core.schemas import YingjiModel
from yingji.core.validation import chinese_problem, field_path
from yingji.db.base import Base
from yingji.registry import policy, reads
from yingji.registry.models import Division, Organisation, RegistryRevision
from yingji.registry.schemas import RegistryFilters
from yingji.registry.specs import BY_MODEL, BY_NAME, SPECS, EntitySpec, RefSpec

# --- reads ----------------------------------------------------------------------------------------------------------


def _column(spec: EntitySpec, name: str) -> Any:
    return getattr(spec.model, name)


def _scoped(actor: Actor, spec: EntitySpec) -> Select[Any]:
    query = select(spec.model)
    if spec.division_via is not None:
        via = spec.division_via
        query = query.join(via.target, _column(spec, via.column) == via.target.id)  # type: ignore[attr-defined]
    return query.where(policy.scope(actor, spec))


def _filtered(actor: Actor, spec: EntitySpec, filters: RegistryFilters | None) -> Select[Any]:
    """The rows the actor may see that pass the table's filters (each enum column and reference is a filter)."""
    actor.require(policy.read_permission(spec))
    query = _scoped(actor, spec)
    if filters is None:
        return query
    if filters.division is not None:
        stem = divisions.stem(filters.division)
        query = query.where(policy.division_column(spec).startswith(stem, autoescape=True))
    if filters.q is not None:
        query = query.where(_column(spec, spec.title).contains(filters.q, autoescape=True))
    refs = {f"{ref.field}_id": ref.column for ref in spec.refs}
    for name, value in filters.model_dump(exclude={"division", "q"}, exclude_none=True).items():
        query = query.where(_column(spec, refs.get(name, name)) == value)
    return query


def list_(
    *,
    db_session: Session,
    actor: Actor,
    spec: EntitySpec,
    params: PageParams,
    filters: RegistryFilters | None = None,
) -> tuple[list[Base], int]:
    """One page of the rows the actor may see that pass the filters, by id, and how many there are."""
    return paginate(db_session, _filtered(actor, spec, filters), params, order_by=[_column(spec, "id")])


def every(*, db_session: Session, actor: Actor, spec: EntitySpec, filters: RegistryFilters | None = None) -> list[Base]:
    """Every row the actor may see (exports and the forms that offer a choice of them), by id."""
    query = _filtered(actor, spec, filters).order_by(_column(spec, "id"))
    return list(db_session.scalars(query).all())


def get(*, db_session: Session, actor: Actor, spec: EntitySpec, row_id: int) -> Base:
    """Return one row; a row outside the actor's scope is NotFound, so its existence stays hidden."""
    actor.require(policy.read_permission(spec))
    row = db_session.scalars(_scoped(actor, spec).where(_column(spec, "id") == row_id)).first()
    if row is None:
        raise NotFound(kind=spec.label, key=str(row_id))
    found: Base = row
    return found


# --- rows <-> models ------------------------------------------------------------------------------------------------


@dataclass
class RowProblem:
    line: int
    field: str
    problem: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "problem": self.problem}


@dataclass
class ImportReport:
    entity: str
    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "entity": self.entity,
            "created": self.created,
            "updated": self.updated,
            "rejected": len({p.line for p in self.problems}),
            "problems": [p.as_dict() for p in self.problems],
        }


def _resolve(
    db_session: Session, actor: Actor, ref: RefSpec, name: str, row_division: str | None
) -> tuple[int | None, str | None]:
    """Return (id, None) for one match by name among the rows the caller may name, or (None, problem).

    A row the caller cannot see is reported exactly like a missing one, so names elsewhere leak nothing.
    """
    query = select(ref.target).where(ref.target.name == name)  # type: ignore[attr-defined]
    if ref.kinds:
        query = query.where(Organisation.kind.in_(ref.kinds))
    if not ref.line_of_jurisdiction:
        query = query.where(policy.scope(actor, BY_MODEL[ref.target]))
    found = list(db_session.scalars(query.limit(50)))
    if ref.line_of_jurisdiction and row_division is not None:
        found = [f for f in found if _same_line(f.division_code, row_division)]  # type: ignore[attr-defined]
    if len(found) > 1 and row_division is not None:
        nearer = [f for f in found if f.division_code == row_division]  # type: ignore[attr-defined]
        found = nearer or found
    if not found:
        return None, f"找不到名为「{name}」的{ref.label}（或不在管辖范围内）"
    if len(found) > 1:
        return None, f"名为「{name}」的{ref.label}不止一个，无法确定是哪一个"
    return found[0].id, None  # type: ignore[attr-defined]


def _same_line(body_division: str, row_division: str) -> bool:
    return divisions.contains(body_division, row_division) or divisions.contains(row_division, body_division)


def _prepare(
    db_session: Session, actor: Actor, spec: EntitySpec, data: YingjiModel, line: int
) -> tuple[dict[str, Any], list[RowProblem]]:
    """Turn a validated input row into column values, resolving names; collect every problem on the row."""
    values = data.model_dump()
    problems: list[RowProblem] = []
    row_division = values.get("division_code")
    for ref in spec.refs:
        name = values.pop(ref.field)
        values[ref.column] = None
        if name is None:
            continue
        ref_id, problem = _resolve(db_session, actor, ref, name, row_division)
        if problem:
            problems.append(RowProblem(line, ref.field, problem))
        values[ref.column] = ref_id
    if row_division is not None and db_session.get(Division, row_division) is None:
        problems.append(RowProblem(line, "division_code", f"行政区划代码「{row_division}」不存在"))
    if not problems:
        reason = policy.write_refusal(db_session, actor, spec, values)
        if reason:
            problems.append(RowProblem(line, "division_code" if "管辖" in reason else "(行)", reason))
    if not problems:
        reason = _replace_check(db_session, actor, spec, values)
        if reason:
            problems.append(RowProblem(line, spec.key[0], reason))
    credit = values.get("credit_code")
    if not problems and credit and _credit_code_taken(db_session, values):
        problems.append(RowProblem(line, "credit_code", "该统一社会信用代码已被另一单位登记"))
    return values, problems


def _credit_code_taken(db_session: Session, values: Mapping[str, Any]) -> bool:
    holder = db_session.scalars(select(Organisation).where(Organisation.credit_code == values["credit_code"])).first()
    return holder is not None and (holder.name, holder.division_code) != (values["name"], values["division_code"])


def _replace_check(db_session: Session, actor: Actor, spec: EntitySpec, values: Mapping[str, Any]) -> str | None:
    """Return why an existing row with this key may not be updated by the actor, or None."""
    existing = _existing(db_session, spec, values)
    if existing is None:
        return None
    row_id = existing.id  # type: ignore[attr-defined]
    visible = db_session.scalars(_scoped(actor, spec).where(_column(spec, "id") == row_id)).first()
    if visible is None or not policy.may_update(db_session, actor, spec, existing):
        # Never update (or move) a row the actor cannot see, and do not say whose it is.
        return "该名称已被其他单位或辖区的记录使用，请更换名称"
    moved = values.get("division_code") not in (None, getattr(existing, "division_code", None))
    if actor.organisation_id is not None and moved:
        return "企业用户不能变更已登记记录的所在行政区划，请联系监管部门"
    return None


def _existing(db_session: Session, spec: EntitySpec, values: Mapping[str, Any]) -> Base | None:
    clauses = []
    for key in spec.key:
        ref = next((r for r in spec.refs if r.field == key), None)
        column = ref.column if ref else key
        clauses.append(_column(spec, column) == values[column])
    return db_session.scalars(select(spec.model).where(*clauses)).first()


def _store(db_session: Session, spec: EntitySpec, values: Mapping[str, Any]) -> tuple[Base, dict[str, Any] | None]:
    """Insert or update by natural key; return the row and its columns before an update (None when created)."""
    row = _existing(db_session, spec, values)
    if row is None:
        row = spec.model(**values)
        db_session.add(row)
        db_session.flush()
        return row, None
    before = {k: _plain(getattr(row, k)) for k in values}
    for key, value in values.items():
        setattr(row, key, value)
    db_session.flush()
    return row, before


def _plain(value: Any) -> Any:
    value = getattr(value, "value", value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def bump_revision(*, db_session: Session, clock: Clock) -> int:
    """Count a registry write so every process rebuilds its in-memory resource index."""
    row = db_session.get(RegistryRevision, 1, with_for_update=True)
    if row is None:
        row = RegistryRevision(id=1, revision=0)
        db_session.add(row)
    row.revision += 1
    row.changed_at = clock.now()
    db_session.flush()
    return row.revision


def revision(*, db_session: Session) -> int:
    row = db_session.get(RegistryRevision, 1)
    return 0 if row is None else row.revision


# --- writes ---------------------------------------------------------------------------------------------------------


def _change(
    spec: EntitySpec, row: Base, before: dict[str, Any] | None, values: Mapping[str, Any], via: str
) -> audit.Change:
    return audit.Change(
        action=f"registry.{spec.name}.{'create' if before is None else 'update'}",
        target_kind=spec.name,
        target_key=str(row.id),  # type: ignore[attr-defined]
        detail={"via": via} if via else None,
        before=before,
        after={k: _plain(v) for k, v in values.items()},
    )


def _audit_row(
    db_session: Session,
    clock: Clock,
    actor: Actor,
    spec: EntitySpec,
    row: Base,
    before: dict[str, Any] | None,
    values: Mapping[str, Any],
    via: str,
) -> None:
    audit.record_many(
        db_session=db_session, clock=clock, actor=actor.username, changes=[_change(spec, row, before, values, via)]
    )


def save(*, db_session: Session, clock: Clock, actor: Actor, spec: EntitySpec, data: YingjiModel) -> Base:
    """Create or update one row (by natural key) and audit it with before/after; the caller commits."""
    policy.require_writer(actor, spec)
    values, problems = _prepare(db_session, actor, spec, data, line=1)
    if problems:
        first = problems[0]
        if first.problem.startswith("超出管辖范围"):
            raise OutOfJurisdiction(field=first.field, division=str(values.get("division_code")))
        if first.field == "(行)" or first.problem.startswith(("该名称已被其他", "企业用户不能")):
            raise Forbidden(reason=first.problem)
        raise InvalidInput(field=first.field, reason=f"{first.field}：{first.problem}")
    row, before = _store(db_session, spec, values)
    _audit_row(db_session, clock, actor, spec, row, before, values, via="")
    bump_revision(db_session=db_session, clock=clock)
    return row


def import_rows(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    spec: EntitySpec,
    rows: Iterable[tuple[int, Mapping[str, Any]]],
    partial: bool = False,
    source: str = "",
    raise_on_problems: bool = True,
) -> ImportReport:
    """Validate every row (line, field, problem); store them all, or none — or only the good ones if ``partial``.

    Rows are matched to existing ones by natural key (name; for materials depot + item): a match is updated. Each
    stored row gets its own audit entry with before/after. Without ``partial`` a single problem raises InvalidInput
    listing them all, and the caller's rollback leaves nothing behind.
    """
    policy.require_writer(actor, spec)
    report = ImportReport(entity=spec.name)
    changes: list[audit.Change] = []
    for line, raw in rows:
        try:
            data = spec.schema.model_validate(dict(raw))
        except ValidationError as err:
            report.problems += [RowProblem(line, field_path(e["loc"]), chinese_problem(e)) for e in err.errors()]
            continue
        values, problems = _prepare(db_session, actor, spec, data, line)
        if problems:
            report.problems += problems
            continue
        if not partial and report.problems:
            continue  # validation only from here on: nothing will be stored
        row, before = _store(db_session, spec, values)
        changes.append(_change(spec, row, before, values, via=f"import:{source or '-'}"))
        if before is None:
            report.created += 1
        else:
            report.updated += 1
    if report.problems and not partial and raise_on_problems:
        raise _import_error([report])
    if changes:  # one entry per stored row, appended together (a short write transaction for a large import)
        audit.record_many(db_session=db_session, clock=clock, actor=actor.username, changes=changes)
        bump_revision(db_session=db_session, clock=clock)
    return report


def _import_error(reports: Sequence[ImportReport]) -> InvalidInput:
    bad = [r for r in reports if r.problems]
    lines = sum(len({p.line for p in r.problems}) for r in bad)
    labels = "、".join(BY_NAME[r.entity].label for r in bad)
    details = [{"entity": r.entity, **p.as_dict()} for r in bad for p in r.problems]
    return InvalidInput(
        field=bad[0].problems[0].field,
        reason=f"{labels}导入共有 {lines} 行不合格，未导入任何数据",
        details=details,
    )


def import_bundle(
    *,
    db_session: Session,
    clock: Clock,
    actor: Actor,
    bundle: Mapping[str, Sequence[Mapping[str, Any]]],
    partial: bool = False,
    source: str = "",
) -> list[ImportReport]:
    """Import a JSON bundle {entity: [rows]} in dependency order, checking every entity before reporting."""
    unknown = sorted(set(bundle) - {spec.name for spec in SPECS})
    if unknown:
        raise InvalidInput(field=unknown[0], reason=f"未知的数据类别：{'、'.join(unknown)}")
    reports = [
        import_rows(
            db_session=db_session,
            clock=clock,
            actor=actor,
            spec=spec,
            rows=[(index + 1, row) for index, row in enumerate(bundle[spec.name])],
            partial=partial,
            source=source,
            raise_on_problems=False,
        )
        for spec in SPECS
        if spec.name in bundle
    ]
    if not partial and any(r.problems for r in reports):
        raise _import_error(reports)
    return reports


def export_rows(*, db_session: Session, actor: Actor, spec: EntitySpec) -> list[dict[str, Any]]:
    """Every visible row in import format, as plain values (so an export re-imports unchanged)."""
    rows = reads.export_all(db_session, spec, every(db_session=db_session, actor=actor, spec=spec))
    return [row.model_dump(mode="json") for row in rows]
