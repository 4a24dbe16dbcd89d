"""What every mine and overhead tailings pond must hold before anything happens (Baotou's plans, seed 000): a rescue
team of its own or a rescue agreement with the nearest mine rescue team, and for a 头顶库 an emergency broadcast that
reaches everyone below it. Pure: the caller passes the registry's facts."""

from __future__ import annotations

from yingji.rules.basis import Basis

COAL_PLAN = "baotou-coal-2025"
NON_COAL_PLAN = "baotou-noncoal-2025"

COAL_RESCUE_BASIS = Basis(
    rule="rescue_agreement",
    plan=COAL_PLAN,
    clause="应急救援队伍",
    seed="000#L1405",
    quote="不具备建立条件的应当在所属煤矿建立兼职救援队，并与就近矿山救援队签订救援协议为其服务",
)
NON_COAL_RESCUE_BASIS = Basis(
    rule="rescue_agreement",
    plan=NON_COAL_PLAN,
    clause="应急救援队伍保障",
    seed="000#L632",
    quote="还应当与邻近的专业应急救援组织签订救援协议，或者与邻近的非煤矿山企业联合建立专业应急救援组织",
)
BROADCAST_BASIS = Basis(
    rule="overhead_pond_broadcast",
    plan=NON_COAL_PLAN,
    clause="物资保障",
    seed="000#L650",
    quote="尾矿库“头顶库”企业应当建立应急广播等通信系统",
)


def rescue_basis(coal: bool) -> Basis:
    return COAL_RESCUE_BASIS if coal else NON_COAL_RESCUE_BASIS


def rescue_cover_missing(*, has_agreement: bool, has_own_rescue_team: bool) -> bool:
    """Neither a rescue agreement nor a mine rescue team of the enterprise's own.

    Reading (recorded in docs/decisions.md): a coal enterprise with its own mine rescue team is covered (L1405 asks
    for an agreement only of those that cannot set one up); for a non-coal enterprise a professional team set up with
    neighbours counts as the alternative L632 names. The registry cannot tell a full-time team from a part-time one, so
    an own team counts either way — what is flagged is the mine no team is bound to at all."""
    return not has_agreement and not has_own_rescue_team


def broadcast_missing(*, is_overhead: bool, has_emergency_broadcast: bool) -> bool:
    return is_overhead and not has_emergency_broadcast
