"""矿山监管 pages (seed 002): the register of every mine's status in words with the city-wide lists (networking,
standardisation, insurance, overdue deadlines, ponds), one mine's page with the forms for what its read model allows,
and the register's own lists — the warning loop, pond dispositions, third-party agencies, the plan's evaluations and
the 12-hour reach. Everything is read through the supervision services in the caller's scope (a mine out of scope
answers 404 as a missing one); every step goes to /api/supervision from the browser."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from yingji.auth.actor import Actor
from yingji.core.clock import local_today, to_local
from yingji.core.paging import PageParams, Paging, paged
from yingji.core.params import RowId
from yingji.deps import CurrentClock, DbSession
from yingji.registry import nearest
from yingji.registry.enums import MineStatus, StandardisationGrade
from yingji.rules import supervision as rules
from yingji.supervision import policy, reads, service
from yingji.supervision.schemas import DeadlineFilters, EquipmentFilters, GoafFilters, WarningFilters
from yingji.web.common import Viewer, divisions_in_scope, guarded

router = APIRouter(include_in_schema=False)
SIDE_LIST = PageParams(limit=50, offset=0)
ONE_MINE = PageParams(limit=200, offset=0)  # a mine's goafs, machines, deadlines, warnings: all on its page
TABS = (
    ("/console/supervision", "各矿监管状态"),
    ("/console/supervision/warnings", "预警闭环"),
    ("/console/supervision/ponds", "尾矿库分类治理"),
    ("/console/supervision/agencies", "第三方机构"),
    ("/console/supervision/evaluations", "规划评估"),
    ("/console/supervision/reach", "12小时可达"),
)


def _stamp(value: str | None) -> str:
    """A stored ISO instant (a disposition's history, an evaluation's figures) as Beijing time."""
    return "—" if not value else to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


def _common(actor: Actor) -> dict[str, Any]:
    """What every register page shows: the tabs, the local-time helpers and the register-wide actions."""
    actions = {a.value for a in policy.register_actions(actor)}
    return {"tabs": TABS, "local": to_local, "stamp": _stamp, "register_actions": actions}


@router.get("/console/supervision", response_class=HTMLResponse)
def supervision_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:

    def build() -> dict[str, Any]:
        today = local_today(clock)
        found, total = service.mines(db_session=db_session, actor=actor, params=paging)
        overdue, overdue_total = service.deadlines(
            db_session=db_session, clock=clock, actor=actor, params=SIDE_LIST, filters=DeadlineFilters(overdue=True)
        )
        late, late_total = service.warnings(
            db_session=db_session, clock=clock, actor=actor, params=SIDE_LIST, filters=WarningFilters(overdue=True)
        )
        found_ponds, ponds_total = service.ponds(db_session=db_session, actor=actor, params=SIDE_LIST)
        ponds = reads.ponds(db_session, clock, actor, found_ponds)
        pending, pending_total = service.capacity_requests(
            db_session=db_session, actor=actor, params=SIDE_LIST, pending=True
        )
        faulty, faulty_total = service.equipment(
            db_session=db_session, actor=actor, params=SIDE_LIST, filters=EquipmentFilters(faulty_running=True)
        )
        every_mine = service.all_mines(db_session=db_session, actor=actor)
        cover = service.coverage(db_session=db_session, clock=clock, actor=actor)
        counts = service.networking(db_session=db_session, clock=clock, actor=actor)
        return {
            **_common(actor),
            "ponds": sorted(ponds, key=lambda p: not p.flags),  # the ponds needing attention first
            "ponds_total": ponds_total,
            "may_carry": bool(service.networking_targets(db_session, actor)),
            "rows": paged(reads.mines(db_session, clock, actor, found), total, paging),
            "networking": reads.networking(counts, clock.now()),
            "overdue": reads.deadlines(db_session, actor, overdue, today),
            "overdue_total": overdue_total,
            "late": reads.warnings(db_session, actor, late, clock.now()),
            "late_total": late_total,
            "pending": reads.capacity(db_session, actor, pending),
            "pending_total": pending_total,
            "faulty": reads.equipment(db_session, actor, faulty),
            "faulty_total": faulty_total,
            "share": reads.standardisation_share(db_session, actor, every_mine, today),
            "insurance": reads.insurance(db_session, actor, cover, today),
        }

    return guarded(request, actor, clock, "supervision.html", build)


@router.get("/console/supervision/mines/{mine_id}", response_class=HTMLResponse)
def mine_page(
    request: Request, mine_id: RowId, db_session: DbSession, clock: CurrentClock, actor: Viewer
) -> HTMLResponse:
    """One mine: its status and flags, then a section per register with the forms its read models allow."""

    def build() -> dict[str, Any]:
        today = local_today(clock)
        mine = service.visible_mine(db_session, actor, mine_id)
        status = reads.mines(db_session, clock, actor, [mine])[0]
        check = service.resume_check(db_session=db_session, clock=clock, actor=actor, mine_id=mine.id)
        goafs, goafs_total = service.goafs(
            db_session=db_session, actor=actor, params=ONE_MINE, filters=GoafFilters(mine_id=mine.id)
        )
        due, due_total = service.deadlines(
            db_session=db_session, clock=clock, actor=actor, params=ONE_MINE, filters=DeadlineFilters(mine_id=mine.id)
        )
        machines, machines_total = service.equipment(
            db_session=db_session, actor=actor, params=ONE_MINE, filters=EquipmentFilters(mine_id=mine.id)
        )
        warned, warned_total = service.warnings(
            db_session=db_session,
            clock=clock,
            actor=actor,
            params=ONE_MINE,
            filters=WarningFilters(mine_id=mine.id, urgent=True),
        )
        requests, _ = service.capacity_requests(db_session=db_session, actor=actor, params=SIDE_LIST, mine_id=mine.id)
        events = service.standardisation_events(db_session, [mine.id]).get(mine.id, [])
        cover = reads.insurance(
            db_session, actor, service.coverage(db_session=db_session, clock=clock, actor=actor), today
        )
        can = {a.value for a in status.allowed_actions}
        return {
            **_common(actor),
            "m": status,
            "can": can,
            "suspended": mine.status is MineStatus.SUSPENDED,
            "check": reads.resume_check(check),
            "censuses": reads.censuses(
                db_session, actor, service.censuses(db_session=db_session, actor=actor, mine_id=mine.id)
            ),
            "goafs": reads.goafs(db_session, actor, goafs),
            "goafs_total": goafs_total,
            "deadlines": reads.deadlines(db_session, actor, due, today),
            "deadlines_total": due_total,
            "machines": reads.equipment(db_session, actor, machines),
            "machines_total": machines_total,
            "warnings": reads.warnings(db_session, actor, warned, clock.now()),
            "warnings_total": warned_total,
            "requests": reads.capacity(db_session, actor, requests),
            "coal": mine.kind in service.COAL_KINDS,
            "standing": reads.standardisation_mine(actor, mine, events, today),
            "policies": [p for p in cover.policies if p.enterprise_id == mine.enterprise_id],
            "insurance": cover,
            "departments": service.departments(db_session, actor) if "set_supervisors" in can else [],
            "agencies": service.usable_agencies(db_session, actor) if "open_census" in can else [],
            "today": today,
            "vocab": _vocabulary(),
        }

    return guarded(request, actor, clock, "supervision_mine.html", build)


def _vocabulary() -> dict[str, dict[str, str]]:
    """The choices of the forms, in Chinese (the codes stay in the option values only)."""
    return {
        "factors": rules.FactorKind.labels(),
        "goaf_kinds": rules.GoafKind.labels(),
        "colours": rules.RiskColour.labels(),
        "goaf_states": rules.GoafState.labels(),
        "measures": rules.GoafMeasure.labels(),
        "categories": rules.EquipmentCategory.labels(),
        "conditions": rules.EquipmentCondition.labels(),
        "grades": StandardisationGrade.labels(),
        "capacity": rules.CapacityCondition.labels(),
        "dispositions": rules.PondDisposition.labels(),
        "evaluations": rules.EvaluationKind.labels(),
        "warning_states": rules.WarningState.labels(),
    }


@router.get("/console/supervision/warnings", response_class=HTMLResponse)
def warnings_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    overdue: bool = False,
) -> HTMLResponse:
    """The warning feedback loop (002#L302): overdue first, then those still open, then the closed ones."""

    def build() -> dict[str, Any]:
        filters = WarningFilters(overdue=overdue, urgent=True)
        found, total = service.warnings(db_session=db_session, clock=clock, actor=actor, params=paging, filters=filters)
        return {
            **_common(actor),
            "rows": paged(reads.warnings(db_session, actor, found, clock.now()), total, paging),
            "overdue": overdue,
            "basis": rules.WARNING_LOOP_BASIS,
        }

    return guarded(request, actor, clock, "supervision_warnings.html", build)


@router.get("/console/supervision/ponds", response_class=HTMLResponse)
def ponds_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    """Pond dispositions (达标整治 / 停用整改 / 闭库销号, 002#L293) with their steps, and the ponds to classify."""

    def build() -> dict[str, Any]:
        today = local_today(clock)
        found, total = service.dispositions(db_session=db_session, actor=actor, params=paging)
        every, _ = service.ponds(db_session=db_session, actor=actor, params=PageParams(limit=500, offset=0))
        ponds = reads.ponds(db_session, clock, actor, every)
        return {
            **_common(actor),
            "rows": paged(reads.dispositions(db_session, actor, found, today), total, paging),
            "classifiable": [p for p in ponds if "classify" in p.allowed_actions],
            "warnable": [p for p in ponds if "push_warning" in p.allowed_actions],
            "categories": rules.PondDisposition.labels(),
            "basis": rules.POND_BASIS,
            "today": today,
        }

    return guarded(request, actor, clock, "supervision_ponds.html", build)


@router.get("/console/supervision/agencies", response_class=HTMLResponse)
def agencies_page(
    request: Request,
    db_session: DbSession,
    clock: CurrentClock,
    actor: Viewer,
    paging: Paging,
    negative: bool | None = None,
) -> HTMLResponse:
    """Third-party agencies with their integrity scores and the negative list (002#L262)."""

    def build() -> dict[str, Any]:
        found, total = service.agencies(db_session=db_session, actor=actor, params=paging, negative=negative)
        common = _common(actor)
        return {
            **common,
            "rows": paged(reads.agencies(db_session, actor, found), total, paging),
            "negative": negative,
            "divisions": divisions_in_scope(db_session, actor) if "add_agency" in common["register_actions"] else [],
            "year": local_today(clock).year,
            "basis": rules.AGENCY_BASIS,
        }

    return guarded(request, actor, clock, "supervision_agencies.html", build)


EVIDENCE = {
    "census_completed": "本年度隐蔽致灾因素普查完成（矿山数）",
    "deadlines_overdue": "逾期改造节点（项）",
    "insurance_share": "安责险覆盖率",
    "coal_level_1_share": "煤矿一级标准化占比",
    "networking_share": "监测系统联网率",
    "as_of": "数据时点",
}


@router.get("/console/supervision/evaluations", response_class=HTMLResponse)
def evaluations_page(
    request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer, paging: Paging
) -> HTMLResponse:
    """The plan's mid-term (2028) and final (2030) evaluations: self-assessment, submission, the level above's
    conclusion (002#L367)."""

    def build() -> dict[str, Any]:
        found, total = service.evaluations(db_session=db_session, actor=actor, params=paging)
        openings = service.evaluation_openings(db_session, clock, actor)
        return {
            **_common(actor),
            "rows": paged(reads.evaluations(db_session, actor, found), total, paging),
            "openings": [(k.value, k.label, k.year, code) for k, code in openings],
            "evidence_labels": EVIDENCE,
            "site_classes": rules.SiteClass.labels(),
            "basis": rules.EVALUATION_BASIS,
        }

    return guarded(request, actor, clock, "supervision_evaluations.html", build)


@router.get("/console/supervision/reach", response_class=HTMLResponse)
def reach_page(request: Request, db_session: DbSession, clock: CurrentClock, actor: Viewer) -> HTMLResponse:
    """The sites no mine-rescue team or depot reaches within 12 hours by the travel-time estimate (002#L255)."""

    def build() -> dict[str, Any]:
        cache = getattr(request.app.state, "resource_index", None)
        index = cache.get(db_session) if cache is not None else nearest.load_index(db_session)
        found, unplaced = service.reach(db_session=db_session, actor=actor, index=index)
        return {**_common(actor), "reach": reads.reach(db_session, found, unplaced, rules.REACH_HOURS)}

    return guarded(request, actor, clock, "supervision_reach.html", build)
