"""Complaints 诉求: owners file (web form or hotline entry), the programme's routes send each to the level whose
remit it is, clocks run in working days, overdue ones climb a level, and the owner confirms or re-opens.

The owner follows a complaint with its number and a query code shown once at filing (only its hash is stored); the
same answer for an unknown number and a wrong code, so numbers leak nothing. Contact details are shown to officers
handling the complaint only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.calendars.service import work_calendar
from yingji.core import divisions
from yingji.core.clock import LOCAL_TZ, Clock, to_local
from yingji.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import Filters, PageParams, paginate
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.property import policy, settings
from yingji.property.models import Complaint, ComplaintEvent, Compound, CreditEventRow
from yingji.property.policy import OPEN_STATES, ComplaintStep
from yingji.property.service import credit_event, require
from yingji.registry.models import Division
from yingji.rules import property as rules
from yingji.rules.calendar import WorkCalendar
from yingji.rules.property import ComplaintAction, ComplaintState, Level

Text = Annotated[str, Field(min_length=5, max_length=4000)]
Phone = Annotated[str, Field(pattern=r"^[0-9+\-（）() 转]{5,40}$")]
MASK = "（仅办理人员可见）"
REMIT_LABELS = {
    "simple": "简单",
    "complex": "复杂",
    "major_or_difficult": "重大疑难",
    "street_or_community": "街道社区职责",
    "functional_department": "职能部门职责",
    "hard_to_resolve": "较难处理",
}
EVENT_LABELS = {
    "filed": "受理",
    "respond": "响应",
    "resolve": "办结答复",
    "confirm": "业主确认",
    "reopen": "业主不满意重办",
    "escalated": "超时升级",
    "overdue": "超时督办",
    "reroute": "改派",
    "auto_close": "逾期未确认视为办结",
}


class ComplaintIn(YingjiModel):
    """诉求：小区、类别、内容、联系电话（姓名可不填）。"""

    compound_id: RowId
    category: Annotated[str, Field(min_length=1, max_length=40)]
    content: Text
    owner_name: Annotated[str, Field(max_length=40)] | None = None
    owner_phone: Phone


class HotlineIn(ComplaintIn):
    """热线登记：受理人员可直接按事权定级。"""

    remit: str | None = None


class RespondIn(YingjiModel):
    note: Text


class ResolveIn(YingjiModel):
    answer: Text
    substantiated: bool | None = None  # 对物业服务企业的投诉是否属实（属实计入信用）


class RerouteIn(YingjiModel):
    remit: Annotated[str, Field(min_length=2, max_length=30)]
    reason: Text
    department: Annotated[str, Field(max_length=100)] | None = None


class OwnerCode(YingjiModel):
    code: Annotated[str, Field(min_length=6, max_length=40)]


class OwnerIn(OwnerCode):
    action: Literal["confirm", "reopen"]
    reason: Annotated[str, Field(max_length=2000)] = ""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _event(db_session: Session, clock: Clock, complaint: Complaint, kind: str, actor: str, note: str) -> None:
    db_session.add(
        ComplaintEvent(
            complaint_id=complaint.id, at=clock.now(), kind=kind, level=complaint.level, actor=actor, note=note
        )
    )


def _audit(db_session: Session, clock: Clock, actor: str, complaint: Complaint, action: str, **detail: str) -> None:
    db_session.flush()
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor,
        action=f"property.complaint.{action}",
        target_kind="property_complaint",
        target_key=str(complaint.id),
        detail={"number": complaint.number, "state": complaint.state.value, "level": complaint.level.value, **detail},
    )


def _place(db_session: Session, complaint: Complaint, start: datetime, remit: str) -> rules.Route:
    """Route by remit under the compound's programme and start the clocks at ``start``."""
    compound = db_session.get(Compound, complaint.compound_id)
    assert compound is not None
    programme = settings.programme_for(compound.division_code)
    chosen, level = rules.route(settings.routes(programme), remit, settings.defaults().complaints.remit_aliases)
    complaint.programme, complaint.remit, complaint.route_rule = programme.id, remit, chosen.rule_id
    if complaint.id is not None and level is complaint.level:
        raise InvalidInput(field="remit", reason=f"remit：改派后仍由{level.label}办理，时限不重新计算")
    complaint.dispatcher = chosen.dispatcher
    _set_level(complaint, level, start, chosen, compound.division_code, work_calendar(db_session=db_session))
    return chosen


