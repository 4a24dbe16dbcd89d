"""The cultivation pool of a programme (市长质量奖培育库, 包府办发〔2025〕57号 第十二至十四条, 000#L91-L95).

Enterprises of the programme's city come in by the routes the programme names — the enterprise itself (自行申报), its
county office (旗县区推荐) or the authority recording a department's recommendation (部门推荐) — and the authority
decides (“可将……纳入”); an entry the authority files itself is admitted at once. What the pool is for is recorded on
each member: free performance-excellence training and guidance (第十三、十四条), given by the authority or the county
office of the member's area (第十二条). Membership is no condition of applying and never touches a score.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.orm import Session

from yingji.audit.rows import record_change, snapshot
from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.clock import Clock, local_today
from yingji.core.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound, RuleViolation
from yingji.programmes import access, policy
from yingji.programmes.models import Cultivation, CultivationState, CultivationSupport
from yingji.programmes.schema import Cultivation as Pool
from yingji.programmes.schema import Programme, StageActor, programme
from yingji.programmes.schemas import CultivationFilters, CultivationIn, DecideIn, SupportIn
from yingji.registry.models import Division, Organisation
from yingji.rules.basis import Basis

OPEN = (CultivationState.PENDING, CultivationState.ADMITTED)
ORDER = (Cultivation.year.desc(), Cultivation.id)


def pool_of(prog: Programme) -> Pool:
    if prog.cultivation is None:
        raise NotFound(field="programme", kind="培育库", key=prog.id)
    return prog.cultivation


def scope(actor: Actor) -> ColumnElement[bool]:
    """The one SQL filter for lists and single reads: an enterprise its own entries, an officer its area's."""
    if actor.organisation_id is not None:
        if not actor.has(Permission.PROGRAMME_APPLY):
            return false()
        return Cultivation.organisation_id == actor.organisation_id
    if not actor.has(Permission.PROGRAMME_MANAGE):
        return false()
    return actor.division_filter(Cultivation.division_code)


def query(actor: Actor, programme_id: str, filters: CultivationFilters | None = None) -> Select[Cultivation]:
    prog = programme(programme_id)
    access.require_visible(actor, prog)
    pool_of(prog)
    found = select(Cultivation).where(Cultivation.programme_id == prog.id, scope(actor))
    f = filters or CultivationFilters()
    if f.state is not None:
        found = found.where(Cultivation.state == f.state)
    if f.year is not None:
        found = found.where(Cultivation.year == f.year)
    if f.division is not None:
        found = found.where(Cultivation.division_code.startswith(divisions.stem(f.division), autoescape=True))
    return found


def get(db_session: Session, actor: Actor, entry_id: int, *, lock: bool = False) -> tuple[Cultivation, Programme]:
    found = select(Cultivation).where(Cultivation.id == entry_id, scope(actor))
    row = db_session.scalar(found.with_for_update() if lock else found)
    if row is None:
        raise NotFound(field="cultivation_id", kind="培育库记录", key=str(entry_id))
    return row, programme(row.programme_id)


def _basis(prog: Programme, clause: str, seed: str, quote: str) -> list[Basis]:
    return [access.basis(prog, clause, seed, quote)]


def may_file(actor: Actor, prog: Programme, by: StageActor, org: Organisation) -> bool:
    """Whether the caller files this route for this enterprise: the authority any route; the enterprise itself its
    own application; the county office of the enterprise's county its recommendation."""
    if policy.is_authority(actor, prog):
        return True
    if by is StageActor.APPLICANT:
        return actor.has(Permission.PROGRAMME_APPLY) and actor.organisation_id == org.id
    if by is StageActor.COUNTY:
        return (
            actor.has(Permission.PROGRAMME_MANAGE)
            and actor.organisation_id is None
            and access.is_county(actor.division_code)
            and actor.covers_division(org.division_code)
        )
    return False


def file(*, db_session: Session, clock: Clock, actor: Actor, programme_id: str, data: CultivationIn) -> Cultivation:
    """申请、推荐入库: by the route's party; the authority's own entry is admitted at once, others wait its decision."""
    prog = programme(programme_id)
    access.require_visible(actor, prog)
    pool = pool_of(prog)
    route = next((r for r in pool.routes if r.code == data.route), None)
    if route is None:
        names = "、".join(f"{r.code}（{r.label}）" for r in pool.routes)
        raise InvalidInput(field="route", reason=f"route：入库方式须为 {names}")
    org = db_session.get(Organisation, data.organisation_id)
    if org is None or not actor.covers_record(division_code=org.division_code, organisation_id=org.id):
        raise NotFound(field="organisation_id", kind="企业", key=str(data.organisation_id))
    if not divisions.contains(prog.division_code, org.division_code):
        raise RuleViolation(
            field="organisation_id",
            subcode="programmes.cultivation.outside",
            plan=prog.title,
            rule=f"{org.name}不在本市，不能加入{pool.label}",
            basis=_basis(prog, "培育库成员", pool.members.seed, pool.members.quote),
        )
    if not may_file(actor, prog, route.by, org):
        parties = {StageActor.APPLICANT: "企业本身", StageActor.COUNTY: "企业所在旗县区主管部门"}
        who = parties.get(route.by, prog.authority)
        raise Forbidden(
            subcode="programmes.cultivation.not_party",
            reason=f"“{route.label}”由{who}提出",
            basis=_basis(prog, route.label, route.seed, route.quote),
        )
    recommender = data.recommender
    if route.recommender_required and recommender is None:
        raise InvalidInput(field="recommender", reason="recommender：部门推荐须写明推荐部门")
    if route.by is StageActor.COUNTY and recommender is None:
        county = db_session.get(Division, actor.division_code or org.division_code)
        recommender = f"{county.name if county else org.division_code}主管部门"
    held = db_session.scalar(
        select(Cultivation.id).where(
            Cultivation.programme_id == prog.id,
            Cultivation.organisation_id == org.id,
            Cultivation.state.in_(OPEN),
        )
    )
    if held is not None:
        raise Conflict(
            field="organisation_id",
            subcode="programmes.cultivation.exists",
            reason=f"{org.name}已在{pool.label}或待纳入",
        )
    on = local_today(clock)
    authority = policy.is_authority(actor, prog)
    row = Cultivation(
        programme_id=prog.id,
        organisation_id=org.id,
        subject_name=org.name,
        division_code=org.division_code,
        route=route.code,
        recommender=None if route.by is StageActor.APPLICANT else recommender,
        reason=data.reason,
        state=CultivationState.ADMITTED if authority else CultivationState.PENDING,
        year=on.year,
        filed_on=on,
        filed_by=actor.username,
        decided_on=on if authority else None,
        decided_by=actor.username if authority else None,
        decision_note="主管部门登记即纳入" if authority else None,
        created_at=clock.now(),
    )
    db_session.add(row)
    record_change(db_session, clock, actor.username, "programme.cultivation.file", row, None)
    return row


