"""Warning lifecycle: propose/draft → issue → adjust → lift, each published as CAP and queued for delivery.

The plan decides who may issue each colour (the level of government of its issuers) and only the issuer may
adjust or lift (谁发布谁解除). Mandatory fields follow the plan; the issuer, time, level and category are filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from yingji.audit import service as audit
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, to_local
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from yingji.core.paging import PageParams, paginate
from yingji.db import outbox
from yingji.inbox import service as inbox
from yingji.inbox.models import NoticeKind
from yingji.notify.channels import configured_recipients
from yingji.plans import loader
from yingji.plans.schema import IssuingAuthority, Plan, Warning, WarningLevelSpec
from yingji.registry.models import Division
from yingji.rules.levels import WarningLevel
from yingji.rules.meteorological import hazard_level_allowed, network_sms_required
from yingji.rules.warning_levels import actions_for, missing_fields
from yingji.warnings import cap, policy
from yingji.warnings.models import EarlyWarning, WarningArea, WarningKind, WarningMessage, WarningStatus, WarningTask
from yingji.warnings.schemas import WarningChange, WarningDraft, WarningFilters

AUTO_FIELDS = (
    (("发布单位", "发布机关", "解除单位"), "issuer"),
    (("发布时间", "解除时间"), "time"),
    (("级别", "等级"), "level"),
    (("类别", "类型", "灾种"), "category"),
)
NETWORK_SMS = "全网短信"


def _warning_part(plan: Plan) -> Warning:
    if plan.warning is None:
        raise InvalidInput(field="plan_id", reason=f"plan_id：{plan.metadata.title}未规定预警")
    return plan.warning


def _spec(plan: Plan, level: int) -> WarningLevelSpec:
    spec = next((s for s in _warning_part(plan).levels if s.level == level), None)
    if spec is None:
        raise InvalidInput(field="level", reason=f"level：{plan.metadata.title}未设{WarningLevel(level).label}预警")
    return spec


def _auto(name: str) -> str | None:
    return next((kind for words, kind in AUTO_FIELDS if any(w in name for w in words)), None)


def filled_by_platform(name: str) -> bool:
    """Whether the platform writes this field (issuer, time, level, category), not a person."""
    return _auto(name) is not None


def user_fields(plan: Plan) -> list[str]:
    """The plan's mandatory warning content a person writes (issuer, time, level and category are filled in)."""
    return [f for f in _warning_part(plan).issue_fields if _auto(f) is None]


OPEN_ENDED = ("其它", "其他")  # 其它需要发布的信息: nothing else to publish is an answer, so it may stay empty


def required(name: str) -> bool:
    """Whether a written field must be filled before issuing (an open-ended "other information" one need not be)."""
    return not name.startswith(OPEN_ENDED)


def unfilled(plan: Plan, fields: dict[str, str]) -> list[tuple[str, bool]]:
    """The plan's written fields still empty, each with whether it must be filled before issuing."""
    return [(f, required(f)) for f in user_fields(plan) if not fields.get(f)]


def _missing_user_fields(plan: Plan, fields: dict[str, str]) -> list[str]:
    return [f for f, must in unfilled(plan, fields) if must]


# --- reads ----------------------------------------------------------------------------------------------------------


def may_manage(actor: Actor) -> bool:
    return policy.may_manage(actor)


def may_draft(actor: Actor, plan: Plan) -> bool:
    return policy.may_draft(actor, plan)


def get(*, db_session: Session, actor: Actor, warning_id: int) -> EarlyWarning:
    """A warning the actor may see — through the list's own scope filter; others are NotFound."""
    found = db_session.scalars(select(EarlyWarning).where(EarlyWarning.id == warning_id, policy.scope(actor))).first()
    if found is None:
        raise NotFound(kind="预警", key=str(warning_id))
    return found


def list_(
    *, db_session: Session, actor: Actor, params: PageParams, filters: WarningFilters | None = None
) -> tuple[list[EarlyWarning], int]:
    """One page of the warnings in scope, newest first, with the total (scope applied in SQL before paging)."""
    query = select(EarlyWarning).where(policy.scope(actor), *(filters.clauses() if filters else ()))
    return paginate(db_session, query, params, order_by=[EarlyWarning.id.desc()])