def _set_level(
    complaint: Complaint, level: Level, start: datetime, chosen: rules.Route | None, place: str, calendar: WorkCalendar
) -> None:
    """Hand the complaint to ``level`` with fresh clocks from ``start`` (the 超时督办 flag is left as it is)."""
    complaint.level = level
    complaint.handler_division = rules.handler_division(level, place)
    complaint.response_due, complaint.completion_due = rules.deadlines(
        start, level, settings.defaults().limits(), calendar, chosen
    )


def file(
    *, db_session: Session, clock: Clock, data: ComplaintIn, channel: str, actor: Actor | None = None
) -> tuple[Complaint, str]:
    """Accept a complaint and route it; returns it with the owner's query code (shown once)."""
    compound = db_session.get(Compound, data.compound_id)
    if compound is None or (actor is not None and not actor.covers_division(compound.division_code)):
        raise InvalidInput(field="compound_id", reason="compound_id：没有这个小区")
    if actor is not None:
        require(actor, compound.division_code)
    category = settings.defaults().category(data.category)
    if category is None:
        names = "、".join(c.name for c in settings.defaults().complaints.categories)
        raise InvalidInput(field="category", reason=f"category：诉求类别须为 {names} 之一")
    remit = data.remit if isinstance(data, HotlineIn) and data.remit else category.remit
    now = clock.now()
    code = secrets.token_urlsafe(9)
    complaint = Complaint(
        number=_number(db_session, now),
        secret_hash=_hash(code),
        channel=channel,
        compound_id=compound.id,
        company_id=compound.company_id,
        category=category.name,
        content=data.content,
        owner_name=data.owner_name,
        owner_phone=data.owner_phone,
        state=ComplaintState.OPEN,
        filed_at=now,
        escalations=0,
        updated_at=now,
        department=None,
    )
    chosen = _place(db_session, complaint, now, remit)
    db_session.add(complaint)
    db_session.flush()
    by = actor.username if actor else "public"
    _event(
        db_session,
        clock,
        complaint,
        "filed",
        by,
        f"按事权（{REMIT_LABELS.get(remit, remit)}）分派至{chosen.handler}（依据 {chosen.seed}）",
    )
    _audit(db_session, clock, by, complaint, "file", channel=channel)
    return complaint, code


def _number(db_session: Session, now: datetime) -> str:
    day = to_local(now).strftime("%Y%m%d")
    while True:
        number = f"WY{day}{secrets.randbelow(10**6):06d}"
        if db_session.scalar(select(Complaint.id).where(Complaint.number == number)) is None:
            return number


def _handled(db_session: Session, actor: Actor, complaint_id: int, step: ComplaintStep) -> Complaint:
    """A complaint the caller may take ``step`` on: the same predicates as ``policy.complaint_actions``."""
    require(actor)
    query = select(Complaint).where(Complaint.id == complaint_id, policy.complaint_scope(actor))
    found = db_session.scalar(query.with_for_update())  # one step at a time per complaint
    if found is None:
        raise NotFound(kind="诉求", key=str(complaint_id))
    if not policy.handles(actor, found):
        raise Forbidden(
            reason=f"该诉求由{found.level.label}办理（{found.handler_division}），不在本账号管辖内",
            subcode=f"property.complaint.{step.value}.not_handler",
        )
    if step is ComplaintStep.REROUTE and not policy.may_step(found, step):
        raise InvalidState(reason=f"“{found.state.label}”的诉求不能改派", subcode="property.complaint.reroute.state")
    return found


