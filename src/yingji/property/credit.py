"""Credit evaluation 信用评价: dated events per company, a versioned scoring method, yearly published results with
the red/black list and the consequences the programme's list rules attach (Dongsheng 001#L586-L590: black-listed two
years running → key rectification, no awards, media exposure; red-listed or excellent → reward in lieu of subsidy)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from yingji.auth.actor import SYSTEM, Actor
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from yingji.core.params import RowId
from yingji.core.schemas import YingjiModel
from yingji.property import service, settings
from yingji.property.models import CreditEventRow, CreditMethod, CreditResult, PropertyCompany
from yingji.property.schema import all_programmes
from yingji.property.service import company, credit_event, record, require, snapshot
from yingji.property.settings import INPUT_LABELS, MethodBody
from yingji.rules import property as rules

CONSEQUENCE_LABELS = {
    "black_list": "列入黑名单",
    "key_rectification": "列入重点整改企业",
    "no_awards": "取消行业各类奖励评比资格",
    "media_exposure": "通过媒体向社会曝光",
    "reward_in_lieu_of_subsidy": "落实“以奖代补”奖励政策",
}


GRASSROOTS_INPUTS = ("daily_inspection", "street_community_opinion")  # what a street or community itself observes


class EventIn(YingjiModel):
    """信用事件：来源（合同履行、投诉处理、日常检查、街道社区意见、行政处罚）、日期、分值（扣分为负）。"""

    company_id: RowId
    on: date
    input: Annotated[str, Field(max_length=40)]
    points: Annotated[float, Field(allow_inf_nan=False)]
    serious: bool = False
    note: Annotated[str, Field(min_length=2, max_length=2000)]


class MethodIn(MethodBody):
    note: Annotated[str, Field(min_length=2, max_length=2000)]


def require_bureau(actor: Actor) -> None:
    """Methods and published results are the housing bureau's (county or above), not a street's."""
    service.require_bureau(actor, "信用评价方法和结果由旗县区以上住房主管部门发布")


def ensure_default_method(*, db_session: Session, clock: Clock) -> CreditMethod:
    """The shipped default (defaults.yaml) as version v1, stored once so results can name it forever."""
    body = settings.defaults().credit.method
    found = db_session.scalar(select(CreditMethod).where(CreditMethod.version == body.version))
    if found is None:
        found = CreditMethod(
            version=body.version,
            body=body.model_dump(mode="json"),
            note="平台默认方法：方案未给出权重和等级线（见 docs/decisions.md）",
            created_by="system",
            created_at=clock.now(),
        )
        db_session.add(found)
        record(db_session, clock, SYSTEM, "property.credit.method", found, None)
    return found


def current_method(db_session: Session, clock: Clock) -> CreditMethod:
    newest = db_session.scalar(select(CreditMethod).order_by(CreditMethod.id.desc()).limit(1))
    return newest or ensure_default_method(db_session=db_session, clock=clock)


def add_method(*, db_session: Session, clock: Clock, actor: Actor, data: MethodIn) -> CreditMethod:
    """Publish a new method version; older versions stay as they were (append-only)."""
    require(actor)
    require_bureau(actor)
    ensure_default_method(db_session=db_session, clock=clock)
    if db_session.scalar(select(CreditMethod.id).where(CreditMethod.version == data.version)) is not None:
        raise Conflict(field="version", reason=f"评价方法版本「{data.version}」已存在，版本不可修改")
    row = CreditMethod(
        version=data.version,
        body=MethodBody.model_validate(data.model_dump(exclude={"note"})).model_dump(mode="json"),
        note=data.note,
        created_by=actor.username,
        created_at=clock.now(),
    )
    db_session.add(row)
    record(db_session, clock, actor, "property.credit.method", row, None)
    return row


def add_event(*, db_session: Session, clock: Clock, actor: Actor, data: EventIn) -> CreditEventRow:
    subject = company(db_session, actor, data.company_id)
    if data.input not in settings.INPUTS:
        raise InvalidInput(field="input", reason=f"input：信用信息来源须为 {'、'.join(INPUT_LABELS.values())} 之一")
    bounds = settings.defaults().credit.points
    if not bounds.min <= data.points <= bounds.max:
        raise InvalidInput(field="points", reason=f"points：单个事件分值须在 {bounds.min:g} 与 {bounds.max:g} 之间")
    if data.on > to_local(clock.now()).date():
        raise InvalidInput(field="on", reason="on：事件日期不能晚于今天")
    if _published(db_session, subject.id, data.on.year) is not None:
        raise RuleViolation(plan="信用评价", rule=f"{data.on.year} 年度结果已公布，不能再补录该年度事件")
    if service.is_grassroots(actor) and (data.input not in GRASSROOTS_INPUTS or data.serious):
        raise Forbidden(reason="街道、社区只能记录“日常检查”和“街道（社区）意见”，且不能认定严重失信")
    return credit_event(
        db_session,
        clock,
        actor,
        company_id=subject.id,
        on=data.on,
        input=data.input,
        points=data.points,
        note=data.note,
        source="manual",
        serious=data.serious,
    )


def _published(db_session: Session, company_id: int, year: int) -> CreditResult | None:
    return db_session.scalar(
        select(CreditResult).where(CreditResult.company_id == company_id, CreditResult.year == year)
    )


def year_events(db_session: Session, company_id: int, year: int) -> list[CreditEventRow]:
    query = select(CreditEventRow).where(
        CreditEventRow.company_id == company_id,
        CreditEventRow.on >= date(year, 1, 1),
        CreditEventRow.on <= date(year, 12, 31),
    )
    return list(db_session.scalars(query.order_by(CreditEventRow.on, CreditEventRow.id)))


def evaluate(db_session: Session, clock: Clock, company_id: int, year: int) -> tuple[rules.Score, CreditMethod]:
    """The year's score under the current method, from the year's events."""
    method = current_method(db_session, clock)
    events = [rules.CreditEvent(e.input, e.points, e.serious) for e in year_events(db_session, company_id, year)]
    return rules.score(MethodBody.model_validate(method.body).method(), events), method


def history(db_session: Session, company_id: int) -> dict[int, rules.YearResult]:
    rows = db_session.scalars(select(CreditResult).where(CreditResult.company_id == company_id))
    return {r.year: rules.YearResult(r.grade, r.roster, r.serious) for r in rows}


def publish(*, db_session: Session, clock: Clock, actor: Actor, year: int) -> list[CreditResult]:
    """Score every company in the caller's jurisdiction for a finished year, publish, and apply the list rules."""
    require(actor)
    require_bureau(actor)
    if year >= to_local(clock.now()).year:
        raise RuleViolation(plan="信用评价", rule=f"{year} 年度尚未结束，不能公布年度结果")
    first = min(min(p.years) for p in all_programmes().values()) - 1
    if year < first:
        raise InvalidInput(field="year", reason=f"year：信用评价从 {first} 年度起（方案实施前一年）")
    published: list[CreditResult] = []
    subjects = db_session.scalars(
        select(PropertyCompany).where(actor.division_filter(PropertyCompany.division_code)).order_by(PropertyCompany.id)
    ).all()
    later = db_session.scalar(
        select(func.max(CreditResult.year)).where(CreditResult.company_id.in_([c.id for c in subjects]))
    )
    if later is not None and later > year:
        raise RuleViolation(
            plan="信用评价",
            rule=f"已公布 {later} 年度结果，不能再补公布更早的 {year} 年度（名单连续年度规则依赖公布顺序）",
        )
    for subject in subjects:
        if _published(db_session, subject.id, year) is not None:
            continue
        result, method = evaluate(db_session, clock, subject.id, year)
        past = history(db_session, subject.id)
        past[year] = rules.YearResult(result.grade, result.roster, result.serious)
        programme = settings.programme_for(subject.division_code)
        follows = rules.consequences(settings.list_rules(programme), past, year)
        row = CreditResult(
            company_id=subject.id,
            year=year,
            method_version=method.version,
            score=result.score,
            grade=result.grade,
            roster=result.roster,
            serious=result.serious,
            consequences=[
                {
                    "what": what,
                    "label": CONSEQUENCE_LABELS[what],
                    "rule": rule.rule_id,
                    "seed": rule.seed,
                    "text": rule.text,
                    "programme": programme.doc_no,
                }
                for what, rule in follows
            ],
            contributions=result.contributions,
            published_by=actor.username,
            published_at=clock.now(),
        )
        db_session.add(row)
        record(db_session, clock, actor, "property.credit.publish", row, None)
        published.append(row)
    return published