def in_force(*, db_session: Session, actor: Actor, now: datetime) -> list[EarlyWarning]:
    """Every issued warning in scope not yet expired (the feed and the map: not paged, bounded by what is in force)."""
    query = select(EarlyWarning).where(
        policy.scope(actor),
        EarlyWarning.status == WarningStatus.ISSUED,
        or_(EarlyWarning.expires_at.is_(None), EarlyWarning.expires_at > now),
    )
    return list(db_session.scalars(query.order_by(EarlyWarning.id.desc())))


def message_by_identifier(*, db_session: Session, actor: Actor, identifier: str) -> WarningMessage | None:
    """A published CAP message by its identifier, if its warning is in the actor's scope."""
    query = (
        select(WarningMessage)
        .join(EarlyWarning, EarlyWarning.id == WarningMessage.warning_id)
        .where(WarningMessage.identifier == identifier, policy.scope(actor))
    )
    return db_session.scalars(query).first()


def messages(*, db_session: Session, warning: EarlyWarning) -> list[WarningMessage]:
    query = select(WarningMessage).where(WarningMessage.warning_id == warning.id).order_by(WarningMessage.id)
    return list(db_session.scalars(query))


def tasks(*, db_session: Session, warning: EarlyWarning) -> list[WarningTask]:
    query = select(WarningTask).where(WarningTask.warning_id == warning.id).order_by(WarningTask.id)
    return list(db_session.scalars(query))


# --- draft and proposal ---------------------------------------------------------------------------------------------


def create(
    *, db_session: Session, clock: Clock, actor: Actor, data: WarningDraft, proposed: bool = False
) -> EarlyWarning:
    """Record a draft (an officer's) or a proposal (from sensor alarms, accident reports) for a human to issue."""
    actor.require(Permission.PLANS_READ)
    if not proposed and not policy.may_manage(actor):
        raise Forbidden(reason="只有值班和指挥人员可以起草预警；其他模块请提交预警建议", subcode="warning.draft.role")
    plan = loader.all_plans().get(data.plan_id)
    if plan is None:
        raise InvalidInput(field="plan_id", reason=f"plan_id：未知预案「{data.plan_id}」")
    _spec(plan, data.level)
    if not proposed and not policy.may_draft(actor, plan):
        raise _not_the_issuing_authority(plan)
    _check_kind(plan, data)
    for code in data.division_codes:
        if db_session.get(Division, code) is None:
            raise InvalidInput(field="division_codes", reason=f"division_codes：行政区划代码「{code}」不存在")
    if not all(_may_propose_for(actor, code) for code in data.division_codes):
        raise Forbidden(reason="影响区域超出管辖范围")
    if data.expires_at is not None and data.expires_at <= clock.now():
        raise InvalidInput(field="expires_at", reason="expires_at：失效时间须晚于当前时间")
    missing = _missing_user_fields(plan, data.fields)
    if missing and not proposed:
        raise InvalidInput(
            field=f"fields.{missing[0]}",
            reason=f"fields：{plan.metadata.title}要求预警包含“{'、'.join(missing)}”",
            basis=[b.to_basis(rule="missing_fields", plan=plan.id) for b in _warning_part(plan).fields_basis],
            details=[{"field": f"fields.{m}", "problem": "必填"} for m in missing],
        )
    now = clock.now()
    warning = EarlyWarning(
        kind=data.kind,
        plan_id=plan.id,
        hazard=data.hazard,
        category=data.category,
        level=data.level,
        status=WarningStatus.PROPOSED if proposed else WarningStatus.DRAFT,
        title=data.title,
        division_code=data.division_codes[0],
        division_codes=list(data.division_codes),
        fields=dict(data.fields),
        is_exercise=data.is_exercise,
        expires_at=data.expires_at,
        source=data.source,
        note=data.note,
        created_by=actor.username,
        created_at=now,
    )
    db_session.add(warning)
    db_session.flush()
    db_session.add_all(
        WarningArea(warning_id=warning.id, division_code=code, stem=divisions.stem(code))
        for code in dict.fromkeys(data.division_codes)
    )
    db_session.flush()
    _audit(db_session, clock, actor, "warnings.propose" if proposed else "warnings.draft", warning, None)
    return warning