def respond(*, db_session: Session, clock: Clock, actor: Actor, complaint_id: int, data: RespondIn) -> Complaint:
    complaint = _handled(db_session, actor, complaint_id, ComplaintStep.RESPOND)
    complaint.state = rules.complaint_transition(complaint.state, ComplaintAction.RESPOND)
    complaint.responded_at = complaint.updated_at = clock.now()
    _event(db_session, clock, complaint, "respond", actor.username, data.note)
    _audit(db_session, clock, actor.username, complaint, "respond")
    return complaint


def resolve(*, db_session: Session, clock: Clock, actor: Actor, complaint_id: int, data: ResolveIn) -> Complaint:
    """Answer the owner; a substantiated complaint about a company becomes a credit event (投诉处理)."""
    complaint = _handled(db_session, actor, complaint_id, ComplaintStep.RESOLVE)
    complaint.state = rules.complaint_transition(complaint.state, ComplaintAction.RESOLVE)
    complaint.resolved_at = complaint.updated_at = clock.now()
    complaint.answer, complaint.substantiated = data.answer, data.substantiated
    source = f"complaint:{complaint.id}"
    counted = db_session.scalar(select(CreditEventRow.id).where(CreditEventRow.source == source).limit(1))
    if data.substantiated and complaint.company_id is not None and counted is None:  # once per complaint
        credit_event(
            db_session,
            clock,
            actor,
            company_id=complaint.company_id,
            on=to_local(clock.now()).date(),
            input="complaint_handling",
            points=settings.defaults().credit.auto.complaint_substantiated,
            note=f"诉求 {complaint.number}（{complaint.category}）经核实属实",
            source=source,
        )
    _event(db_session, clock, complaint, "resolve", actor.username, data.answer)
    _audit(db_session, clock, actor.username, complaint, "resolve", substantiated=str(data.substantiated))
    return complaint


def reroute(*, db_session: Session, clock: Clock, actor: Actor, complaint_id: int, data: RerouteIn) -> Complaint:
    """Re-grade an open complaint's remit (the handler finds it simpler or harder); clocks restart at the new level."""
    complaint = _handled(db_session, actor, complaint_id, ComplaintStep.REROUTE)
    chosen = _place(db_session, complaint, clock.now(), data.remit)
    complaint.department = data.department if Level.DEPARTMENT in chosen.levels else None
    complaint.updated_at = clock.now()
    _event(
        db_session,
        clock,
        complaint,
        "reroute",
        actor.username,
        f"改按事权（{REMIT_LABELS.get(data.remit, data.remit)}）由{chosen.handler}办理：{data.reason}",
    )
    _audit(db_session, clock, actor.username, complaint, "reroute", remit=data.remit)
    return complaint


def owner_find(db_session: Session, number: str, code: str) -> Complaint:
    found = db_session.scalar(select(Complaint).where(Complaint.number == number).with_for_update())
    if found is None or not secrets.compare_digest(found.secret_hash, _hash(code)):
        raise NotFound(kind="诉求", key=number)
    return found


def owner_act(*, db_session: Session, clock: Clock, number: str, data: OwnerIn) -> Complaint:
    """The owner confirms the answer or asks for the complaint to be handled again (clocks restart)."""
    complaint = owner_find(db_session, number, data.code)
    action = ComplaintAction(data.action)
    complaint.state = rules.complaint_transition(complaint.state, action)
    now = clock.now()
    complaint.updated_at = now
    if action is ComplaintAction.CONFIRM:
        complaint.closed_at = now
    else:
        if len(data.reason.strip()) < 2:
            raise InvalidInput(field="reason", reason="reason：请说明不满意的原因")
        compound = db_session.get(Compound, complaint.compound_id)
        assert compound is not None
        _set_level(complaint, complaint.level, now, None, compound.division_code, work_calendar(db_session=db_session))
        complaint.overdue_since = None  # handled afresh
        complaint.resolved_at = None
    _event(db_session, clock, complaint, action.value, "owner", data.reason or action.label)
    _audit(db_session, clock, "owner", complaint, action.value)
    return complaint


