"""Who may act in a programme: the applicant enterprise, the county office of the applicant's division, the
programme's own authority (the city), or a drawn expert — each refusal names the rule that forbids it."""

from __future__ import annotations

import hashlib

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission
from yingji.core import divisions
from yingji.core.errors import Forbidden, NotFound, OutOfJurisdiction
from yingji.programmes.schema import Programme, Stage
from yingji.rules.basis import Basis


def person_key(id_number: str) -> str:
    """A person's ID number is kept only as this key (for one title per person), never in clear."""
    return hashlib.sha256(id_number.encode()).hexdigest()


def basis(programme: Programme, clause: str, seed: str | None, quote: str | None) -> Basis:
    return Basis(rule="programme", plan=programme.title, clause=clause, seed=seed, quote=quote)


def stage_basis(programme: Programme, stage: Stage) -> Basis:
    return basis(programme, stage.label, stage.seed, stage.quote)


def overlaps(actor: Actor, division_code: str) -> bool:
    """The caller's jurisdiction and a programme's area meet (a county officer sees the city's programme)."""
    if actor.is_unlimited:
        return True
    own = actor.division_code or actor.organisation_division
    if own is None:
        return False
    return divisions.contains(own, division_code) or divisions.contains(division_code, own)


def require_visible(actor: Actor, programme: Programme) -> None:
    if not overlaps(actor, programme.division_code):
        raise NotFound(field="programme", kind="评审项目", key=programme.id)


def is_county(code: str | None) -> bool:
    return code is not None and len(code) == 6 and not code.endswith("00")


def require_authority(actor: Actor, programme: Programme, stage: Stage | None = None) -> None:
    """The programme's own authority (an officer of its division, or an administrator)."""
    actor.require(Permission.PROGRAMME_MANAGE)
    if actor.is_unlimited or actor.division_code == programme.division_code:
        return
    rule = [stage_basis(programme, stage)] if stage else []
    raise Forbidden(reason=f"此事项由{programme.authority}办理", basis=rule)


def require_county(actor: Actor, programme: Programme, stage: Stage, division_code: str) -> None:
    """The county (旗县区) office where the applicant is registered or lives."""
    actor.require(Permission.PROGRAMME_MANAGE)
    if actor.is_unlimited:
        return
    if not is_county(actor.division_code):
        raise Forbidden(reason=f"“{stage.label}”由申报人所在旗县区主管部门办理", basis=[stage_basis(programme, stage)])
    if not actor.covers_division(division_code):
        raise OutOfJurisdiction(field="division_code", division=division_code)


def require_applicant(actor: Actor, programme: Programme, stage: Stage, organisation_id: int | None) -> None:
    actor.require(Permission.PROGRAMME_APPLY)
    if actor.organisation_id is None or actor.organisation_id != organisation_id:
        raise Forbidden(reason=f"“{stage.label}”由申报单位本身办理", basis=[stage_basis(programme, stage)])


def require_stage_actor(
    actor: Actor, programme: Programme, stage: Stage, *, division_code: str, organisation_id: int | None
) -> None:
    """The person who acts at this stage (an expert stage is decided by the authority once the scores are in)."""
    if stage.actor == "applicant":
        require_applicant(actor, programme, stage, organisation_id)
    elif stage.actor == "county":
        require_county(actor, programme, stage, division_code)
    else:
        require_authority(actor, programme, stage)