def _not_the_issuing_authority(plan: Plan) -> Forbidden:
    """制作: the plan's warnings come from another kind of body (weather warnings: the meteorological authority)."""
    levels = _warning_part(plan).levels
    issuers = "、".join(dict.fromkeys(issuer for spec in levels for issuer in spec.issuers))
    cited = [spec.issuer_authority_basis for spec in levels if spec.issuer_authority_basis is not None]
    return Forbidden(
        subcode="warning.draft.not_issuer",
        reason=f"{plan.metadata.title}的预警由“{issuers}”制作和发布",
        basis=[b.to_basis(rule="issuer_for", plan=plan.id) for b in dict.fromkeys(cited)],
    )


def _may_propose_for(actor: Actor, code: str) -> bool:
    """Officers act in their jurisdiction; an enterprise (or a gateway of one) may propose only for its own city."""
    if actor.organisation_id is not None:
        return actor.organisation_division is not None and divisions.contains(
            divisions.city_of(actor.organisation_division), code
        )
    return actor.covers_division(code)


def _check_kind(plan: Plan, data: WarningDraft) -> None:
    if data.kind is WarningKind.METEOROLOGICAL:
        if plan.meteorological is None or data.hazard is None:
            raise InvalidInput(field="hazard", reason="hazard：气象灾害预警须使用气象灾害预案并注明灾种")
        allowed = hazard_level_allowed(plan.meteorological, data.hazard, WarningLevel(data.level), plan_id=plan.id)
        if not allowed.value:
            raise InvalidInput(
                field="level",
                reason=f"level：{data.hazard} 不设{WarningLevel(data.level).label}预警",
                basis=allowed.basis,
            )
    elif plan.meteorological is not None:
        raise InvalidInput(field="kind", reason="kind：气象灾害预案只发布气象灾害预警")


# --- authority --------------------------------------------------------------------------------------------------------


def _issuing_division(actor: Actor, spec: WarningLevelSpec, warning: EarlyWarning) -> str:
    """Return the division the actor issues for, or 403 saying which level of government must issue this colour."""
    division = policy.issuing_division(actor, spec, warning.division_codes)
    if division is not None:
        return division
    cited = (*spec.basis, *([spec.issuer_authority_basis] if spec.issuer_authority_basis else []))
    raise Forbidden(
        subcode="warning.issue.not_issuer",
        reason=f"{WarningLevel(spec.level).label}预警由“{'、'.join(spec.issuers)}”发布",
        basis=[b.to_basis(rule="issuer_for", plan=warning.plan_id) for b in cited],
    )


def _issuer_body(db_session: Session, spec: WarningLevelSpec, division: str) -> str:
    """The body that signs as 发布单位: the government of the issuing division, or the one body another kind of
    issuer names (鄂尔多斯市气象局) — never the plan's place-relative wording “事发地旗县级人民政府” (000#L484)."""
    if spec.issuer_authority is IssuingAuthority.GOVERNMENT:
        return f"{db_session.get_one(Division, division).name}人民政府"
    return spec.issuers[0]


def _require_issuer(actor: Actor, warning: EarlyWarning) -> None:
    """谁发布谁解除: only an account of the issuing body (same government, an issuing role) adjusts or lifts."""
    plan = loader.get(warning.plan_id)
    spec = _spec(plan, warning.level)
    if not policy.is_issuer(actor, spec, warning):
        raise Forbidden(
            subcode="warning.lift.not_issuer",
            reason=f"谁发布谁解除：该预警由“{warning.issuer_body}”发布，只能由其调整或解除",
            basis=[_warning_part(plan).lifted_by_issuer.to_basis(rule="may_lift", plan=plan.id)],
        )


# --- publishing -------------------------------------------------------------------------------------------------------