def sweep(*, db_session: Session, clock: Clock) -> list[tuple[str, str]]:
    """Escalate overdue complaints one level, flag those overdue at the top, close unconfirmed answers.

    Returns (number, what happened) for each change.
    """
    now, changes = clock.now(), []
    due = select(Complaint).where(
        Complaint.state.in_(OPEN_STATES),
        Complaint.overdue_since.is_(None),
        (Complaint.completion_due < now)
        | ((Complaint.response_due < now) & Complaint.state.in_((ComplaintState.OPEN, ComplaintState.REOPENED))),
    )
    calendar = work_calendar(db_session=db_session)
    for complaint in db_session.scalars(due.order_by(Complaint.id).with_for_update()):
        which = rules.overdue(complaint.state, complaint.response_due, complaint.completion_due, now)
        if which is None:
            continue
        label = "响应" if which == "response" else "办结"
        compound = db_session.get(Compound, complaint.compound_id)
        assert compound is not None
        upper = rules.ESCALATES_TO[complaint.level]
        while upper is not None and rules.handler_division(upper, compound.division_code) == complaint.handler_division:
            upper = rules.ESCALATES_TO[upper]  # a compound registered to its street: the street already handles it
        if upper is None:
            complaint.overdue_since = now
            _event(db_session, clock, complaint, "overdue", "system", f"{label}超时，已在最高层级，列入超时督办")
            changes.append((complaint.number, "overdue"))
        else:
            before = complaint.level
            _set_level(complaint, upper, now, None, compound.division_code, calendar)
            complaint.escalations += 1
            division = db_session.get(Division, complaint.handler_division)
            name = division.name if division else complaint.handler_division
            note = f"{before.label}{label}超时，升级至{upper.label}（{name}）办理"
            _event(db_session, clock, complaint, "escalated", "system", note)
            changes.append((complaint.number, f"escalated:{upper.value}"))
        complaint.updated_at = now
        _audit(db_session, clock, "system", complaint, "escalate", clock_run_out=which)
    window = timedelta(days=settings.defaults().complaints.confirm_days)
    unconfirmed = select(Complaint).where(
        Complaint.state == ComplaintState.RESOLVED, Complaint.resolved_at < now - window
    )
    for complaint in db_session.scalars(unconfirmed.order_by(Complaint.id).with_for_update()):
        complaint.state, complaint.closed_at, complaint.updated_at = ComplaintState.CLOSED, now, now
        _event(
            db_session, clock, complaint, "auto_close", "system", f"办结答复后 {window.days} 日内业主未确认也未要求重办"
        )
        _audit(db_session, clock, "system", complaint, "auto_close")
        changes.append((complaint.number, "closed"))
    return changes


class ComplaintFilters(Filters):
    """诉求列表的筛选：状态（open 为未办结）、本级办理、超时或升级、小区。"""

    state: Annotated[str | None, Field(pattern=r"^(open|responded|resolved|closed|reopened)$")] = None
    mine: bool = False
    overdue: bool = False
    compound_id: RowId | None = None


def _query(actor: Actor, filters: ComplaintFilters) -> Select[Complaint]:
    """Complaints about compounds in the caller's jurisdiction; ``mine``: only those handled at the caller's level."""
    require(actor)
    query = select(Complaint).where(policy.complaint_scope(actor))
    if filters.state == "open":
        query = query.where(Complaint.state.in_(OPEN_STATES))
    elif filters.state is not None:
        query = query.where(Complaint.state == ComplaintState(filters.state))
    if filters.mine and actor.division_code is not None:
        query = query.where(Complaint.handler_division == actor.division_code)
    if filters.overdue:
        query = query.where(Complaint.overdue_since.is_not(None) | (Complaint.escalations > 0))
    if filters.compound_id is not None:
        query = query.where(Complaint.compound_id == filters.compound_id)
    return query


