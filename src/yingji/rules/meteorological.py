"""Meteorological warnings: allowed levels per hazard, signing authority, multi-hazard level, SMS duty."""

from __future__ import annotations

from collections.abc import Mapping

from yingji.core.errors import NotFound
from yingji.plans.schema import Hazard, Meteorological
from yingji.rules.basis import Decision
from yingji.rules.levels import WarningLevel


def hazard(weather: Meteorological, hazard_id: str) -> Hazard:
    found = next((h for h in weather.hazards if h.id == hazard_id), None)
    if found is None:
        raise NotFound(field="hazard", kind="气象灾害种类", key=hazard_id)
    return found


def hazard_level_allowed(
    weather: Meteorological, hazard_id: str, level: WarningLevel, *, plan_id: str
) -> Decision[bool]:
    """Return whether the plan grades this hazard at this level at all (e.g. 大雾 has no 红色)."""
    found = hazard(weather, hazard_id)
    spec = next((lvl for lvl in found.levels if lvl.level == level), None)
    basis = [weather.allowed_levels_basis.to_basis(rule="hazard_level_allowed", plan=plan_id)]
    if spec is not None:
        basis.append(spec.basis.to_basis(rule="hazard_level_allowed", plan=plan_id))
    return Decision(level in found.allowed_levels, tuple(basis))


def signer_for(weather: Meteorological, level: WarningLevel, *, plan_id: str) -> Decision[str]:
    """Return who signs the response order at this level."""
    rule = next(r for r in weather.signing if level in r.levels)  # the schema checks every level is covered
    return Decision(rule.signed_by, (rule.basis.to_basis(rule="signer_for", plan=plan_id),))


def combined_level(
    weather: Meteorological, levels: Mapping[str, WarningLevel], *, plan_id: str
) -> Decision[WarningLevel | None]:
    """Return the response level for several hazards at once: the most severe that meets its criteria."""
    for hazard_id, level in levels.items():
        if level not in hazard(weather, hazard_id).allowed_levels:
            return Decision(None, (), notes=(f"{hazard_id} 不设{level.label}级别",))
    basis = tuple(b.to_basis(rule="combined_level", plan=plan_id) for b in weather.multi_hazard.basis)
    if not levels:
        return Decision(None, basis, notes=("各灾种均未达标准时，依损失和影响综合研判启动相应级别",))
    return Decision(min(levels.values()), basis)


def network_sms_required(weather: Meteorological, hazard_id: str, *, plan_id: str) -> Decision[bool]:
    """Return whether a warning of this hazard must go out as a network-wide public SMS."""
    required = hazard(weather, hazard_id).requires_network_sms
    basis = (weather.network_sms_basis.to_basis(rule="network_sms_required", plan=plan_id),) if required else ()
    return Decision(required, basis)