def issue(
    *, db_session: Session, clock: Clock, actor: Actor, warning_id: int, fields: dict[str, str] | None = None
) -> EarlyWarning:
    """Issue a draft or a proposal (completing its fields): the area enters the warning period; tasks and deliveries
    follow."""
    warning = _lock(db_session, get(db_session=db_session, actor=actor, warning_id=warning_id))
    if warning.status not in (WarningStatus.DRAFT, WarningStatus.PROPOSED):
        raise InvalidState(
            field="status", reason=f"预警当前为“{warning.status.label}”，不能发布", subcode="warning.issue.state"
        )
    if warning.expires_at is not None and warning.expires_at <= clock.now():
        raise InvalidInput(field="expires_at", reason="expires_at：该预警已过失效时间，不能发布")
    plan = loader.get(warning.plan_id)
    spec = _spec(plan, warning.level)
    _issuing_division(actor, spec, warning)  # authority first: others learn nothing from the field check
    warning.fields = dict(warning.fields) | (fields or {})
    missing = _missing_user_fields(plan, warning.fields)
    if missing:
        raise InvalidInput(field=f"fields.{missing[0]}", reason=f"fields：发布前须补全“{'、'.join(missing)}”")
    warning.issuer_division = _issuing_division(actor, spec, warning)
    now = clock.now()
    warning.issuer_body = _issuer_body(db_session, spec, warning.issuer_division)
    warning.status, warning.issued_by, warning.issued_at = WarningStatus.ISSUED, actor.username, now
    _fill(warning, now)
    _open_tasks(db_session, plan, warning, above=None)
    _publish(db_session, clock, warning, plan, "Alert", reason=None)
    _audit(db_session, clock, actor, "warnings.issue", warning, {"level": warning.level})
    return warning


def adjust(*, db_session: Session, clock: Clock, actor: Actor, warning_id: int, change: WarningChange) -> EarlyWarning:
    """Change level or content: a new Update message referencing the previous one; the issuer only."""
    warning = _lock(db_session, get(db_session=db_session, actor=actor, warning_id=warning_id))
    if warning.status is not WarningStatus.ISSUED:
        raise InvalidState(field="status", reason="只能调整已发布的预警", subcode="warning.adjust.state")
    _require_issuer(actor, warning)
    plan = loader.get(warning.plan_id)
    before = warning.level
    if change.level is not None and change.level != warning.level:
        spec = _spec(plan, change.level)
        if warning.kind is WarningKind.METEOROLOGICAL:
            assert plan.meteorological is not None and warning.hazard is not None
            allowed = hazard_level_allowed(
                plan.meteorological, warning.hazard, WarningLevel(change.level), plan_id=plan.id
            )
            if not allowed.value:
                raise InvalidInput(
                    field="level", reason=f"level：{warning.hazard} 不设{WarningLevel(change.level).label}预警"
                )
        if _issuing_division(actor, spec, warning) != warning.issuer_division:
            raise Forbidden(reason="调整后的级别须由其他层级的机关发布")
        warning.level = change.level
    merged = dict(warning.fields) | change.fields
    missing = _missing_user_fields(plan, merged)
    if missing:
        raise InvalidInput(field=f"fields.{missing[0]}", reason=f"fields：调整后仍须包含“{'、'.join(missing)}”")
    warning.fields = merged
    warning.issuer_body = _issuer_body(db_session, _spec(plan, warning.level), warning.issuer_division or "")
    _fill(warning, clock.now())
    if warning.level < before:
        _open_tasks(db_session, plan, warning, above=before)
    _publish(db_session, clock, warning, plan, "Update", reason=change.reason)
    _audit(db_session, clock, actor, "warnings.adjust", warning, {"from": before, "reason": change.reason})
    return warning


def lift(*, db_session: Session, clock: Clock, actor: Actor, warning_id: int, reason: str) -> EarlyWarning:
    """谁发布谁解除: the issuer lifts; the warning period ends and a Cancel message is published."""
    warning = _lock(db_session, get(db_session=db_session, actor=actor, warning_id=warning_id))
    if warning.status is not WarningStatus.ISSUED:
        raise InvalidState(field="status", reason="只能解除已发布的预警", subcode="warning.lift.state")
    _require_issuer(actor, warning)
    now = clock.now()
    warning.status, warning.lifted_by, warning.lifted_at = WarningStatus.LIFTED, actor.username, now
    plan = loader.get(warning.plan_id)
    lift_fields = missing_fields(_warning_part(plan), {}, lifting=True, plan_id=plan.id).value
    warning.fields = dict(warning.fields) | {name: _auto_value(name, warning, now) for name in lift_fields}
    _publish(db_session, clock, warning, plan, "Cancel", reason=reason)
    _audit(db_session, clock, actor, "warnings.lift", warning, {"reason": reason})
    return warning