ORDER = (Complaint.filed_at.desc(), Complaint.id.desc())


def listing(
    *, db_session: Session, actor: Actor, state: str | None = None, mine: bool = False, overdue_only: bool = False
) -> list[Complaint]:
    """Every matching complaint (for counts on the overview pages; lists page with ``page``)."""
    filters = ComplaintFilters(state=state, mine=mine, overdue=overdue_only)
    return list(db_session.scalars(_query(actor, filters).order_by(*ORDER)))


def page(
    *, db_session: Session, actor: Actor, filters: ComplaintFilters, params: PageParams
) -> tuple[list[Complaint], int]:
    """One page of the caller's complaints, newest first, with the total."""
    return paginate(db_session, _query(actor, filters), params, order_by=ORDER)


def get(db_session: Session, actor: Actor, complaint_id: int) -> Complaint:
    require(actor)
    found = db_session.scalar(select(Complaint).where(Complaint.id == complaint_id, policy.complaint_scope(actor)))
    if found is None:
        raise NotFound(kind="诉求", key=str(complaint_id))
    return found


def events(db_session: Session, complaint_id: int) -> list[ComplaintEvent]:
    query = select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.id)
    return list(db_session.scalars(query))


def handles_contact(actor: Actor, handler_division: str) -> bool:
    """The owner's contact is for the handling body and the levels between it and its county — not for the city."""
    if actor.is_unlimited:
        return True
    own = actor.division_code
    return own is not None and len(divisions.stem(own)) >= 6 and handler_division.startswith(divisions.stem(own))


def as_dict(
    db_session: Session,
    complaint: Complaint,
    *,
    officer: Actor | None,
    now: datetime,
    with_events: bool = True,
) -> dict[str, Any]:
    """The complaint for an officer (events' actors; the owner's contact only for those who handle it) or for the
    owner (``officer`` None: neither)."""
    compound = db_session.get(Compound, complaint.compound_id)  # identity map: one load per compound per request
    handler = db_session.get(Division, complaint.handler_division)
    out: dict[str, Any] = {
        "id": complaint.id if officer else None,
        "number": complaint.number,
        "compound": compound.name if compound else None,
        "category": complaint.category,
        "content": complaint.content,
        "state": complaint.state.value,
        "state_label": complaint.state.label,
        "level": complaint.level.value,
        "level_label": complaint.level.label,
        "handler": handler.name if handler else complaint.handler_division,
        "dispatcher": complaint.dispatcher,
        "filed_at": complaint.filed_at.isoformat(),
        "response_due": complaint.response_due.isoformat(),
        "completion_due": complaint.completion_due.isoformat(),
        "overdue": rules.overdue(complaint.state, complaint.response_due, complaint.completion_due, now),
        "escalations": complaint.escalations,
        "answer": complaint.answer,
        "events": [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "label": EVENT_LABELS.get(e.kind, e.kind),
                "level": e.level.label,
                "note": e.note,
                **({"actor": e.actor} if officer else {}),
            }
            for e in (events(db_session, complaint.id) if with_events else [])
        ],
    }
    if officer:
        handles = handles_contact(officer, complaint.handler_division)
        out.update(
            compound_id=complaint.compound_id,
            company_id=complaint.company_id,
            programme=complaint.programme,
            remit=complaint.remit,
            route_rule=complaint.route_rule,
            handler_division=complaint.handler_division,
            department=complaint.department,
            owner_name=complaint.owner_name if handles else MASK,
            owner_phone=complaint.owner_phone if handles else MASK,
            channel=complaint.channel,
            substantiated=complaint.substantiated,
            overdue_since=complaint.overdue_since.isoformat() if complaint.overdue_since else None,
        )
    else:
        out.pop("id")
    return out


