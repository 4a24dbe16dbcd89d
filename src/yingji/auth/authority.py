"""may_act_for(): which accounts may act for the deciding body a plan names — roles by kind of body, scope by place."""

from __future__ import annotations

from yingji.auth.actor import Actor
from yingji.auth.roles import Permission, Role
from yingji.plans.schema import Authority, GovernmentLevel, IssuingAuthority

OFFICER_OF_LEVEL = {GovernmentLevel.CITY: Role.CITY_OFFICER, GovernmentLevel.COUNTY: Role.COUNTY_OFFICER}

# Commanders act for governments, HQs and their chiefs; a bureau or an HQ office is staffed by the duty officers of
# that level of government, and commanders may act for them too.
LEADERSHIP = frozenset({Authority.GOVERNMENT, Authority.COMMANDER, Authority.HQ})
OFFICE = frozenset({Authority.DEPUTY_COMMANDER, Authority.HQ_OFFICE, Authority.DEPARTMENT})


def roles_for(authority: Authority, level: GovernmentLevel) -> frozenset[Role]:
    if authority in LEADERSHIP:
        return frozenset({Role.HQ_COMMANDER})
    if authority in OFFICE:
        officer = OFFICER_OF_LEVEL.get(level)
        return frozenset({Role.HQ_COMMANDER} | ({officer} if officer else set()))
    return frozenset()  # Authority.HIGHER: a higher HQ decides, under its own plan


def office_roles(level: GovernmentLevel) -> frozenset[Role]:
    """Who staffs a level of government's duty office or HQ (issues its warnings, releases its information)."""
    return roles_for(Authority.HQ_OFFICE, level)


# Making a warning needs the permission of the kind of body its colour comes from.
MAKES_WARNINGS = {
    IssuingAuthority.GOVERNMENT: Permission.WARNINGS_MANAGE,
    IssuingAuthority.METEOROLOGICAL: Permission.METEOROLOGICAL_WARNINGS,
}


def may_issue_as(actor: Actor, authority: IssuingAuthority, level: GovernmentLevel) -> bool:
    """Return whether the actor's role may speak for an issuing body of this kind at that level (place apart).

    Governments issue through their duty offices and HQs; the meteorological authority only through the accounts its
    permission is given to — 其它任何组织、个人不得制作和向社会发布 (003#L6 3.3.2).
    """
    if authority is IssuingAuthority.GOVERNMENT:
        return actor.role in office_roles(level)
    return actor.has(MAKES_WARNINGS[authority])


def may_act_for(actor: Actor, authority: Authority, *, plan_level: GovernmentLevel, jurisdiction: str) -> bool:
    """Return whether the actor may act for the plan's deciding body.

    The account must belong to that very level of government (its division is the plan's jurisdiction): a city
    commander is not the district HQ, so under 谁启动谁终止 it can neither start nor end the district's response.
    """
    return actor.role in roles_for(authority, plan_level) and actor.division_code == jurisdiction