def reject(*, db_session: Session, clock: Clock, actor: Actor, warning_id: int, reason: str) -> EarlyWarning:
    warning = _lock(db_session, get(db_session=db_session, actor=actor, warning_id=warning_id))
    if warning.status not in (WarningStatus.PROPOSED, WarningStatus.DRAFT):
        raise InvalidState(field="status", reason="只能否决未发布的预警建议", subcode="warning.reject.state")
    _issuing_division(actor, _spec(loader.get(warning.plan_id), warning.level), warning)
    warning.status, warning.note = WarningStatus.REJECTED, reason
    _audit(db_session, clock, actor, "warnings.reject", warning, {"reason": reason})
    return warning


def _lock(db_session: Session, warning: EarlyWarning) -> EarlyWarning:
    """Serialise writers of one warning: a no-op UPDATE takes PostgreSQL's row lock and SQLite's write lock before
    the row is re-read, so two issues (or an adjust racing a lift) cannot both act on the same state."""
    db_session.execute(update(EarlyWarning).where(EarlyWarning.id == warning.id).values(id=EarlyWarning.id))
    locked = db_session.get(EarlyWarning, warning.id, populate_existing=True)
    assert locked is not None
    return locked


def _auto_value(name: str, warning: EarlyWarning, now: datetime) -> str:
    kind = _auto(name)
    if kind == "issuer":
        return warning.issuer_body or ""
    if kind == "time":
        return to_local(now).strftime("%Y-%m-%d %H:%M")
    if kind == "level":
        return f"{WarningLevel(warning.level).label}预警"
    return warning.category


def _fill(warning: EarlyWarning, now: datetime) -> None:
    plan = loader.get(warning.plan_id)
    filled = {name: _auto_value(name, warning, now) for name in _warning_part(plan).issue_fields if _auto(name)}
    warning.fields = dict(warning.fields) | filled


def _open_tasks(db_session: Session, plan: Plan, warning: EarlyWarning, *, above: int | None) -> None:
    """Warning-period actions, cumulative from blue; a raised level adds only what it adds."""
    current = set(actions_for(_warning_part(plan), WarningLevel(warning.level), plan_id=plan.id).value)
    already = (
        set() if above is None else set(actions_for(_warning_part(plan), WarningLevel(above), plan_id=plan.id).value)
    )
    owner = plan.headquarters.office
    db_session.add_all(
        WarningTask(warning_id=warning.id, level=warning.level, owner_unit=owner, title=title)
        for title in sorted(current - already)
    )
    db_session.flush()


def _free_identifier(db_session: Session, division: str, now: datetime) -> str:
    """The first of the ten GB/T 35965.1 sequence numbers not yet used by any message of this issuer in this second."""
    for sequence in range(10):
        candidate = cap.identifier(division_code=division, sent=now, sequence=sequence)
        if db_session.scalar(select(WarningMessage.id).where(WarningMessage.identifier == candidate)) is None:
            return candidate
    raise Conflict(field="identifier", reason="同一秒内发布的预警报文过多，请稍后重试")


def cap_message(db_session: Session, warning: EarlyWarning, msg_type: str, now: datetime) -> cap.CapMessage:
    previous = messages(db_session=db_session, warning=warning)
    names = {
        d.code: d.name for d in db_session.scalars(select(Division).where(Division.code.in_(warning.division_codes)))
    }
    identifier = _free_identifier(db_session, (warning.issuer_division or warning.division_code)[:6], now)
    sender = f"yingji.{warning.issuer_division}"
    references = tuple(cap.CapReference(sender=sender, identifier=m.identifier, sent=m.sent) for m in previous[-1:])
    fields = warning.fields
    return cap.CapMessage(
        identifier=identifier,
        sender=sender,
        sent=now,
        status="Exercise" if warning.is_exercise else "Actual",
        msg_type=msg_type,  # type: ignore[arg-type]  # one of Alert/Update/Cancel, chosen by the caller
        references=references,
        category="Met" if warning.kind is WarningKind.METEOROLOGICAL else "Safety",
        event=warning.category,
        level=WarningLevel(warning.level),
        headline=warning.title,
        description="；".join(f"{k}：{v}" for k, v in fields.items()),
        instruction=next((v for k, v in fields.items() if "措施" in k), None),
        sender_name=warning.issuer_body or "",
        effective=warning.issued_at,
        expires=warning.expires_at,
        areas=(
            cap.CapArea(
                description="、".join(names.get(c, c) for c in warning.division_codes),
                geocodes=tuple(dict.fromkeys(c[:6] for c in warning.division_codes)),  # GB/T 2260: six digits
            ),
        ),
    )


