"""Contested sentences read two ways: the programme data holds both readings, an administrator of the programme's
area chooses one (with a reason, audited), and until then the data's default is in force. Each calculation stores
the reading it was made under, so a later choice never changes what was verified or paid."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core.clock import Clock
from yingji.core.errors import Forbidden, InvalidInput, NotFound
from yingji.rules.subsidies import AREA_LABELS
from yingji.subsidies import schemas
from yingji.subsidies.models import ReadingChoice
from yingji.subsidies.schema import Programme, Readings, programmes


def questions() -> list[tuple[Programme, Readings]]:
    """Every contested sentence the programme files hold readings for."""
    return [(p, p.renewal.setback.readings) for p in programmes().values() if p.renewal is not None]


def question(programme_id: str, question_id: str) -> tuple[Programme, Readings]:
    for programme, readings in questions():
        if programme.id == programme_id and readings.question == question_id:
            return programme, readings
    raise NotFound(kind="有争议条文", key=f"{programme_id}/{question_id}")


def _history(db_session: Session, programme_id: str, question_id: str) -> list[ReadingChoice]:
    query = (
        select(ReadingChoice)
        .where(ReadingChoice.programme_id == programme_id, ReadingChoice.question == question_id)
        .order_by(ReadingChoice.id.desc())
    )
    return list(db_session.scalars(query))


def in_force(db_session: Session, programme_id: str, question_id: str) -> str:
    """The reading in force: the latest choice, or the data's default."""
    _, readings = question(programme_id, question_id)
    latest = db_session.scalars(
        select(ReadingChoice.option)
        .where(ReadingChoice.programme_id == programme_id, ReadingChoice.question == question_id)
        .order_by(ReadingChoice.id.desc())
        .limit(1)
    ).first()
    return latest or readings.default


def setback_reading(db_session: Session, programme_id: str) -> str:
    return in_force(db_session, programme_id, "setback_area")


def may_choose(actor: Actor, programme: Programme) -> bool:
    return actor.has(Permission.SUBSIDY_READINGS) and actor.covers_division(programme.division_code)


def choose(
    *, db_session: Session, clock: Clock, actor: Actor, programme_id: str, question_id: str, data: schemas.ChoiceIn
) -> ReadingChoice:
    """An administrator of the programme's area puts one of the data's readings in force, saying why."""
    programme, readings = question(programme_id, question_id)
    if not may_choose(actor, programme):
        raise Forbidden(subcode="subsidies.reading.not_admin", reason="有争议条文的理解由该方案所在地的系统管理员选定")
    if data.option not in {o.id for o in readings.options}:
        known = "、".join(o.id for o in readings.options)
        raise InvalidInput(field="option", subcode="subsidies.reading.option", reason=f"option：只能是 {known}")
    before = in_force(db_session, programme_id, question_id)
    row = ReadingChoice(
        programme_id=programme_id,
        question=question_id,
        option=data.option,
        reason=data.reason,
        chosen_by=actor.username,
        chosen_at=clock.now(),
    )
    db_session.add(row)
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action="subsidies.reading.choose",
        target_kind="subsidy_reading_choice",
        target_key=str(row.id),
        detail={"programme": programme_id, "question": question_id, "reason": data.reason},
        before={"option": before},
        after={"option": data.option},
    )
    return row


def read(db_session: Session, actor: Actor, programme: Programme, readings: Readings) -> schemas.QuestionRead:
    history = _history(db_session, programme.id, readings.question)
    current = history[0].option if history else readings.default
    return schemas.QuestionRead(
        programme=schemas.ProgrammeSummary.model_validate(programme.summary()),
        question=readings.question,
        title=readings.title,
        why_default=readings.why,
        default=readings.default,
        in_force=current,
        in_force_label=next(o.label for o in readings.options if o.id == current),
        options=[
            schemas.OptionRead(
                id=o.id,
                label=o.label,
                area=o.area.value,
                area_label=AREA_LABELS[o.area],
                seed=o.seed,
                quote=o.quote,
                reading=o.reading,
                is_default=o.id == readings.default,
                in_force=o.id == current,
            )
            for o in readings.options
        ],
        history=[
            schemas.ChoiceRead(option=c.option, reason=c.reason, chosen_by=c.chosen_by, chosen_at=c.chosen_at)
            for c in history
        ],
        may_choose=may_choose(actor, programme),
    )


def reads(db_session: Session, actor: Actor) -> list[schemas.QuestionRead]:
    return [read(db_session, actor, p, r) for p, r in questions()]