def decide(*, db_session: Session, clock: Clock, actor: Actor, entry_id: int, data: DecideIn) -> Cultivation:
    """纳入 or not: the authority, once, on a pending entry."""
    row, prog = get(db_session, actor, entry_id, lock=True)
    pool = pool_of(prog)
    if not policy.is_authority(actor, prog):
        raise Forbidden(
            subcode="programmes.cultivation.not_authority",
            reason=f"是否纳入{pool.label}由{prog.authority}决定",
            basis=_basis(prog, pool.label, pool.seed, pool.quote),
        )
    if row.state is not CultivationState.PENDING:
        raise InvalidState(
            field="state", subcode="programmes.cultivation.state", reason=f"该记录已{row.state.label}，不能再决定"
        )
    before = snapshot(row)
    on = local_today(clock)
    row.state = CultivationState.ADMITTED if data.admit else CultivationState.DECLINED
    row.decided_on, row.decided_by, row.decision_note = on, actor.username, data.note
    if data.admit:
        row.year = on.year
    record_change(db_session, clock, actor.username, "programme.cultivation.decide", row, before)
    return row


def may_support(actor: Actor, prog: Programme, row: Cultivation) -> bool:
    """The authority, or the county office of the member's area (第十二条)."""
    if policy.is_authority(actor, prog):
        return True
    return (
        actor.has(Permission.PROGRAMME_MANAGE)
        and actor.organisation_id is None
        and access.is_county(actor.division_code)
        and actor.covers_division(row.division_code)
    )


def support(*, db_session: Session, clock: Clock, actor: Actor, entry_id: int, data: SupportIn) -> CultivationSupport:
    """Record training or guidance given to a member of the pool."""
    row, prog = get(db_session, actor, entry_id, lock=True)
    pool = pool_of(prog)
    if not may_support(actor, prog, row):
        raise Forbidden(
            subcode="programmes.cultivation.not_supporter",
            reason="培训和指导帮扶由主管部门或企业所在旗县区主管部门记录",
            basis=_basis(prog, "培育孵化和指导", pool.supporters.seed, pool.supporters.quote),
        )
    kinds = {s.code: s.label for s in pool.support}
    if data.kind not in kinds:
        names = "、".join(f"{k}（{v}）" for k, v in kinds.items())
        raise InvalidInput(field="kind", reason=f"kind：须为 {names}")
    if row.state is not CultivationState.ADMITTED:
        raise InvalidState(
            field="state",
            subcode="programmes.cultivation.not_member",
            reason=f"该企业{row.state.label}，尚不是培育库成员",
        )
    on = local_today(clock)
    if data.given_on > on or (row.decided_on is not None and data.given_on < row.decided_on):
        raise InvalidInput(field="given_on", reason="given_on：日期须在纳入培育库之后、今天之前（含）")
    found = CultivationSupport(
        cultivation_id=row.id,
        kind=data.kind,
        given_on=data.given_on,
        note=data.note,
        recorded_by=actor.username,
        at=clock.now(),
    )
    db_session.add(found)
    record_change(db_session, clock, actor.username, "programme.cultivation.support", found, None)
    return found


def supports_of(db_session: Session, ids: set[int]) -> dict[int, list[CultivationSupport]]:
    found: dict[int, list[CultivationSupport]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = select(CultivationSupport).where(CultivationSupport.cultivation_id.in_(ids))
    for row in db_session.scalars(rows.order_by(CultivationSupport.given_on, CultivationSupport.id)):
        found[row.cultivation_id].append(row)
    return found


def members(db_session: Session, actor: Actor, prog: Programme) -> list[Cultivation]:
    """The admitted members in the caller's scope (a round's page lists them against its applications)."""
    if prog.cultivation is None:
        return []
    found = select(Cultivation).where(
        Cultivation.programme_id == prog.id, Cultivation.state == CultivationState.ADMITTED, scope(actor)
    )
    return list(db_session.scalars(found.order_by(Cultivation.subject_name, Cultivation.id)))


def entry_of(db_session: Session, actor: Actor, prog: Programme, organisation_id: int | None) -> Cultivation | None:
    """An applicant's open entry (admitted or pending), as the caller may see it."""
    if prog.cultivation is None or organisation_id is None:
        return None
    found = select(Cultivation).where(
        Cultivation.programme_id == prog.id,
        Cultivation.organisation_id == organisation_id,
        Cultivation.state.in_(OPEN),
        scope(actor),
    )
    return db_session.scalar(found.order_by(Cultivation.id.desc()).limit(1))