def _publish(
    db_session: Session, clock: Clock, warning: EarlyWarning, plan: Plan, msg_type: str, reason: str | None
) -> None:
    """Render the CAP message, store it, and queue it for every channel in the same transaction (the outbox)."""
    now = clock.now()
    message = cap_message(db_session, warning, msg_type, now)
    try:
        xml = cap.render(message).decode("utf-8")
    except ValueError as err:  # text CAP cannot carry; the schemas refuse most of it earlier
        raise InvalidInput(field="fields", reason=f"fields：内容无法写入 CAP 报文（{err}）") from err
    previous = messages(db_session=db_session, warning=warning)
    db_session.add(
        WarningMessage(
            warning_id=warning.id,
            msg_type=msg_type,
            identifier=message.identifier,
            sent=now,
            level=warning.level,
            references=previous[-1].identifier if previous else None,
            reason=reason,
            xml=xml,
        )
    )
    payload = {
        "identifier": message.identifier,
        "headline": warning.title,
        "text": message.description,
        "cap_xml": xml,
        "msg_type": msg_type,
        "sms_text": _sms_text(warning, msg_type),
    }
    recipients = configured_recipients()
    sms_duty = bool(
        warning.hazard
        and plan.meteorological
        and network_sms_required(plan.meteorological, warning.hazard, plan_id=plan.id).value
    )
    if sms_duty and not warning.is_exercise:  # 暴雨、暴雪、大风: 全网短信 (plan 3.3.4); never for an exercise
        recipients.append(("sms", NETWORK_SMS))
    if not warning.is_exercise:
        verb = {"Alert": "发布", "Update": "调整", "Cancel": "解除"}[msg_type]
        inbox.post(
            db_session,
            now=now,
            user_ids=inbox.officers_overlapping(
                db_session, warning.division_codes or [warning.division_code], Permission.INCIDENTS_COMMAND
            ),
            kind=NoticeKind.WARNING,
            key=f"warning-{message.identifier}",
            title=f"{warning.issuer_body or ''}{verb}{WarningLevel(warning.level).label}预警：{warning.title}",
            body=message.description or warning.title,
            url=f"/console/warnings/{warning.id}",
            division_code=warning.division_code,
        )
    for channel, recipient in recipients:
        outbox.enqueue(
            db_session=db_session,
            now=now,
            topic="warning",
            key=message.identifier,
            channel=channel,
            recipient=recipient,
            payload=payload,
        )
    db_session.flush()


def _sms_text(warning: EarlyWarning, msg_type: str) -> str:
    verb = {"Alert": "发布", "Update": "调整", "Cancel": "解除"}[msg_type]
    drill = "【演练】" if warning.is_exercise else ""
    return f"{drill}【{warning.issuer_body}】{verb}{WarningLevel(warning.level).label}预警：{warning.title}"


def deliveries(*, db_session: Session, warning: EarlyWarning) -> Sequence[outbox.OutboxItem]:
    keys = [m.identifier for m in messages(db_session=db_session, warning=warning)]
    query = select(outbox.OutboxItem).where(outbox.OutboxItem.topic == "warning", outbox.OutboxItem.key.in_(keys))
    return db_session.scalars(query.order_by(outbox.OutboxItem.id)).all()


def _audit(
    db_session: Session, clock: Clock, actor: Actor, action: str, warning: EarlyWarning, after: dict[str, object] | None
) -> None:
    audit.record(
        db_session=db_session,
        clock=clock,
        actor=actor.username,
        action=action,
        target_kind="warning",
        target_key=str(warning.id),
        after={"status": warning.status.value, "level": warning.level, **(after or {})},
    )