def results_query(actor: Actor, year: int | None = None, company_id: int | None = None) -> Select[CreditResult]:
    require(actor)
    query = select(CreditResult).join(PropertyCompany, PropertyCompany.id == CreditResult.company_id)
    query = query.where(actor.division_filter(PropertyCompany.division_code))
    if year is not None:
        query = query.where(CreditResult.year == year)
    if company_id is not None:
        query = query.where(CreditResult.company_id == company_id)
    return query


RESULT_ORDER = (CreditResult.year.desc(), CreditResult.score.desc(), CreditResult.id)


def results(
    *, db_session: Session, actor: Actor, year: int | None = None, company_id: int | None = None
) -> list[CreditResult]:
    return list(db_session.scalars(results_query(actor, year, company_id).order_by(*RESULT_ORDER)))


def public_results(db_session: Session, year: int) -> list[dict[str, Any]]:
    """The published grades and lists, as shown to the public (名单向社会公布): no scores' inputs."""
    query = (
        select(CreditResult, PropertyCompany.name)
        .join(PropertyCompany, PropertyCompany.id == CreditResult.company_id)
        .where(CreditResult.year == year)
        .order_by(PropertyCompany.name)
    )
    return [
        {
            "company": name,
            "year": r.year,
            "grade": r.grade,
            "roster": r.roster,
            "consequences": [c["label"] for c in r.consequences],
        }
        for r, name in db_session.execute(query).all()
    ]


def standing(db_session: Session, actor: Actor, company_id: int, year: int) -> dict[str, Any]:
    """What a company may do in ``year`` given its latest published result: awards, the reward fund."""
    subject = company(db_session, actor, company_id)
    latest = db_session.scalar(
        select(CreditResult)
        .where(CreditResult.company_id == subject.id, CreditResult.year < year)
        .order_by(CreditResult.year.desc())
        .limit(1)
    )
    whats = {c["what"] for c in latest.consequences} if latest else set()
    return {
        "company_id": subject.id,
        "year": year,
        "based_on": latest.year if latest else None,
        "grade": latest.grade if latest else None,
        "roster": latest.roster if latest else None,
        "awards_allowed": "no_awards" not in whats,
        "reward_eligible": "reward_in_lieu_of_subsidy" in whats and "no_awards" not in whats,
        "key_rectification": "key_rectification" in whats,
        "consequences": latest.consequences if latest else [],
    }


def as_dict(row: CreditResult) -> dict[str, Any]:
    out = snapshot(row)
    out["roster_label"] = {"red": "红榜", "black": "黑榜"}.get(row.roster or "", "")
    return out


def method_or_404(db_session: Session, version: str) -> CreditMethod:
    found = db_session.scalar(select(CreditMethod).where(CreditMethod.version == version))
    if found is None:
        raise NotFound(kind="信用评价方法", key=version)
    return found