def public_compounds(db_session: Session, division_code: str) -> list[dict[str, Any]]:
    """Compound names under a street or community, for the public form (names and places only)."""
    if len(division_code) < 9:
        raise InvalidInput(field="division", reason="division：请选择街道（苏木乡镇）或社区")
    query = select(Compound.id, Compound.name, Compound.division_code).where(
        Compound.division_code.startswith(division_code, autoescape=True)
    )
    return [{"id": i, "name": n, "division_code": d} for i, n, d in db_session.execute(query.order_by(Compound.name))]


def monthly(*, db_session: Session, actor: Actor, month: str) -> dict[str, Any]:
    """A month's complaint counts and rates per compound and per company, with the key compounds 重点小区 flagged.

    Rate = complaints per 100 households (Baotou task 19 “诉求率和重点小区投诉监测”, 000#L300; thresholds are the
    platform defaults, the seed giving none). Rates and key compounds count accepted complaints only: entered by an
    officer (hotline) or responded to by the handling level; anonymous web filings nobody has taken up are shown
    apart (``unaccepted``), so a burst of them cannot make a compound key (decisions.md).
    """
    require(actor)
    try:
        start = datetime.strptime(month + "-01", "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(field="month", reason="month：须为 YYYY-MM") from None
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    first = to_utc_start(start)
    last = to_utc_start(end)
    accepted = accepted_clause().label("accepted")
    counts: dict[int, int] = {}
    pending: dict[int, int] = {}
    for compound_id, is_accepted, n in db_session.execute(
        select(Complaint.compound_id, accepted, func.count())
        .where(Complaint.filed_at >= first, Complaint.filed_at < last)
        .group_by(Complaint.compound_id, accepted)
    ):
        (counts if is_accepted else pending)[compound_id] = n
    defaults = settings.defaults().complaints
    places = db_session.scalars(select(Compound).where(actor.division_filter(Compound.division_code)))
    rows: list[dict[str, Any]] = []
    by_company: dict[int, dict[str, Any]] = {}
    for place in sorted(places, key=lambda c: (c.division_code, c.name)):
        n = counts.get(place.id, 0)
        rate = rules.month_rate(n, place.households)
        key = n >= defaults.key_compound_count or (n > 0 and rate >= defaults.key_compound_rate)
        rows.append(
            {
                "compound_id": place.id,
                "compound": place.name,
                "division_code": place.division_code,
                "company_id": place.company_id,
                "households": place.households,
                "complaints": n,
                "unaccepted": pending.get(place.id, 0),
                "rate": rate,
                "key": key,
            }
        )
        if place.company_id is not None:
            agg = by_company.setdefault(
                place.company_id, {"company_id": place.company_id, "households": 0, "complaints": 0, "key_compounds": 0}
            )
            agg["households"] += place.households
            agg["complaints"] += n
            agg["key_compounds"] += int(key)
    companies = []
    for agg in by_company.values():
        agg["rate"] = rules.month_rate(agg["complaints"], agg["households"])
        companies.append(agg)
    return {
        "month": month,
        "thresholds": {"rate": defaults.key_compound_rate, "count": defaults.key_compound_count},
        "counted": "已受理的诉求（热线登记或办理层级已响应）；未受理的公众诉求单列，不计入诉求率和重点小区",
        "basis": "包府办发〔2025〕59号任务19：建立诉求率和重点小区投诉监测机制，按月分析研判（000#L300）",
        "compounds": rows,
        "companies": sorted(companies, key=lambda a: -a["rate"]),
    }


def accepted_clause() -> ColumnElement[bool]:
    """A complaint counts in statistics once accepted: an officer entered it, or the handling level responded."""
    return (Complaint.channel == "hotline") | Complaint.responded_at.is_not(None)


def to_utc_start(day: date) -> datetime:
    """Midnight Beijing time of a local date, as an aware datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)
